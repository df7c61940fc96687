package ocr

import (
	"image"
	"sort"
)

// charAt returns the page and box where template character ti was read: the
// matched symbol itself, or a neighbour in the same paragraph shifted by the
// number of characters between them. ok is false if no page read it.
func charAt(ps []*page, t *formTemplate, ti int) (*page, image.Rectangle, int, bool) {
	if ti < 0 || ti >= len(t.chars) {
		return nil, image.Rectangle{}, 0, false
	}
	for d := 0; d <= 6; d++ {
		for _, k := range []int{ti - d, ti + d} {
			if k < 0 || k >= len(t.chars) || t.para[k] != t.para[ti] || (d == 0 && k != ti) {
				continue
			}
			for _, p := range ps {
				si, ok := p.al.symOf[k]
				if !ok {
					continue
				}
				b := p.syms[si].box
				dx := int(float64(ti-k) * p.em)
				return p, b.Add(image.Pt(dx, 0)), p.syms[si].line, true
			}
		}
	}
	return nil, image.Rectangle{}, 0, false
}

// blankLoc is where a blank was found: its underline and how far right its
// writing may reach.
type blankLoc struct {
	p     *page
	ul    hseg
	limit int // right edge of the writing area
}

// area is the region in which the blank's answer is written.
func (l blankLoc) area() image.Rectangle {
	em := l.p.em
	return image.Rect(l.ul.x0-2, l.ul.y0-int(em*1.6), l.limit, l.ul.y1+int(em*0.12)).Intersect(l.p.img.Rect)
}

// locateBlank finds the underline of the blank at sp: right after the label
// it follows, or (for a blank that starts a line) just before the text after it.
func locateBlank(ps []*page, t *formTemplate, sp span) (blankLoc, bool) {
	var (
		lp, rp   *page
		lb, rb   image.Rectangle
		lok, rok bool
	)
	if sp.before >= 0 {
		lp, lb, _, lok = charAt(ps, t, sp.before)
	}
	if sp.after >= 0 {
		rp, rb, _, rok = charAt(ps, t, sp.after)
	}
	best := func(p *page, ok func(s hseg) bool, dist func(s hseg) int) (hseg, bool) {
		bi, bd := -1, 1<<30
		for i, s := range p.hsegs {
			if ok(s) {
				if d := dist(s); d < bd {
					bi, bd = i, d
				}
			}
		}
		if bi < 0 {
			return hseg{}, false
		}
		return p.hsegs[bi], true
	}
	limitFor := func(p *page, s hseg) int {
		lim := s.x1 + int(p.em*0.6)
		if rok && rp == p && absI(rb.Max.Y-s.y0) < int(p.em) && rb.Min.X > s.x0 {
			lim = min(lim, rb.Min.X-2)
		}
		return lim
	}
	if lok {
		em := lp.em
		s, ok := best(lp, func(s hseg) bool {
			return s.y0 >= lb.Max.Y-int(em*0.4) && s.y0 <= lb.Max.Y+int(em*0.75) &&
				s.x0 >= lb.Max.X-int(em*0.6) && s.x0 <= lb.Max.X+int(em*2.4)
		}, func(s hseg) int { return absI(s.x0 - lb.Max.X) })
		if ok {
			return blankLoc{p: lp, ul: s, limit: limitFor(lp, s)}, true
		}
	}
	if rok {
		em := rp.em
		s, ok := best(rp, func(s hseg) bool {
			return s.y0 >= rb.Max.Y-int(em*0.4) && s.y0 <= rb.Max.Y+int(em*0.75) &&
				s.x1 <= rb.Min.X+int(em*0.6) && s.x1 >= rb.Min.X-int(em*2.4)
		}, func(s hseg) int { return absI(s.x1 - rb.Min.X) })
		if ok {
			return blankLoc{p: rp, ul: s, limit: limitFor(rp, s)}, true
		}
	}
	if lok {
		// The line broke before the blank: it starts the next line.
		em := lp.em
		left := lp.leftMargin()
		s, ok := best(lp, func(s hseg) bool {
			return s.y0 >= lb.Max.Y+int(em*0.6) && s.y0 <= lb.Max.Y+int(em*2.8) && s.x0 <= left+int(em*1.5)
		}, func(s hseg) int { return s.y0 })
		if ok {
			return blankLoc{p: lp, ul: s, limit: limitFor(lp, s)}, true
		}
	}
	return blankLoc{}, false
}

// leftMargin is the left edge of the page's printed text.
func (p *page) leftMargin() int {
	var xs []float64
	for i, ti := range p.al.tplOf {
		if ti >= 0 {
			xs = append(xs, float64(p.syms[i].box.Min.X))
		}
	}
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	// The 5th percentile: most lines start at the margin.
	return int(xs[len(xs)/20])
}

func absI(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
