package ocr

import (
	"context"
	"image"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"

	"papergate/layout/synth"
)

func TestCleanSeparatesSealRed(t *testing.T) {
	tests := []struct {
		name     string
		r, g, b  uint8
		red      bool
		darkText bool // must stay below inkLevel
	}{
		{"seal red", 220, 50, 55, true, false},
		{"faded seal", 235, 150, 150, true, false},
		{"black print", 30, 30, 30, false, true},
		{"blue ink", 40, 60, 160, false, true},
		{"black under the seal", 60, 12, 14, false, true},
		{"paper", 245, 243, 238, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, red := clean(tc.r, tc.g, tc.b)
			if got, want := red, tc.red; got != want {
				t.Errorf("red = %v, want %v", got, want)
			}
			if got, want := v < inkLevel, tc.darkText; got != want {
				t.Errorf("grey %d: ink = %v, want %v", v, got, want)
			}
		})
	}
}

// textPage draws rows of dashes, like lines of print, and turns them by deg.
func textPage(deg float64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 1200, 1600))
	for i := range g.Pix {
		g.Pix[i] = 245
	}
	for y := 150; y < 1450; y += 48 {
		for x := 150; x < 1050; x += 34 {
			fillRect(g, image.Rect(x, y, x+26, y+26), 20)
		}
	}
	return rotateGray(g, deg)
}

func TestEstimateSkew(t *testing.T) {
	for _, deg := range []float64{-2.5, -1.2, 0, 0.4, 1.9, 2.5} {
		t.Run("", func(t *testing.T) {
			got := estimateSkew(textPage(deg), 3)
			if math.Abs(got-deg) > 0.1 {
				t.Errorf("skew of a page turned %.2f°: got %.2f°", deg, got)
			}
		})
	}
}

// box draws a printed “（ ）” at x, with baseline y, em pixels per em, and
// returns the zone boxZone would report for it.
func box(g *image.Gray, x, y int, em float64) image.Rectangle {
	e := int(em)
	// Parentheses: two thin arcs approximated by vertical strokes bowed outwards.
	for dy := -int(em * 0.8); dy <= int(em*0.1); dy++ {
		bow := int(em * 0.08 * (1 - math.Abs(float64(dy)+em*0.35)/(em*0.45)))
		fillRect(g, image.Rect(x+int(em*0.7)-bow, y+dy, x+int(em*0.7)-bow+2, y+dy+1), 30)
		fillRect(g, image.Rect(x+int(em*1.8)+bow, y+dy, x+int(em*1.8)+bow+2, y+dy+1), 30)
	}
	return image.Rect(x+int(em*0.1), y-int(em*0.35)-int(em*0.85), x+e*3, y-int(em*0.35)+int(em*0.65))
}

func line(g *image.Gray, x0, y0, x1, y1 float64, w int) {
	n := int(math.Hypot(x1-x0, y1-y0)) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := int(x0+(x1-x0)*t), int(y0+(y1-y0)*t)
		fillRect(g, image.Rect(x, y, x+w, y+w), 40)
	}
}

func TestTickScore(t *testing.T) {
	const em = 36.0
	tests := []struct {
		name   string
		mark   func(g *image.Gray, cx, cy float64)
		marked bool
	}{
		{"empty", func(*image.Gray, float64, float64) {}, false},
		{"stray dot", func(g *image.Gray, cx, cy float64) {
			fillRect(g, image.Rect(int(cx), int(cy), int(cx)+3, int(cy)+3), 40)
		}, false},
		{"check", func(g *image.Gray, cx, cy float64) {
			line(g, cx-em*0.35, cy, cx-em*0.1, cy+em*0.35, 3)
			line(g, cx-em*0.1, cy+em*0.35, cx+em*0.6, cy-em*0.6, 3)
		}, true},
		{"light check", func(g *image.Gray, cx, cy float64) {
			line(g, cx-em*0.3, cy, cx-em*0.1, cy+em*0.3, 2)
			line(g, cx-em*0.1, cy+em*0.3, cx+em*0.45, cy-em*0.5, 2)
		}, true},
		{"cross", func(g *image.Gray, cx, cy float64) {
			line(g, cx-em*0.3, cy-em*0.3, cx+em*0.3, cy+em*0.3, 3)
			line(g, cx+em*0.3, cy-em*0.3, cx-em*0.3, cy+em*0.3, 3)
		}, true},
		{"filled", func(g *image.Gray, cx, cy float64) {
			fillRect(g, image.Rect(int(cx-em*0.4), int(cy-em*0.4), int(cx+em*0.4), int(cy+em*0.4)), 50)
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := image.NewGray(image.Rect(0, 0, 200, 100))
			for i := range g.Pix {
				g.Pix[i] = 245
			}
			zone := box(g, 20, 70, em)
			tc.mark(g, 20+em*1.25, 70-em*0.35)
			s := tickScore(g, zone, em)
			if got, want := s >= tickThreshold, tc.marked; got != want {
				t.Errorf("score %.3f: marked = %v, want %v", s, got, want)
			}
		})
	}
}

// writeGlyphs writes text with the Kai face, slanted and narrowed like a
// hand, em pixels per em, and returns the image and the box of the writing.
func writeGlyphs(t *testing.T, text string, em float64, shear float64) (*image.Gray, image.Rectangle) {
	t.Helper()
	f, err := loadFace("ukai.ttc")
	if err != nil {
		t.Fatalf("font: %v", err)
	}
	g := image.NewGray(image.Rect(0, 0, int(em)*(len([]rune(text))+2), int(em*2)))
	for i := range g.Pix {
		g.Pix[i] = 245
	}
	var buf sfnt.Buffer
	x := em * 0.5
	for _, r := range text {
		narrow, adv := 1.0, em
		if r < 0x80 {
			r, narrow, adv = r-'!'+'！', 0.7, em*0.6 // a hand writes digits with the full-width shapes, narrowed
		}
		if !drawGlyph(g, f, &buf, r, x, em*1.4, em, narrow, shear) {
			t.Fatalf("no glyph for %q", r)
		}
		x += adv
	}
	return g, inkBounds(g, g.Rect).Inset(-3)
}

