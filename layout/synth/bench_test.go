package synth

import (
	"testing"
)

// BenchmarkGenerate measures the time to make one return (all pages scanned,
// JPEG-encoded and written into a PDF) at a few resolutions. It reports pages
// per return and milliseconds per page.
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name string
		dpi  int
	}{{"200dpi", 200}, {"300dpi", 300}} {
		b.Run(bc.name, func(b *testing.B) {
			g, err := New(Options{Seed: 7, DPI: bc.dpi})
			if err != nil {
				b.Fatal(err)
			}
			pages := 0
			i := 0
			for b.Loop() {
				i++
				r, err := g.Generate(i)
				if err != nil {
					b.Fatal(err)
				}
				pages += len(r.Pages)
			}
			b.ReportMetric(float64(pages)/float64(i), "pages/return")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(pages), "ms/page")
		})
	}
}
