package layout

import (
	"regexp"
	"strconv"
	"strings"
)

// ColumnPlaceholder stands for the column id in table row field ids and
// conditions: Q3.T1.{col}.13 → Q3.T1.B.13.
const ColumnPlaceholder = "{col}"

// idRE is the shape of a field id: ASCII parts joined by dots; a table row's id
// has {col} as one part.
var idRE = regexp.MustCompile(`^[A-Za-z0-9_]+(\.([A-Za-z0-9_]+|\{col\}))+$`)

// Field is one place on the paper where a respondent writes or ticks something
// (FIELDS.md §2). Fields come from a Catalog and are shared: do not modify them.
//
// A table row's field is a template whose ID contains {col}; Catalog.Field and
// Field.Bind return it bound to one column (Column set, {col} replaced in ID,
// When and Check).
type Field struct {
	ID        string
	Label     string // the printed prompt; text in 〔 〕 is context added by the codebook
	Type      Type
	Options   []Option   // ordered by code; tick, code, codes and links only
	When      *Condition // nil: the field always applies
	Required  bool       // a null where When holds is a missing answer
	Unit      string     // 万元, ％, 人, 个, 万人 or ""
	Min, Max  *float64   // hard bounds, nil if none
	Precision string     // date: year, month or day (a hint, not a rule)
	Exclusive []int      // codes: an option that must be the only one when present
	Check     *Condition // soft rule, nil if none
	Section   string     // the heading the field sits under, if it has no blank of its own
	Note      string

	// SelectedBy maps a tick option that has no printed box to the field whose
	// blank selects it when filled in (Q1.1 option 3 → Q1.1.other).
	SelectedBy map[int]string

	Form   string // form id, e.g. Q1
	Table  string // table id for table cells (T1, T2), "" otherwise
	Row    int    // table row number (栏), 0 outside tables
	Part   string // suffix after the row inside a cell: "", "other", "version", "model"
	Column string // bound column id (A, II), "" for non-table fields and templates
	Header bool   // a form header field (Q3.province, Q3.city, Q3.region_code)

	// Anchor says where recognition finds the field on the printed page.
	Anchor Anchor

	question string // 第1题, 表头, 表1第5栏
	table    *Table
}

// AnchorKind says how a field appears on paper.
type AnchorKind int

const (
	// AnchorNone: the field is not printed on its own (not used by this catalog).
	AnchorNone AnchorKind = iota
	// AnchorBlank: a printed write-in blank (underline) on a paragraph.
	AnchorBlank
	// AnchorArea: no printed line; the answer is written in the space after a
	// paragraph (open questions such as Q1.17). Before holds that paragraph's text.
	AnchorArea
	// AnchorBoxes: a tick field; Boxes lists its printed （ ） boxes.
	AnchorBoxes
	// AnchorCell: a table cell; Field.Table, Field.Row and Field.Column locate it.
	// Fields with a Part share their row's cell with the row's main value.
	AnchorCell
)

// String names the kind.
func (k AnchorKind) String() string {
	switch k {
	case AnchorNone:
		return "none"
	case AnchorBlank:
		return "blank"
	case AnchorArea:
		return "area"
	case AnchorBoxes:
		return "boxes"
	case AnchorCell:
		return "cell"
	}
	return "AnchorKind(" + strconv.Itoa(int(k)) + ")"
}

// Anchor is what recognition needs to find a field on a page without page
// numbers or coordinates: printed text near the blank, in the paragraph order of
// the form's paper template (Catalog.Paper). Text is as printed, so an OCR engine
// can match it fuzzily against what it reads, whatever the line breaks.
type Anchor struct {
	Kind AnchorKind
	// Paragraph is the index in Catalog.Paper(form) of the paragraph holding the
	// blank (AnchorBlank, AnchorArea) or the first box (AnchorBoxes), or of the
	// @table line where a cell's grid is printed (AnchorCell).
	Paragraph int
	// Before is the printed text right before the blank, back to the previous
	// blank or box or the start of the paragraph, spaces trimmed: the label the
	// blank follows (“a．成立时间”). Empty when the blank starts its paragraph.
	Before string
	// After is the printed text right after the blank, up to the next blank or box
	// or the end of the paragraph (“省（自治区、直辖市）” for Q3.province).
	After string
	// Index is which blank of its paragraph this is (1-based), Count how many
	// blanks the paragraph has. On a printed line the n-th blank is the n-th
	// underline after its label.
	Index, Count int
	// Width is the printed width of the blank in full-width characters (0 for areas).
	Width int
	// Boxes lists a tick field's printed boxes in print order.
	Boxes []BoxAnchor
	// OptionParagraphs are the indexes of the paragraphs that print the options of
	// a code or codes field (①… lines after its blank), where a respondent may
	// circle or tick an option instead of writing its code.
	OptionParagraphs []int
}

// BoxAnchor is one printed “（ ）” box of a tick field.
type BoxAnchor struct {
	Option    int    // the option code the box selects
	Paragraph int    // index in Catalog.Paper(form)
	Label     string // printed text before the box on its paragraph, e.g. “（1）是”
}

// IsTemplate reports whether f is a table row declaration not bound to a column.
func (f *Field) IsTemplate() bool { return strings.Contains(f.ID, ColumnPlaceholder) }

// Option returns the option with the given code.
func (f *Field) Option(code int) (Option, bool) {
	for _, o := range f.Options {
		if o.Code == code {
			return o, true
		}
	}
	return Option{}, false
}

// Bind returns the table row field bound to column col ({col} replaced in ID,
// When and Check). It returns f itself for non-table fields. col is not
// checked; Catalog.Field checks it.
func (f *Field) Bind(col string) *Field {
	if f.Table == "" {
		return f
	}
	tpl := f
	if !f.IsTemplate() {
		tpl = f.table.templates[f.Row][f.Part]
	}
	b := *tpl
	b.ID = strings.ReplaceAll(tpl.ID, ColumnPlaceholder, col)
	b.When = tpl.When.bind(col)
	b.Check = tpl.Check.bind(col)
	b.Column = col
	b.question = tpl.table.cellQuestion(tpl.Row, col)
	return &b
}

// Question names the field's question for a reviewer, in Chinese: “第1题”,
// “表头” for the Q3 header, “表1 系统A 第5栏” for a table cell (“表1 第5栏” for an
// unbound row).
func (f *Field) Question() string { return f.question }

// Describe is the field as a reviewer reads it: “第1题 成立时间”.
func (f *Field) Describe() string {
	if f.question == "" {
		return f.Label
	}
	return f.question + " " + f.Label
}

// TableRef returns the table of a table cell field, or nil.
func (f *Field) TableRef() *Table { return f.table }
