package layout

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// Catalog is a loaded set of questionnaires: forms, fields, tables, paper
// templates and unit levels. It is immutable after loading and safe for
// concurrent use.
type Catalog struct {
	Name          string // 2006年劳动保障信息系统普查表
	Version       string
	ReferenceDate string // the date answers refer to unless a question says otherwise

	levels []UnitLevel
	forms  []*Form
	byForm map[string]*Form
	fields map[string]*Field // non-table fields and table row templates
	tables map[string]*Table
	cover  []PaperLine
}

// Form is one questionnaire (问卷（一）…).
type Form struct {
	ID          string  // Q1
	Label       string  // 问卷（一）
	Respondents []Level // unit levels that fill in the form
	Intro       string  // the printed sentence under the title
	Fields      []*Field
	Header      []*Field // printed above the tables (Q3)
	Tables      []*Table

	paper []PaperLine
}

//go:embed forms/*.yaml forms/*.paper
var embedded embed.FS

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	sub, err := fs.Sub(embedded, "forms")
	if err != nil {
		return nil, fmt.Errorf("layout: embedded forms: %w", err)
	}
	return Load(sub)
})

// Default returns the catalog embedded in the package (forms/). It is loaded
// once. It panics if the embedded definitions are broken, which the package's
// tests rule out.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// Paper returns the paper template of a form of the Default catalog; see
// Catalog.Paper.
func Paper(formID string) ([]PaperLine, error) { return Default().Paper(formID) }

// Forms returns the forms in print order.
func (c *Catalog) Forms() []*Form { return slices.Clone(c.forms) }

// Form returns the form with the given id, or an error wrapping ErrNotFound.
func (c *Catalog) Form(id string) (*Form, error) {
	f, ok := c.byForm[id]
	if !ok {
		return nil, fmt.Errorf("layout: form %q: %w", id, ErrNotFound)
	}
	return f, nil
}

// Levels returns the unit levels in catalog order.
func (c *Catalog) Levels() []UnitLevel {
	out := slices.Clone(c.levels)
	for i := range out {
		out[i].Forms = slices.Clone(out[i].Forms)
	}
	return out
}

// Level returns the unit level with the given id, or an error wrapping ErrNotFound.
func (c *Catalog) Level(id Level) (UnitLevel, error) {
	for _, l := range c.levels {
		if l.ID == id {
			l.Forms = slices.Clone(l.Forms)
			return l, nil
		}
	}
	return UnitLevel{}, fmt.Errorf("layout: unit level %q: %w", id, ErrNotFound)
}

// FormsForLevel returns the forms a unit of the given level fills in, in print
// order (province: Q1, Q3).
func (c *Catalog) FormsForLevel(level Level) ([]*Form, error) {
	l, err := c.Level(level)
	if err != nil {
		return nil, err
	}
	out := make([]*Form, 0, len(l.Forms))
	for _, id := range l.Forms {
		out = append(out, c.byForm[id])
	}
	return out, nil
}

// Field returns the field with the given id. Table cell ids are resolved to their
// row's field bound to the column: Q3.T1.B.13.version → the row 13 version field
// of column B. A row id with {col} returns the unbound row field. Unknown ids and
// invalid column ids give an error wrapping ErrNotFound.
func (c *Catalog) Field(id string) (*Field, error) {
	if f, ok := c.fields[id]; ok {
		return f, nil
	}
	for _, t := range c.tables {
		col, rest, ok := t.ParseCellID(id)
		if !ok {
			continue
		}
		if f, ok := c.fields[t.prefix()+ColumnPlaceholder+"."+rest]; ok {
			return f.Bind(col), nil
		}
	}
	return nil, fmt.Errorf("layout: field %q: %w", id, ErrNotFound)
}

// Table returns the table with the given id (T1), or an error wrapping ErrNotFound.
// Table ids are unique across a catalog.
func (c *Catalog) Table(id string) (*Table, error) {
	t, ok := c.tables[id]
	if !ok {
		return nil, fmt.Errorf("layout: table %q: %w", id, ErrNotFound)
	}
	return t, nil
}

// Paper returns the printed text of a form as paragraphs with its blanks, boxes
// and table grids (forms/<id>.paper). The slice is a copy the caller may keep.
func (c *Catalog) Paper(formID string) ([]PaperLine, error) {
	f, err := c.Form(formID)
	if err != nil {
		return nil, err
	}
	return clonePaper(f.paper), nil
}

// Cover returns the cover page printed before the first form (普查表说明); it has
// no fields.
func (c *Catalog) Cover() []PaperLine { return clonePaper(c.cover) }

func clonePaper(p []PaperLine) []PaperLine {
	out := slices.Clone(p)
	for i := range out {
		out[i].Segments = slices.Clone(out[i].Segments)
	}
	return out
}

// Definitions returns every field of the form as defined, in codebook order:
// fields, header, then each table's rows with {col} in their ids.
func (f *Form) Definitions() []*Field {
	out := slices.Clone(f.Fields)
	out = append(out, f.Header...)
	for _, t := range f.Tables {
		for _, r := range t.Rows {
			out = append(out, r.Fields...)
		}
	}
	return out
}

// ExportFields returns the fields of the form in export order (FIELDS.md §6):
// fields and header in codebook order, then each table column by column in the
// order given by columns (keyed by table id, e.g. {"T1": {"A", "B"}}), row by row
// within a column. Tables without an entry contribute nothing.
func (f *Form) ExportFields(columns map[string][]string) []*Field {
	out := slices.Clone(f.Fields)
	out = append(out, f.Header...)
	for _, t := range f.Tables {
		for _, col := range columns[t.ID] {
			out = append(out, t.Cells(col)...)
		}
	}
	return out
}

// ExportFields returns the fields of every form in export order: form by form,
// as Form.ExportFields.
func (c *Catalog) ExportFields(columns map[string][]string) []*Field {
	var out []*Field
	for _, f := range c.forms {
		out = append(out, f.ExportFields(columns)...)
	}
	return out
}

// Table returns the form's table with the given id, or an error wrapping ErrNotFound.
func (f *Form) Table(id string) (*Table, error) {
	for _, t := range f.Tables {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, fmt.Errorf("layout: form %s: table %q: %w", f.ID, id, ErrNotFound)
}

// formOf returns the form id of a field id (its first part).
func formOf(id string) string {
	form, _, _ := strings.Cut(id, ".")
	return form
}
