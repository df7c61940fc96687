package synth

import (
	"math"
	"math/rand/v2"
)

// inkOp is one mark made on a filled page after printing: a written or typed
// character, a pen stroke, or a seal impression.
type inkOp struct {
	kind  inkKind
	role  fontRole
	r     rune
	m     affine // inkGlyph: em units → page points
	segs  []seg  // inkPath: outline in page points
	ink   ink
	seal  *sealSpec
	field string // the field this mark answers, "" for none (stray marks, signatures)
}

type inkKind int

const (
	inkGlyph inkKind = iota
	inkPath
	inkSeal
)

// hand is how one person writes: ink, size, slant and how unsteady the hand is.
type hand struct {
	ink     ink
	typed   bool // values typed on a word processor rather than written
	role    fontRole
	scale   float64 // character size relative to the printed size
	slant   float64 // horizontal shear (positive leans right)
	rotJit  float64 // per-character rotation jitter, radians
	sizeJit float64 // per-character relative size jitter
	baseJit float64 // per-character baseline jitter, em
	spacing float64 // advance multiplier
	narrow  float64 // width multiplier for ASCII (hand digits are narrow)
	rise    float64 // how far above the underline the baseline sits, em
	stroke  float64 // pen width for strokes, points
}

func newHand(rng *rand.Rand, typed bool, toner ink) hand {
	if typed {
		return hand{ink: toner, typed: true, role: roleSong, scale: 1, spacing: 1, narrow: 1, rise: 0.18, stroke: 0.7}
	}
	h := hand{
		role:    roleKai,
		scale:   0.95 + rng.Float64()*0.35,
		slant:   -0.05 + rng.Float64()*0.3,
		rotJit:  (1.5 + rng.Float64()*3.5) * math.Pi / 180,
		sizeJit: 0.04 + rng.Float64()*0.08,
		baseJit: 0.03 + rng.Float64()*0.06,
		spacing: 0.88 + rng.Float64()*0.22,
		narrow:  0.85 + rng.Float64()*0.25,
		rise:    0.1 + rng.Float64()*0.25,
		stroke:  0.55 + rng.Float64()*0.45,
	}
	if rng.Float64() < 0.6 {
		// Blue ballpoint.
		h.ink = ink{r: uint8(15 + rng.IntN(40)), g: uint8(30 + rng.IntN(50)), b: uint8(120 + rng.IntN(70)), alpha: 0.85 + rng.Float64()*0.15}
	} else {
		// Black / blue-black.
		h.ink = ink{r: uint8(15 + rng.IntN(30)), g: uint8(15 + rng.IntN(30)), b: uint8(25 + rng.IntN(45)), alpha: 0.85 + rng.Float64()*0.15}
	}
	return h
}

// handFor is the hand of the person who signs: h itself if it is handwriting,
// else a new pen.
func handFor(h hand, rng *rand.Rand) hand {
	if !h.typed {
		return h
	}
	return newHand(rng, false, h.ink)
}

// writer lays one person's (or one typist's) marks onto page ink lists.
type writer struct {
	h   hand
	gs  *glyphSource
	rng *rand.Rand
}

// charAdvance is the advance of r in em for this hand.
func (w *writer) charAdvance(r rune) float64 {
	if !w.h.typed && handDrawn(r) {
		// Hand-written Latin letters and digits: narrow brush shapes.
		return 0.56 * w.h.narrow * w.h.spacing
	}
	a := w.gs.advance(w.h.role, r)
	if r < 0x80 {
		a *= w.h.narrow
	}
	return a * w.h.spacing
}

// shape is the rune whose outline draws r. A hand draws Latin letters and
// digits with the Kai face's full-width forms, which look written rather than
// typeset; they are then narrowed.
func (w *writer) shape(r rune) (rune, float64) {
	if !w.h.typed && handDrawn(r) {
		return r - '!' + '！', 0.78
	}
	return r, w.narrowFor(r)
}

