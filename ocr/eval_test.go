package ocr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"

	"papergate/layout"
	"papergate/layout/synth"
	"papergate/review"
)

// TestMain makes sure Tesseract runs single-threaded: OpenMP reads
// OMP_THREAD_LIMIT only when the process starts, so the test binary re-runs
// itself with it set.
func TestMain(m *testing.M) {
	if os.Getenv("OMP_THREAD_LIMIT") == "" {
		cmd := exec.Command(os.Args[0], os.Args[1:]...)
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				os.Exit(ee.ExitCode())
			}
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// truthDoc is a synth truth file: the return plus document facts.
type truthDoc struct {
	layout.Return
	Facts synth.Facts `json:"facts"`
}

func decodeTruth(t testing.TB, data []byte) truthDoc {
	t.Helper()
	var td truthDoc
	if err := json.Unmarshal(data, &td.Return); err != nil {
		t.Fatalf("truth: %v", err)
	}
	var f struct {
		Facts synth.Facts `json:"facts"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("truth facts: %v", err)
	}
	td.Facts = f.Facts
	return td
}

// decodePages gives JPEG pages to an Engine, decoded when it asks for them
// (as the pipeline does).
func decodePages(t testing.TB, jpegs [][]byte) review.Pages {
	t.Helper()
	return jpegPages(jpegs)
}

type jpegPages [][]byte

func (ps jpegPages) Len() int { return len(ps) }

func (ps jpegPages) Page(_ context.Context, i int) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(ps[i]))
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", i+1, err)
	}
	return img, nil
}

// fieldResult is one field's outcome, for accuracy tables and calibration.
type fieldResult struct {
	id, typ    string
	right      bool
	blankTruth bool
	conf       float64
	score      float64
	got, want  any
	raw        string
	// where: the return, the page and box it was read from, and where the
	// generator put it (boxes.json), for PAPERGATE_BENCH_MISTAKES.
	ret       string
	page      int
	box       image.Rectangle
	truthPage int
	truthBox  [4]int
}

// truthBoxes is the part of a synth boxes file the mistakes list needs.
type truthBoxes struct {
	Pages []struct {
		N      int `json:"n"`
		Fields []struct {
			Field string `json:"field"`
			Box   [4]int `json:"box"`
		} `json:"fields"`
	} `json:"pages"`
}

// where returns the first page and box the generator drew field id on.
func (b truthBoxes) where(id string) (int, [4]int) {
	for _, p := range b.Pages {
		for _, f := range p.Fields {
			if f.Field == id {
				return p.N, f.Box
			}
		}
	}
	return 0, [4]int{}
}

// tally accumulates field results.
type tally struct {
	results []fieldResult
	pages   int
	seals   [2]int // right, total
	forms   [2]int // pages identified right, total
}

// sameVal compares two typed values.
func sameVal(a, b any) bool {
	fa, okA := num(a)
	fb, okB := num(b)
	if okA && okB {
		return math.Abs(fa-fb) < 1e-9
	}
	return reflect.DeepEqual(a, b)
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// compare scores a recognition against its truth: every field of the truth
// and every field the recognition wrote that the truth lacks (a column read
// where none was written).
func (tl *tally) compare(cat *layout.Catalog, truth truthDoc, rec *review.Recognition) {
	tl.compareAt(cat, truth, rec, "", nil)
}

// compareAt is compare with the return's id and boxes file (may be nil) for the mistakes list.
func (tl *tally) compareAt(cat *layout.Catalog, truth truthDoc, rec *review.Recognition, ret string, boxes []byte) {
	var bx truthBoxes
	if boxes != nil {
		_ = json.Unmarshal(boxes, &bx) // only for the mistakes list
	}
	for form, vals := range truth.Forms {
		got := rec.Return.Forms[form]
		for id, want := range vals {
			f, err := cat.Field(id)
			if err != nil {
				continue
			}
			g := got[id]
			fr := rec.Fields[id]
			tp, tb := bx.where(id)
			tl.results = append(tl.results, fieldResult{id: id, typ: string(f.Type), right: sameVal(g, want), blankTruth: want == nil, conf: fr.Confidence, got: g, want: want, raw: fr.Raw,
				ret: ret, page: fr.Page, box: fr.Box, truthPage: tp, truthBox: tb})
		}
		for id, g := range got {
			if _, ok := vals[id]; ok {
				continue
			}
			f, err := cat.Field(id)
			if err != nil {
				continue
			}
			tl.results = append(tl.results, fieldResult{id: id, typ: string(f.Type), right: g == nil, blankTruth: true, conf: rec.Fields[id].Confidence, got: g})
		}
	}
	for form, want := range truth.Facts.Seal {
		tl.seals[1]++
		if rec.Seal[form] == want {
			tl.seals[0]++
		}
	}
	for i, want := range truth.Facts.PageForms {
		if i >= len(rec.Pages) {
			break
		}
		tl.forms[1]++
		got := rec.Pages[i].Form
		if want == "cover" {
			want = ""
		}
		if got == want {
			tl.forms[0]++
		}
	}
	tl.pages += len(truth.Facts.PageForms)
}

// accuracy returns right/total over results passing keep.
func (tl *tally) accuracy(keep func(fieldResult) bool) (float64, int) {
	n, r := 0, 0
	for _, x := range tl.results {
		if keep(x) {
			n++
			if x.right {
				r++
			}
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return float64(r) / float64(n), n
}

// report writes the accuracy table.
func (tl *tally) report(w io.Writer) {
	all, n := tl.accuracy(func(fieldResult) bool { return true })
	fmt.Fprintf(w, "%-12s %8s %7s\n", "fields", "accuracy", "n")
	fmt.Fprintf(w, "%-12s %7.2f%% %7d\n", "all", 100*all, n)
	nb, nn := tl.accuracy(func(x fieldResult) bool { return !x.blankTruth })
	fmt.Fprintf(w, "%-12s %7.2f%% %7d\n", "non-blank", 100*nb, nn)
	for _, typ := range layout.Types() {
		a, k := tl.accuracy(func(x fieldResult) bool { return x.typ == string(typ) })
		if k == 0 {
			continue
		}
		ab, kb := tl.accuracy(func(x fieldResult) bool { return x.typ == string(typ) && !x.blankTruth })
		fmt.Fprintf(w, "%-12s %7.2f%% %7d   non-blank %7.2f%% %6d\n", typ, 100*a, k, 100*ab, kb)
	}
	conf := 0
	wrong := 0
	for _, x := range tl.results {
		if x.conf >= ConfidenceThreshold {
			conf++
			if !x.right {
				wrong++
			}
		}
	}
	fmt.Fprintf(w, "confident (≥ %.3f): %.2f%% of fields, error among them %.3f%% (%d of %d)\n",
		ConfidenceThreshold, 100*float64(conf)/float64(max(1, len(tl.results))), 100*float64(wrong)/float64(max(1, conf)), wrong, conf)
	fmt.Fprintf(w, "pages identified: %d/%d, seals: %d/%d\n", tl.forms[0], tl.forms[1], tl.seals[0], tl.seals[1])
}

// mistakes lists wrong fields, for debugging.
func (tl *tally) mistakes(w io.Writer, limit int) {
	var xs []fieldResult
	for _, x := range tl.results {
		if !x.right {
			xs = append(xs, x)
		}
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].id < xs[j].id })
	for i, x := range xs {
		if i >= limit {
			break
		}
		g, _ := json.Marshal(x.got)
		wv, _ := json.Marshal(x.want)
		at := "unlocated"
		if x.page > 0 {
			at = fmt.Sprintf("p%d@%d,%d", x.page, x.box.Min.X, x.box.Max.Y)
		}
		fmt.Fprintf(w, "  %-24s %-8s %s %-14s truth p%d@%d,%d got %-30s want %s (conf %.2f) raw %q\n", x.id, x.typ, x.ret, at,
			x.truthPage, x.truthBox[0], x.truthBox[3], strings.TrimSpace(string(g)), wv, x.conf, x.raw)
	}
}

// extractCorpus generates n returns with seed and recognizes them with e.
func extractCorpus(t testing.TB, e *Engine, seed uint64, n int, tl *tally) {
	t.Helper()
	g, err := synth.New(synth.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		r, err := g.Generate(i)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := e.Recognize(context.Background(), decodePages(t, r.Pages))
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		tl.compareAt(e.cat, decodeTruth(t, r.Truth), rec, r.ID, r.Boxes)
	}
}
