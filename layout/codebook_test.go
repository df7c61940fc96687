package layout

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// codebookPath is the shared source of truth, relative to the package directory.
const codebookPath = "../../shared/spec/codebook.yaml"

// The codebook's shape, as far as the comparison needs it.
type cbDoc struct {
	UnitLevels map[string]struct {
		Label string   `yaml:"label"`
		Forms []string `yaml:"forms"`
	} `yaml:"unit_levels"`
	Forms []struct {
		ID          string    `yaml:"id"`
		Label       string    `yaml:"label"`
		Respondents []string  `yaml:"respondents"`
		Intro       string    `yaml:"intro"`
		Fields      []cbField `yaml:"fields"`
		Header      []cbField `yaml:"header"`
		Tables      []struct {
			ID      string         `yaml:"id"`
			Number  int            `yaml:"number"`
			Label   string         `yaml:"label"`
			CellID  string         `yaml:"cell_id"`
			Notes   map[int]string `yaml:"notes"`
			Columns struct {
				Printed []string `yaml:"printed"`
				Pattern string   `yaml:"pattern"`
			} `yaml:"columns"`
			Rows []struct {
				Row     int       `yaml:"row"`
				Section string    `yaml:"section"`
				Label   string    `yaml:"label"`
				Starred bool      `yaml:"starred"`
				Note    string    `yaml:"note"`
				Fields  []cbField `yaml:"fields"`
			} `yaml:"rows"`
		} `yaml:"tables"`
	} `yaml:"forms"`
}

type cbField struct {
	ID        string         `yaml:"id"`
	Label     string         `yaml:"label"`
	Type      string         `yaml:"type"`
	Options   map[int]string `yaml:"options"`
	When      string         `yaml:"when"`
	Required  *bool          `yaml:"required"`
	Unit      string         `yaml:"unit"`
	Min       *float64       `yaml:"min"`
	Max       *float64       `yaml:"max"`
	Precision string         `yaml:"precision"`
	Exclusive []int          `yaml:"exclusive"`
	Check     string         `yaml:"check"`
	Section   string         `yaml:"section"`
	Note      string         `yaml:"note"`
}

