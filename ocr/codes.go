package ocr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"papergate/layout"
)

// Option codes are written as circled numbers (①…⑬), plain numbers ("1、3",
// "(3)"), and in table links also column letters and Roman numerals.
// Tesseract's Chinese model reads circled numbers as "@", so codes are read
// by a small template matcher instead: the writing is cut into glyphs
// (connected ink, merged where one glyph sits above another, as the digit in a
// circle does), and each glyph is compared with templates rendered from the
// CJK fonts a Chinese Word installation prints and writes with.

// glyphN is the side of the normalised glyph bitmap.
const glyphN = 20

// glyphClass is one character the matcher knows.
type glyphClass struct {
	text string // what it stands for in the written value ("③", "3", "、", "B")
	sep  bool   // a separator or bracket: never part of a code's digits
}

// glyphTmpl is one rendering of a class.
type glyphTmpl struct {
	class  int
	bits   [glyphN * glyphN]float32
	aspect float64 // width / height of the ink
	height float64 // ink height in em
	yMid   float64 // vertical centre of the ink relative to the baseline, in em (negative: above)
}

// glyphSet holds the templates.
type glyphSet struct {
	classes []glyphClass
	tmpls   []glyphTmpl
}

// fontFiles are the faces templates are rendered from, with the Debian package that installs each.
var fontFiles = []struct{ file, pkg string }{
	{"ukai.ttc", "fonts-arphic-ukai"},
	{"uming.ttc", "fonts-arphic-uming"},
	{"wqy-zenhei.ttc", "fonts-wqy-zenhei"},
}

// ErrFonts is returned when none of the CJK fonts used for code templates is installed.
var ErrFonts = errors.New("ocr: no CJK font for code templates (install fonts-arphic-ukai and fonts-arphic-uming)")

var glyphSetCache struct {
	set *glyphSet
	err error
	ok  bool
}

// loadGlyphSet renders the templates once per process.
func loadGlyphSet() (*glyphSet, error) {
	if glyphSetCache.ok {
		return glyphSetCache.set, glyphSetCache.err
	}
	s, err := renderGlyphSet()
	glyphSetCache.set, glyphSetCache.err, glyphSetCache.ok = s, err, true
	return s, err
}

func renderGlyphSet() (*glyphSet, error) {
	var faces []*sfnt.Font
	var kai *sfnt.Font
	for i, ff := range fontFiles {
		f, err := loadFace(ff.file)
		if err != nil {
			continue
		}
		faces = append(faces, f)
		if i == 0 {
			kai = f
		}
	}
	if len(faces) == 0 {
		return nil, ErrFonts
	}
	gs := &glyphSet{}
	add := func(text string, sep bool) int {
		gs.classes = append(gs.classes, glyphClass{text: text, sep: sep})
		return len(gs.classes) - 1
	}
	var buf sfnt.Buffer
	render := func(class int, f *sfnt.Font, r rune, narrow, shear float64) {
		t, ok := renderGlyph(f, &buf, r, narrow, shear)
		if ok {
			t.class = class
			gs.tmpls = append(gs.tmpls, t)
		}
	}
	shears := []float64{-0.05, 0.12, 0.3}
	for n := 1; n <= 13; n++ {
		c := add(string(rune('①'+n-1)), false)
		for _, f := range faces {
			for _, sh := range shears {
				render(c, f, rune('①'+n-1), 1, sh)
			}
		}
	}
	// Digits and letters: typed (ASCII shapes) and written (the Kai face's full-width shapes, narrowed).
	latin := "0123456789ABCDEFGHIVX"
	for _, r := range latin {
		c := add(string(r), false)
		for _, f := range faces {
			for _, sh := range shears {
				render(c, f, r, 1, sh)
			}
		}
		if kai != nil {
			for _, sh := range shears {
				for _, nw := range []float64{0.68, 0.85} {
					render(c, kai, r-'!'+'！', nw, sh)
				}
			}
		}
	}
	for _, r := range "ⅠⅡⅢⅣⅤⅥ" {
		c := add(string(r), false)
		for _, f := range faces {
			for _, sh := range shears {
				render(c, f, r, 1, sh)
			}
		}
	}
	for _, r := range "、，,()（）" {
		c := add(string(r), true)
		for _, f := range faces {
			for _, sh := range shears[:2] {
				render(c, f, r, 1, sh)
			}
		}
	}
	// What else numbers, dates and phone numbers are written with.
	for _, r := range ".-/%％:年月日万亿元约转人" {
		c := add(string(r), true)
		for _, f := range faces {
			for _, sh := range shears[:2] {
				render(c, f, r, 1, sh)
				if r < 0x80 {
					render(c, f, r, 0.85, sh)
				}
			}
		}
	}
	// Full-width digits as a Chinese input method types them.
	for d := '0'; d <= '9'; d++ {
		c := gs.index(string(d))
		for _, f := range faces[1:] {
			render(c, f, d-'0'+'０', 1, 0)
		}
	}
	if len(gs.tmpls) == 0 {
		return nil, fmt.Errorf("%w: fonts have no glyphs", ErrFonts)
	}
	return gs, nil
}

