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
			if p, s, ok := readAt(ps, k); ok {
				dx := int(float64(ti-k) * p.em)
				return p, s.box.Add(image.Pt(dx, 0)), s.line, true
			}
		}
	}
	return nil, image.Rectangle{}, 0, false
}

// readAt returns the first page whose OCR matched template character k, and
// the symbol read there.
func readAt(ps []*page, k int) (*page, symbol, bool) {
	for _, p := range ps {
		if si, ok := p.al.symOf[k]; ok {
			return p, p.syms[si], true
		}
	}
	return nil, symbol{}, false
}

// blankLoc is where a blank was found: its underline and how far right its
// writing may reach.
type blankLoc struct {
	p     *page
	ul    hseg
	limit int // right edge of the writing area
}

// area is the region in which the blank's answer is written: above the
// underline, up to 1.6 em or the bottom of the printed line above, whichever
// is lower (closely set lines would otherwise leave the bottoms of the
// characters above in the area).
func (l blankLoc) area() image.Rectangle {
	em := l.p.em
	top := l.ul.y0 - int(em*1.6)
	for _, s := range l.p.syms {
		b := s.box
		if b.Max.X <= l.ul.x0 || b.Min.X >= l.limit || b.Dy() > int(em*1.3) {
			continue
		}
		if b.Max.Y > top && b.Max.Y < l.ul.y0-int(em*1.0) {
			top = b.Max.Y + 1
		}
	}
	return image.Rect(l.ul.x0-2, top, l.limit, l.ul.y1+int(em*0.12)).Intersect(l.p.img.Rect)
}

// advance is the page's printed character pitch in pixels: the median
// distance between consecutive matched CJK characters of a line (a little
// less than em), or 0.95 em if too few were matched.
func (p *page) advance() float64 {
	if p.tpl == nil || len(p.al.tplOf) != len(p.syms) {
		return p.em * 0.95 // a page not aligned (a continuation sheet known by its grid)
	}
	var dx []float64
	for j := 1; j < len(p.syms); j++ {
		a, b := p.al.tplOf[j-1], p.al.tplOf[j]
		if a >= 0 && b == a+1 && p.syms[j].line == p.syms[j-1].line && p.tpl.chars[a] >= 0x4E00 && p.tpl.chars[b] >= 0x4E00 {
			d := float64(p.syms[j].box.Min.X - p.syms[j-1].box.Min.X)
			if d > p.em*0.6 && d < p.em*1.4 {
				dx = append(dx, d)
			}
		}
	}
	if len(dx) < 20 {
		return p.em * 0.95
	}
	return median(dx)
}

// anchor is where the printed text next to a blank was read: the predicted x
// of the blank's edge on the text line whose characters' vertical centre is at cy.
type anchor struct {
	p    *page
	x    int
	cy   int
	minX int // left edge of the leftmost character that voted (left anchors)
	maxX int // left edge of the rightmost character that voted (right anchors)
}

// anchorVote is one matched character's prediction of a blank's edge.
type anchorVote struct {
	p    *page
	x    float64
	cy   int
	boxX int
	dist int // characters between it and the blank
}

// blankEdge predicts where a blank's underline starts (left: from the label
// before it, ti = span.before) or ends (right: from the text after it, ti =
// span.after). Every matched character of the paragraph near the blank, up to
// the next other blank, predicts the edge from its own left edge and the
// printed widths of the characters between (OCR boxes of single characters are
// imprecise, and the label's last character is often merged with the writing);
// the predictions are grouped by text line and the largest group wins.
func blankEdge(ps []*page, t *formTemplate, ti int, left bool) (anchor, bool) {
	if ti < 0 || ti >= len(t.chars) {
		return anchor{}, false
	}
	para := t.para[ti]
	adv := map[*page]float64{}
	for _, p := range ps {
		adv[p] = p.advance()
	}
	var vs []anchorVote
	for _, reach := range []int{7, 20} {
		for d := 0; d <= reach; d++ {
			k := ti + d
			if left {
				k = ti - d
			}
			if k < 0 || k >= len(t.chars) || t.para[k] != para {
				break
			}
			if d > 0 && ((left && t.gapAfter[k] > 0) || (!left && t.gapAfter[k-1] > 0)) {
				break // another blank lies between
			}
			// Printed width from k's left edge to the blank's edge.
			w := 0.0
			if left {
				for j := k; j <= ti; j++ {
					w += t.adv[j]
					if j > k {
						w += t.space[j]
					}
				}
			} else {
				for j := ti; j <= k; j++ {
					w -= t.space[j]
					if j < k {
						w -= t.adv[j]
					}
				}
			}
			for _, p := range ps {
				si, ok := p.al.symOf[k]
				if !ok {
					continue
				}
				b := p.syms[si].box
				if b.Dy() > int(p.em*2) || b.Dy() < int(p.em*0.15) {
					continue
				}
				vs = append(vs, anchorVote{p: p, x: float64(b.Min.X) + w*adv[p], cy: (b.Min.Y + b.Max.Y) / 2, boxX: b.Min.X, dist: d})
			}
		}
		if len(vs) > 0 {
			break
		}
	}
	if len(vs) == 0 {
		return anchor{}, false
	}
	// Group by line: the votes whose characters' centres are within half an em.
	bi, bn := -1, 0
	for i, v := range vs {
		n := 0
		for _, u := range vs {
			if u.p == v.p && absI(u.cy-v.cy) < int(v.p.em*0.5) {
				n++
			}
		}
		if n > bn || (n == bn && v.dist < vs[bi].dist) {
			bi, bn = i, n
		}
	}
	v0 := vs[bi]
	var grp []anchorVote
	for _, u := range vs {
		if u.p == v0.p && absI(u.cy-v0.cy) < int(v0.p.em*0.5) {
			grp = append(grp, u)
		}
	}
	sort.Slice(grp, func(i, j int) bool { return grp[i].dist < grp[j].dist })
	var xs, bs []float64
	a := anchor{p: v0.p, minX: grp[0].boxX, maxX: grp[0].boxX}
	for i, u := range grp {
		if i < 5 {
			xs = append(xs, u.x)
		}
		bs = append(bs, float64(u.cy))
		a.minX, a.maxX = min(a.minX, u.boxX), max(a.maxX, u.boxX)
	}
	a.x = int(median(xs))
	a.cy = int(median(bs))
	return a, true
}