// naturalWidth is the width in em of s written in one line.
func (w *writer) naturalWidth(s string) float64 {
	t := 0.0
	for _, r := range s {
		t += w.charAdvance(r)
	}
	return t
}

// line writes s with its baseline starting at (x, base), characters size points
// high, compressed horizontally by squeeze (≤ 1). It returns the ink ops and
// the box they cover.
func (w *writer) line(s string, x, base, size, squeeze float64, field string) ([]inkOp, rect) {
	var ops []inkOp
	box := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	pen := x
	for _, r := range s {
		adv := w.charAdvance(r) * size * squeeze
		if r == ' ' {
			pen += adv
			continue
		}
		sz := size
		rot, dy, dx := 0.0, 0.0, 0.0
		sh := w.h.slant
		if !w.h.typed {
			sz *= 1 + (w.rng.Float64()*2-1)*w.h.sizeJit
			rot = (w.rng.Float64()*2 - 1) * w.h.rotJit
			dy = (w.rng.Float64()*2 - 1) * w.h.baseJit * size
			dx = (w.rng.Float64()*2 - 1) * 0.04 * size
			sh += (w.rng.Float64()*2 - 1) * 0.05
		}
		gr, narrow := w.shape(r)
		ga := w.gs.advance(w.h.role, gr)
		// Scale about the glyph's centre so jitter does not move it; squeeze narrows it.
		m := translate(-ga/2, 0.38).
			then(scaleXY(sz*squeeze*narrow, sz)).
			then(shearX(-sh)).
			then(rotate(rot)).
			then(translate(pen+adv/2+dx, base-0.38*sz+dy))
		ops = append(ops, inkOp{kind: inkGlyph, role: w.h.role, r: gr, m: m, ink: w.h.ink, field: field})
		// Approximate ink box: the em square under m.
		for _, p := range [][2]float64{{0, -0.88}, {ga, -0.88}, {ga, 0.12}, {0, 0.12}} {
			px, py := m.apply(p[0], p[1])
			box.x0, box.y0 = math.Min(box.x0, px), math.Min(box.y0, py)
			box.x1, box.y1 = math.Max(box.x1, px), math.Max(box.y1, py)
		}
		pen += adv
	}
	return ops, box
}

// handDrawn reports whether a hand draws r with the full-width form of the Kai
// face: letters, digits and @ (ASCII punctuation keeps its own small shapes).
func handDrawn(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '@'
}

func (w *writer) narrowFor(r rune) float64 {
	if r < 0x80 {
		return w.h.narrow
	}
	return 1
}

// fit writes s inside r: on one line if it fits (shrinking it a little if
// needed), else wrapped over as many lines as r holds. base is the baseline of
// the first (or only) line; size the natural character size. A hand may run
// past the end of r by the factor overrun (typed text never does).
func (w *writer) fit(s string, r rect, base, size float64, field string, maxLines int, overrun float64) ([]inkOp, rect) {
	nat := w.naturalWidth(s) * size
	avail := r.w() - size*0.2
	if !w.h.typed {
		avail *= overrun
	}
	lines := []string{s}
	squeeze := 1.0
	if nat > avail {
		squeeze = avail / nat
		if squeeze < 0.72 && maxLines > 1 {
			lines = w.split(s, size, avail*0.98, maxLines)
			longest := 0.0
			for _, l := range lines {
				longest = math.Max(longest, w.naturalWidth(l)*size)
			}
			squeeze = math.Min(1, avail/longest)
		}
	}
	lsize := size
	if len(lines) > 1 {
		// Several lines must share the height of the area.
		lsize = math.Min(size, r.h()/(float64(len(lines))*1.15))
		if lsize < size {
			squeeze = math.Min(1, squeeze*size/lsize)
			longest := 0.0
			for _, l := range lines {
				longest = math.Max(longest, w.naturalWidth(l)*lsize)
			}
			squeeze = math.Min(1, avail/longest)
		}
	}
	var ops []inkOp
	box := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	slack := avail - w.naturalWidth(s)*size*squeeze
	x := r.x0 + size*0.15
	if len(lines) == 1 && slack > 0 {
		if w.h.typed {
			x = r.x0 + math.Min(slack*0.5, size*0.5)
		} else {
			x = r.x0 + w.rng.Float64()*math.Min(slack*0.6, size*2.5)
		}
	}
	b := base - float64(len(lines)-1)*lsize*1.15
	for i, l := range lines {
		o, bx := w.line(l, x, b+float64(i)*lsize*1.15, lsize, squeeze, field)
		ops = append(ops, o...)
		box = union(box, bx)
		if i == 0 {
			x = r.x0 + size*0.15
		}
	}
	return ops, box
}

