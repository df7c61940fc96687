package ocr

import (
	"fmt"
	"image/png"
	"os"
	"testing"

	"papergate/layout/synth"
)

func TestScratchSkew(t *testing.T) {
	if os.Getenv("SCRATCH_S") == "" {
		t.Skip()
	}
	g, _ := synth.New(synth.Options{Seed: 1})
	r, _ := g.Generate(1)
	imgs := decodePages(t, r.Pages)
	for i, img := range imgs[:4] {
		gr, _ := toGray(img)
		flatten(gr)
		n := inkCount(gr, gr.Rect)
		fmt.Println(i+1, estimateSkew(gr, 3), n, gr.Pix[1000*gr.Stride+800])
	}
}

func TestScratchDump(t *testing.T) {
	if os.Getenv("SCRATCH_D") == "" {
		t.Skip()
	}
	g, _ := synth.New(synth.Options{Seed: 1})
	r, _ := g.Generate(1)
	imgs := decodePages(t, r.Pages)
	var pn int
	fmt.Sscan(os.Getenv("SCRATCH_D"), &pn)
	gr, _ := toGray(imgs[pn-1])
	flatten(gr)
	sk := estimateSkew(gr, 3)
	gr = rotateGray(gr, -sk)
	os.WriteFile("/tmp/pgs/page.pgm", pgm(gr, gr.Rect), 0o644)
	pf, _ := os.Create("/tmp/pgs/page.png")
	png.Encode(pf, gr)
	pf.Close()
	fmt.Println(sk, gr.Rect)
	fmt.Printf("%T %v\n", imgs[pn-1], imgs[pn-1].At(1255, 140))
	po, _ := os.Create("/tmp/pgs/orig.png")
	png.Encode(po, imgs[pn-1])
	po.Close()
	g2, red := toGray(imgs[pn-1])
	fmt.Println(findSeal(g2, red, float64(g2.Rect.Dx())/a4Inches))
}
