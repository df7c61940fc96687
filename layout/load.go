package layout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The YAML documents of a catalog (README.md, "Form definitions"). Decoding is
// strict: an unknown key is an error.

type catalogDoc struct {
	Catalog           string    `yaml:"catalog"`
	Version           string    `yaml:"version"`
	ReferenceDate     string    `yaml:"reference_date"`
	ReferenceDateNote string    `yaml:"reference_date_note"`
	Cover             string    `yaml:"cover"`
	UnitLevels        yaml.Node `yaml:"unit_levels"`
	Forms             []string  `yaml:"forms"`
}

type levelDoc struct {
	Label string   `yaml:"label"`
	Forms []string `yaml:"forms"`
}

type formDoc struct {
	ID          string     `yaml:"id"`
	Label       string     `yaml:"label"`
	Respondents []Level    `yaml:"respondents"`
	Intro       string     `yaml:"intro"`
	Paper       string     `yaml:"paper"`
	Fields      []fieldDoc `yaml:"fields"`
	Header      []fieldDoc `yaml:"header"`
	Tables      []tableDoc `yaml:"tables"`
}

type fieldDoc struct {
	ID         string         `yaml:"id"`
	Label      string         `yaml:"label"`
	Type       string         `yaml:"type"`
	Options    map[int]string `yaml:"options"`
	When       string         `yaml:"when"`
	Required   *bool          `yaml:"required"`
	Unit       string         `yaml:"unit"`
	Min        *float64       `yaml:"min"`
	Max        *float64       `yaml:"max"`
	Precision  string         `yaml:"precision"`
	Exclusive  []int          `yaml:"exclusive"`
	Check      string         `yaml:"check"`
	Section    string         `yaml:"section"`
	Note       string         `yaml:"note"`
	SelectedBy map[int]string `yaml:"selected_by"`
}

type tableDoc struct {
	ID         string         `yaml:"id"`
	Number     int            `yaml:"number"`
	Label      string         `yaml:"label"`
	CellID     string         `yaml:"cell_id"`
	Columns    columnsDoc     `yaml:"columns"`
	Notes      map[int]string `yaml:"notes"`
	NotesQuirk string         `yaml:"notes_quirk"`
	Rows       []rowDoc       `yaml:"rows"`
}

type columnsDoc struct {
	IDs      string            `yaml:"ids"`
	Pattern  string            `yaml:"pattern"`
	Printed  []string          `yaml:"printed"`
	Scheme   ColumnScheme      `yaml:"scheme"`
	Headers  []string          `yaml:"headers"`
	Label    string            `yaml:"label"`
	Note     string            `yaml:"note"`
	Numerals map[string]string `yaml:"numerals"`
}

type rowDoc struct {
	Row     int        `yaml:"row"`
	Section string     `yaml:"section"`
	Label   string     `yaml:"label"`
	Starred bool       `yaml:"starred"`
	Note    string     `yaml:"note"`
	Fields  []fieldDoc `yaml:"fields"`
}

func decodeStrict(name string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty document: %w", name, ErrInvalidCatalog)
		}
		return fmt.Errorf("%s: %v: %w", name, err, ErrInvalidCatalog)
	}
	return nil
}

// Load reads a catalog from fsys: catalog.yaml, the form files it lists and their
// paper templates (README.md describes the format). Every definition is checked:
// an unknown key, type, condition syntax or field reference, a template that does
// not show every field exactly once, … is an error wrapping ErrInvalidCatalog or
// ErrSyntax.
func Load(fsys fs.FS) (*Catalog, error) {
	c, err := load(fsys)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	return c, nil
}