// index returns the class of text, or -1.
func (gs *glyphSet) index(text string) int {
	for i, c := range gs.classes {
		if c.text == text {
			return i
		}
	}
	return -1
}

// readGlyphs reads the writing in wb of c glyph by glyph: the text and, per
// glyph, how sure the match is (0–100).
func (gs *glyphSet) readGlyphs(c *image.Gray, wb image.Rectangle, em float64) (string, []float64) {
	return gs.readGlyphsIn(c, wb, em, nil)
}

// readGlyphsIn is readGlyphs restricted to some classes.
func (gs *glyphSet) readGlyphsIn(c *image.Gray, wb image.Rectangle, em float64, allow func(glyphClass) bool) (string, []float64) {
	var b strings.Builder
	var confs []float64
	for _, bb := range cutGlyphLine(c, wb, em) {
		gb := gs.classifyIn(c, bb, em, allow)
		b.WriteString(gs.classes[gb.cls].text)
		confs = append(confs, 100*math.Min(1, gb.gap/0.02))
	}
	return b.String(), confs
}

// drawGlyph paints r of face f onto g (dark on light), em pixels per em,
// its baseline origin at (x, y), narrowed and sheared like a hand would.
func drawGlyph(g *image.Gray, f *sfnt.Font, buf *sfnt.Buffer, r rune, x, y, em, narrow, shear float64) bool {
	gi, err := f.GlyphIndex(buf, r)
	if err != nil || gi == 0 {
		return false
	}
	segs, err := f.LoadGlyph(buf, gi, fixed.I(64), nil)
	if err != nil || len(segs) == 0 {
		return false
	}
	k := em / 64
	w, h := g.Rect.Dx(), g.Rect.Dy()
	z := vector.NewRasterizer(w, h)
	pt := func(p fixed.Point26_6) (float32, float32) {
		px, py := float64(p.X)/64*k, float64(p.Y)/64*k // y grows downwards, baseline at 0
		px = px*narrow - shear*py
		return float32(px + x), float32(py + y)
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			z.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			z.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			z.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	z.ClosePath()
	a := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(a, a.Bounds(), image.Opaque, image.Point{})
	for i, v := range a.Pix {
		if v > 0 {
			row, col := i/w, i%w
			j := row*g.Stride + col
			if nv := 255 - int(v); nv < int(g.Pix[j]) {
				g.Pix[j] = uint8(nv)
			}
		}
	}
	return true
}

// renderGlyph draws r at 64 pixels per em, narrowed and sheared like a hand
// would, and normalises it.
func renderGlyph(f *sfnt.Font, buf *sfnt.Buffer, r rune, narrow, shear float64) (glyphTmpl, bool) {
	const size, base, ppem = 128, 96, 64
	g := image.NewGray(image.Rect(0, 0, size, size))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	if !drawGlyph(g, f, buf, r, 32, base, ppem, narrow, shear) {
		return glyphTmpl{}, false
	}
	bb := inkBounds(g, g.Rect)
	if bb.Empty() {
		return glyphTmpl{}, false
	}
	t := glyphTmpl{bits: normGlyph(g, bb), aspect: float64(bb.Dx()) / float64(bb.Dy()), height: float64(bb.Dy()) / ppem}
	t.yMid = (float64(bb.Min.Y+bb.Max.Y)/2 - base) / ppem
	return t, true
}

// normGlyph scales the ink in bb of g into a glyphN×glyphN bitmap, keeping the
// aspect ratio (centred), as ink density 0..1.
func normGlyph(g *image.Gray, bb image.Rectangle) [glyphN * glyphN]float32 {
	var out [glyphN * glyphN]float32
	side := max(bb.Dx(), bb.Dy())
	ox := bb.Min.X - (side-bb.Dx())/2
	oy := bb.Min.Y - (side-bb.Dy())/2
	scale := float64(side) / glyphN
	for j := range glyphN {
		for i := range glyphN {
			// Area average over the source cell.
			x0, x1 := ox+int(float64(i)*scale), ox+int(float64(i+1)*scale+0.999)
			y0, y1 := oy+int(float64(j)*scale), oy+int(float64(j+1)*scale+0.999)
			s, n := 0, 0
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					n++
					if image.Pt(x, y).In(bb) && g.Pix[y*g.Stride+x] < inkLevel {
						s++
					}
				}
			}
			if n > 0 {
				out[j*glyphN+i] = float32(s) / float32(n)
			}
		}
	}
	return out
}

