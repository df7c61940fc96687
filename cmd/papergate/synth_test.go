package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"synth", "--out", dir, "--n", "2", "--seed", "4", "--dpi", "72", "--level", "prefecture", "--boxes"},
		stdio{in: strings.NewReader(""), out: &out, err: &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{"r0001.pdf", "r0001.truth.json", "r0001.boxes.json", "r0002.pdf", "r0002.truth.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if got := strings.Count(out.String(), "prefecture"); got != 2 {
		t.Errorf("output %q: want one line per return", out.String())
	}
}

func TestSynthUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no out", []string{"synth", "--n", "1"}},
		{"bad n", []string{"synth", "--out", "x", "--n", "0"}},
		{"bad level", []string{"synth", "--out", "x", "--level", "county"}},
		{"bad dpi", []string{"synth", "--out", "x", "--dpi", "5"}},
		{"bad flag", []string{"synth", "--nope"}},
		{"extra arg", []string{"synth", "--out", "x", "more"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := Main(context.Background(), tc.args, stdio{out: &out, err: &errb}); code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errb.String())
			}
		})
	}
}
