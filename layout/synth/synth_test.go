package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"papergate/layout"
)

// testGenerator returns a generator at a low resolution so that tests stay fast.
func testGenerator(t testing.TB, seed uint64, level string) *Generator {
	t.Helper()
	g, err := New(Options{Seed: seed, DPI: 72, Level: level})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// drawAnswers draws the answers of one return the way Generate does, without
// printing or scanning anything.
func drawAnswers(t testing.TB, seed uint64, level string) (*answers, *speller) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	u := pickUnit(rng, level)
	a, err := genAnswers(rng, layout.Default(), u)
	if err != nil {
		t.Fatalf("genAnswers: %v", err)
	}
	sp := newSpeller(rng, rng.Float64() < 0.3)
	for _, form := range a.forms {
		for _, id := range a.order[form.ID] {
			if v := a.values[id]; v != nil && a.fields[id].Type != layout.TypeTick {
				if _, has := a.written[id]; !has {
					a.written[id] = sp.spell(a.fields[id], v)
				}
			}
		}
	}
	return a, sp
}

var levels = []string{"province", "municipality", "prefecture"}

// TestAnswersValidate checks that every drawn return is valid under the
// codebook: layout's validator reports no error, required answers are there,
// the region codes agree and table columns are what genAnswers says.
func TestAnswersValidate(t *testing.T) {
	cat := layout.Default()
	for _, level := range levels {
		t.Run(level, func(t *testing.T) {
			for seed := uint64(1); seed <= 30; seed++ {
				a, _ := drawAnswers(t, seed, level)
				r := a.toReturn()
				for _, m := range cat.Validate(r) {
					if m.Severity == layout.SeverityError {
						t.Errorf("seed %d: %s %s: %s", seed, m.FieldID, m.Code, m.Text)
					}
					if m.Code == layout.CodeCheck || m.Code == layout.CodeInconsistent || m.Code == layout.CodeRegionCode {
						t.Errorf("seed %d: warning %s %s: %s", seed, m.FieldID, m.Code, m.Text)
					}
				}
				if got, want := r.Value("Q3.region_code"), a.unit.code; got != want {
					t.Errorf("seed %d: Q3.region_code = %v, want %v", seed, got, want)
				}
				code := a.unit.code
				switch level {
				case "prefecture":
					if code[2:4] == "00" || code[4:] != "00" {
						t.Errorf("seed %d: prefecture code %s is not XXYY00", seed, code)
					}
				default:
					if code[2:] != "0000" {
						t.Errorf("seed %d: %s code %s is not XX0000", seed, level, code)
					}
				}
				q3, _ := cat.Form("Q3")
				for _, tb := range q3.Tables {
					if got, want := r.Forms["Q3"].Columns(tb), a.columns[tb.ID]; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
						t.Errorf("seed %d: %s present columns %v, want %v", seed, tb.ID, got, want)
					}
				}
			}
		})
	}
}

// TestAnswersVary checks that the generator explores the codebook: over many
// returns every table width and both branches of the main yes/no questions occur.
func TestAnswersVary(t *testing.T) {
	t1 := map[int]bool{}
	t2 := map[int]bool{}
	ticks := map[string]map[int64]bool{}
	issues := 0
	for seed := uint64(1); seed <= 60; seed++ {
		a, _ := drawAnswers(t, seed, levels[seed%3])
		t1[len(a.columns["T1"])] = true
		t2[len(a.columns["T2"])] = true
		for _, id := range []string{"Q1.1", "Q1.3", "Q2.1", "Q2.2"} {
			if v, ok := a.values[id].(int64); ok {
				if ticks[id] == nil {
					ticks[id] = map[int64]bool{}
				}
				ticks[id][v] = true
			}
		}
		issues += len(a.issues)
	}
	for n := 1; n <= 5; n++ {
		if !t1[n] {
			t.Errorf("no return with %d T1 columns", n)
		}
	}
	for n := 0; n <= 4; n++ {
		if !t2[n] {
			t.Errorf("no return with %d T2 columns", n)
		}
	}
	for id, seen := range ticks {
		if len(seen) < 2 {
			t.Errorf("%s always %v", id, seen)
		}
	}
	if issues == 0 {
		t.Errorf("no return has an issue (同上, a second phone number)")
	}
}

