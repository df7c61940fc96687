package ocr

import (
	"image"
	"sort"

	"papergate/layout"
)

// tickThreshold is the ink (in em², inside a box between its parentheses)
// above which a box counts as marked. A stray speck stays well below; the
// lightest check mark in the synthetic corpus is well above.
const tickThreshold = 0.05

// boxZone finds the printed “（ ）” of a box: the region from just after the
// label to the closing parenthesis, on the label's line.
func boxZone(ps []*page, t *formTemplate, sp span) (*page, image.Rectangle, bool) {
	// The label's last character, the box's parentheses.
	p, lb, _, ok := charAt(ps, t, sp.before-1)
	if !ok {
		p, lb, _, ok = charAt(ps, t, sp.before)
		if !ok {
			return nil, image.Rectangle{}, false
		}
		lb = lb.Sub(image.Pt(int(p.em), 0))
	}
	em := p.em
	x0 := lb.Max.X + int(em*0.1)
	x1 := lb.Max.X + int(em*2.9)
	// Stop before the next printed character on the line after the box.
	for i, ti := range p.al.tplOf {
		if ti <= sp.after || ti < 0 {
			continue
		}
		b := p.syms[i].box
		if b.Min.X > x0+int(em*1.4) && b.Min.X < x1 && absI((b.Min.Y+b.Max.Y)/2-(lb.Min.Y+lb.Max.Y)/2) < int(em*0.5) {
			x1 = b.Min.X - 1
		}
	}
	cy := (lb.Min.Y + lb.Max.Y) / 2
	return p, image.Rect(x0, cy-int(em*0.85), x1, cy+int(em*0.65)), true
}

// tickScore measures the ink inside a box between its parentheses, in em²:
// the parentheses are the leftmost and rightmost ink of the zone; an empty box
// has nothing between them.
func tickScore(g *image.Gray, zone image.Rectangle, em float64) float64 {
	zone = zone.Intersect(g.Rect)
	if zone.Empty() {
		return 0
	}
	// Column ink profile in the text band (the middle of the zone).
	band := image.Rect(zone.Min.X, zone.Min.Y+int(em*0.25), zone.Max.X, zone.Max.Y-int(em*0.2))
	cols := make([]int, zone.Dx())
	for y := band.Min.Y; y < band.Max.Y; y++ {
		row := g.Pix[y*g.Stride:]
		for x := band.Min.X; x < band.Max.X; x++ {
			if row[x] < inkLevel {
				cols[x-zone.Min.X]++
			}
		}
	}
	first, last := -1, -1
	for i, c := range cols {
		if c > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0
	}
	// Each parenthesis is about a quarter em wide.
	paren := int(em * 0.3)
	in := image.Rect(zone.Min.X+first+paren, zone.Min.Y, zone.Min.X+last-paren+1, zone.Max.Y)
	if in.Dx() < int(em*0.15) {
		// Parentheses closer than a box allows: something fills the box, or it is missing.
		in = image.Rect(zone.Min.X+first, zone.Min.Y, zone.Min.X+last+1, zone.Max.Y)
		return float64(inkCount(g, in)) / (em * em) / 2
	}
	return float64(inkCount(g, in)) / (em * em)
}

// readTick reads a tick field: the one option whose box is marked. Two marked
// boxes give null and an issue; an option without a box (Q1.1 （3）其他) is
// selected when its field's blank holds a value.
func (e *Engine) readTick(ps []*page, t *formTemplate, f *layout.Field, vals layout.Values) reading {
	type opt struct {
		code  int
		score float64
	}
	var opts []opt
	r := reading{feat: features{located: true}}
	boxes := t.boxes[f.ID]
	codes := make([]int, 0, len(boxes))
	for c := range boxes {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		p, zone, ok := boxZone(ps, t, boxes[c])
		if !ok {
			r.feat.located = false
			continue
		}
		s := tickScore(p.img, zone, p.em)
		opts = append(opts, opt{c, s})
		if r.page == 0 {
			r.page, r.box = p.n, zone
		} else if r.page == p.n {
			r.box = r.box.Union(zone)
		}
	}
	var marked []int
	margin := 1.0 // distance of the closest score from the threshold, relative
	for _, o := range opts {
		if o.score >= tickThreshold {
			marked = append(marked, o.code)
		}
		d := o.score/tickThreshold - 1
		if d < 0 {
			d = -d
		}
		margin = min(margin, d)
	}
	for code, id := range f.SelectedBy {
		if vals[id] != nil {
			marked = append(marked, code)
		}
	}
	r.feat.tickMargin = margin
	switch len(marked) {
	case 0:
		r.feat.empty = true
	case 1:
		r.value = int64(marked[0])
		r.feat.normalized = true
	default:
		r.raw = "marked: " + joinInts(marked)
		r.issue = &layout.Issue{Raw: r.raw, Reason: "more than one box marked"}
	}
	return r
}

func joinInts(xs []int) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += itoa(x)
	}
	return s
}

func itoa(x int) string {
	if x == 0 {
		return "0"
	}
	neg := x < 0
	if neg {
		x = -x
	}
	var b []byte
	for x > 0 {
		b = append([]byte{byte('0' + x%10)}, b...)
		x /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