// locateBlank finds the underline of the blank at sp: right after the label
// it follows, or (for a blank that starts a line) just before the text after it.
func locateBlank(ps []*page, t *formTemplate, sp span) (blankLoc, bool) {
	la, lok := blankEdge(ps, t, sp.before, true)
	ra, rok := blankEdge(ps, t, sp.after, false)
	best := func(p *page, ok func(s hseg) bool, dist func(s hseg) int) (hseg, bool) {
		bi, bd := -1, 1<<30
		for i, s := range p.hsegs {
			if ok(s) {
				d := dist(s)
				if float64(s.x1-s.x0) < sp.width*p.em*0.4 {
					// Much shorter than the blank: a stroke of the writing.
					d += int(p.em * 10)
				}
				if d < bd {
					bi, bd = i, d
				}
			}
		}
		if bi < 0 {
			return hseg{}, false
		}
		return p.hsegs[bi], true
	}
	// The text after the blank, where it was read itself: charAt's estimate
	// from a neighbour could be the label's last character shifted by one
	// character (neighbours are counted without the blank between them),
	// which would shut the blank at its start.
	rp, rs, rbok := readAt(ps, sp.after)
	rb := rs.box
	limitFor := func(p *page, s hseg) int {
		lim := s.x1 + int(p.em*0.6)
		// (A match over the underline itself is the writing: "31%" written
		// before a printed ％.)
		if rbok && rp == p && absI(rb.Max.Y-s.y0) < int(p.em) && rb.Min.X > s.x0 && rb.Min.X >= s.x1-int(p.em*0.5) {
			lim = min(lim, rb.Min.X-2)
		}
		if sp.after >= 0 && s.x1 < p.rightMargin()-int(p.em) {
			// Printed text follows on the line: it starts where the underline ends.
			lim = min(lim, s.x1+int(p.em*0.1))
		}
		return lim
	}
	if lok {
		em := la.p.em
		s, ok := best(la.p, func(s hseg) bool {
			return s.y0 >= la.cy-int(em*0.2) && s.y0 <= la.cy+int(em*1.3) &&
				s.x0 >= la.x-int(em*1.3) && s.x0 <= la.x+int(em*2.4) && s.x0 > la.minX
		}, func(s hseg) int { return absI(s.x0 - la.x) })
		if ok {
			return blankLoc{p: la.p, ul: s, limit: limitFor(la.p, s)}, true
		}
	}
	if rok {
		em := ra.p.em
		s, ok := best(ra.p, func(s hseg) bool {
			return s.y0 >= ra.cy-int(em*0.2) && s.y0 <= ra.cy+int(em*1.3) &&
				s.x1 <= ra.x+int(em*1.3) && s.x1 >= ra.x-int(em*2.4) && s.x1 < ra.maxX
		}, func(s hseg) int { return absI(s.x1 - ra.x) })
		if ok {
			return blankLoc{p: ra.p, ul: s, limit: limitFor(ra.p, s)}, true
		}
	}
	if lok {
		// The line broke before the blank: it starts the next line.
		p, em := la.p, la.p.em
		left := p.leftMargin()
		s, ok := best(p, func(s hseg) bool {
			return s.y0 >= la.cy+int(em*1.3) && s.y0 <= la.cy+int(em*3.3) && s.x0 <= left+int(em*1.5)
		}, func(s hseg) int { return s.y0 })
		if ok {
			return blankLoc{p: p, ul: s, limit: limitFor(p, s)}, true
		}
	}
	if p, s, ok := blankInBand(ps, t, sp); ok {
		return blankLoc{p: p, ul: s, limit: limitFor(p, s)}, true
	}
	return blankLoc{}, false
}

