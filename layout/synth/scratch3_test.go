package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

func TestScratchSizes(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	fs, _ := loadFonts("")
	g, _ := New(Options{Seed: 1, DPI: 200})
	_ = fs
	rng := rand.New(rand.NewPCG(1, 2))
	gs := newGlyphSource(g.fonts)
	pr := newPrinter(rng)
	ts := newTypesetter(pr, gs, "Q1")
	form, _ := g.cat.Form("Q1")
	ts.flow(g.paper["Q1"], form)
	p := &filled{page: ts.pages[1]}
	for _, gray := range []bool{true} {
		for _, noise := range []float64{0.5} {
			for _, q := range []int{40, 50, 60, 75} {
				for _, clean := range []int{0, 1, 2} {
					sc := newScanner(rng, 200)
					sc.gray, sc.noise, sc.quality, sc.blur = gray, noise, q, clean
					sc.black, sc.white, sc.gamma = 0, 255, 1
					sc.white = 225
					ps := sc.newPage(rng)
					c := &canvas{}
					jpg, _ := renderPage(c, gs, p, pr, sc, ps, rng)
					fmt.Printf("gray=%v noise=%.0f q=%d blur=%v: %d KB\n", gray, noise, q, clean, len(jpg)/1024)
				}
			}
		}
	}
}