// codeClasses are what a code or list of codes is written with: numbers,
// circled or plain, separators and brackets.
func codeClasses(c glyphClass) bool {
	r := []rune(c.text)[0]
	return r >= '0' && r <= '9' || r >= '①' && r <= '⑬' || strings.ContainsRune("、，,()（）", r)
}

// numberClasses are what numbers, dates and phone numbers are written with.
func numberClasses(c glyphClass) bool {
	r := []rune(c.text)[0]
	return r >= '0' && r <= '9' || c.sep
}

// glyphBox is one cut-out glyph of a written code.
type glyphBox struct {
	r    image.Rectangle
	cls  int
	dist float64 // distance to the best template
	gap  float64 // distance to the best template of another class minus dist
}

// components returns the bounding boxes of the 8-connected ink components of g
// inside r.
func components(g *image.Gray, r image.Rectangle) []image.Rectangle {
	r = r.Intersect(g.Rect)
	w, h := r.Dx(), r.Dy()
	lab := make([]int32, w*h)
	var out []image.Rectangle
	var stack []int
	for y := range h {
		for x := range w {
			i := y*w + x
			if lab[i] != 0 || g.Pix[(y+r.Min.Y)*g.Stride+x+r.Min.X] >= inkLevel {
				continue
			}
			id := int32(len(out) + 1)
			bb := image.Rect(x, y, x+1, y+1)
			stack = append(stack[:0], i)
			lab[i] = id
			for len(stack) > 0 {
				k := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				kx, ky := k%w, k/w
				bb = bb.Union(image.Rect(kx, ky, kx+1, ky+1))
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						nx, ny := kx+dx, ky+dy
						if nx < 0 || ny < 0 || nx >= w || ny >= h {
							continue
						}
						j := ny*w + nx
						if lab[j] == 0 && g.Pix[(ny+r.Min.Y)*g.Stride+nx+r.Min.X] < inkLevel {
							lab[j] = id
							stack = append(stack, j)
						}
					}
				}
			}
			out = append(out, bb.Add(r.Min))
		}
	}
	return out
}

// cutGlyphs splits the writing in r into glyph boxes, left to right: ink
// components, with those stacked over one another (a digit inside its circle,
// the dot of a letter) merged, and specks dropped.
func cutGlyphs(g *image.Gray, r image.Rectangle, em float64) []image.Rectangle {
	keep := marks(g, r, em)
	// Writing wrapped onto a second line in a narrow blank: each line on its own.
	var out []image.Rectangle
	for _, row := range glyphRows(keep, em) {
		out = append(out, mergeGlyphs(row, em)...)
	}
	return out
}

// marks are the ink components of g in r without specks.
func marks(g *image.Gray, r image.Rectangle, em float64) []image.Rectangle {
	var keep []image.Rectangle
	for _, c := range components(g, r) {
		if c.Dx()*c.Dy() < int(em*em*0.004)+2 && max(c.Dx(), c.Dy()) < int(em*0.1)+2 {
			continue
		}
		keep = append(keep, c)
	}
	return keep
}