// blankInBand finds a blank on the first line of a paragraph the OCR did not
// read usefully: the paragraph lies between the last character read before it
// and the first read after it, and its first line starts at the margin, so the
// blank is the underline in that band that starts the printed width of the
// text before it from its line's first ink.
func blankInBand(ps []*page, t *formTemplate, sp span) (*page, hseg, bool) {
	ti := sp.before
	if ti < 0 {
		ti = sp.after
	}
	if ti < 0 {
		return nil, hseg{}, false
	}
	k0, k1 := paraBounds(t, ti)
	// Printed width of the paragraph before the blank, in em.
	w := 0.0
	for k := k0; k <= sp.before; k++ {
		w += t.adv[k] + t.gapAfter[k]
		if k > k0 {
			w += t.space[k]
		}
	}
	w -= t.gapAfter[max(sp.before, 0)] * boolF(sp.before >= 0)
	if w > 30 {
		return nil, hseg{}, false // probably not on the paragraph's first line
	}
	p, top, bot, ok := bandBetween(ps, t, k0, k1)
	if !ok {
		return nil, hseg{}, false
	}
	em, adv := p.em, p.advance()
	bi, bd := -1, 0
	for i, s := range p.hsegs {
		if s.y0 < top+int(em*0.5) || s.y0 > bot {
			continue
		}
		ls, ok := inkLineStart(p, s.y0-int(em*0.45))
		if !ok {
			continue
		}
		d := absI(s.x0 - (ls + int(w*adv)))
		if d > int(em*2) {
			continue
		}
		// The paragraph's first line, then the closest start.
		if bi < 0 || s.y0 < p.hsegs[bi].y0-int(em*0.5) || (absI(s.y0-p.hsegs[bi].y0) <= int(em*0.5) && d < bd) {
			bi, bd = i, d
		}
	}
	if bi < 0 {
		return nil, hseg{}, false
	}
	return p, p.hsegs[bi], true
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// paraBounds returns the stream range [k0, k1) of the paragraph holding ti.
func paraBounds(t *formTemplate, ti int) (int, int) {
	para := t.para[ti]
	k0, k1 := ti, ti
	for k0 > 0 && t.para[k0-1] == para {
		k0--
	}
	for k1 < len(t.chars) && t.para[k1] == para {
		k1++
	}
	return k0, k1
}

// bandBetween is the vertical band [top, bot) of a page between the text line
// of the last character read before stream index k0 and the top of the first
// read at or after k1: where the OCR skipped the lines of k0…k1-1. Without a
// character on one side the band is 3.5 em high.
func bandBetween(ps []*page, t *formTemplate, k0, k1 int) (*page, int, int, bool) {
	// matched returns where character k was read, widened to the extent of the
	// matched characters of its OCR line (a quote mark is not the line's bottom).
	matched := func(k int) (*page, image.Rectangle, bool) {
		for _, p := range ps {
			si, ok := p.al.symOf[k]
			if !ok || p.syms[si].box.Dy() > int(p.em*1.5) {
				continue
			}
			b := p.syms[si].box
			for i, s := range p.syms {
				if s.line == p.syms[si].line && p.al.tplOf[i] >= 0 && s.box.Dy() <= int(p.em*1.5) {
					b.Min.Y, b.Max.Y = min(b.Min.Y, s.box.Min.Y), max(b.Max.Y, s.box.Max.Y)
				}
			}
			return p, b, true
		}
		return nil, image.Rectangle{}, false
	}
	var pp, np *page
	var pb, nb image.Rectangle
	for k := k0 - 1; k >= 0 && k >= k0-30 && pp == nil; k-- {
		pp, pb, _ = matched(k)
	}
	for k := k1; k < len(t.chars) && k < k1+10 && np == nil; k++ {
		np, nb, _ = matched(k)
	}
	switch {
	case np != nil:
		bot := nb.Min.Y
		top := bot - int(np.em*3.5)
		if pp == np && pb.Max.Y < bot {
			top = max(top, pb.Max.Y)
		}
		return np, top, bot, true
	case pp != nil:
		return pp, pb.Max.Y, pb.Max.Y + int(pp.em*3.5), true
	}
	return nil, 0, 0, false
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

// rightMargin is the right edge of the page's printed text: where its
// longest lines end (the second longest, in case of a stray match).
func (p *page) rightMargin() int {
	ends := map[int]int{}
	for i, ti := range p.al.tplOf {
		if ti >= 0 {
			s := p.syms[i]
			ends[s.line] = max(ends[s.line], s.box.Max.X)
		}
	}
	if len(ends) == 0 {
		return p.img.Rect.Max.X
	}
	var xs []float64
	for _, x := range ends {
		xs = append(xs, float64(x))
	}
	sort.Float64s(xs)
	return int(xs[max(0, len(xs)-2)])
}

func absI(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
