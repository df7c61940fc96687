package ocr

import (
	"image"
	"sort"
)

// lineLevel is the grey level below which a pixel may belong to a printed rule:
// thin underlines come out lighter than text after blur and JPEG.
const lineLevel = 200

// hseg is a printed horizontal rule (a blank's underline or a table rule) or,
// for vertical rules, the same with x and y swapped.
type hseg struct {
	x0, x1 int // extent along the rule
	y0, y1 int // thickness band
}

func (s hseg) y() int { return (s.y0 + s.y1) / 2 }

// horizontalRules finds horizontal runs of ink at least minLen long and at
// most maxThick thick. Gaps of up to 2 pixels are bridged.
func horizontalRules(g *image.Gray, minLen, maxThick int) []hseg {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	type run struct{ x0, x1 int }
	var open []hseg // segments still growing (their last row is y-1)
	var done []hseg
	for y := range h {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		var runs []run
		start, gap := -1, 0
		for x := 0; x <= w; x++ {
			dark := x < w && row[x] < lineLevel
			switch {
			case dark:
				if start < 0 {
					start = x
				}
				gap = 0
			case start >= 0:
				gap++
				if gap > 2 || x == w {
					end := x - gap + 1
					if end-start >= minLen {
						runs = append(runs, run{start, end})
					}
					start, gap = -1, 0
				}
			}
		}
		var next []hseg
		used := make([]bool, len(runs))
		for _, s := range open {
			ext := false
			for i, r := range runs {
				if used[i] {
					continue
				}
				ov := min(s.x1, r.x1) - max(s.x0, r.x0)
				if ov > (r.x1-r.x0)/2 || ov > (s.x1-s.x0)/2 {
					s.x0, s.x1, s.y1 = min(s.x0, r.x0), max(s.x1, r.x1), y+1
					used[i] = true
					ext = true
					break
				}
			}
			if ext {
				next = append(next, s)
			} else {
				done = append(done, s)
			}
		}
		for i, r := range runs {
			if !used[i] {
				next = append(next, hseg{x0: r.x0, x1: r.x1, y0: y, y1: y + 1})
			}
		}
		open = next
	}
	done = append(done, open...)
	out := done[:0]
	for _, s := range done {
		if s.y1-s.y0 <= maxThick {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].y0 != out[j].y0 {
			return out[i].y0 < out[j].y0
		}
		return out[i].x0 < out[j].x0
	})
	return out
}

// transpose returns g turned about its diagonal (x ↔ y), for finding vertical rules.
func transpose(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	const bs = 64
	for by := 0; by < h; by += bs {
		for bx := 0; bx < w; bx += bs {
			for y := by; y < min(h, by+bs); y++ {
				row := g.Pix[y*g.Stride:]
				for x := bx; x < min(w, bx+bs); x++ {
					out.Pix[x*out.Stride+y] = row[x]
				}
			}
		}
	}
	return out
}