// cutGlyphLine is cutGlyphs for a value written on one line (a number): if
// the area holds more than one line of marks, the lowest line with a
// full-height glyph, the one written on the underline; marks above it are
// remnants of the printed line above.
func cutGlyphLine(g *image.Gray, r image.Rectangle, em float64) []image.Rectangle {
	keep := clipTop(g, r, marks(g, r, em), em)
	rows := glyphRows(keep, em)
	for i := len(rows) - 1; i >= 0; i-- {
		for _, c := range rows[i] {
			if float64(c.Dy()) >= em*0.45 {
				return mergeGlyphs(rows[i], em)
			}
		}
	}
	return mergeGlyphs(keep, em)
}

// clipTop cuts components that come down from the top edge of the area
// (a stroke of the printed line above joined to a written digit) at the top of
// the writing: the median top of the other full-height glyphs.
func clipTop(g *image.Gray, r image.Rectangle, cs []image.Rectangle, em float64) []image.Rectangle {
	var tops []float64
	for _, c := range cs {
		if c.Min.Y > r.Min.Y+1 && float64(c.Dy()) >= em*0.45 {
			tops = append(tops, float64(c.Min.Y))
		}
	}
	if len(tops) == 0 {
		return cs
	}
	cut := int(median(tops)) - 1
	out := cs[:0]
	for _, c := range cs {
		if c.Min.Y <= r.Min.Y+1 && c.Min.Y < cut && c.Max.Y > cut {
			c = inkBounds(g, image.Rect(c.Min.X, cut, c.Max.X, c.Max.Y))
			if c.Empty() {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// dropAbove drops small components wholly above the line's band (the tops
// of its full-height components): specks of the printed line above. Unlike
// dropStray it keeps marks that reach into the band, such as the flag of a
// 5 written as a separate stroke.
func dropAbove(cs []image.Rectangle, em float64) []image.Rectangle {
	var tops []float64
	for _, c := range cs {
		if float64(c.Dy()) >= em*0.45 {
			tops = append(tops, float64(c.Min.Y))
		}
	}
	if len(tops) == 0 {
		return cs
	}
	top := int(median(tops))
	out := cs[:0]
	for _, c := range cs {
		if float64(c.Dy()) < em*0.35 && c.Max.Y <= top {
			continue
		}
		out = append(out, c)
	}
	return out
}

// glyphRows groups components into lines of writing, top to bottom: the
// vertical extents of the tall components (≥ 0.35 em) that overlap form a
// line; smaller ones join the line nearest to their centre. One row when the
// writing is a single line.
func glyphRows(cs []image.Rectangle, em float64) [][]image.Rectangle {
	type band struct{ y0, y1 int }
	var bands []band
	tall := append([]image.Rectangle{}, cs...)
	sort.Slice(tall, func(i, j int) bool { return tall[i].Min.Y < tall[j].Min.Y })
	for _, c := range tall {
		if float64(c.Dy()) < em*0.35 {
			continue
		}
		// Overlap by more than a third of the smaller height: the same line.
		if n := len(bands); n > 0 {
			b := &bands[n-1]
			ov := min(b.y1, c.Max.Y) - max(b.y0, c.Min.Y)
			if ov*3 > min(b.y1-b.y0, c.Dy()) {
				b.y0, b.y1 = min(b.y0, c.Min.Y), max(b.y1, c.Max.Y)
				continue
			}
		}
		bands = append(bands, band{c.Min.Y, c.Max.Y})
	}
	if len(bands) < 2 {
		return [][]image.Rectangle{cs}
	}
	rows := make([][]image.Rectangle, len(bands))
	for _, c := range cs {
		cy := (c.Min.Y + c.Max.Y) / 2
		bi, bd := 0, 1<<30
		for i, b := range bands {
			d := 0
			if cy < b.y0 {
				d = b.y0 - cy
			} else if cy > b.y1 {
				d = cy - b.y1
			}
			if d < bd {
				bi, bd = i, d
			}
		}
		rows[bi] = append(rows[bi], c)
	}
	return rows
}

// mergeGlyphs merges the components of one line of writing into glyphs, left
// to right.
func mergeGlyphs(keep []image.Rectangle, em float64) []image.Rectangle {
	keep = dropAbove(keep, em) // before a speck above a digit is merged into it
	sort.Slice(keep, func(i, j int) bool { return keep[i].Min.X < keep[j].Min.X })
	merged := true
	for merged {
		merged = false
		for i := 0; i < len(keep) && !merged; i++ {
			for j := i + 1; j < len(keep); j++ {
				a, b := keep[i], keep[j]
				ov := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
				narrow := min(a.Dx(), b.Dx())
				if ov > 0 && (float64(ov) >= 0.6*float64(narrow) || b.In(a.Inset(-2)) || a.In(b.Inset(-2))) {
					keep[i] = a.Union(b)
					keep = append(keep[:j], keep[j+1:]...)
					merged = true
					break
				}
			}
		}
		sort.Slice(keep, func(i, j int) bool { return keep[i].Min.X < keep[j].Min.X })
	}
	return dropStray(mergeArcs(keep, em), em)
}

// dropStray drops small marks above the written line: specks of the printed
// line above the blank left at the top of the area, which would read as "."
// or "-". The line's band is where the full-height glyphs are; a separator
// (、 , . -) sits in its lower half or middle, never wholly in its top fifth.
func dropStray(bs []image.Rectangle, em float64) []image.Rectangle {
	var tops, bots []float64
	for _, b := range bs {
		if float64(b.Dy()) >= em*0.45 {
			tops = append(tops, float64(b.Min.Y))
			bots = append(bots, float64(b.Max.Y))
		}
	}
	if len(tops) == 0 {
		return bs
	}
	top, bot := median(tops), median(bots)
	out := bs[:0]
	for _, b := range bs {
		if float64(b.Dy()) < em*0.35 && float64(b.Max.Y) < top+0.2*(bot-top) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// mergeArcs joins a circle that a thin print or JPEG broke into arcs beside
// its digit: a run of two or three glyphs about as wide as tall, no wider than
// a circled number, whose outer parts are arcs taller than the digit between.
func mergeArcs(keep []image.Rectangle, em float64) []image.Rectangle {
	arc := func(a, u image.Rectangle) bool {
		return a.Dx()*100 <= u.Dx()*40 && a.Dy()*100 >= u.Dy()*70
	}
	for i := 0; i < len(keep); i++ {
		for n := 3; n >= 2; n-- {
			if i+n > len(keep) {
				continue
			}
			run := keep[i : i+n]
			u := run[0]
			for _, k := range run[1:] {
				u = u.Union(k)
			}
			if u.Dx() > int(em*1.3) || u.Dy() < int(em*0.55) || u.Dx()*100 < u.Dy()*72 || u.Dx()*100 > u.Dy()*135 {
				continue
			}
			gapOK := true
			for j := 1; j < n; j++ {
				if run[j].Min.X-run[j-1].Max.X > int(em*0.2) {
					gapOK = false
				}
			}
			if !gapOK {
				continue
			}
			ok := false
			if n == 3 {
				mid := run[1]
				ok = arc(run[0], u) && arc(run[2], u) && run[0].Dy()*100 >= mid.Dy()*125 && run[2].Dy()*100 >= mid.Dy()*125
			} else {
				a, b := run[0], run[1]
				ok = (arc(a, u) && !arc(b, u) && a.Dy()*100 >= b.Dy()*125) || (arc(b, u) && !arc(a, u) && b.Dy()*100 >= a.Dy()*125)
			}
			if !ok {
				continue
			}
			keep = append(append(keep[:i:i], u), keep[i+n:]...)
			break
		}
	}
	return keep
}

// classify matches one glyph box against the templates.
func (gs *glyphSet) classify(g *image.Gray, bb image.Rectangle, em float64, baseline int) glyphBox {
	return gs.classifyIn(g, bb, em, nil)
}

// classifyIn is classify restricted to the classes allow accepts (nil: all).
func (gs *glyphSet) classifyIn(g *image.Gray, bb image.Rectangle, em float64, allow func(glyphClass) bool) glyphBox {
	bits := normGlyph(g, bb)
	aspect := float64(bb.Dx()) / float64(bb.Dy())
	height := float64(bb.Dy()) / em
	best := make([]float64, len(gs.classes))
	for i := range best {
		best[i] = math.Inf(1)
	}
	for _, t := range gs.tmpls {
		if allow != nil && !allow(gs.classes[t.class]) {
			continue
		}
		d := 0.0
		for k := range bits {
			x := float64(bits[k] - t.bits[k])
			d += x * x
		}
		d /= glyphN * glyphN
		// Shape alone cannot tell "、" from "," or "0" from "O": size and aspect help.
		la := math.Log(aspect / t.aspect)
		lh := math.Log(height / t.height)
		d += 0.02*la*la + 0.03*lh*lh
		if d < best[t.class] {
			best[t.class] = d
		}
	}
	bi := 0
	for i, d := range best {
		if d < best[bi] {
			bi = i
		}
	}
	second := math.Inf(1)
	for i, d := range best {
		if i != bi && d < second {
			second = d
		}
	}
	return glyphBox{r: bb, cls: bi, dist: best[bi], gap: second - best[bi]}
}

// circledValue returns n for the circled number class text ("③" → 3), or 0.
func circledValue(text string) int {
	r := []rune(text)
	if len(r) == 1 && r[0] >= '①' && r[0] <= '⑳' {
		return int(r[0]-'①') + 1
	}
	return 0
}

// classifyCode is classifyIn for a code: a glyph matched as a circled number
// is read again by its digits alone. The digit is a small part of the whole
// glyph's bitmap, so ② and ③ written in slanted circles are close as wholes;
// cut out of the circle (the components inside it that do not touch its
// edge) they are plain digits, which the matcher tells apart well.
func (gs *glyphSet) classifyCode(g *image.Gray, bb image.Rectangle, em float64, allow func(glyphClass) bool) glyphBox {
	gb := gs.classifyIn(g, bb, em, allow)
	if circledValue(gs.classes[gb.cls].text) == 0 {
		return gb
	}
	// The inside of the circle: the glyph with everything outside an ellipse
	// of 0.72 of its half-axes whitened (the written circle's stroke lies
	// further out, and the digit often touches it).
	in := crop(g, bb)
	cx, cy := float64(in.Rect.Dx())/2, float64(in.Rect.Dy())/2
	ax, ay := cx*0.72, cy*0.72
	for y := range in.Rect.Dy() {
		for x := range in.Rect.Dx() {
			dx, dy := (float64(x)+0.5-cx)/ax, (float64(y)+0.5-cy)/ay
			if dx*dx+dy*dy > 1 {
				in.Pix[y*in.Stride+x] = 255
			}
		}
	}
	var ds []image.Rectangle
	for _, c := range components(in, in.Rect) {
		if float64(c.Dy()) >= float64(bb.Dy())*0.25 {
			ds = append(ds, c)
		}
	}
	g = in
	if len(ds) == 0 || len(ds) > 2 {
		return gb
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Min.X < ds[j].Min.X })
	digit := func(c glyphClass) bool {
		r := []rune(c.text)
		return len(r) == 1 && r[0] >= '0' && r[0] <= '9'
	}
	n, gap := 0, math.Inf(1)
	for _, d := range ds {
		// Inside the circle a digit is about half an em tall; classify it at that size.
		dg := gs.classifyIn(g, d, float64(d.Dy())/0.7, digit)
		n = n*10 + int(gs.classes[dg.cls].text[0]-'0')
		gap = math.Min(gap, dg.gap)
	}
	if n < 1 || n > 20 {
		return gb
	}
	ci := gs.index(string('①' + rune(n-1)))
	if ci < 0 || (allow != nil && !allow(gs.classes[ci])) {
		return gb
	}
	if ci != gb.cls {
		gb.cls, gb.gap = ci, gap
	} else {
		gb.gap = math.Max(gb.gap, gap)
	}
	return gb
}

// readCodes reads a written code, list of codes or table links in the clean
// area c (written box wb): glyph by glyph with the template matcher.
func (e *Engine) readCodes(p *page, c *image.Gray, wb image.Rectangle, f *layout.Field) (string, []float64, error) {
	allow := codeAllow(f)
	if f.Type == layout.TypeLinks {
		allow = nil
	}
	c = boostFaint(c)
	var b strings.Builder
	var confs []float64
	debugImage(f.ID, "codes", c)
	for _, bb := range splitCircles(c, cutGlyphs(c, wb, p.em), p.em) {
		gb := e.glyph.classifyCode(c, bb, p.em, allow)
		b.WriteString(e.glyph.classes[gb.cls].text)
		confs = append(confs, 100*math.Min(1, gb.gap/0.02))
		debugf(f.ID, "  glyph %v %q dist %.4f gap %.4f", bb, e.glyph.classes[gb.cls].text, gb.dist, gb.gap)
	}
	debugf(f.ID, "codes %q em %.1f wb %v", b.String(), p.em, wb)
	return b.String(), confs, nil
}

// codeAllow is codeClasses limited to the codes f offers: no ⑪ for a
// question with five options.
func codeAllow(f *layout.Field) func(glyphClass) bool {
	top := 0
	for _, o := range f.Options {
		top = max(top, o.Code)
	}
	if top == 0 {
		return codeClasses
	}
	return func(c glyphClass) bool {
		if !codeClasses(c) {
			return false
		}
		r := []rune(c.text)[0]
		if r >= '①' && r <= '⑬' {
			return int(r-'①')+1 <= top
		}
		if r == '0' {
			return top >= 10
		}
		return true
	}
}

// splitCircles cuts a run of circled numbers that touch each other (printed
// ①③⑤) into glyphs: as many as fit circles about as wide as they are tall,
// the count whose evenly spaced cuts cross the least ink (the circles touch at
// a point; a cut through a circle crosses its digit).
func splitCircles(c *image.Gray, bs []image.Rectangle, em float64) []image.Rectangle {
	var out []image.Rectangle
	for _, b := range bs {
		if b.Dy() < int(em*0.6) || b.Dx()*10 < b.Dy()*16 {
			out = append(out, b)
			continue
		}
		cols := make([]int, b.Dx())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if c.Pix[(y-c.Rect.Min.Y)*c.Stride+x-c.Rect.Min.X] < inkLevel {
					cols[x-b.Min.X]++
				}
			}
		}
		lo := max(2, int(math.Floor(float64(b.Dx())/float64(b.Dy())+0.3)))
		hi := max(lo, int(math.Ceil(float64(b.Dx())/(0.75*float64(b.Dy())))))
		bestN, bestS := lo, math.Inf(1)
		for n := lo; n <= hi; n++ {
			s := 0.0
			for i := 1; i < n; i++ {
				x := b.Dx() * i / n
				m := 1 << 30
				for d := -3; d <= 3; d++ {
					if x+d >= 0 && x+d < len(cols) {
						m = min(m, cols[x+d])
					}
				}
				s += float64(m)
			}
			s /= float64(n - 1)
			if s < bestS-0.5 {
				bestN, bestS = n, s
			}
		}
		n := bestN
		for i := range n {
			out = append(out, image.Rect(b.Min.X+b.Dx()*i/n, b.Min.Y, b.Min.X+b.Dx()*(i+1)/n, b.Max.Y))
		}
	}
	return out
}

// boostFaint returns a black-and-white copy of c in which everything clearly
// darker than the paper is ink: the hairline circle of a printed ①, lighter
// than inkLevel after blur and JPEG, then stays whole around its digit.
func boostFaint(c *image.Gray) *image.Gray {
	var hist [256]int
	n := 0
	for y := c.Rect.Min.Y; y < c.Rect.Max.Y; y++ {
		for _, v := range c.Pix[(y-c.Rect.Min.Y)*c.Stride : (y-c.Rect.Min.Y)*c.Stride+c.Rect.Dx()] {
			hist[v]++
			n++
		}
	}
	paper, acc := 255, 0
	for v := range 256 {
		acc += hist[v]
		if acc*2 >= n {
			paper = v
			break
		}
	}
	lvl := uint8(max(inkLevel, min(paper-faintMargin, 250)))
	out := image.NewGray(c.Rect)
	for i, v := range c.Pix {
		if v < lvl {
			out.Pix[i] = 0
		} else {
			out.Pix[i] = 255
		}
	}
	return out
}

// faintMargin is how much darker than the paper a pixel must be to count as
// ink of a code.
const faintMargin = 30