func load(fsys fs.FS) (*Catalog, error) {
	data, err := fs.ReadFile(fsys, "catalog.yaml")
	if err != nil {
		return nil, err
	}
	var doc catalogDoc
	if err := decodeStrict("catalog.yaml", data, &doc); err != nil {
		return nil, err
	}
	c := &Catalog{
		Name: doc.Catalog, Version: doc.Version, ReferenceDate: doc.ReferenceDate,
		byForm: map[string]*Form{}, fields: map[string]*Field{}, tables: map[string]*Table{},
	}
	for _, name := range doc.Forms {
		if err := c.loadForm(fsys, name); err != nil {
			return nil, err
		}
	}
	if err := c.loadLevels(&doc.UnitLevels); err != nil {
		return nil, err
	}
	if doc.Cover != "" {
		if c.cover, err = readPaper(fsys, doc.Cover); err != nil {
			return nil, err
		}
		for _, l := range c.cover {
			if l.Kind == LineTable || len(l.Blanks()) > 0 || slices.ContainsFunc(l.Segments, func(s Segment) bool { return s.Kind == SegBox }) {
				return nil, invalidf("%s:%d: the cover page has no fields", doc.Cover, l.Source)
			}
		}
	}
	for _, f := range c.forms {
		if err := c.checkConditions(f); err != nil {
			return nil, err
		}
		if err := c.checkPaper(f); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalidCatalog)
}

func readPaper(fsys fs.FS, name string) ([]PaperLine, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return parsePaper(name, data)
}

func (c *Catalog) loadLevels(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return invalidf("catalog.yaml: unit_levels must be a non-empty mapping")
	}
	for i := 0; i < len(n.Content); i += 2 {
		id := Level(n.Content[i].Value)
		var d levelDoc
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		if err := enc.Encode(n.Content[i+1]); err != nil {
			return fmt.Errorf("unit level %s: %w", id, err)
		}
		if err := decodeStrict("catalog.yaml unit level "+string(id), buf.Bytes(), &d); err != nil {
			return err
		}
		if _, err := c.Level(id); err == nil {
			return invalidf("unit level %s defined twice", id)
		}
		for _, fid := range d.Forms {
			f, ok := c.byForm[fid]
			if !ok {
				return invalidf("unit level %s: unknown form %s", id, fid)
			}
			if !slices.Contains(f.Respondents, id) {
				return invalidf("unit level %s fills in %s, but %s does not list it as a respondent", id, fid, fid)
			}
		}
		c.levels = append(c.levels, UnitLevel{ID: id, Label: d.Label, Forms: d.Forms})
	}
	for _, f := range c.forms {
		for _, r := range f.Respondents {
			l, err := c.Level(r)
			if err != nil || !slices.Contains(l.Forms, f.ID) {
				return invalidf("form %s lists respondent %s, but that level does not fill it in", f.ID, r)
			}
		}
	}
	return nil
}

func (c *Catalog) loadForm(fsys fs.FS, name string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	var d formDoc
	if err := decodeStrict(name, data, &d); err != nil {
		return err
	}
	if d.ID == "" || strings.Contains(d.ID, ".") {
		return invalidf("%s: bad form id %q", name, d.ID)
	}
	if _, dup := c.byForm[d.ID]; dup {
		return invalidf("%s: form %s defined twice", name, d.ID)
	}
	f := &Form{ID: d.ID, Label: d.Label, Respondents: d.Respondents, Intro: d.Intro}
	for _, fd := range append(slices.Clone(d.Fields), d.Header...) {
		if strings.Contains(fd.ID, ColumnPlaceholder) {
			return invalidf("%s: field %s: {col} outside a table", name, fd.ID)
		}
	}
	for _, fd := range d.Fields {
		fl, err := c.newField(f, fd)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fl.question = "第" + questionNumber(fl.ID) + "题"
		f.Fields = append(f.Fields, fl)
	}
	for _, fd := range d.Header {
		fl, err := c.newField(f, fd)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fl.Header = true
		fl.question = "表头"
		f.Header = append(f.Header, fl)
	}
	for _, td := range d.Tables {
		t, err := c.newTable(f, td)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		f.Tables = append(f.Tables, t)
	}
	if d.Paper == "" {
		return invalidf("%s: form %s has no paper template", name, f.ID)
	}
	if f.paper, err = readPaper(fsys, d.Paper); err != nil {
		return err
	}
	c.forms = append(c.forms, f)
	c.byForm[f.ID] = f
	return nil
}

