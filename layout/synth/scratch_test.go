package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

func TestScratch(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	g, err := New(Options{Seed: 1, DPI: 200, Level: os.Getenv("LEVEL")})
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll("/tmp/synth", 0o755)
	for i := 1; i <= 4; i++ {
		start := time.Now()
		r, err := g.Generate(i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(r.ID, r.Level, len(r.Pages), "pages", time.Since(start), len(r.PDF)/1024, "KB", r.Facts.Pages, r.Facts.Gray)
		r.WriteFiles("/tmp/synth", true)
		var imgs []image.Image
		for j, p := range r.Pages {
			img, _ := jpeg.Decode(bytes.NewReader(p))
			imgs = append(imgs, img)
			b := img.Bounds()
			dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
			draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
			f, _ := os.Create(fmt.Sprintf("/tmp/synth/%s-p%02d.png", r.ID, j+1))
			png.Encode(f, dst)
			f.Close()
		}
		// Contact sheet.
		tw, th := 300, 424
		cols := 6
		rows := (len(imgs) + cols - 1) / cols
		sheet := image.NewRGBA(image.Rect(0, 0, cols*tw, rows*th))
		for j, img := range imgs {
			x, y := (j%cols)*tw, (j/cols)*th
			draw.ApproxBiLinear.Scale(sheet, image.Rect(x+2, y+2, x+tw-2, y+th-2), img, img.Bounds(), draw.Src, nil)
		}
		f, _ := os.Create(fmt.Sprintf("/tmp/synth/%s-sheet.png", r.ID))
		png.Encode(f, sheet)
		f.Close()
	}
}
