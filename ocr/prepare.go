package ocr

import (
	"image"
	"math"
)

// estimateSkew returns the angle in degrees (positive: the content is turned
// clockwise on screen) that makes the page's text lines horizontal, by
// maximising the sharpness of the horizontal projection profile over ±limit°.
func estimateSkew(g *image.Gray, limit float64) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	const step = 2
	var xs, ys []float32
	// Skip a margin: the sheet's edge shadow is a long line at its own angle.
	mx, my := w/20, h/30
	for y := my; y < h-my; y += step {
		row := g.Pix[y*g.Stride:]
		for x := mx; x < w-mx; x += step {
			if row[x] < inkLevel {
				xs = append(xs, float32(x-w/2))
				ys = append(ys, float32(y))
			}
		}
	}
	if len(xs) < 200 {
		return 0
	}
	bins := make([]int32, h+2*w)
	score := func(deg float64) float64 {
		clear(bins)
		t := float32(math.Tan(deg * math.Pi / 180))
		off := float32(w)
		for i := range xs {
			b := int((ys[i] - xs[i]*t + off) / step)
			if b >= 0 && b < len(bins) {
				bins[b]++
			}
		}
		s := 0.0
		for i := 1; i < len(bins); i++ {
			d := float64(bins[i] - bins[i-1])
			s += d * d
		}
		return s
	}
	best, bestS := 0.0, score(0)
	search := func(lo, hi, st float64) {
		for a := lo; a <= hi+1e-9; a += st {
			if s := score(a); s > bestS {
				best, bestS = a, s
			}
		}
	}
	search(-limit, limit, 0.25)
	c := best
	search(c-0.25, c+0.25, 0.05)
	c = best
	search(c-0.05, c+0.05, 0.01)
	return best
}

// findSeal looks for an official seal: a ring 40–45 mm across. In colour scans
// it looks in the red mask; in grey scans among the wide mid-grey strokes that
// a seal's rim leaves (text strokes are too thin to survive erosion). It
// returns the seal's box in page pixels.
func findSeal(g *image.Gray, red *image.Alpha, dpi float64) (image.Rectangle, bool) {
	const k = 4 // work on a 1/4 grid
	w, h := g.Rect.Dx()/k, g.Rect.Dy()/k
	if w < 10 || h < 10 {
		return image.Rectangle{}, false
	}
	mask := make([]bool, w*h)
	if red != nil {
		for y := range h {
			for x := range w {
				n := 0
				for dy := range k {
					row := red.Pix[(y*k+dy)*red.Stride+x*k:]
					for dx := range k {
						if row[dx] != 0 {
							n++
						}
					}
				}
				mask[y*w+x] = n >= 3
			}
		}
	} else {
		// Mean of each k×k cell; a cell is "toned" if clearly darker than paper.
		tone := make([]bool, w*h)
		for y := range h {
			for x := range w {
				s := 0
				for dy := range k {
					row := g.Pix[(y*k+dy)*g.Stride+x*k:]
					for dx := range k {
						s += int(row[dx])
					}
				}
				tone[y*w+x] = s/(k*k) < 200
			}
		}
		// Erode 3×3 cells: strokes narrower than ~2 cells disappear.
		for y := 1; y < h-1; y++ {
			for x := 1; x < w-1; x++ {
				ok := true
				for dy := -1; dy <= 1 && ok; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if !tone[(y+dy)*w+x+dx] {
							ok = false
							break
						}
					}
				}
				mask[y*w+x] = ok
			}
		}
	}
	// Hough transform for circles of the seal's radius.
	rMin := 1.9 / 2.54 * dpi / k
	rMax := 2.35 / 2.54 * dpi / k
	const nA = 32
	var cosA, sinA [nA]float64
	for i := range nA {
		cosA[i], sinA[i] = math.Cos(2*math.Pi*float64(i)/nA), math.Sin(2*math.Pi*float64(i)/nA)
	}
	radii := []float64{}
	for r := rMin; r <= rMax; r += 1.5 {
		radii = append(radii, r)
	}
	acc := make([]uint16, w*h*len(radii))
	pts := 0
	for y := range h {
		for x := range w {
			if !mask[y*w+x] {
				continue
			}
			pts++
			for ri, r := range radii {
				base := ri * w * h
				for a := range nA {
					cx := int(float64(x) - r*cosA[a] + 0.5)
					cy := int(float64(y) - r*sinA[a] + 0.5)
					if cx >= 0 && cy >= 0 && cx < w && cy < h {
						acc[base+cy*w+cx]++
					}
				}
			}
		}
	}
	if pts < 20 {
		return image.Rectangle{}, false
	}
	best, bi := uint16(0), -1
	for i, v := range acc {
		if v > best {
			best, bi = v, i
		}
	}
	if bi < 0 {
		return image.Rectangle{}, false
	}
	ri := bi / (w * h)
	cy, cx := (bi%(w*h))/w, bi%w
	r := radii[ri]
	// Verify: most of the circle must lie on the mask.
	hit := 0
	const nV = 90
	for i := range nV {
		a := 2 * math.Pi * float64(i) / nV
		found := false
		for dr := -1.5; dr <= 1.5 && !found; dr += 0.75 {
			x := int(float64(cx) + (r+dr)*math.Cos(a) + 0.5)
			y := int(float64(cy) + (r+dr)*math.Sin(a) + 0.5)
			if x >= 0 && y >= 0 && x < w && y < h && mask[y*w+x] {
				found = true
			}
		}
		if found {
			hit++
		}
	}
	if float64(hit)/nV < 0.6 {
		return image.Rectangle{}, false
	}
	R := int(r*k + 0.5)
	return image.Rect(cx*k-R, cy*k-R, cx*k+R, cy*k+R), true
}