// questionNumber returns the printed question number of a field id: Q1.14.3.b1 → 14.
func questionNumber(id string) string {
	parts := strings.Split(id, ".")
	if len(parts) < 2 {
		return id
	}
	return parts[1]
}

var precisions = []string{"year", "month", "day"}

// newField checks one field declaration and registers it.
func (c *Catalog) newField(form *Form, d fieldDoc) (*Field, error) {
	bad := func(format string, args ...any) error {
		return invalidf("field %s: %s", d.ID, fmt.Sprintf(format, args...))
	}
	if !idRE.MatchString(d.ID) || formOf(d.ID) != form.ID {
		return nil, bad("bad id (must be %s.… in ASCII)", form.ID)
	}
	if _, dup := c.fields[d.ID]; dup {
		return nil, bad("defined twice")
	}
	typ, err := ParseType(d.Type)
	if err != nil {
		return nil, fmt.Errorf("field %s: type %q: %w: %w", d.ID, d.Type, ErrUnknownType, ErrInvalidCatalog)
	}
	if d.Label == "" {
		return nil, bad("no label")
	}
	if d.Required == nil {
		return nil, bad("required must be given")
	}
	f := &Field{
		ID: d.ID, Label: d.Label, Type: typ, Required: *d.Required, Unit: d.Unit, Min: d.Min, Max: d.Max,
		Precision: d.Precision, Exclusive: d.Exclusive, Section: d.Section, Note: d.Note, Form: form.ID,
		SelectedBy: d.SelectedBy, Anchor: Anchor{Paragraph: -1},
	}
	if typ.HasOptions() != (len(d.Options) > 0) {
		return nil, bad("type %s must %s options", typ, map[bool]string{true: "have", false: "not have"}[typ.HasOptions()])
	}
	for _, code := range slices.Sorted(maps.Keys(d.Options)) {
		if code < 1 {
			return nil, bad("option code %d", code)
		}
		if strings.TrimSpace(d.Options[code]) == "" {
			return nil, bad("option %d has no label", code)
		}
		f.Options = append(f.Options, Option{Code: code, Label: d.Options[code]})
	}
	if typ == TypeLinks && f.Options[len(f.Options)-1].Code > 9 {
		return nil, bad("links codes are single digits")
	}
	if d.Precision != "" && (typ != TypeDate || !slices.Contains(precisions, d.Precision)) {
		return nil, bad("precision %q needs type date and one of %v", d.Precision, precisions)
	}
	if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
		return nil, bad("min > max")
	}
	if (d.Min != nil || d.Max != nil) && typ != TypeInt && typ != TypeDecimal && typ != TypePercent {
		return nil, bad("min/max need a numeric type")
	}
	if typ == TypeDecimal {
		if _, _, err := unitFactor(d.Unit); err != nil {
			return nil, bad("%v", err)
		}
	}
	for _, x := range d.Exclusive {
		if typ != TypeCodes {
			return nil, bad("exclusive needs type codes")
		}
		if _, ok := f.Option(x); !ok {
			return nil, bad("exclusive code %d is not an option", x)
		}
	}
	for opt, id := range d.SelectedBy {
		if typ != TypeTick {
			return nil, bad("selected_by needs type tick")
		}
		if _, ok := f.Option(opt); !ok {
			return nil, bad("selected_by option %d is not an option", opt)
		}
		if formOf(id) != form.ID {
			return nil, bad("selected_by names %s of another form", id)
		}
	}
	if d.When != "" {
		if f.When, err = parseCondition(d.When); err != nil {
			return nil, fmt.Errorf("field %s: when: %w", d.ID, err)
		}
		if f.When.IsCheck() {
			return nil, bad("when %q is a check, not a condition", d.When)
		}
	}
	if d.Check != "" {
		if f.Check, err = parseCondition(d.Check); err != nil {
			return nil, fmt.Errorf("field %s: check: %w", d.ID, err)
		}
		if !f.Check.IsCheck() {
			return nil, bad("check %q is a condition, not a check", d.Check)
		}
	}
	if !f.IsTemplate() && strings.Contains(d.When+d.Check, ColumnPlaceholder) {
		return nil, bad("{col} in a condition of a field outside a table")
	}
	c.fields[d.ID] = f
	return f, nil
}

var cellPartRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

func (c *Catalog) newTable(form *Form, d tableDoc) (*Table, error) {
	bad := func(format string, args ...any) error {
		return invalidf("table %s: %s", d.ID, fmt.Sprintf(format, args...))
	}
	if d.ID == "" || strings.Contains(d.ID, ".") {
		return nil, bad("bad table id")
	}
	if _, dup := c.tables[d.ID]; dup {
		return nil, bad("defined twice (table ids are unique in a catalog)")
	}
	t := &Table{
		ID: d.ID, Form: form.ID, Number: d.Number, Label: d.Label, Scheme: d.Columns.Scheme,
		Printed: d.Columns.Printed, Headers: d.Columns.Headers, templates: map[int]map[string]*Field{},
	}
	if t.Scheme != Letters && t.Scheme != Roman {
		return nil, bad("columns.scheme must be %s or %s", Letters, Roman)
	}
	if want := form.ID + "." + d.ID + ".{col}.{row}"; d.CellID != want {
		return nil, bad("cell_id %q, want %q", d.CellID, want)
	}
	if len(d.Columns.Headers) != len(d.Columns.Printed) {
		return nil, bad("columns.headers and columns.printed differ in length")
	}
	for i, col := range d.Columns.Printed {
		if got := t.Column(i); got != col {
			return nil, bad("printed column %d is %s, the scheme numbers it %s", i+1, col, got)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d.Notes)) {
		t.Notes = append(t.Notes, Note{Number: k, Text: d.Notes[k]})
	}
	for i, rd := range d.Rows {
		if rd.Row != i+1 {
			return nil, bad("row %d declared in position %d", rd.Row, i+1)
		}
		r := &Row{Number: rd.Row, Section: rd.Section, Label: rd.Label, Starred: rd.Starred, Note: rd.Note}
		t.templates[r.Number] = map[string]*Field{}
		base := form.ID + "." + d.ID + "." + ColumnPlaceholder + "." + strconv.Itoa(r.Number)
		for j, fd := range rd.Fields {
			f, err := c.newField(form, fd)
			if err != nil {
				return nil, err
			}
			part, ok := strings.CutPrefix(f.ID, base)
			switch {
			case !ok:
				return nil, bad("row %d: field %s does not start with %s", r.Number, f.ID, base)
			case part == "" && j == 0:
			case j > 0 && strings.HasPrefix(part, ".") && cellPartRE.MatchString(part[1:]):
				part = part[1:]
			default:
				return nil, bad("row %d: field %s: the row's main value comes first, then .part fields", r.Number, f.ID)
			}
			f.Table, f.Row, f.Part, f.table = t.ID, r.Number, part, t
			f.Anchor = Anchor{Kind: AnchorCell, Paragraph: -1}
			f.question = t.cellQuestion(r.Number, "")
			t.templates[r.Number][part] = f
			r.Fields = append(r.Fields, f)
		}
		if len(r.Fields) == 0 {
			return nil, bad("row %d has no fields", r.Number)
		}
		t.Rows = append(t.Rows, r)
	}
	c.tables[t.ID] = t
	return t, nil
}

// checkConditions checks that every id a condition names exists, is of a type
// the operator can use, and (for {col}) lies in the same table.
func (c *Catalog) checkConditions(form *Form) error {
	for _, f := range form.Definitions() {
		for _, cond := range []*Condition{f.When, f.Check} {
			if cond == nil {
				continue
			}
			for _, ref := range cond.Refs() {
				if ref == UnitLevelRef {
					continue
				}
				g, ok := c.fields[ref]
				if !ok {
					return invalidf("field %s: %q names unknown field %s", f.ID, cond.Source, ref)
				}
				if g.Form != f.Form || g.Table != f.Table {
					return invalidf("field %s: %q names %s outside its form or table", f.ID, cond.Source, ref)
				}
				if err := opFits(cond, g); err != nil {
					return invalidf("field %s: %q: %v", f.ID, cond.Source, err)
				}
				if ref == f.ID && !cond.IsCheck() {
					return invalidf("field %s: its when names itself", f.ID)
				}
			}
		}
	}
	// when chains must end: no field may depend on itself through others.
	for _, f := range form.Definitions() {
		seen := map[string]bool{}
		for g := f; g != nil && g.When != nil; {
			if seen[g.ID] {
				return invalidf("field %s: when conditions form a cycle", f.ID)
			}
			seen[g.ID] = true
			ref := g.When.Left[0]
			if ref == UnitLevelRef {
				break
			}
			g = c.fields[ref]
		}
	}
	return nil
}

