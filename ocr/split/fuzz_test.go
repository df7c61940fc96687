package split

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"papergate/internal/testpdf"
	"papergate/review"
)

// FuzzSplit feeds arbitrary bytes through Sniff, Inspect and Split: nothing may panic
// or hang, every failure must be an *review.InputError (or ctx), and what Split emits
// must agree with what Inspect counted.
//
//	go test ./ocr/split -run '^$' -fuzz FuzzSplit -fuzztime 60s -fuzzminimizetime 1s
//
// (Minimizing a new interesting PDF, kilobytes long, takes minutes at the default
// -fuzzminimizetime; the counter of executions stands still meanwhile.)
func FuzzSplit(f *testing.F) {
	f.Add(testpdf.PDF([]testpdf.Image{testpdf.JPEGPage(60, 80, 0)}, 0))
	f.Add(testpdf.PDF([]testpdf.Image{testpdf.FlatePage(30, 40, 1), testpdf.CCITTWhitePage(64, 8)}, 0))
	f.Add(testpdf.TIFF(2, 16, 16, 100, 1))
	f.Add(pngBytes(f, 16, 16))
	f.Add(testpdf.JPEGPage(16, 16, 0).Data)
	dir := f.TempDir()
	// Rendering is poppler's business, not fuzzed here; small pages keep executions fast.
	s := &Splitter{Pdftoppm: "/bin/false", MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, ok := review.Sniff(data)
		if !ok {
			return
		}
		path := filepath.Join(dir, "fuzz-input")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		pages, err := s.Inspect(context.Background(), path, kind)
		if err != nil {
			var ie *review.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Inspect: %v is not an InputError", err)
			}
			return
		}
		emitted := 0
		err = s.Split(context.Background(), path, kind, 1, func(p review.PageImage) error {
			emitted++
			if p.N != emitted || len(p.Data) == 0 {
				t.Fatalf("page %d emitted as %d with %d bytes", emitted, p.N, len(p.Data))
			}
			return nil
		})
		if err == nil && emitted != pages {
			t.Fatalf("Inspect counted %d pages, Split emitted %d", pages, emitted)
		}
	})
}