// TestWrittenNormalizes checks that what is written on the paper normalises
// back to the truth value with layout.Normalize, and that an issue's raw text
// gives that issue.
func TestWrittenNormalizes(t *testing.T) {
	checked := 0
	for seed := uint64(1); seed <= 30; seed++ {
		a, sp := drawAnswers(t, seed, levels[seed%3])
		if len(sp.fallback) != 0 {
			t.Errorf("seed %d: written variants did not normalise and fell back: %q", seed, sp.fallback)
		}
		for id, w := range a.written {
			f := a.fields[id]
			got, iss := layout.Normalize(f, w)
			if want, ok := a.issues[id]; ok {
				if iss == nil || *iss != want {
					t.Errorf("seed %d: %s: %q gives issue %v, want %v", seed, id, w, iss, want)
				}
				if !sameValue(got, a.values[id]) {
					t.Errorf("seed %d: %s: %q normalises to %#v, want %#v", seed, id, w, got, a.values[id])
				}
				continue
			}
			if iss != nil {
				t.Errorf("seed %d: %s (%s): %q gives issue %q", seed, id, f.Type, w, iss.Reason)
				continue
			}
			if !sameValue(got, a.values[id]) {
				t.Errorf("seed %d: %s (%s): %q normalises to %#v, want %#v", seed, id, f.Type, w, got, a.values[id])
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d written values checked", checked)
	}
}

// TestSpellVariants writes values of each type many times and checks every
// variant normalises back, and that the writing really varies.
func TestSpellVariants(t *testing.T) {
	cat := layout.Default()
	field := func(id string) *layout.Field {
		f, err := cat.Field(id)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		name  string
		field string
		value any
		min   int // distinct written forms expected over the draws
	}{
		{"code", "Q1.2", int64(3), 3},
		{"code ten", "Q1.7.1.c", int64(4), 3},
		{"codes", "Q1.7.1.d", []int{1, 3, 10}, 5},
		{"int", "Q1.4.b1", int64(12), 1},
		{"int big", "Q1.6.1.a", int64(1500000), 4},
		{"decimal", "Q1.14.3.b1", 1250.5, 4},
		{"decimal round", "Q1.14.1.b1", float64(20000), 5},
		{"people", "Q3.T1.B.4", 733.3, 4},
		{"percent", "Q1.14.3.b4", float64(35), 3},
		{"month", "Q1.1.1.a", "2001-03", 5},
		{"day", "Q3.T1.A.5", "2005-12-01", 4},
		{"year", "Q1.1.1.a", "2006", 2},
		{"name", "Q1.1.1.e.name", "张明", 1},
		{"phone", "Q1.1.1.e.phone", "0571-87654321", 4},
		{"phone ext", "Q1.1.1.e.phone", "0571-87654321-801", 5},
		{"mobile", "Q1.1.1.e.mobile", "13905711234", 3},
		{"email", "Q1.1.1.e.email", "zhangm@zjlss.gov.cn", 2},
		{"url", "Q1.7.1.b", "www.zjlss.gov.cn", 3},
		{"url scheme", "Q1.7.1.b", "http://www.zjlss.gov.cn", 2},
		{"region", "Q3.region_code", "330000", 1},
		{"links", "Q3.T1.A.18", []string{"1", "3", "B", "II"}, 4},
		{"text", "Q3.T1.A.14.model", "p570", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := field(tc.field)
			seen := map[string]bool{}
			for i := range 200 {
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				sp := newSpeller(rng, i%3 == 0)
				w := sp.variant(f, tc.value)
				seen[w] = true
				got, iss := layout.Normalize(f, w)
				if iss != nil || !sameValue(got, tc.value) {
					t.Errorf("%q → %#v (issue %v), want %#v", w, got, iss, tc.value)
				}
			}
			if len(seen) < tc.min {
				t.Errorf("only %d written forms %v, want at least %d", len(seen), keys(seen), tc.min)
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestGenerate makes whole returns at a low resolution and checks the files:
// the truth decodes with layout and validates, the facts agree with the boxes,
// every answer is on the paper where the boxes say, and the PDF holds the pages.
func TestGenerate(t *testing.T) {
	cat := layout.Default()
	circles := 0
	for _, level := range levels {
		t.Run(level, func(t *testing.T) {
			g := testGenerator(t, 11, level)
			r, err := g.Generate(1)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if got, want := r.ID, "r0001"; got != want {
				t.Errorf("ID = %q, want %q", got, want)
			}
			ret, err := cat.DecodeReturn(r.Truth)
			if err != nil {
				t.Fatalf("DecodeReturn: %v", err)
			}
			if layout.HasErrors(cat.Validate(ret)) {
				t.Errorf("truth does not validate: %v", cat.Validate(ret))
			}
			if got := string(ret.Unit.Level); got != level {
				t.Errorf("level = %s, want %s", got, level)
			}
			var doc struct {
				Facts Facts `json:"facts"`
			}
			if err := json.Unmarshal(r.Truth, &doc); err != nil {
				t.Fatal(err)
			}
			var bx boxFile
			if err := json.Unmarshal(r.Boxes, &bx); err != nil {
				t.Fatal(err)
			}
			if got, want := len(bx.Pages), len(r.Pages); got != want {
				t.Fatalf("boxes has %d pages, PDF %d", got, want)
			}
			if got, want := len(doc.Facts.PageForms), len(r.Pages); got != want {
				t.Errorf("facts list %d pages, want %d", got, want)
			}
			wantForms := map[string]bool{}
			lv, _ := cat.Level(layout.Level(level))
			for _, f := range lv.Forms {
				wantForms[f] = true
				if doc.Facts.Pages[f] == 0 {
					t.Errorf("no pages for form %s", f)
				}
				if _, ok := doc.Facts.Seal[f]; !ok {
					t.Errorf("no seal fact for form %s", f)
				}
			}
			// Forms are contiguous and in order; each starts on a new page.
			var order []string
			for i, p := range bx.Pages {
				if p.Form != doc.Facts.PageForms[i] {
					t.Errorf("page %d: boxes say %s, facts %s", i+1, p.Form, doc.Facts.PageForms[i])
				}
				if len(order) == 0 || order[len(order)-1] != p.Form {
					order = append(order, p.Form)
				}
			}
			order = slices.DeleteFunc(order, func(s string) bool { return s == "cover" })
			if !slices.Equal(order, lv.Forms) {
				t.Errorf("page order %v, want %v", order, lv.Forms)
			}
			// Seals on pages match the facts.
			sealed := map[string]bool{}
			for _, p := range bx.Pages {
				if p.Seal != nil {
					sealed[p.Form] = true
					if !strings.Contains(p.Seal.Text, "劳动") {
						t.Errorf("seal text %q", p.Seal.Text)
					}
				}
			}
			for f, want := range doc.Facts.Seal {
				if sealed[f] != want {
					t.Errorf("form %s: seal on page %v, facts %v", f, sealed[f], want)
				}
			}
			circles += checkBoxes(t, ret, bx)
		})
	}
	if circles == 0 {
		t.Errorf("no answer was circled in the printed option list")
	}
}

// checkBoxes checks that every field of the return is on some page, that
// ticked boxes and written text match the truth, and that boxes lie on the page.
func checkBoxes(t *testing.T, ret *layout.Return, bx boxFile) (circles int) {
	t.Helper()
	cat := layout.Default()
	onPaper := map[string]bool{}
	ticked := map[string]int64{}
	for _, p := range bx.Pages {
		for _, f := range p.Fields {
			b := f.Box
			if b[0] < -p.Width/20 || b[1] < -p.Height/20 || b[2] > p.Width*21/20 || b[3] > p.Height*21/20 || b[0] >= b[2] || b[1] >= b[3] {
				t.Errorf("page %d: %s box %v outside %dx%d", p.N, f.Field, b, p.Width, p.Height)
			}
			if f.Kind == "header" {
				continue
			}
			if f.Kind == "circle" {
				circles++
				switch v := ret.Value(f.Field).(type) {
				case int64:
					if int(v) != f.Option {
						t.Errorf("%s = %d but option %d is circled", f.Field, v, f.Option)
					}
				case []int:
					if !slices.Contains(v, f.Option) {
						t.Errorf("%s = %v but option %d is circled", f.Field, v, f.Option)
					}
				default:
					t.Errorf("%s = %v but option %d is circled", f.Field, v, f.Option)
				}
				continue
			}
			onPaper[f.Field] = true
			if f.Kind == "tick" && f.Ticked {
				if _, dup := ticked[f.Field]; dup {
					t.Errorf("%s: two boxes ticked", f.Field)
				}
				ticked[f.Field] = int64(f.Option)
			}
			if f.Text != "" {
				fl, err := cat.Field(f.Field)
				if err != nil {
					t.Errorf("boxes name unknown field %s", f.Field)
					continue
				}
				got, iss := layout.Normalize(fl, f.Text)
				if _, isIssue := ret.Issues[f.Field]; isIssue {
					if iss == nil {
						t.Errorf("%s: %q should not normalise", f.Field, f.Text)
					}
				} else if !sameValue(got, ret.Value(f.Field)) {
					t.Errorf("%s: written %q normalises to %v, truth %v", f.Field, f.Text, got, ret.Value(f.Field))
				}
			}
		}
	}
	for form, vals := range ret.Forms {
		for id, v := range vals {
			if !onPaper[id] {
				t.Errorf("%s: field %s is on no page", form, id)
			}
			f, _ := cat.Field(id)
			if f.Type == layout.TypeTick && v != nil {
				if _, bySelect := f.SelectedBy[int(v.(int64))]; bySelect {
					continue // selected by writing in a blank, not by a box
				}
				if ticked[id] != v.(int64) {
					t.Errorf("%s = %v but ticked box %v", id, v, ticked[id])
				}
			}
		}
	}
	return circles
}

// TestDeterministic checks that the same seed and index give byte-identical
// files from separate generators, and that other indexes differ.
func TestDeterministic(t *testing.T) {
	a, b := testGenerator(t, 5, ""), testGenerator(t, 5, "")
	for _, i := range []int{1, 2} {
		ra, err := a.Generate(i)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Generate(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name string
			x, y []byte
		}{{"pdf", ra.PDF, rb.PDF}, {"truth", ra.Truth, rb.Truth}, {"boxes", ra.Boxes, rb.Boxes}} {
			if !bytes.Equal(f.x, f.y) {
				t.Errorf("return %d: %s differs between runs", i, f.name)
			}
		}
	}
	r1, _ := a.Generate(1)
	r3, _ := a.Generate(3)
	if bytes.Equal(r1.Truth, r3.Truth) || bytes.Equal(r1.PDF, r3.PDF) {
		t.Errorf("returns 1 and 3 are identical")
	}
}

// TestPDF checks the PDF writer's output with pdfcpu's validator and renders
// it with poppler's pdftoppm.
func TestPDF(t *testing.T) {
	g := testGenerator(t, 3, "municipality")
	r, err := g.Generate(2)
	if err != nil {
		t.Fatal(err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.Validate(bytes.NewReader(r.PDF), conf); err != nil {
		t.Errorf("pdfcpu: %v", err)
	}
	n, err := api.PageCount(bytes.NewReader(r.PDF), conf)
	if err != nil {
		t.Fatalf("pdfcpu page count: %v", err)
	}
	if n != len(r.Pages) {
		t.Errorf("pdfcpu counts %d pages, want %d", n, len(r.Pages))
	}
	dims, err := api.PageDims(bytes.NewReader(r.PDF), conf)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dims {
		if d.Width < 590 || d.Width > 600 || d.Height < 837 || d.Height > 847 {
			t.Errorf("page %d is %.1f×%.1f pt, not A4", i+1, d.Width, d.Height)
		}
	}

	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatalf("pdftoppm not found: install poppler-utils (scripts/setup.sh)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, r.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftoppm, "-r", "36", "-gray", in, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p-*.pgm"))
	if len(pages) != len(r.Pages) {
		t.Errorf("pdftoppm rendered %d pages, want %d", len(pages), len(r.Pages))
	}
}

func TestWritePDFErrors(t *testing.T) {
	tests := []struct {
		name  string
		pages []pdfPage
	}{
		{"no pages", nil},
		{"no dpi", []pdfPage{{jpeg: []byte{0xff, 0xd8}, w: 10, h: 10}}},
		{"no size", []pdfPage{{jpeg: []byte{0xff, 0xd8}, dpi: 72}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writePDF(&b, tc.pages); err == nil {
				t.Errorf("writePDF accepted %v", tc.pages)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"defaults", Options{}, true},
		{"dpi", Options{DPI: 250}, true},
		{"dpi too low", Options{DPI: 10}, false},
		{"level", Options{Level: "prefecture"}, true},
		{"bad level", Options{Level: "county"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if (err == nil) != tc.ok {
				t.Errorf("New(%+v) error %v, want ok=%v", tc.opts, err, tc.ok)
			}
		})
	}
	g := testGenerator(t, 1, "")
	if _, err := g.Generate(0); err == nil {
		t.Errorf("Generate(0) succeeded")
	}
}

func TestMissingFonts(t *testing.T) {
	_, err := loadFontsFrom([]string{t.TempDir()})
	if err == nil {
		t.Fatal("no error without fonts")
	}
	if !strings.Contains(err.Error(), "fonts-arphic-uming") {
		t.Errorf("error %q does not name the Debian package", err)
	}
}

func TestID(t *testing.T) {
	for _, tc := range []struct {
		i    int
		want string
	}{{1, "r0001"}, {42, "r0042"}, {9999, "r9999"}, {12345, "r12345"}} {
		if got := ID(tc.i); got != tc.want {
			t.Errorf("ID(%d) = %q, want %q", tc.i, got, tc.want)
		}
	}
}

func ExampleID() {
	fmt.Println(ID(7))
	// Output: r0007
}
