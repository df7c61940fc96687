package synth

import (
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/vector"
)

// affine maps (x, y) to (a*x + b*y + c, d*x + e*y + f).
type affine struct{ a, b, c, d, e, f float64 }

func identity() affine              { return affine{a: 1, e: 1} }
func translate(x, y float64) affine { return affine{a: 1, c: x, e: 1, f: y} }
func scaleXY(sx, sy float64) affine { return affine{a: sx, e: sy} }
func shearX(k float64) affine       { return affine{a: 1, b: k, e: 1} }
func rotate(rad float64) affine     { s, c := math.Sincos(rad); return affine{a: c, b: -s, d: s, e: c} }
func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.b*y + m.c, m.d*x + m.e*y + m.f
}

// then returns the transform that applies m first, then n.
func (m affine) then(n affine) affine {
	return affine{
		a: n.a*m.a + n.b*m.d, b: n.a*m.b + n.b*m.e, c: n.a*m.c + n.b*m.f + n.c,
		d: n.d*m.a + n.e*m.d, e: n.d*m.b + n.e*m.e, f: n.d*m.c + n.e*m.f + n.f,
	}
}

// linear drops the translation.
func (m affine) linear() affine { m.c, m.f = 0, 0; return m }

// scale is the mean length of the unit vectors under m.
func (m affine) scale() float64 {
	return (math.Hypot(m.a, m.d) + math.Hypot(m.b, m.e)) / 2
}

// ink is a colour laid on paper by multiplication (ink absorbs; it never lightens).
type ink struct {
	r, g, b uint8
	alpha   float64 // 0..1, how much of the colour is laid where coverage is full
}

// canvas is one page image being drawn, in output (scan) pixels: one byte per
// pixel (grey scans) or RGBA (colour scans). Its buffers are reused from page
// to page.
type canvas struct {
	w, h int
	gray bool
	pix  []uint8 // w*h grey levels, or w*h*4 RGBA
	z    vector.Rasterizer
	mask *image.Alpha // scratch mask, grown as needed
}

// reset makes c a blank w×h page of the given paper colour.
func (c *canvas) reset(w, h int, gray bool, paper [3]uint8) {
	c.w, c.h, c.gray = w, h, gray
	n := w * h
	if !gray {
		n *= 4
	}
	if cap(c.pix) < n {
		c.pix = make([]uint8, n)
	}
	c.pix = c.pix[:n]
	if gray {
		v := luma(paper[0], paper[1], paper[2])
		for i := range c.pix {
			c.pix[i] = v
		}
		return
	}
	row := c.pix[:w*4]
	for x := range w {
		row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = paper[0], paper[1], paper[2], 255
	}
	for y := 1; y < h; y++ {
		copy(c.pix[y*w*4:], row)
	}
}

// luma is the JFIF luminance of an RGB colour.
func luma(r, g, b uint8) uint8 {
	return uint8((uint32(r)*77 + uint32(g)*150 + uint32(b)*29) >> 8)
}

// mask is an alpha coverage image positioned in output pixels.
type mask struct {
	pix  []uint8
	w, h int
	x, y int // top-left in output pixels (or relative to an origin for cached masks)
}

// outline is a list of path segments in some coordinate space.
type outline struct {
	segs []seg
}

func (o *outline) moveTo(x, y float64) {
	o.segs = append(o.segs, seg{op: sfnt.SegmentOpMoveTo, pts: [3][2]float32{{float32(x), float32(y)}}})
}

func (o *outline) lineTo(x, y float64) {
	o.segs = append(o.segs, seg{op: sfnt.SegmentOpLineTo, pts: [3][2]float32{{float32(x), float32(y)}}})
}

func (o *outline) quadTo(x1, y1, x, y float64) {
	o.segs = append(o.segs, seg{op: sfnt.SegmentOpQuadTo, pts: [3][2]float32{{float32(x1), float32(y1)}, {float32(x), float32(y)}}})
}

// circle adds a closed circle; ccw reverses the direction (for holes).
func (o *outline) circle(cx, cy, r float64, ccw bool) {
	const n = 48
	dir := 1.0
	if ccw {
		dir = -1
	}
	o.moveTo(cx+r, cy)
	for i := 1; i <= n; i++ {
		a := dir * 2 * math.Pi * float64(i) / n
		am := dir * 2 * math.Pi * (float64(i) - 0.5) / n
		// Quadratic arc segments: the control point lies outside the arc.
		k := r / math.Cos(math.Pi/n)
		o.quadTo(cx+k*math.Cos(am), cy+k*math.Sin(am), cx+r*math.Cos(a), cy+r*math.Sin(a))
	}
}

// stroke adds a polyline of width w as a set of quads plus round-ish joints.
func (o *outline) stroke(pts [][2]float64, w float64) {
	for i := 0; i+1 < len(pts); i++ {
		x0, y0, x1, y1 := pts[i][0], pts[i][1], pts[i+1][0], pts[i+1][1]
		dx, dy := x1-x0, y1-y0
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*w/2, dx/l*w/2
		// Always the same orientation so overlapping pieces add up rather than cancel.
		o.moveTo(x0+nx, y0+ny)
		o.lineTo(x1+nx, y1+ny)
		o.lineTo(x1-nx, y1-ny)
		o.lineTo(x0-nx, y0-ny)
		o.lineTo(x0+nx, y0+ny)
	}
}

