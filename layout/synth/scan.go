package synth

import (
	"bytes"
	"math"
	"math/rand/v2"
)

// A4 paper in PostScript points.
const (
	a4W = 595.2756 // 210 mm
	a4H = 841.8898 // 297 mm
)

// scanner is the scanning set-up of one return: every page of a return goes
// through the same machine at the same settings.
type scanner struct {
	dpi     int
	gray    bool
	quality int        // JPEG quality
	paper   [3]float64 // paper tone, 0..255
	noise   float64    // noise standard deviation in grey levels
	black   float64    // tone curve: input level that becomes black
	white   float64    // tone curve: input level that becomes white
	gamma   float64
	blur    int // 0 none, 1 light, 2 heavier
	w, h    int // page image size in pixels
}

func newScanner(rng *rand.Rand, dpi int) scanner {
	s := scanner{dpi: dpi}
	s.w = int(math.Round(a4W / 72 * float64(dpi)))
	s.h = int(math.Round(a4H / 72 * float64(dpi)))
	s.gray = rng.Float64() < 0.55
	s.quality = 60 + rng.IntN(33)
	base := 236 + rng.Float64()*17
	tint := rng.Float64() * 6 // recycled / yellowish paper
	s.paper = [3]float64{base, base - tint*0.3, base - tint}
	s.noise = 1 + rng.Float64()*2.5
	s.black = rng.Float64() * 18
	s.white = 255 + rng.Float64()*10
	s.gamma = 0.9 + rng.Float64()*0.25
	if rng.Float64() < 0.4 {
		// An office copier that cleans the background: the paper comes out white.
		s.white = base - 6 - rng.Float64()*12
		s.noise *= 0.6
	}
	switch x := rng.Float64(); {
	case x < 0.45:
		s.blur = 0
	case x < 0.85:
		s.blur = 1
	default:
		s.blur = 2
	}
	return s
}

// compact switches s to small output: grey, low JPEG quality, white paper.
func (s *scanner) compact() {
	s.gray = true
	s.quality = 40
	s.white = math.Min(s.white, s.paper[0]-8)
	s.noise = math.Min(s.noise, 1)
	s.blur = max(s.blur, 2)
}

// pageScan is how one sheet lay on the scanner glass and how the lamp lit it.
type pageScan struct {
	skew       float64 // degrees
	dx, dy     float64 // shift in pixels
	scale      float64
	upsideDown bool
	// Illumination: separable gain per column and per row.
	gainX, gainY    float64 // linear brightness slopes across the page
	shadowSide      int     // 0 none, 1 left, 2 right: a dark band along a binding edge
	shadowW, shadow float64
	bright          float64 // overall gain
	m               affine  // page points to output pixels
}

func (s scanner) newPage(rng *rand.Rand) pageScan {
	p := pageScan{
		skew:   (rng.Float64()*2 - 1) * 2.5,
		dx:     (rng.Float64()*2 - 1) * 0.012 * float64(s.w),
		dy:     (rng.Float64()*2 - 1) * 0.010 * float64(s.h),
		scale:  1 + (rng.Float64()*2-1)*0.015,
		gainX:  (rng.Float64()*2 - 1) * 0.05,
		gainY:  (rng.Float64()*2 - 1) * 0.05,
		bright: 0.97 + rng.Float64()*0.05,
	}
	if rng.Float64() < 0.5 {
		p.skew *= 0.4 // most sheets are laid fairly straight
	}
	p.upsideDown = rng.Float64() < 0.03
	if rng.Float64() < 0.15 {
		p.shadowSide = 1 + rng.IntN(2)
		p.shadowW = 0.02 + rng.Float64()*0.04
		p.shadow = 0.15 + rng.Float64()*0.3
	}
	k := p.scale * float64(s.dpi) / 72
	m := translate(-a4W/2, -a4H/2).then(scaleXY(k, k)).then(rotate(p.skew * math.Pi / 180))
	if p.upsideDown {
		m = m.then(rotate(math.Pi))
	}
	p.m = m.then(translate(float64(s.w)/2+p.dx, float64(s.h)/2+p.dy))
	return p
}

// start readies c as a blank sheet the colour of the paper, with the sheet's
// edge showing where the sheet is shifted or skewed on the glass.
func (s scanner) start(c *canvas, p pageScan) {
	c.reset(s.w, s.h, s.gray, [3]uint8{uint8(s.paper[0]), uint8(s.paper[1]), uint8(s.paper[2])})
	// The sheet's edge casts a thin grey shadow on the (white) scanner lid.
	var o outline
	o.stroke([][2]float64{{0, 0}, {a4W, 0}, {a4W, a4H}, {0, a4H}, {0, 0}}, 0.6)
	c.fill(o.segs, p.m, ink{r: 120, g: 120, b: 120, alpha: 0.5})
}

