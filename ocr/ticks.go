package ocr

import (
	"image"
	"sort"

	"papergate/layout"
)

// tickThreshold is the ink (in em², inside a box between its parentheses)
// above which a box counts as marked. A stray speck stays well below; the
// lightest check mark in the synthetic corpus is well above.
const tickThreshold = 0.02

// boxZone finds the printed “（ ）” of a box: the region from just after the
// label to the closing parenthesis, on the label's line.
//
// Tesseract often merges a short option line such as “（1）是（√）” into odd
// symbols, and the alignment may then match the label or a parenthesis to the
// same character on a neighbouring line. So every matched character of the
// box's paragraph near it predicts where the box starts; the predictions are
// grouped by the OCR line they were read on, a line that cannot be the box's
// (below the next paragraph's first character, or far above it) is dropped,
// and the largest group decides.
func boxZone(ps []*page, t *formTemplate, sp span) (*page, image.Rectangle, bool) {
	p, z, ok, tried := boxZoneVoted(ps, t, sp)
	if ok || tried {
		// Candidates that all point off the box's line are no better by the label alone.
		return p, z, ok
	}
	return boxZoneLabel(ps, t, sp)
}

// charWidth is a printed character's advance in em: ASCII (folded) half, CJK whole.
func charWidth(r rune) float64 {
	if r == '(' || r == ')' {
		return 0.8
	}
	if r < 0x80 {
		return 0.55
	}
	return 1
}

