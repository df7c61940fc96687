package synth

import (
	"image"
	"image/png"
	"os"
	"testing"
	"math/rand/v2"
)

func TestScratchGlyphs(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	fs, err := loadFonts("")
	if err != nil {
		t.Fatal(err)
	}
	gs := newGlyphSource(fs)
	c := &canvas{}
	c.reset(1400, 500, false, [3]uint8{255, 255, 255})
	rng := rand.New(rand.NewPCG(1, 2))
	y := 60.0
	for _, role := range []fontRole{roleKai, roleSong, roleHei} {
		for _, s := range []string{"2005年05月 gaoxn@163.com (0571)87654321 ①③⑬ √", "２００５年０５月　ｇａｏｘｎ＠１６３．ｃｏｍ　（０５７１）８７６５４３２１"} {
			w := &writer{h: newHand(rng, false, ink{}), gs: gs, rng: rng}
			w.h.role = role
			ops, _ := w.line(s, 10, y, 36, 1, "")
			for _, op := range ops {
				c.fill(gs.get(op.role, op.r).segs, op.m, op.ink)
			}
			y += 50
		}
	}
	f, _ := os.Create("/tmp/synth/glyphs.png")
	png.Encode(f, &image.RGBA{Pix: c.pix, Stride: c.w * 4, Rect: image.Rect(0, 0, c.w, c.h)})
	f.Close()
}