// split breaks s into at most n lines of roughly equal width, each at most w.
func (w *writer) split(s string, size, width float64, n int) []string {
	rs := []rune(s)
	total := w.naturalWidth(s) * size
	k := int(math.Ceil(total / width))
	k = max(2, min(k, n))
	target := total / float64(k)
	var out []string
	start, acc := 0, 0.0
	for i, r := range rs {
		acc += w.charAdvance(r) * size
		if acc >= target && len(out) < k-1 && i+1 < len(rs) {
			out = append(out, string(rs[start:i+1]))
			start, acc = i+1, 0
		}
	}
	out = append(out, string(rs[start:]))
	return out
}

func union(a, b rect) rect {
	return rect{math.Min(a.x0, b.x0), math.Min(a.y0, b.y0), math.Max(a.x1, b.x1), math.Max(a.y1, b.y1)}
}

// tick marks a “（ ）” box whose writable inside is r.
func (w *writer) tick(r rect, size float64, field string) ([]inkOp, rect) {
	cx := (r.x0+r.x1)/2 + (w.rng.Float64()*2-1)*r.w()*0.2
	cy := (r.y0+r.y1)/2 + (w.rng.Float64()*2-1)*r.h()*0.15
	if w.h.typed {
		ops, bx := w.line("√", cx-size*0.5*w.gs.advance(w.h.role, '√'), cy+0.38*size, size, 1, field)
		return ops, bx
	}
	s := size * (0.8 + w.rng.Float64()*0.6)
	switch x := w.rng.Float64(); {
	case x < 0.3: // the √ character, written
		return w.line("√", cx-s*0.45, cy+0.38*s, s, 1, field)
	case x < 0.9: // a check stroke: short down-stroke, long up-stroke
		lx, ly := cx-s*0.35, cy-s*0.05
		bx, by := cx-s*0.1, cy+s*0.35
		tx, ty := cx+s*(0.45+w.rng.Float64()*0.25), cy-s*(0.5+w.rng.Float64()*0.3)
		pts := [][2]float64{{lx, ly}, {(lx+bx)/2 - s*0.02, (ly + by) / 2}, {bx, by}, {(bx + tx) / 2, (by+ty)/2 + s*0.05}, {tx, ty}}
		return w.strokeOp(pts, w.h.stroke*(1+w.rng.Float64()*0.4), field)
	default: // a cross
		d := s * 0.35
		o1, b1 := w.strokeOp([][2]float64{{cx - d, cy - d}, {cx + d, cy + d*1.1}}, w.h.stroke*1.2, field)
		o2, b2 := w.strokeOp([][2]float64{{cx + d*0.9, cy - d}, {cx - d, cy + d}}, w.h.stroke*1.2, field)
		return append(o1, o2...), union(b1, b2)
	}
}