func boxZoneVoted(ps []*page, t *formTemplate, sp span) (*page, image.Rectangle, bool, bool) {
	if sp.before < 0 || sp.before >= len(t.chars) {
		return nil, image.Rectangle{}, false, false
	}
	para := t.para[sp.before]
	type cand struct {
		p      *page
		line   int
		k      int
		x      int // predicted left edge of the box
		cy     int
		merged bool // not a prediction from the label's own last character
	}
	var cs []cand
	for k := sp.before - 8; k <= sp.after+4; k++ {
		if k < 0 || k >= len(t.chars) || t.para[k] != para {
			continue
		}
		for _, p := range ps {
			si, ok := p.al.symOf[k]
			if !ok {
				continue
			}
			b := p.syms[si].box
			em := p.em
			if b.Dy() > int(em*1.5) {
				continue
			}
			var x float64
			switch {
			case b.Dx() > int(em*1.6):
				// Merged with its neighbours (and often the mark): such a symbol ends at the box's “）”.
				if k >= sp.before {
					continue
				}
				x = float64(b.Max.X) - em
			case k < sp.before:
				w := 0.0
				for _, r := range t.chars[k+1 : sp.before] {
					w += charWidth(r)
				}
				x = float64(b.Max.X) + w*em
			case k == sp.before:
				x = float64(b.Min.X)
			case k == sp.after:
				x = float64(b.Max.X) - em
			default:
				w := 0.0
				for _, r := range t.chars[sp.after+1 : k] {
					w += charWidth(r)
				}
				x = float64(b.Min.X) - w*em - em*1.1
			}
			cs = append(cs, cand{p, p.syms[si].line, k, int(x), (b.Min.Y + b.Max.Y) / 2, b.Dx() > int(em*1.6) || k != sp.before-1})
		}
	}
	// The next paragraph's first character bounds the box's line from below.
	var np *page
	ny := 0
	k1 := sp.after + 1
	for k1 < len(t.chars) && t.para[k1] == para {
		k1++
	}
	for k := k1; k < len(t.chars) && k < k1+4 && np == nil; k++ {
		if t.para[k] != t.para[k1] {
			break
		}
		for _, p := range ps {
			if si, ok := p.al.symOf[k]; ok {
				np, ny = p, (p.syms[si].box.Min.Y+p.syms[si].box.Max.Y)/2
			}
		}
	}
	// The width of the paragraph's text before the box, if it starts with an
	// option number “（n）”: where the box is when the line's start is known.
	k0 := sp.before
	for k0 > 0 && t.para[k0-1] == para {
		k0--
	}
	lead := -1.0
	if k0 < sp.before && t.chars[k0] == '(' {
		lead = 0
		for _, r := range t.chars[k0:sp.before] {
			lead += charWidth(r)
		}
	}
	if len(cs) == 0 {
		if lead >= 0 && lead < 20 {
			// Nothing of the option's line was read: find the line by its ink.
			if p, z, ok := boxByInk(ps, t, sp, lead); ok {
				return p, z, true, true
			}
		}
		return nil, image.Rectangle{}, false, false
	}
	type key struct {
		p    *page
		line int
	}
	count := map[key]int{}
	closest := map[key]int{}
	for _, c := range cs {
		if np == c.p && (c.cy > ny-int(c.p.em*0.7) || c.cy < ny-int(c.p.em*3.2)) {
			continue
		}
		if lead >= 0 && lead < 20 {
			// A short option paragraph starts its line: the box is about its width from the line's start.
			if ls, _, ok := lineStart(c.p, c.line); ok {
				want := ls + int(lead*c.p.em)
				tol := int(c.p.em * max(2.5, lead*0.2))
				if c.x > ls+int(c.p.em*0.6) && absI(c.x-want) > tol {
					continue
				}
			}
		}
		kk := key{c.p, c.line}
		count[kk]++
		d := absI(2*c.k - (2*sp.before - 1))
		if v, ok := closest[kk]; !ok || d < v {
			closest[kk] = d
		}
	}
	var best key
	found := false
	for kk, n := range count {
		if !found || n > count[best] || (n == count[best] && closest[kk] < closest[best]) ||
			(n == count[best] && closest[kk] == closest[best] && (kk.p.n < best.p.n || kk.p.n == best.p.n && kk.line < best.line)) {
			best, found = kk, true
		}
	}
	if !found {
		// No character of the box's line was matched: it is the line above the
		// next paragraph's first character, and starts with the option number.
		if lead < 0 {
			return nil, image.Rectangle{}, false, true
		}
		if np == nil {
			p, z, ok := boxByInk(ps, t, sp, lead)
			return p, z, ok, true
		}
		nl := -1
		for i := range np.syms {
			if c := (np.syms[i].box.Min.Y + np.syms[i].box.Max.Y) / 2; c == ny && np.al.tplOf[i] > sp.after {
				nl = np.syms[i].line
				break
			}
		}
		if nl <= 0 {
			p, z, ok := boxByInk(ps, t, sp, lead)
			return p, z, ok, true
		}
		x0, cy, ok := lineStart(np, nl-1)
		if !ok || cy < ny-int(np.em*3.2) || cy > ny-int(np.em*0.7) {
			// The OCR skipped the option's line.
			p, z, ok := boxByInk(ps, t, sp, lead)
			return p, z, ok, true
		}
		x := x0 + int(lead*np.em)
		return np, image.Rect(x-int(np.em*0.25), cy-int(np.em*0.85), x+int(np.em*1.9), cy+int(np.em*0.65)), true, true
	}
	// The prediction of the group's member closest to the box.
	var xs []float64
	cy := 0
	labelMerged := false // true: x is not right after the label
	for _, c := range cs {
		if c.p == best.p && c.line == best.line && absI(2*c.k-(2*sp.before-1)) == closest[best] {
			xs = append(xs, float64(c.x))
			cy = c.cy
			labelMerged = labelMerged || c.merged
		}
	}
	p := best.p
	em := p.em
	x := int(median(xs))
	if lead >= 0 && lead < 20 {
		// A short option paragraph: its box is the option text's width from
		// the line's first ink, the option number's “（” (the OCR boxes of
		// such lines are often merged or shifted).
		if ls, ok := inkLineStart(p, cy); ok {
			x = ls + int(lead*p.em)
			labelMerged = true
		} else if ls, _, ok := lineStart(p, best.line); ok && x < ls+int(p.em*0.6) {
			// A box never starts a line: that is the option number's “（”.
			x = ls + int(lead*p.em)
			labelMerged = true
		}
	} else if lead >= 0 {
		if ls, _, ok := lineStart(p, best.line); ok && x < ls+int(p.em*0.6) {
			x = ls + int(lead*p.em)
			labelMerged = true
		}
	}
	x0 := x - int(em*0.25)
	if !labelMerged {
		// Right after the label's last character: the box starts there.
		x0 = x + int(em*0.08)
	}
	x1 := x + int(em*1.9)
	// Stop before the next printed character on the line after the box.
	for i, ti := range p.al.tplOf {
		if ti <= sp.after || ti < 0 || p.syms[i].line != best.line {
			continue
		}
		b := p.syms[i].box
		if b.Dx() < int(em*1.6) && b.Min.X > x0+int(em*0.9) && b.Min.X < x1 {
			x1 = b.Min.X - 1
		}
	}
	return p, image.Rect(x0, cy-int(em*0.85), x1, cy+int(em*0.65)), true, true
}