// opFits reports whether the operator of cond can be applied to field g.
func opFits(cond *Condition, g *Field) error {
	switch cond.Op {
	case OpEq, OpIn:
		if g.Type != TypeTick && g.Type != TypeCode {
			return fmt.Errorf("%s needs a tick or code field, %s is %s", cond.Op, g.ID, g.Type)
		}
	case OpHas, OpHasAny:
		if g.Type != TypeCodes && g.Type != TypeLinks {
			return fmt.Errorf("%s needs a codes or links field, %s is %s", cond.Op, g.ID, g.Type)
		}
	case OpLE:
		if g.Type != TypeInt && g.Type != TypeDecimal && g.Type != TypePercent {
			return fmt.Errorf("<= needs numbers, %s is %s", g.ID, g.Type)
		}
		return nil
	case OpSubset:
		if g.Type != TypeCodes {
			return fmt.Errorf("subset needs codes, %s is %s", g.ID, g.Type)
		}
		return nil
	}
	for _, l := range cond.Values {
		if g.Type == TypeLinks {
			if !l.IsText {
				return fmt.Errorf("links values are quoted strings")
			}
			if n, err := strconv.Atoi(l.Str); err == nil {
				if _, ok := g.Option(n); !ok {
					return fmt.Errorf("%s is not an option of %s", l, g.ID)
				}
			}
			continue
		}
		if l.IsText {
			return fmt.Errorf("%s compares option codes, not strings", g.ID)
		}
		if _, ok := g.Option(int(l.Int)); !ok {
			return fmt.Errorf("%s is not an option of %s", l, g.ID)
		}
	}
	return nil
}

