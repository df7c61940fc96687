package synth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fixed corpus in testdata/synth and docs/synth-page.png")

// corpusDir is the fixed corpus of the repository: testdata/synth at the module root.
const corpusDir = "../../testdata/synth"

// corpus lists the fixed returns: seed 1, 200 dpi, one of each unit level.
var corpus = []struct {
	index int
	level string
}{{1, "province"}, {2, "municipality"}, {3, "prefecture"}}

// TestCorpus regenerates the fixed corpus and checks that it is byte-identical
// to the files in testdata/synth (go test -update rewrites them). Recognition
// tests and benchmarks use these files, so any change in the generator's output
// shows up here first.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the corpus takes a few seconds")
	}
	total := 0
	for _, c := range corpus {
		g, err := New(Options{Seed: 1, DPI: 200, Level: c.level, Compact: true})
		if err != nil {
			t.Fatal(err)
		}
		r, err := g.Generate(c.index)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{
			r.ID + ".pdf":        r.PDF,
			r.ID + ".truth.json": r.Truth,
			r.ID + ".boxes.json": r.Boxes,
		}
		if *update {
			if err := os.MkdirAll(corpusDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteFiles(corpusDir, true); err != nil {
				t.Fatal(err)
			}
		}
		for name, want := range files {
			got, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatalf("%v (run go test ./layout/synth -run TestCorpus -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the generator's output (run with -update if the change is intended)", name)
			}
			total += len(got)
		}
	}
	// About 30 dense A4 pages at 200 dpi cannot be much smaller than this and
	// stay legible; keep the corpus from growing unnoticed.
	if total > 5<<20 {
		t.Errorf("corpus is %d bytes; keep it under 5 MiB", total)
	}
}

// docsPicture is the README's picture: the sealed last page of 问卷（一） of a
// colour-scanned, handwritten province return, scaled to 880 pixels wide.
const docsPicture = "../../docs/synth-page.png"

// TestDocsPicture regenerates docs/synth-page.png and checks it is unchanged
// (go test -update rewrites it).
func TestDocsPicture(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a page at 200 dpi")
	}
	g, err := New(Options{Seed: 34, DPI: 200, Level: "province"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Generate(1)
	if err != nil {
		t.Fatal(err)
	}
	page := -1
	for i, f := range r.Facts.PageForms {
		if f == "Q1" {
			page = i
		}
	}
	if page < 0 || !r.Facts.Seal["Q1"] || r.Facts.Gray || slices.Contains(r.Facts.UpsideDown, page+1) {
		t.Fatalf("return is not a colour scan with a sealed 问卷（一）: %+v", r.Facts)
	}
	png, err := pagePNG(r.Pages[page], 880)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(docsPicture, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docsPicture)
	if err != nil {
		t.Fatalf("%v (run go test ./layout/synth -run TestDocsPicture -update)", err)
	}
	if !bytes.Equal(got, png) {
		t.Errorf("%s differs from the generator's output (run with -update if the change is intended)", docsPicture)
	}
	if len(got) > 600<<10 {
		t.Errorf("%s is %d bytes, want < 600 KB", docsPicture, len(got))
	}
}