// boxByInk places the box of a short option paragraph (“（2）否（ ）”) of
// which the OCR read nothing, as on a line it skipped: the paragraph is the
// line of ink between the last matched character before it and the first
// after it; the box is the option text's width from that line's first ink.
func boxByInk(ps []*page, t *formTemplate, sp span, lead float64) (*page, image.Rectangle, bool) {
	k0, k1 := paraBounds(t, sp.before)
	p, top, bot, ok := bandBetween(ps, t, k0, k1)
	if !ok {
		return nil, image.Rectangle{}, false
	}
	em := p.em
	left := p.leftMargin() - int(em)
	r := image.Rect(left, top+int(em*0.1), left+int(em*(lead+3.5)), bot-int(em*0.1)).Intersect(p.img.Rect)
	if r.Dx() < int(em) || r.Dy() < int(em*0.5) {
		return nil, image.Rectangle{}, false
	}
	// Rows with ink, joined across small gaps; the inkiest run is the line.
	rows := make([]int, r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := p.img.Pix[y*p.img.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] < inkLevel {
				rows[y-r.Min.Y]++
			}
		}
	}
	type run struct{ y0, y1, ink int }
	var runs []run
	gap := int(em * 0.2)
	for i, c := range rows {
		if c < 2 {
			continue
		}
		if n := len(runs); n > 0 && i-runs[n-1].y1 <= gap {
			runs[n-1].y1 = i + 1
			runs[n-1].ink += c
		} else {
			runs = append(runs, run{i, i + 1, c})
		}
	}
	bi := -1
	for i, rn := range runs {
		if h := rn.y1 - rn.y0; h < int(em*0.4) || h > int(em*1.8) || (rn.y0 == 0 && len(runs) > 1) {
			continue // not a line, or the end of the line above
		}
		if bi < 0 || rn.ink > runs[bi].ink {
			bi = i
		}
	}
	if bi < 0 {
		return nil, image.Rectangle{}, false
	}
	cy := r.Min.Y + (runs[bi].y0+runs[bi].y1)/2
	ls, ok := inkLineStart(p, cy)
	if !ok {
		return nil, image.Rectangle{}, false
	}
	x := ls + int(lead*em)
	return p, image.Rect(x-int(em*0.25), cy-int(em*0.85), x+int(em*1.9), cy+int(em*0.65)), true
}

// inkLineStart is the first ink of the text line centred at cy, looked for
// from an em left of the page's text margin: the start of a line that begins
// at the margin.
func inkLineStart(p *page, cy int) (int, bool) {
	em := p.em
	lm := p.leftMargin()
	r := image.Rect(lm-int(em*1.5), cy-int(em*0.35), lm+int(em*2), cy+int(em*0.35)).Intersect(p.img.Rect)
	for x := r.Min.X; x < r.Max.X; x++ {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			if p.img.Pix[y*p.img.Stride+x] < inkLevel {
				n++
			}
		}
		if n >= 2 {
			return x, true
		}
	}
	return 0, false
}

// lineStart is the left edge and the vertical centre of OCR line l of p: of
// its characters matched to the template if any (noise in the margin is read
// as symbols too), else of all.
func lineStart(p *page, l int) (int, int, bool) {
	for _, matched := range []bool{true, false} {
		x, ok := 0, false
		var cs []float64
		for i, s := range p.syms {
			if s.line != l || (matched && p.al.tplOf[i] < 0) {
				continue
			}
			if !ok || s.box.Min.X < x {
				x = s.box.Min.X
			}
			ok = true
			cs = append(cs, float64(s.box.Min.Y+s.box.Max.Y)/2)
		}
		if ok {
			return x, int(median(cs)), true
		}
	}
	return 0, 0, false
}

// boxZoneLabel places the box right after its label's last character.
func boxZoneLabel(ps []*page, t *formTemplate, sp span) (*page, image.Rectangle, bool) {

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
	// An option without a box counts when nothing is ticked: text read in its
	// blank is less certain than a ticked box.
	if len(marked) == 0 {
		for code, id := range f.SelectedBy {
			if vals[id] != nil {
				marked = append(marked, code)
			}
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
