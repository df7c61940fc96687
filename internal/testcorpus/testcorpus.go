// Package testcorpus loads the truth files of the fixed synthetic corpus
// (testdata/synth at the repository root) for tests that need verified returns.
package testcorpus

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"papergate/layout"
)

// Truths decodes every testdata/synth/*.truth.json below root (the path from
// the calling package's directory to the repository root), in file order.
func Truths(t testing.TB, root string) []*layout.Return {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, "testdata", "synth", "*.truth.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no truth files in testdata/synth: %v", err)
	}
	sort.Strings(paths)
	var truths []*layout.Return
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		truth, err := layout.Default().DecodeReturn(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		truths = append(truths, truth)
	}
	return truths
}