// bounds returns the bounding box of o under m.
func (o *outline) bounds(m affine) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range o.segs {
		n := 1
		switch s.op {
		case sfnt.SegmentOpQuadTo:
			n = 2
		case sfnt.SegmentOpCubeTo:
			n = 3
		}
		for j := range n {
			x, y := m.apply(float64(s.pts[j][0]), float64(s.pts[j][1]))
			x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
		}
	}
	return
}

// rasterize renders segs under m into a coverage mask in output pixels. It
// returns a zero mask if nothing is visible. The mask's pixels are the canvas's
// scratch buffer: use it before the next call.
func (c *canvas) rasterize(segs []seg, m affine, clip bool) mask {
	o := outline{segs: segs}
	x0, y0, x1, y1 := o.bounds(m)
	if math.IsInf(x0, 0) {
		return mask{}
	}
	ix0, iy0 := int(math.Floor(x0))-1, int(math.Floor(y0))-1
	ix1, iy1 := int(math.Ceil(x1))+1, int(math.Ceil(y1))+1
	if clip {
		ix0, iy0 = max(ix0, 0), max(iy0, 0)
		ix1, iy1 = min(ix1, c.w), min(iy1, c.h)
	}
	w, h := ix1-ix0, iy1-iy0
	if w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 {
		return mask{}
	}
	c.z.Reset(w, h)
	c.z.DrawOp = draw.Src
	fx, fy := float64(ix0), float64(iy0)
	for _, s := range segs {
		switch s.op {
		case sfnt.SegmentOpMoveTo:
			x, y := m.apply(float64(s.pts[0][0]), float64(s.pts[0][1]))
			c.z.MoveTo(float32(x-fx), float32(y-fy))
		case sfnt.SegmentOpLineTo:
			x, y := m.apply(float64(s.pts[0][0]), float64(s.pts[0][1]))
			c.z.LineTo(float32(x-fx), float32(y-fy))
		case sfnt.SegmentOpQuadTo:
			ax, ay := m.apply(float64(s.pts[0][0]), float64(s.pts[0][1]))
			bx, by := m.apply(float64(s.pts[1][0]), float64(s.pts[1][1]))
			c.z.QuadTo(float32(ax-fx), float32(ay-fy), float32(bx-fx), float32(by-fy))
		case sfnt.SegmentOpCubeTo:
			ax, ay := m.apply(float64(s.pts[0][0]), float64(s.pts[0][1]))
			bx, by := m.apply(float64(s.pts[1][0]), float64(s.pts[1][1]))
			cx, cy := m.apply(float64(s.pts[2][0]), float64(s.pts[2][1]))
			c.z.CubeTo(float32(ax-fx), float32(ay-fy), float32(bx-fx), float32(by-fy), float32(cx-fx), float32(cy-fy))
		}
	}
	c.z.ClosePath()
	if c.mask == nil || cap(c.mask.Pix) < w*h {
		c.mask = image.NewAlpha(image.Rect(0, 0, w, h))
	} else {
		c.mask.Pix = c.mask.Pix[:w*h]
		c.mask.Stride = w
		c.mask.Rect = image.Rect(0, 0, w, h)
	}
	c.z.Draw(c.mask, c.mask.Rect, image.Opaque, image.Point{})
	return mask{pix: c.mask.Pix, w: w, h: h, x: ix0, y: iy0}
}

// fill rasterizes segs under m and lays ink k over them.
func (c *canvas) fill(segs []seg, m affine, k ink) {
	mk := c.rasterize(segs, m, true)
	c.blend(mk, k)
}

// blend multiplies the canvas by ink k through coverage mk.
func (c *canvas) blend(mk mask, k ink) {
	if mk.w == 0 {
		return
	}
	x0, y0 := max(mk.x, 0), max(mk.y, 0)
	x1, y1 := min(mk.x+mk.w, c.w), min(mk.y+mk.h, c.h)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	// Per channel: dst *= 1 - a*(1-c), with a = coverage*alpha, in 16-bit fixed point.
	al := uint32(k.alpha*256 + 0.5)
	if c.gray {
		kl := 255 - uint32(luma(k.r, k.g, k.b))
		for y := y0; y < y1; y++ {
			mrow := mk.pix[(y-mk.y)*mk.w:]
			drow := c.pix[y*c.w:]
			for x := x0; x < x1; x++ {
				cov := uint32(mrow[x-mk.x])
				if cov == 0 {
					continue
				}
				a := cov * al
				drow[x] = uint8(uint32(drow[x]) * (65280 - a*kl/255) / 65280)
			}
		}
		return
	}
	kr, kg, kb := 255-uint32(k.r), 255-uint32(k.g), 255-uint32(k.b)
	stride := c.w * 4
	for y := y0; y < y1; y++ {
		mrow := mk.pix[(y-mk.y)*mk.w:]
		drow := c.pix[y*stride:]
		for x := x0; x < x1; x++ {
			cov := uint32(mrow[x-mk.x])
			if cov == 0 {
				continue
			}
			a := cov * al // 0..255*256
			i := x * 4
			drow[i] = uint8(uint32(drow[i]) * (65280 - a*kr/255) / 65280)
			drow[i+1] = uint8(uint32(drow[i+1]) * (65280 - a*kg/255) / 65280)
			drow[i+2] = uint8(uint32(drow[i+2]) * (65280 - a*kb/255) / 65280)
		}
	}
}

// copyMask returns a copy of mk that survives the next rasterize call.
func copyMask(mk mask) mask {
	p := make([]uint8, len(mk.pix[:mk.w*mk.h]))
	copy(p, mk.pix)
	mk.pix = p
	return mk
}
