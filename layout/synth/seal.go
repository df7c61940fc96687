package synth

import (
	"math"
	"math/rand/v2"
)

// sealSpec is one official seal impression: a red ring, a star, and the unit's
// name round the top of the rim.
type sealSpec struct {
	cx, cy   float64 // centre, page points
	radius   float64 // outer radius, page points
	rot      float64 // radians
	name     string
	ring     float64 // ring width, page points
	ink      ink
	fade     float64 // 0 fresh … 1 badly faded
	pressure float64 // direction of uneven pressure, radians
	seed     uint64  // texture of the ink
}

func newSeal(rng *rand.Rand, name string, cx, cy float64) *sealSpec {
	r := cm(2.0 + rng.Float64()*0.25) // official seals are 40–45 mm across
	s := &sealSpec{
		cx: cx, cy: cy, radius: r,
		rot:      (rng.Float64()*2 - 1) * 0.3,
		name:     name,
		ring:     r * (0.045 + rng.Float64()*0.025),
		ink:      ink{r: uint8(195 + rng.IntN(45)), g: uint8(15 + rng.IntN(45)), b: uint8(25 + rng.IntN(45)), alpha: 0.6 + rng.Float64()*0.3},
		fade:     rng.Float64() * rng.Float64(),
		pressure: rng.Float64() * 2 * math.Pi,
		seed:     rng.Uint64(),
	}
	return s
}

// outline returns the seal's shapes in page points.
func (s *sealSpec) outline(gs *glyphSource) []seg {
	var o outline
	R := s.radius
	rot := rotate(s.rot)
	place := func(x, y float64) (float64, float64) {
		x, y = rot.apply(x, y)
		return x + s.cx, y + s.cy
	}
	// Ring: outer circle clockwise, inner counter-clockwise makes a hole.
	o.circle(s.cx, s.cy, R, false)
	o.circle(s.cx, s.cy, R-s.ring, true)
	// Five-pointed star, one point up.
	so := R * 0.3
	si := so * 0.382
	for i := 0; i <= 10; i++ {
		a := -math.Pi/2 + float64(i)*math.Pi/5
		rr := so
		if i%2 == 1 {
			rr = si
		}
		x, y := place(rr*math.Cos(a), rr*math.Sin(a))
		if i == 0 {
			o.moveTo(x, y)
		} else {
			o.lineTo(x, y)
		}
	}
	// The name round the rim, each character upright toward the rim.
	rs := []rune(s.name)
	n := len(rs)
	// Characters as large as the rim allows: at most 0.27 R, and all of them
	// within 270° of arc.
	maxSpan := 270 * math.Pi / 180
	size := R * 0.27
	for range 4 {
		rt := R - s.ring - size*0.72
		size = math.Min(R*0.27, rt*maxSpan/(float64(n)*0.95))
	}
	rt := R - s.ring - size*0.72 // radius of the characters' centres
	step := size * 1.02 / rt     // angle per character
	span := math.Min(step*float64(n-1), maxSpan)
	if n > 1 {
		step = span / float64(n-1)
	}
	for i, r := range rs {
		phi := -math.Pi/2 - span/2 + float64(i)*step
		g := gs.get(roleHei, r)
		m := translate(-g.advance/2, 0.38).
			then(scaleXY(size*0.78, size)).
			then(rotate(phi + math.Pi/2)).
			then(translate(rt*math.Cos(phi), rt*math.Sin(phi))).
			then(rot).
			then(translate(s.cx, s.cy))
		for _, sg := range g.segs {
			t := sg
			for j := range 3 {
				x, y := m.apply(float64(sg.pts[j][0]), float64(sg.pts[j][1]))
				t.pts[j] = [2]float32{float32(x), float32(y)}
			}
			o.segs = append(o.segs, t)
		}
	}
	return o.segs
}

// render draws the seal onto c: rasterized once into a mask, textured like
// uneven stamp ink, and multiplied over what is already there.
func (s *sealSpec) render(c *canvas, gs *glyphSource, m affine) {
	mk := c.rasterize(s.outline(gs), m, true)
	if mk.w == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(s.seed, 0x5ea1))
	// Coarse value noise for blotchy ink, plus a pressure gradient across the seal.
	const g = 9
	var grid [g + 1][g + 1]float64
	for i := range grid {
		for j := range grid[i] {
			grid[i][j] = rng.Float64()
		}
	}
	cx, cy := m.apply(s.cx, s.cy)
	rpx := s.radius * m.scale()
	px, py := math.Cos(s.pressure), math.Sin(s.pressure)
	state := rng.Uint64() | 1
	for y := 0; y < mk.h; y++ {
		fy := float64(y) / float64(mk.h) * g
		iy := min(int(fy), g-1)
		ty := fy - float64(iy)
		for x := 0; x < mk.w; x++ {
			i := y*mk.w + x
			if mk.pix[i] == 0 {
				continue
			}
			fx := float64(x) / float64(mk.w) * g
			ix := min(int(fx), g-1)
			tx := fx - float64(ix)
			v := (grid[iy][ix]*(1-tx)+grid[iy][ix+1]*tx)*(1-ty) + (grid[iy+1][ix]*(1-tx)+grid[iy+1][ix+1]*tx)*ty
			dx, dy := (float64(mk.x+x)-cx)/rpx, (float64(mk.y+y)-cy)/rpx
			press := 0.5 + 0.5*(dx*px+dy*py) // 0..1 across the seal
			k := 1 - s.fade*(0.3+0.7*v)*(0.4+0.6*press)
			state ^= state >> 12
			state ^= state << 25
			state ^= state >> 27
			if (state*2685821657736338717)>>56 < uint64(40*s.fade) {
				k *= 0.3 // speckle where the ink did not take
			}
			mk.pix[i] = uint8(float64(mk.pix[i]) * math.Max(0, k))
		}
	}
	c.blend(mk, s.ink)
}

// bounds is the seal's box in page points.
func (s *sealSpec) bounds() rect {
	return rect{s.cx - s.radius, s.cy - s.radius, s.cx + s.radius, s.cy + s.radius}
}
