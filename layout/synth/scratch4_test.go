package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

func TestScratchFit(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	fs, _ := loadFonts("")
	gs := newGlyphSource(fs)
	rng := rand.New(rand.NewPCG(1, 2))
	w := &writer{h: newHand(rng, false, ink{}), gs: gs, rng: rng}
	r := rect{100, 100, 208, 125}
	s := "就业服务和失业保险系统"
	fmt.Println("nat", w.naturalWidth(s)*12, "avail", r.w())
	_, box := w.fit(s, r, 118, 12, "x", 1, 1)
	fmt.Println("box", box, box.w())
}