// checkPaper checks a form's paper template against its fields and derives each
// field's Anchor: every non-table field is printed exactly once (a blank, or a
// box for each boxed option of a tick), every table exactly once, and nothing
// else.
func (c *Catalog) checkPaper(form *Form) error {
	bad := func(l PaperLine, format string, args ...any) error {
		return invalidf("%s.paper:%d: %s", form.ID, l.Source, fmt.Sprintf(format, args...))
	}
	blanks := map[string]int{}
	boxes := map[string]map[int]int{}
	tables := map[string]int{}
	prevText := ""
	for i, l := range form.paper {
		switch l.Kind {
		case LineTable:
			t, err := form.Table(l.Table)
			if err != nil {
				return bad(l, "unknown table %s", l.Table)
			}
			tables[l.Table]++
			for _, r := range t.Rows {
				for _, f := range r.Fields {
					f.Anchor.Paragraph = i
				}
			}
			continue
		case LineText, LineTitle:
		default:
			continue
		}
		nBlanks := len(l.Blanks())
		idx := 0
		for j, s := range l.Segments {
			if s.Kind == SegText {
				continue
			}
			f, ok := c.fields[s.FieldID]
			if !ok || f.Form != form.ID || f.Table != "" {
				return bad(l, "%s is not a field of %s outside its tables", s.FieldID, form.ID)
			}
			before, after := neighbourText(l.Segments, j)
			switch s.Kind {
			case SegBlank:
				idx++
				if f.Type == TypeTick {
					return bad(l, "tick field %s has boxes, not a blank", f.ID)
				}
				blanks[f.ID]++
				f.Anchor = Anchor{Kind: AnchorBlank, Paragraph: i, Before: before, After: after, Index: idx, Count: nBlanks, Width: s.Width}
				if s.Width == 0 {
					f.Anchor.Kind = AnchorArea
					if before == "" && after == "" {
						f.Anchor.Before = prevText
					}
				}
				if f.Type == TypeCode || f.Type == TypeCodes {
					f.Anchor.OptionParagraphs = optionParagraphs(form.paper, i)
				}
			case SegBox:
				if f.Type != TypeTick {
					return bad(l, "box for %s, which is not a tick field", f.ID)
				}
				if _, ok := f.Option(s.Option); !ok {
					return bad(l, "box for option %d, which %s does not have", s.Option, f.ID)
				}
				if _, ok := f.SelectedBy[s.Option]; ok {
					return bad(l, "box for option %d of %s, which is selected_by text", s.Option, f.ID)
				}
				if boxes[f.ID] == nil {
					boxes[f.ID] = map[int]int{}
					f.Anchor = Anchor{Kind: AnchorBoxes, Paragraph: i}
				}
				boxes[f.ID][s.Option]++
				f.Anchor.Boxes = append(f.Anchor.Boxes, BoxAnchor{Option: s.Option, Paragraph: i, Label: before})
			}
		}
		if t := strings.TrimSpace(l.PlainText()); t != "" {
			prevText = t
		}
	}
	for _, f := range form.Fields {
		if err := checkPrinted(f, blanks, boxes); err != nil {
			return invalidf("%s.paper: %v", form.ID, err)
		}
	}
	for _, f := range form.Header {
		if err := checkPrinted(f, blanks, boxes); err != nil {
			return invalidf("%s.paper: %v", form.ID, err)
		}
	}
	for _, t := range form.Tables {
		if tables[t.ID] != 1 {
			return invalidf("%s.paper: table %s printed %d times, want once", form.ID, t.ID, tables[t.ID])
		}
	}
	return nil
}

func checkPrinted(f *Field, blanks map[string]int, boxes map[string]map[int]int) error {
	if f.Type != TypeTick {
		if blanks[f.ID] != 1 {
			return fmt.Errorf("field %s has %d blanks, want 1", f.ID, blanks[f.ID])
		}
		return nil
	}
	for _, o := range f.Options {
		_, byText := f.SelectedBy[o.Code]
		want := 1
		if byText {
			want = 0
		}
		if got := boxes[f.ID][o.Code]; got != want {
			return fmt.Errorf("tick %s option %d has %d boxes, want %d", f.ID, o.Code, got, want)
		}
	}
	for _, id := range f.SelectedBy {
		if blanks[id] != 1 {
			return fmt.Errorf("tick %s is selected by %s, which has no blank", f.ID, id)
		}
	}
	return nil
}

// gapRE is a printed gap between items on one line (two or more spaces).
var gapRE = regexp.MustCompile(`[ \x{3000}]{2,}`)

// neighbourText returns the literal text right before and after segment j, up to
// the neighbouring blank or box or a printed gap of two or more spaces (which
// separates items sharing a line: “③自收自支事业单位  ④其他（请说明）”), trimmed.
func neighbourText(segs []Segment, j int) (before, after string) {
	if j > 0 && segs[j-1].Kind == SegText {
		parts := gapRE.Split(segs[j-1].Text, -1)
		before = parts[len(parts)-1]
	}
	if j+1 < len(segs) && segs[j+1].Kind == SegText {
		after = gapRE.Split(segs[j+1].Text, -1)[0]
	}
	return strings.TrimSpace(before), strings.TrimSpace(after)
}

// optionParagraphs returns the paragraphs after paragraph i that print options
// (start with a circled number), skipping vertical space.
func optionParagraphs(paper []PaperLine, i int) []int {
	var out []int
	for k := i + 1; k < len(paper); k++ {
		l := paper[k]
		if l.Kind == LineSpace {
			continue
		}
		if l.Kind != LineText {
			break
		}
		first, _ := firstRune(strings.TrimSpace(l.PlainText()))
		if _, ok := circledValue(first); !ok {
			break
		}
		out = append(out, k)
	}
	return out
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}