// ring draws a quick hand-drawn loop around r (a circled option number).
func (w *writer) ring(r rect, field string) ([]inkOp, rect) {
	cx, cy := (r.x0+r.x1)/2, (r.y0+r.y1)/2
	rx := r.w()/2*1.25 + w.rng.Float64()*r.w()*0.15
	ry := r.h()/2*1.1 + w.rng.Float64()*r.h()*0.15
	tilt := (w.rng.Float64()*2 - 1) * 0.3
	start := w.rng.Float64() * 2 * math.Pi
	sweep := 2*math.Pi + 0.3 + w.rng.Float64()*0.5 // the pen overshoots where it began
	var pts [][2]float64
	for i := 0; i <= 12; i++ {
		a := start + sweep*float64(i)/12
		k := 1 + (w.rng.Float64()*2-1)*0.06 + 0.08*float64(i)/12 // spiralling out a little
		x, y := rx*k*math.Cos(a), ry*k*math.Sin(a)
		x, y = x*math.Cos(tilt)-y*math.Sin(tilt), x*math.Sin(tilt)+y*math.Cos(tilt)
		pts = append(pts, [2]float64{cx + x, cy + y})
	}
	return w.strokeOp(pts, w.h.stroke, field)
}

// strokeOp is a pen stroke through pts (page points), slightly wobbly.
func (w *writer) strokeOp(pts [][2]float64, width float64, field string) ([]inkOp, rect) {
	smooth := catmull(pts, 6)
	for i := range smooth {
		smooth[i][0] += (w.rng.Float64()*2 - 1) * width * 0.15
		smooth[i][1] += (w.rng.Float64()*2 - 1) * width * 0.15
	}
	var o outline
	o.stroke(smooth, width)
	box := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range smooth {
		box = union(box, rect{p[0] - width, p[1] - width, p[0] + width, p[1] + width})
	}
	return []inkOp{{kind: inkPath, segs: o.segs, ink: w.h.ink, field: field}}, box
}

// catmull interpolates a Catmull–Rom spline through pts with n steps per span.
func catmull(pts [][2]float64, n int) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	var out [][2]float64
	at := func(i int) [2]float64 { return pts[max(0, min(len(pts)-1, i))] }
	for i := 0; i+1 < len(pts); i++ {
		p0, p1, p2, p3 := at(i-1), at(i), at(i+1), at(i+2)
		for k := range n {
			t := float64(k) / float64(n)
			t2, t3 := t*t, t*t*t
			var q [2]float64
			for d := range 2 {
				q[d] = 0.5 * (2*p1[d] + (-p0[d]+p2[d])*t + (2*p0[d]-5*p1[d]+4*p2[d]-p3[d])*t2 + (-p0[d]+3*p1[d]-3*p2[d]+p3[d])*t3)
			}
			out = append(out, q)
		}
	}
	return append(out, pts[len(pts)-1])
}

// signature scribbles a name at (x, base): fast, slanted, run together, with a
// flourish. w must be a handwriting writer (see handFor).
func (w *writer) signature(name string, x, base, size float64) []inkOp {
	sw := *w
	sw.h.slant = 0.3 + w.rng.Float64()*0.2
	sw.h.spacing = 0.7 + w.rng.Float64()*0.15
	sw.h.rotJit = 6 * math.Pi / 180
	sw.h.sizeJit = 0.15
	sw.h.baseJit = 0.12
	ops, box := sw.line(name, x, base, size, 1, "")
	// Flourish: a loop back under the name.
	y := box.y1 - size*0.1
	pts := [][2]float64{{box.x1 - size*0.2, box.y0 + size*0.5}, {box.x1 + size*0.3, y}, {(box.x0 + box.x1) / 2, y + size*0.25}, {box.x0 - size*0.2, y + size*0.05}}
	fl, _ := sw.strokeOp(pts, sw.h.stroke*0.9, "")
	return append(ops, fl...)
}

// dot is a stray speck of ink.
func (w *writer) dot(x, y float64) inkOp {
	var o outline
	r := 0.25 + w.rng.Float64()*0.5
	o.circle(x, y, r, false)
	k := w.h.ink
	k.alpha *= 0.7
	return inkOp{kind: inkPath, segs: o.segs, ink: k}
}