// finish turns the drawn page into what the scanner delivers: luminance (and,
// in colour, 4:2:0 chroma), lens blur, the lamp's uneven light, sensor grain and
// the scanner's tone curve, then encodes it as JPEG. It returns the JPEG bytes
// bytes.
func (s scanner) finish(c *canvas, p pageScan, rng *rand.Rand) ([]byte, error) {
	w, h := s.w, s.h
	var Y, cb, cr []uint8
	cw, ch := (w+1)/2, (h+1)/2
	if s.gray {
		Y = c.pix // the canvas is already luminance; it is not drawn on again
	} else {
		Y = make([]uint8, w*h)
		for y := range h {
			row := c.pix[y*w*4 : y*w*4+w*4]
			out := Y[y*w : y*w+w]
			for x := range out {
				px := row[x*4 : x*4+3 : x*4+3]
				out[x] = uint8((uint32(px[0])*77 + uint32(px[1])*150 + uint32(px[2])*29) >> 8)
			}
		}
		cb, cr = make([]uint8, cw*ch), make([]uint8, cw*ch)
		for cy := range ch {
			y0, y1 := 2*cy, min(2*cy+1, h-1)
			r0 := c.pix[y0*w*4:]
			r1 := c.pix[y1*w*4:]
			for cx := range cw {
				i0, i1 := 8*cx, min(8*cx+4, (w-1)*4)
				r := int32(r0[i0]) + int32(r0[i1]) + int32(r1[i0]) + int32(r1[i1])
				g := int32(r0[i0+1]) + int32(r0[i1+1]) + int32(r1[i0+1]) + int32(r1[i1+1])
				b := int32(r0[i0+2]) + int32(r0[i1+2]) + int32(r1[i0+2]) + int32(r1[i1+2])
				// JFIF: Cb = 128 - 0.1687R - 0.3313G + 0.5B; Cr = 128 + 0.5R - 0.4187G - 0.0813B.
				cb[cy*cw+cx] = clamp8(128 + (-43*r-85*g+128*b)>>10)
				cr[cy*cw+cx] = clamp8(128 + (128*r-107*g-21*b)>>10)
			}
		}
	}
	for range s.blur {
		blurPlane(Y, w, h)
	}

	// Lamp: a gain per column (with a shadow along a binding edge) times a gain per row.
	colGain := make([]int32, w)
	for x := range w {
		fx := float64(x)/float64(w) - 0.5
		g := p.bright * (1 + p.gainX*fx)
		if p.shadowSide != 0 {
			d := float64(x) / float64(w)
			if p.shadowSide == 2 {
				d = 1 - d
			}
			if d < p.shadowW {
				t := 1 - d/p.shadowW
				g *= 1 - p.shadow*t*t
			}
		}
		colGain[x] = int32(g * 256)
	}
	lut := s.toneCurve()
	state := rng.Uint64() | 1
	noiseK := int32(s.noise / 147 * 256) // Irwin–Hall of 4 bytes has sd ≈ 147
	// Sensor grain: one value per 2×2 pixels, which looks like scanner grain and
	// keeps JPEG blocks cheap.
	noiseRow := make([]int32, cw+1)
	for y := range h {
		rg := int32((1 + p.gainY*(float64(y)/float64(h)-0.5)) * 256)
		if y%2 == 0 {
			for i := 0; i < len(noiseRow); i += 2 {
				// xorshift64*: one draw gives the noise of two cells.
				state ^= state >> 12
				state ^= state << 25
				state ^= state >> 27
				r := state * 2685821657736338717
				noiseRow[i] = (int32(r&0xff) + int32(r>>8&0xff) + int32(r>>16&0xff) + int32(r>>24&0xff) - 510) * noiseK >> 8
				if i+1 < len(noiseRow) {
					noiseRow[i+1] = (int32(r>>32&0xff) + int32(r>>40&0xff) + int32(r>>48&0xff) + int32(r>>56&0xff) - 510) * noiseK >> 8
				}
			}
		}
		row := Y[y*w : y*w+w]
		gains := colGain[:len(row)]
		noise := noiseRow[:(len(row)+1)/2]
		for x := 0; x+1 < len(row); x += 2 {
			g := gains[x] * rg >> 8
			n := noise[x>>1] + 256
			row[x] = lut[uint32(int32(row[x])*g>>8+n)&1023]
			row[x+1] = lut[uint32(int32(row[x+1])*g>>8+n)&1023]
		}
		if len(row)%2 == 1 {
			x := len(row) - 1
			row[x] = lut[uint32(int32(row[x])*(gains[x]*rg>>8)>>8+noise[x>>1]+256)&1023]
		}
		if cb != nil && y%2 == 0 {
			cy := y / 2
			for cx := range cw {
				g := colGain[min(2*cx, w-1)] * rg >> 8
				i := cy*cw + cx
				cb[i] = clamp8(128 + (int32(cb[i])-128)*g>>8)
				cr[i] = clamp8(128 + (int32(cr[i])-128)*g>>8)
			}
		}
	}
	var buf bytes.Buffer
	buf.Grow(w * h / 10)
	encodeJPEG(&buf, Y, cb, cr, w, h, s.quality)
	return buf.Bytes(), nil
}

// toneCurve is the scanner's mapping of light to output levels: a black point,
// a white point (office copiers clip the paper to white) and a gamma. It is
// indexed by level+256 so that values pushed out of 0–255 by lamp gain and
// grain need no separate clamping.
func (s scanner) toneCurve() *[1024]uint8 {
	var lut [1024]uint8
	for i := range lut {
		v := (float64(i-256) - s.black) / (s.white - s.black)
		v = math.Max(0, math.Min(1, v))
		lut[i] = uint8(math.Round(math.Pow(v, s.gamma) * 255))
	}
	return &lut
}

func clamp8(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// blurPlane blurs a w×h single-channel image in place with the separable kernel [1 2 1]/4.
func blurPlane(p []uint8, w, h int) {
	tmp := make([]uint8, w)
	for y := range h {
		row := p[y*w : y*w+w]
		copy(tmp, row)
		for x := 1; x < w-1; x++ {
			row[x] = uint8((uint32(tmp[x-1]) + 2*uint32(tmp[x]) + uint32(tmp[x+1]) + 2) >> 2)
		}
	}
	prev := make([]uint8, w)
	copy(prev, p[:w])
	for y := 1; y < h-1; y++ {
		row := p[y*w : y*w+w]
		next := p[(y+1)*w : (y+1)*w+w]
		copy(tmp, row)
		for x := range row {
			row[x] = uint8((uint32(prev[x]) + 2*uint32(tmp[x]) + uint32(next[x]) + 2) >> 2)
		}
		prev, tmp = tmp, prev
	}
}
