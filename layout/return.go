package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Return is one reporting unit's answers in the JSON shape of FIELDS.md §6:
//
//	{"unit": {"region_code": "330000", "level": "province"},
//	 "forms": {"Q1": {"Q1.1": 1, …}, "Q3": {…}},
//	 "issues": {"Q1.1.1.e.fax": {"raw": "同上", "reason": "…"}}}
//
// Values are typed by their field (see the package comment); nil is null.
// json.Unmarshal types values with the Default catalog (Catalog.DecodeReturn for
// another); json.Marshal is deterministic (keys sorted).
type Return struct {
	Unit   Unit              `json:"unit"`
	Forms  map[string]Values `json:"forms"`
	Issues map[string]Issue  `json:"issues,omitempty"`
}

// Unit identifies the reporting unit.
type Unit struct {
	RegionCode string `json:"region_code"` // 6 digits, e.g. 330000
	Level      Level  `json:"level"`
}

// Values maps field ids of one form to their typed values (nil for null).
type Values map[string]any

// Value returns the value of a field id in its form, nil if absent or null.
// UnitLevelRef returns the unit level as a string.
func (r *Return) Value(id string) any {
	if id == UnitLevelRef {
		return string(r.Unit.Level)
	}
	return r.Forms[formOf(id)][id]
}

// Set stores v (nil for null) as the value of field id, creating the form's map
// if needed.
func (r *Return) Set(id string, v any) {
	if r.Forms == nil {
		r.Forms = map[string]Values{}
	}
	form := formOf(id)
	if r.Forms[form] == nil {
		r.Forms[form] = Values{}
	}
	r.Forms[form][id] = v
}

// JSON returns the return as indented JSON with a final newline, keys sorted:
// the form used for ground-truth files.
func (r *Return) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("layout: encode return: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalJSON decodes a return, typing each value by its field in the Default
// catalog. Unknown field ids and values of the wrong JSON type are errors.
func (r *Return) UnmarshalJSON(data []byte) error {
	got, err := Default().DecodeReturn(data)
	if err != nil {
		return err
	}
	*r = *got
	return nil
}

// returnDoc is Return without its UnmarshalJSON, with raw values.
type returnDoc struct {
	Unit   Unit                                  `json:"unit"`
	Forms  map[string]map[string]json.RawMessage `json:"forms"`
	Issues map[string]Issue                      `json:"issues"`
}

// DecodeReturn decodes a return in the JSON shape of FIELDS.md §6, typing each
// value by its field. Top-level keys other than unit, forms and issues (such as
// an extract's confidence) are ignored. An unknown field id, a field filed under
// another form or a value of the wrong JSON type is an error wrapping ErrNotFound
// or ErrValue.
func (c *Catalog) DecodeReturn(data []byte) (*Return, error) {
	var doc returnDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("layout: decode return: %w", err)
	}
	r := &Return{Unit: doc.Unit, Forms: map[string]Values{}, Issues: doc.Issues}
	for form, vals := range doc.Forms {
		if _, err := c.Form(form); err != nil {
			return nil, fmt.Errorf("layout: decode return: %w", err)
		}
		out := make(Values, len(vals))
		for id, raw := range vals {
			f, err := c.Field(id)
			if err != nil {
				return nil, fmt.Errorf("layout: decode return: %w", err)
			}
			if f.Form != form {
				return nil, fmt.Errorf("layout: decode return: field %s filed under form %s: %w", id, form, ErrValue)
			}
			if out[id], err = f.DecodeValue(raw); err != nil {
				return nil, fmt.Errorf("layout: decode return: %w", err)
			}
		}
		r.Forms[form] = out
	}
	return r, nil
}

// DecodeValue decodes one JSON value of the field into its Go type: int64 for
// tick, code and int; float64 for decimal and percent; []int for codes; []string
// for links; string otherwise; nil for null. A value of another JSON type, a
// fraction for an integer type or an empty list is an error wrapping ErrValue.
// It does not check options, ranges or formats; Validate does.
func (f *Field) DecodeValue(raw json.RawMessage) (any, error) {
	bad := func(want string) error {
		return fmt.Errorf("layout: field %s: %s is not %s: %w", f.ID, shorten(string(raw)), want, ErrValue)
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("layout: field %s: %v: %w", f.ID, err, ErrValue)
	}
	switch f.Type {
	case TypeTick, TypeCode, TypeInt:
		n, ok := v.(json.Number)
		if !ok {
			return nil, bad("an integer")
		}
		i, err := n.Int64()
		if err != nil {
			return nil, bad("an integer")
		}
		return i, nil
	case TypeDecimal, TypePercent:
		n, ok := v.(json.Number)
		if !ok {
			return nil, bad("a number")
		}
		x, err := n.Float64()
		if err != nil {
			return nil, bad("a number")
		}
		return x, nil
	case TypeCodes:
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, bad("a non-empty array of integers")
		}
		out := make([]int, len(list))
		for i, e := range list {
			n, ok := e.(json.Number)
			if !ok {
				return nil, bad("a non-empty array of integers")
			}
			x, err := n.Int64()
			if err != nil {
				return nil, bad("a non-empty array of integers")
			}
			out[i] = int(x)
		}
		return out, nil
	case TypeLinks:
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, bad("a non-empty array of strings")
		}
		out := make([]string, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, bad("a non-empty array of strings")
			}
			out[i] = s
		}
		return out, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, bad("a string")
	}
	return s, nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Columns returns the present columns of table t in v: the columns with at least
// one non-null cell (FIELDS.md §5), in column order. Cell ids whose column is not
// valid for the table are ignored.
func (v Values) Columns(t *Table) []string {
	seen := map[string]bool{}
	for id, val := range v {
		col, _, ok := t.ParseCellID(id)
		if ok && !isNull(val) {
			seen[col] = true
		}
	}
	cols := make([]string, 0, len(seen))
	for c := range seen {
		cols = append(cols, c)
	}
	t.SortColumns(cols)
	return cols
}

// writtenColumns returns every column of t with at least one key in v, null or not.
func (v Values) writtenColumns(t *Table) []string {
	seen := map[string]bool{}
	for id := range v {
		if col, _, ok := t.ParseCellID(id); ok {
			seen[col] = true
		}
	}
	cols := make([]string, 0, len(seen))
	for c := range seen {
		cols = append(cols, c)
	}
	t.SortColumns(cols)
	return cols
}

// sortedKeys returns the keys of v sorted by code point.
func (v Values) sortedKeys() []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// FormatValue renders a typed value for people and CSV cells (FIELDS.md §6):
// null → "", codes and links joined with ";", numbers without trailing zeros.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []int:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = fmt.Sprint(n)
		}
		return strings.Join(parts, ";")
	case []string:
		return strings.Join(x, ";")
	case float64:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}