// fieldKeys renders every codebook key of a field as "key=value" lines, in a
// form both sides can produce.
func fieldKeys(id, label, typ string, options map[int]string, when string, required bool, unit string,
	min, max *float64, precision string, exclusive []int, check, section, note string) map[string]string {
	num := func(p *float64) string {
		if p == nil {
			return "<none>"
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	var opts []string
	for _, k := range slices.Sorted(maps.Keys(options)) {
		opts = append(opts, fmt.Sprintf("%d:%s", k, options[k]))
	}
	return map[string]string{
		"label": label, "type": typ, "options": strings.Join(opts, " | "), "when": when,
		"required": strconv.FormatBool(required), "unit": unit, "min": num(min), "max": num(max),
		"precision": precision, "exclusive": fmt.Sprint(exclusive), "check": check, "section": section, "note": note,
	}
}

func (f cbField) keys() map[string]string {
	req := f.Required != nil && *f.Required
	return fieldKeys(f.ID, f.Label, f.Type, f.Options, f.When, req, f.Unit, f.Min, f.Max, f.Precision, f.Exclusive, f.Check, f.Section, f.Note)
}

func ourKeys(f *Field) map[string]string {
	opts := map[int]string{}
	for _, o := range f.Options {
		opts[o.Code] = o.Label
	}
	when, check := "", ""
	if f.When != nil {
		when = f.When.Source
	}
	if f.Check != nil {
		check = f.Check.Source
	}
	return fieldKeys(f.ID, f.Label, string(f.Type), opts, when, f.Required, f.Unit, f.Min, f.Max, f.Precision, f.Exclusive, check, f.Section, f.Note)
}

func loadCodebook(t *testing.T) *cbDoc {
	t.Helper()
	data, err := os.ReadFile(codebookPath)
	if err != nil {
		t.Fatalf("the codebook is the source of truth and must be present at %s: %v", codebookPath, err)
	}
	var doc cbDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", codebookPath, err)
	}
	if len(doc.Forms) == 0 {
		t.Fatalf("%s has no forms", codebookPath)
	}
	return &doc
}

// TestCodebook compares the embedded definitions with the shared codebook, both
// directions: every id, label, type, option, when, required, unit, min, max,
// precision, exclusive, check, section and note, every form, table, row and
// unit level.
func TestCodebook(t *testing.T) {
	doc := loadCodebook(t)
	c := Default()

	// Fields, both directions.
	want := map[string]map[string]string{}
	var wantOrder []string
	for _, fd := range doc.Forms {
		add := func(f cbField) {
			if _, dup := want[f.ID]; dup {
				t.Errorf("codebook: %s twice", f.ID)
			}
			want[f.ID] = f.keys()
			wantOrder = append(wantOrder, f.ID)
		}
		for _, f := range fd.Fields {
			add(f)
		}
		for _, f := range fd.Header {
			add(f)
		}
		for _, td := range fd.Tables {
			for _, r := range td.Rows {
				for _, f := range r.Fields {
					add(f)
				}
			}
		}
	}
	got := map[string]map[string]string{}
	var gotOrder []string
	for _, f := range c.Forms() {
		for _, fl := range f.Definitions() {
			got[fl.ID] = ourKeys(fl)
			gotOrder = append(gotOrder, fl.ID)
		}
	}
	for _, id := range wantOrder {
		g, ok := got[id]
		if !ok {
			t.Errorf("%s is in the codebook but not in the embedded forms", id)
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(want[id])) {
			if g[k] != want[id][k] {
				t.Errorf("%s %s: embedded %q, codebook %q", id, k, g[k], want[id][k])
			}
		}
	}
	for _, id := range gotOrder {
		if _, ok := want[id]; !ok {
			t.Errorf("%s is in the embedded forms but not in the codebook", id)
		}
	}
	if !slices.Equal(gotOrder, wantOrder) {
		t.Errorf("field order differs from the codebook (export order follows it)")
	}

	// Every codebook condition parses, and parses to what the catalog holds.
	for _, id := range wantOrder {
		for key, src := range map[string]string{"when": want[id]["when"], "check": want[id]["check"]} {
			if src == "" {
				continue
			}
			if _, err := ParseCondition(src); err != nil {
				t.Errorf("%s %s: %v", id, key, err)
			}
		}
	}

	// Forms, tables, rows.
	if got, want := len(c.Forms()), len(doc.Forms); got != want {
		t.Errorf("%d forms, codebook has %d", got, want)
	}
	for _, fd := range doc.Forms {
		f, err := c.Form(fd.ID)
		if err != nil {
			t.Errorf("form %s: %v", fd.ID, err)
			continue
		}
		if f.Label != fd.Label || f.Intro != fd.Intro {
			t.Errorf("form %s label/intro differ", fd.ID)
		}
		var resp []string
		for _, r := range f.Respondents {
			resp = append(resp, string(r))
		}
		if !slices.Equal(resp, fd.Respondents) {
			t.Errorf("form %s respondents %v, codebook %v", fd.ID, resp, fd.Respondents)
		}
		if got, want := len(f.Tables), len(fd.Tables); got != want {
			t.Errorf("form %s: %d tables, codebook %d", fd.ID, got, want)
			continue
		}
		for i, td := range fd.Tables {
			tb := f.Tables[i]
			if tb.ID != td.ID || tb.Number != td.Number || tb.Label != td.Label || td.CellID != tb.prefix()+"{col}.{row}" {
				t.Errorf("table %s: id/number/label/cell_id differ from the codebook", td.ID)
			}
			if !slices.Equal(tb.Printed, td.Columns.Printed) {
				t.Errorf("table %s printed columns %v, codebook %v", td.ID, tb.Printed, td.Columns.Printed)
			}
			for _, col := range td.Columns.Printed {
				if _, ok := tb.ColumnIndex(col); !ok {
					t.Errorf("table %s: printed column %s is not a valid column id", td.ID, col)
				}
			}
			var notes []string
			for _, n := range tb.Notes {
				notes = append(notes, fmt.Sprintf("%d:%s", n.Number, n.Text))
			}
			var wantNotes []string
			for _, k := range slices.Sorted(maps.Keys(td.Notes)) {
				wantNotes = append(wantNotes, fmt.Sprintf("%d:%s", k, td.Notes[k]))
			}
			if !slices.Equal(notes, wantNotes) {
				t.Errorf("table %s notes differ from the codebook", td.ID)
			}
			if got, want := len(tb.Rows), len(td.Rows); got != want {
				t.Errorf("table %s: %d rows, codebook %d", td.ID, got, want)
				continue
			}
			for j, rd := range td.Rows {
				r := tb.Rows[j]
				if r.Number != rd.Row || r.Section != rd.Section || r.Label != rd.Label || r.Starred != rd.Starred || r.Note != rd.Note {
					t.Errorf("table %s row %d: number/section/label/starred/note differ from the codebook", td.ID, rd.Row)
				}
			}
		}
	}

	// Unit levels.
	if got, want := len(c.Levels()), len(doc.UnitLevels); got != want {
		t.Errorf("%d unit levels, codebook %d", got, want)
	}
	for id, ld := range doc.UnitLevels {
		l, err := c.Level(Level(id))
		if err != nil {
			t.Errorf("unit level %s: %v", id, err)
			continue
		}
		if l.Label != ld.Label || !slices.Equal(l.Forms, ld.Forms) {
			t.Errorf("unit level %s: %q %v, codebook %q %v", id, l.Label, l.Forms, ld.Label, ld.Forms)
		}
	}
}

// TestCodebookColumnPatterns checks the column schemes against the codebook's
// column id patterns.
func TestCodebookColumnPatterns(t *testing.T) {
	doc := loadCodebook(t)
	for _, fd := range doc.Forms {
		for _, td := range fd.Tables {
			tb, err := Default().Table(td.ID)
			if err != nil {
				t.Fatal(err)
			}
			re, err := regexp.Compile(td.Columns.Pattern)
			if err != nil {
				t.Fatalf("table %s pattern: %v", td.ID, err)
			}
			for i := range 39 { // Roman ids from XL on contain L, outside ^[IVX]+$
				if col := tb.Column(i); !re.MatchString(col) {
					t.Errorf("table %s column %d = %q does not match %s", td.ID, i, col, td.Columns.Pattern)
				}
			}
		}
	}
}
