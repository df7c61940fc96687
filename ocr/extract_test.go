package ocr

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"papergate/layout/synth"
	"papergate/ocr/split"
	"papergate/review"
)

// corpusFloors are the accuracies the integration test demands: a little
// under what the engine measured on this corpus (see README.md), so that a
// regression fails while run-to-run noise does not.
var corpusFloors = map[string]float64{
	"all":       0.85,
	"non-blank": 0.76,
	"code":      0.88,
	"tick":      0.88,
	"pages":     0.90,
}

// loadCorpus returns the fixed synthetic corpus: testdata/synth (made by the
// synth generator) when present, else two returns generated with seed 7.
func loadCorpus(t *testing.T) []*synth.Return {
	t.Helper()
	dir := filepath.Join("..", "testdata", "synth")
	if files, _ := filepath.Glob(filepath.Join(dir, "*.truth.json")); len(files) > 0 {
		sort.Strings(files)
		var out []*synth.Return
		for _, f := range files {
			truth, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pdf := strings.TrimSuffix(f, ".truth.json") + ".pdf"
			pages, err := pdfPages(pdf)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, &synth.Return{ID: filepath.Base(pdf), Truth: truth, Pages: pages})
		}
		return out
	}
	g, err := synth.New(synth.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var out []*synth.Return
	for i := 1; i <= 2; i++ {
		r, err := g.Generate(i)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestExtractSyntheticCorpus(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var tl tally
	for _, r := range loadCorpus(t) {
		rec, err := e.Recognize(t.Context(), decodePages(t, r.Pages))
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		tl.compare(e.cat, decodeTruth(t, r.Truth), rec)
	}
	var rep bytes.Buffer
	tl.report(&rep)
	t.Log("\n" + rep.String())
	got := map[string]float64{}
	got["all"], _ = tl.accuracy(func(fieldResult) bool { return true })
	got["non-blank"], _ = tl.accuracy(func(x fieldResult) bool { return !x.blankTruth })
	got["code"], _ = tl.accuracy(func(x fieldResult) bool { return x.typ == "code" })
	got["tick"], _ = tl.accuracy(func(x fieldResult) bool { return x.typ == "tick" })
	got["pages"] = float64(tl.forms[0]) / float64(max(1, tl.forms[1]))
	for k, floor := range corpusFloors {
		if got[k] < floor {
			t.Errorf("%s accuracy %.3f, below the floor %.3f", k, got[k], floor)
		}
	}
}

// pdfPages splits a PDF into its page images with ocr/split.
func pdfPages(path string) ([][]byte, error) {
	sp := split.New()
	var pages [][]byte
	err := sp.Split(context.Background(), path, review.KindPDF, 1, func(p review.PageImage) error {
		pages = append(pages, p.Data)
		return nil
	})
	return pages, err
}
