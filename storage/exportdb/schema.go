package exportdb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"papergate/layout"
)

// column is one typed column of an analysis table, holding one field.
type column struct {
	Name    string // SQL identifier, see ColumnName
	Type    string // SQL type as created: integer, bigint, numeric, text, integer[], text[]
	UDT     string // information_schema.columns.udt_name of Type: int4, int8, numeric, text, _int4, _text
	FieldID string // the field id; {col} for table rows
	Comment string // the field's Chinese label
	field   *layout.Field
}

// table is one analysis table: a form's fields (q1, q2, q3) or a Q3 table's rows
// (q3_t1, q3_t2).
type table struct {
	Name    string
	Comment string
	Form    string
	Table   string // "" for a form table
	Columns []column
	layout  *layout.Table
}

// schema is every per-form table the catalog calls for, in catalog order.
type schema struct {
	Tables []table
	byName map[string]*table
	hash   string // digest of the tables, columns and dictionary: changes when the forms do
}

// ColumnName is the column that holds field f in the analysis tables: the field id
// in lower case with dots as underscores (Q1.1.1.e.name → q1_1_1_e_name) in a form
// table; in a Q3 table, where a row holds one system column, r<row>[_<part>]
// (Q3.T1.{col}.13.version → r13_version in q3_t1).
func ColumnName(f *layout.Field) string {
	if f.Table != "" {
		if f.Part != "" {
			return fmt.Sprintf("r%d_%s", f.Row, strings.ToLower(f.Part))
		}
		return fmt.Sprintf("r%d", f.Row)
	}
	return strings.ToLower(strings.ReplaceAll(f.ID, ".", "_"))
}

// TableName is the analysis table of a form (Q1 → q1) or a form's table (T1 of Q3 →
// q3_t1).
func TableName(form, tableID string) string {
	if tableID == "" {
		return strings.ToLower(form)
	}
	return strings.ToLower(form + "_" + tableID)
}

// sqlType is the column type of a value type (FIELDS.md §3).
func sqlType(t layout.Type) (typ, udt string) {
	switch t {
	case layout.TypeTick, layout.TypeCode:
		return "integer", "int4"
	case layout.TypeInt:
		return "bigint", "int8"
	case layout.TypeDecimal, layout.TypePercent:
		return "numeric", "numeric"
	case layout.TypeCodes:
		return "integer[]", "_int4"
	case layout.TypeLinks:
		return "text[]", "_text"
	}
	return "text", "text" // dates are kept as text at their precision: 2001, 2001-03, 2001-03-18
}

// buildSchema derives the analysis tables from a catalog. Two fields that map to
// one column, or a name PostgreSQL would truncate, are an error.
func buildSchema(cat *layout.Catalog) (*schema, error) {
	s := &schema{byName: map[string]*table{}}
	add := func(t table) error {
		seen := map[string]string{}
		for _, c := range t.Columns {
			if len(c.Name) > 63 {
				return fmt.Errorf("exportdb: column %s of %s is longer than 63 bytes", c.Name, t.Name)
			}
			if prev, ok := seen[c.Name]; ok {
				return fmt.Errorf("exportdb: fields %s and %s both map to column %s.%s", prev, c.FieldID, t.Name, c.Name)
			}
			seen[c.Name] = c.FieldID
		}
		if _, ok := s.byName[t.Name]; ok {
			return fmt.Errorf("exportdb: two tables named %s", t.Name)
		}
		s.Tables = append(s.Tables, t)
		return nil
	}
	col := func(f *layout.Field, comment string) column {
		typ, udt := sqlType(f.Type)
		return column{Name: ColumnName(f), Type: typ, UDT: udt, FieldID: f.ID, Comment: comment, field: f}
	}
	for _, form := range cat.Forms() {
		t := table{Name: TableName(form.ID, ""), Form: form.ID, Comment: form.Label + "：每份填报一行"}
		for _, f := range append(append([]*layout.Field{}, form.Fields...), form.Header...) {
			t.Columns = append(t.Columns, col(f, fmt.Sprintf("%s %s（%s）", f.Question(), f.Label, f.ID)))
		}
		if err := add(t); err != nil {
			return nil, err
		}
		for _, lt := range form.Tables {
			tt := table{Name: TableName(form.ID, lt.ID), Form: form.ID, Table: lt.ID, layout: lt,
				Comment: fmt.Sprintf("%s：每份填报的每个系统列一行", lt.Label)}
			for _, row := range lt.Rows {
				for _, f := range row.Fields {
					tt.Columns = append(tt.Columns, col(f, fmt.Sprintf("第%d栏 %s（%s）", row.Number, f.Label, f.ID)))
				}
			}
			if err := add(tt); err != nil {
				return nil, err
			}
		}
	}
	for i := range s.Tables {
		s.byName[s.Tables[i].Name] = &s.Tables[i]
	}
	b, err := json.Marshal(struct {
		V      int
		Tables []table
		Dict   []dictEntry
	}{schemaVersion, s.Tables, dictionary(cat)})
	if err != nil {
		return nil, fmt.Errorf("exportdb: %w", err)
	}
	h := sha256.Sum256(b)
	s.hash = hex.EncodeToString(h[:])
	return s, nil
}

// schemaVersion changes when the fixed tables change.
const schemaVersion = 1

// dictEntry is one row of the data dictionary.
type dictEntry struct {
	FieldID, Form, TableName, ColumnName, Type, SQLType, Label, Question, Section, Unit, When, Note string
	TableID, Part                                                                                   string
	Row, Position                                                                                   int
	Required                                                                                        bool
	Options                                                                                         []layout.Option
}

// dictionary lists every field definition (table rows with {col}) in codebook order.
func dictionary(cat *layout.Catalog) []dictEntry {
	var out []dictEntry
	for _, form := range cat.Forms() {
		for _, f := range form.Definitions() {
			typ, _ := sqlType(f.Type)
			e := dictEntry{FieldID: f.ID, Form: form.ID, TableName: TableName(form.ID, f.Table), ColumnName: ColumnName(f),
				Type: string(f.Type), SQLType: typ, Label: f.Label, Question: f.Question(), Section: f.Section, Unit: f.Unit,
				Note: f.Note, TableID: f.Table, Part: f.Part, Row: f.Row, Position: len(out) + 1, Required: f.Required,
				Options: f.Options}
			if f.When != nil {
				e.When = f.When.String()
			}
			out = append(out, e)
		}
	}
	return out
}