func TestCircledCodes(t *testing.T) {
	gs, err := loadGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		written string
		shear   float64
	}{
		{"③", 0.1},
		{"①③⑤", 0.2},
		{"⑩⑪⑫⑬", 0},
		{"②、⑦", 0.15},
		{"13", 0.1},
		{"4", 0.25},
	}
	for _, tc := range tests {
		t.Run(tc.written, func(t *testing.T) {
			g, wb := writeGlyphs(t, tc.written, 44, tc.shear)
			got, _ := gs.readGlyphs(g, wb, 44)
			if got != tc.written {
				t.Errorf("read %q, want %q", got, tc.written)
			}
		})
	}
}

func TestOrientationAndIdentification(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g, err := synth.New(synth.Options{Seed: 3, Level: "province"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Generate(1)
	if err != nil {
		t.Fatal(err)
	}
	td := decodeTruth(t, r.Truth)
	// The second page of the return, as scanned and turned upside down.
	n := 2
	for i, f := range td.Facts.PageForms {
		if f == "Q1" {
			n = i + 1
			break
		}
	}
	img, err := decodePages(t, r.Pages).Page(t.Context(), n-1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		img     image.Image
		rotated bool
	}{
		{"upright", img, false},
		{"upside down", upsideDown(img), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.preparePage(tc.img, n)
			if err != nil {
				t.Fatal(err)
			}
			e.identify([]*page{p})
			want := 0
			if tc.rotated != contains(td.Facts.UpsideDown, n) {
				want = 180
			}
			if got := p.read.Rotation; got != want {
				t.Errorf("rotation %d, want %d", got, want)
			}
			if got, want := p.read.Form, "Q1"; got != want {
				t.Errorf("form %q, want %q", got, want)
			}
		})
	}
	_ = context.Background
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func upsideDown(img image.Image) image.Image {
	g, _ := toGray(img)
	return rotate180(g)
}

// TestGlyphLines checks how written marks are cut when the area holds more
// than the value: a code list wrapped onto a second line is read line by
// line, and a number keeps only the line written on the underline, without
// the specks of the printed line above that joined a digit.
func TestGlyphLines(t *testing.T) {
	gs, err := loadGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	const em = 44
	stack := func(top, bottom *image.Gray) *image.Gray {
		w := max(top.Rect.Dx(), bottom.Rect.Dx())
		g := image.NewGray(image.Rect(0, 0, w, top.Rect.Dy()+bottom.Rect.Dy()))
		for i := range g.Pix {
			g.Pix[i] = 245
		}
		for y := range top.Rect.Dy() {
			copy(g.Pix[y*g.Stride:], top.Pix[y*top.Stride:(y+1)*top.Stride])
		}
		for y := range bottom.Rect.Dy() {
			copy(g.Pix[(y+top.Rect.Dy())*g.Stride:], bottom.Pix[y*bottom.Stride:(y+1)*bottom.Stride])
		}
		return g
	}
	t.Run("wrapped codes", func(t *testing.T) {
		l1, _ := writeGlyphs(t, "①、②", em, 0.1)
		l2, _ := writeGlyphs(t, "、③", em, 0.1)
		g := stack(l1, l2)
		var got strings.Builder
		for _, bb := range cutGlyphs(g, inkBounds(g, g.Rect), em) {
			got.WriteString(gs.classes[gs.classifyIn(g, bb, em, codeClasses).cls].text)
		}
		if got.String() != "①、②、③" {
			t.Errorf("read %q, want %q", got.String(), "①、②、③")
		}
	})
	t.Run("number under specks", func(t *testing.T) {
		g, wb := writeGlyphs(t, "1724", em, 0.2)
		// Specks of the printed line above, one right over the "1".
		fillRect(g, image.Rect(wb.Min.X+8, wb.Min.Y-14, wb.Min.X+14, wb.Min.Y-4), 30)
		fillRect(g, image.Rect(wb.Max.X-12, wb.Min.Y-12, wb.Max.X-2, wb.Min.Y-9), 30)
		wb = inkBounds(g, g.Rect)
		got, _ := gs.readGlyphsIn(g, wb, em, numberClasses)
		if got != "1724" {
			t.Errorf("read %q, want %q", got, "1724")
		}
	})
}

// TestDropAbove keeps a small mark that reaches into the line's band (the
// flag of a 5 written as its own stroke) and drops one wholly above it.
func TestDropAbove(t *testing.T) {
	const em = 40
	digits := []image.Rectangle{image.Rect(0, 30, 18, 60), image.Rect(22, 31, 40, 60), image.Rect(44, 30, 62, 61)}
	tests := []struct {
		name string
		mark image.Rectangle
		keep bool
	}{
		{"flag of a 5", image.Rect(24, 28, 40, 34), true},
		{"separator", image.Rect(64, 52, 70, 60), true},
		{"speck above", image.Rect(24, 10, 30, 18), false},
		{"stroke of the line above", image.Rect(2, 0, 8, 12), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := append(append([]image.Rectangle{}, digits...), tc.mark)
			got := dropAbove(cs, em)
			kept := false
			for _, c := range got {
				if c == tc.mark {
					kept = true
				}
			}
			if kept != tc.keep || len(got) < len(digits) {
				t.Errorf("kept %v (%d boxes), want %v", kept, len(got), tc.keep)
			}
		})
	}
}
