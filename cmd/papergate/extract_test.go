package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"papergate/layout"
	"papergate/layout/synth"
)

// TestExtractSyntheticReturn runs `papergate extract --json` as a real process
// (OMP_THREAD_LIMIT=1, as in production) on a synthetic return's PDF and checks
// the document's shape and that most values match the truth.
func TestExtractSyntheticReturn(t *testing.T) {
	g, err := synth.New(synth.Options{Seed: 5, Level: "province"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Generate(1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.WriteFiles(dir, false); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, r.ID+".pdf")
	out := filepath.Join(dir, "out")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "extract", "--out", out, pdf)
	cmd.Env = append(os.Environ(), "PAPERGATE_TEST_EXEC=1", "OMP_THREAD_LIMIT=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("papergate extract: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, r.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Unit       layout.Unit        `json:"unit"`
		Confidence map[string]float64 `json:"confidence"`
		Pages      []map[string]any   `json:"pages"`
		Seal       map[string]bool    `json:"seal"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	got, err := layout.Default().DecodeReturn(data)
	if err != nil {
		t.Fatalf("output is not a return (FIELDS.md §6): %v", err)
	}
	want, err := layout.Default().DecodeReturn(r.Truth)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(doc.Pages), len(r.Pages); got != want {
		t.Errorf("%d pages reported, want %d", got, want)
	}
	if got, want := doc.Unit.Level, layout.LevelProvince; got != want {
		t.Errorf("unit level %q, want %q", got, want)
	}
	if _, ok := doc.Seal["Q1"]; !ok {
		t.Errorf("no seal fact for Q1: %v", doc.Seal)
	}
	right, total := 0, 0
	for form, vals := range want.Forms {
		for id, v := range vals {
			total++
			if _, ok := doc.Confidence[id]; !ok && got.Forms[form] != nil {
				if _, has := got.Forms[form][id]; has {
					t.Errorf("%s has a value but no confidence", id)
				}
			}
			if g := got.Value(id); sameJSON(g, v) {
				right++
			}
		}
	}
	if total == 0 || float64(right)/float64(total) < 0.45 {
		t.Errorf("%d of %d values right, want at least 45%% (measured 53%%)", right, total)
	}
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
