package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/otiai10/gosseract/v2"

	"papergate/layout"
	"papergate/review"
)

// grid is one table block found on a page: column and row boundaries.
type grid struct {
	xs, ys []int
}

// findGrids finds ruled tables: vertical rules that overlap vertically form a
// block; their x positions are its column boundaries, and the horizontal rules
// across the block its row boundaries.
func findGrids(p *page) []grid {
	ensureEm(p)
	em := p.em
	vs := horizontalRules(transpose(p.img), int(em*1.5), max(6, int(em*0.22)))
	// In the transposed image x0..x1 is the vertical extent and y the x position.
	sort.Slice(vs, func(i, j int) bool { return vs[i].x0 < vs[j].x0 })
	type block struct {
		y0, y1 int
		xs     []int
		lens   []int
	}
	var blocks []block
	w := p.img.Rect.Dx()
	for _, v := range vs {
		if v.y() < int(em) || v.y() > w-int(em) {
			continue // the scanner's or the copier's edge, not a rule
		}
		placed := false
		for i := range blocks {
			b := &blocks[i]
			if v.x0 < b.y1-int(em*0.5) && v.x1 > b.y0+int(em*0.5) {
				b.y0, b.y1 = min(b.y0, v.x0), max(b.y1, v.x1)
				b.xs = append(b.xs, v.y())
				b.lens = append(b.lens, v.x1-v.x0)
				placed = true
				break
			}
		}
		if !placed {
			blocks = append(blocks, block{y0: v.x0, y1: v.x1, xs: []int{v.y()}, lens: []int{v.x1 - v.x0}})
		}
	}
	var out []grid
	for _, b := range blocks {
		// A column boundary runs down (most of) the block; short rules are
		// pieces of writing or of a neighbouring block.
		var xs []int
		for _, x := range cluster(append([]int{}, b.xs...), int(em*0.4)) {
			cover := 0
			for i, bx := range b.xs {
				if absI(bx-x) <= int(em*0.4) {
					cover += b.lens[i]
				}
			}
			if cover >= (b.y1-b.y0)*6/10 {
				xs = append(xs, x)
			}
		}
		// A table's last row or two may run over onto the next page.
		if len(xs) < 4 || b.y1-b.y0 < int(em*4) && (len(xs) < 6 || len(xs) > 7 || b.y1-b.y0 < int(em*1.5)) {
			continue
		}
		var ys []int
		left, right := xs[0], xs[len(xs)-1]
		for _, h := range p.hsegs {
			if h.y() < b.y0-int(em*0.3) || h.y() > b.y1+int(em*0.3) {
				continue
			}
			// A row rule spans the system columns (the section column merges rows).
			if h.x1 >= right-int(em) && h.x0 <= xs[len(xs)-4]+int(em) && h.x1-h.x0 > (right-left)/3 {
				ys = append(ys, h.y())
			}
		}
		ys = cluster(ys, int(em*0.4))
		if len(ys) < 2 {
			continue
		}
		out = append(out, grid{xs: xs, ys: ys})
	}
	return out
}

// ensureEm gives a page whose text matched no template (a continuation sheet
// known by its grid only) the character size of the form's print, and its
// rules found with it.
func ensureEm(p *page) {
	if p.em >= 8 {
		return
	}
	p.em = 10.5 / 72 * p.dpi
	p.hsegs = horizontalRules(p.img, int(p.em*1.4), max(6, int(p.em*0.22)))
}

// cluster sorts vs and merges values closer than d into their mean.
func cluster(vs []int, d int) []int {
	sort.Ints(vs)
	var out []int
	for i := 0; i < len(vs); {
		j, s := i, 0
		for j < len(vs) && vs[j]-vs[i] <= d {
			s += vs[j]
			j++
		}
		out = append(out, s/(j-i))
		i = j
	}
	return out
}

// readTables reads the table cells of form from its pages: each grid's table
// is told by its column count (T1 has a section column), each row by the
// number printed in its 序号 cell, each column by its position (and, on a
// continuation sheet, the sheet's place among the sheets).
func (e *Engine) readTables(ctx context.Context, form *layout.Form, ps []*page, rec *review.Recognition, set func(*layout.Field, reading)) error {
	// Continuation sheets come after the form's own pages.
	order := append([]*page{}, ps...)
	sort.SliceStable(order, func(i, j int) bool {
		ci, cj := order[i].continuation(), order[j].continuation()
		if ci != cj {
			return !ci
		}
		return order[i].n < order[j].n
	})
	sheet := map[string]int{} // table id → current continuation sheet (0 = the printed table)
	lastRow := map[string]int{}
	cells := map[string]reading{}
	present := map[string]map[string]bool{}
	for _, p := range order {
		for _, gr := range findGrids(p) {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("ocr: %w", err)
			}
			t := tableFor(form, gr)
			if t == nil {
				continue
			}
			first := 0
			if len(gr.xs) == 7 {
				first = 1
			}
			// Rows are consecutive: the numbers read in the 序号 cells vote
			// for the offset between grid row and table row.
			votes := map[int]int{}
			read := make([][]int, len(gr.ys))
			for ri := 0; ri+1 < len(gr.ys); ri++ {
				ns, err := e.rowNumbers(p, gr, ri, first)
				if err != nil {
					return err
				}
				read[ri] = ns
				for _, n := range ns {
					votes[n-ri]++
				}
			}
			k, best := 0, 0
			for off, v := range votes {
				if v > best || (v == best && off < k) {
					k, best = off, v
				}
			}
			for ri := 0; ri+1 < len(gr.ys); ri++ {
				row := ri + k
				if row < 1 || ri == 0 && header(p, gr, first, read[0], row) {
					continue // the header row
				}
				if row <= lastRow[t.ID] {
					sheet[t.ID]++ // a new sheet of the same table: the next three columns
				}
				lastRow[t.ID] = row
				if row < 1 || row > len(t.Rows) {
					continue
				}
				tr := t.Rows[row-1]
				for k := 0; k < 3 && first+2+k+1 < len(gr.xs); k++ {
					col := t.Column(sheet[t.ID]*3 + k)
					cell := image.Rect(gr.xs[first+2+k], gr.ys[ri], gr.xs[first+3+k], gr.ys[ri+1])
					rs, err := e.readCell(p, cell, tr, col)
					if err != nil {
						return err
					}
					for id, r := range rs {
						cells[id] = r
						if r.value != nil {
							if present[t.ID] == nil {
								present[t.ID] = map[string]bool{}
							}
							present[t.ID][col] = true
						}
					}
				}
			}
		}
	}
	// Only present columns are written, every cell of each.
	for _, t := range form.Tables {
		var cols []string
		for c := range present[t.ID] {
			cols = append(cols, c)
		}
		t.SortColumns(cols)
		for _, col := range cols {
			for _, f := range t.Cells(col) {
				r, ok := cells[f.ID]
				if !ok {
					r = reading{feat: features{located: false}}
				}
				set(f, r)
			}
		}
	}
	return nil
}

// continuation reports whether the page is a continuation sheet (续表).
func (p *page) continuation() bool {
	if p.sheet {
		return true
	}
	var b strings.Builder
	for _, s := range p.syms {
		b.WriteString(s.text)
	}
	txt := b.String()
	return strings.Contains(txt, "续表)") || strings.Contains(txt, "续表）")
}

// tableFor tells which table a grid is.
func tableFor(form *layout.Form, gr grid) *layout.Table {
	for _, t := range form.Tables {
		hasSection := false
		for _, r := range t.Rows {
			if r.Section != "" {
				hasSection = true
			}
		}
		want := 6
		if hasSection {
			want = 7
		}
		if len(gr.xs) == want {
			return t
		}
	}
	return nil
}

// header tells whether a grid's first row, which the row numbers make table
// row row, is the header printed again on the next page: its 序号 and 调查项目
// cells say so, or what was read as its number is another.
func header(p *page, gr grid, first int, read []int, row int) bool {
	cell := image.Rect(gr.xs[first], gr.ys[0], gr.xs[first+2], gr.ys[1])
	var b strings.Builder
	for _, s := range p.syms {
		if c := s.box.Min.Add(s.box.Max).Div(2); c.In(cell) {
			b.WriteString(s.text)
		}
	}
	if t := b.String(); strings.Contains(t, "序") || strings.Contains(t, "调查") {
		return true
	}
	if len(read) == 0 {
		return false
	}
	for _, n := range read {
		if n == row {
			return false
		}
	}
	return true
}

// rowNumbers reads the number printed in a row's 序号 cell with Tesseract
// and with the glyph matcher: each reading that is a row number (none in a
// header row).
func (e *Engine) rowNumbers(p *page, gr grid, ri, first int) ([]int, error) {
	cell := image.Rect(gr.xs[first], gr.ys[ri], gr.xs[first+1], gr.ys[ri+1]).Inset(max(3, int(p.em*0.12)))
	var out []int
	add := func(t string) {
		if n, err := strconv.Atoi(strings.TrimSpace(t)); err == nil && n >= 1 && n <= 99 {
			out = append(out, n)
		}
	}
	syms, err := e.rd.read(p.img, cell, readOpts{psm: gosseract.PSM_SINGLE_LINE, whitelist: "0123456789", words: true, dpi: int(p.dpi)})
	if err != nil {
		return nil, err
	}
	add(joinWords(syms))
	c := crop(p.img, cell)
	if wb, _ := writtenBox(c, p.em); !wb.Empty() && wb.Dy() < int(p.em*1.3) {
		gt, _ := e.glyph.readGlyphsIn(c, wb, p.em, func(c glyphClass) bool { return c.text >= "0" && c.text <= "9" && len(c.text) == 1 })
		add(gt)
	}
	return out, nil
}

// readCell reads one table cell: the row's main value and its parts.
func (e *Engine) readCell(p *page, cell image.Rectangle, row *layout.Row, col string) (map[string]reading, error) {
	inset := max(3, int(p.em*0.12))
	area := cell.Inset(inset)
	out := map[string]reading{}
	fields := make([]*layout.Field, len(row.Fields))
	for i, f := range row.Fields {
		fields[i] = f.Bind(col)
	}
	main := fields[0]
	clean := crop(p.img, area)
	base := reading{page: p.n, box: cell, feat: features{located: true}}
	wb, n := writtenBox(clean, p.em)
	base.feat.ink = float64(n) / (p.em * p.em)
	if wb.Empty() {
		for _, f := range fields {
			r := base
			r.feat.empty = true
			out[f.ID] = r
		}
		return out, nil
	}
	wb = wb.Inset(-int(p.em * 0.2)).Intersect(clean.Rect)
	if len(fields) == 1 {
		r, err := e.readText(p, clean, clean.Rect, main)
		if err != nil {
			return nil, err
		}
		r.page, r.box = p.n, cell
		out[main.ID] = r
		return out, nil
	}
	// A code (or codes) followed by a part: cut the leading codes off by glyph,
	// read the rest with Tesseract.
	grey := clean
	clean = boostFaint(clean)
	// A hairline circle may be lighter than the ink the written box was
	// found with: take in whole what touches it.
	wide := wb.Inset(-int(p.em * 0.5)).Intersect(clean.Rect)
	for _, c := range cutGlyphs(clean, wide, p.em) {
		if c.Overlaps(wb) {
			wb = wb.Union(c)
		}
	}
	codeText, confs, split := e.codePrefix(clean, wb, main, p.em)
	mr := base
	mr.raw = codeText
	mr.feat.confs = confs
	mr.value, mr.issue = layout.Normalize(main, mr.raw)
	mr.feat.normalized = mr.value != nil
	out[main.ID] = mr
	// The part: which one depends on the code.
	rest := image.Rect(split, wb.Min.Y, wb.Max.X, wb.Max.Y)
	partText := ""
	var pconf []float64
	if rest.Dx() > int(p.em*0.3) {
		if _, n := writtenBox(crop(clean, rest), p.em); float64(n) >= 0.035*p.em*p.em {
			var err error
			partText, pconf, err = e.readPart(clean, grey, rest, p)
			if err != nil {
				return nil, err
			}
		}
	}
	target := partFor(fields, mr.value)
	for _, f := range fields[1:] {
		r := base
		if f == target && partText != "" {
			r.raw = partText
			r.feat.confs = pconf
			r.value, r.issue = layout.Normalize(f, partText)
			r.feat.normalized = r.value != nil
		} else {
			r.feat.empty = true
		}
		out[f.ID] = r
	}
	return out, nil
}

// codePrefix reads the codes a cell with parts starts with, glyph by glyph:
// their text, per glyph how sure the match is, and where the part's writing
// begins (wb.Max.X if nothing follows the codes). A single code ends at its
// first number; a list ends at writing no code looks like, or after the code
// of the “其他” option unless a separator and another code follow.
func (e *Engine) codePrefix(c *image.Gray, wb image.Rectangle, f *layout.Field, em float64) (string, []float64, int) {
	allow := codeAllow(f)
	links := f.Type == layout.TypeLinks
	if links {
		// Option numbers, and the columns of other tables linked to.
		allow = func(c glyphClass) bool {
			return codeClasses(c) || strings.Contains("ABCDEFGHIVXⅠⅡⅢⅣⅤⅥ", c.text)
		}
	}
	single := f.Type == layout.TypeCode
	top, other := 0, 0
	for _, o := range f.Options {
		top = max(top, o.Code)
		if strings.Contains(o.Label, "其他") {
			other = o.Code
		}
	}
	if top > 0 && top < 10 {
		// No number above the highest option: a glyph that looks like one is
		// the nearest that is an option, or writing with a poor match.
		codes := allow
		allow = func(c glyphClass) bool {
			if len(c.text) == 1 && c.text[0] >= '0' && c.text[0] <= '9' && (c.text == "0" || int(c.text[0]-'0') > top) {
				return false
			}
			if r := []rune(c.text)[0]; r >= '①' && r <= '⑬' && int(r-'①')+1 > top {
				return false
			}
			return codes(c)
		}
	}
	raw := cutGlyphs(c, wb, em)
	var boxes []image.Rectangle
	plain := false // codes written as plain numbers: no circle to look for
	for i, bb := range raw {
		// A circle touching what is written after it.
		if !plain && bb.Dx()*10 > bb.Dy()*12 && (i == 0 && single || bb.Dx()*10 < bb.Dy()*16) {
			if cb, ok := e.circleAt(c, bb, em, allow); ok {
				boxes = append(boxes, cb)
				rest := image.Rect(cb.Max.X, wb.Min.Y, wb.Max.X, wb.Max.Y)
				boxes = append(boxes, splitCircles(c, cutGlyphs(c, rest, em), em)...)
				break
			}
		}
		bs := splitCircles(c, []image.Rectangle{bb}, em)
		boxes = append(boxes, bs...)
		for _, b := range bs {
			t := e.glyph.classes[e.glyph.classifyIn(c, b, em, allow).cls].text
			plain = plain || len(t) == 1 && t[0] >= '0' && t[0] <= '9'
		}
	}
	type glyph struct {
		gb   glyphBox
		text string
		sep  bool
	}
	// A writer who wrote a plain number writes no circled ones.
	circledToo := allow
	noCircle := func(c glyphClass) bool {
		r := []rune(c.text)[0]
		return !(r >= '①' && r <= '⑬') && (circledToo == nil || circledToo(c))
	}
	read := func(bb image.Rectangle) glyph {
		gb := e.glyph.classifyIn(c, bb, em, allow)
		cl := e.glyph.classes[gb.cls]
		return glyph{gb, cl.text, cl.sep}
	}
	circled := func(t string) int {
		if r := []rune(t)[0]; r >= '①' && r <= '⑬' {
			return int(r-'①') + 1
		}
		return 0
	}
	digit := func(t string) bool { return len(t) == 1 && t[0] >= '0' && t[0] <= '9' }
	listSep := func(t string) bool { return t == "、" || t == "，" || t == "," }
	var b strings.Builder
	var confs []float64
	seen := 0
	opened := false // the code is in brackets: "(3)"
	num := ""       // the plain digits of the number being read
	for i := 0; i < len(boxes); i++ {
		g := read(boxes[i])
		isCode := circled(g.text) > 0 || digit(g.text)
		if links {
			isCode = isCode || strings.Contains("ABCDEFGHIVXⅠⅡⅢⅣⅤⅥ", g.text)
		}
		text := !isCode && !g.sep
		// (Separators are small and vary: only a tall one is suspect.)
		if seen > 0 && g.gb.dist > 0.16 && (isCode || boxes[i].Dy() > int(em*0.6)) {
			text = true // Chinese or Latin writing the matcher forces into a code
		}
		if text && boxes[i].Dx() > int(em*0.7) && seen > 0 {
			// A number touching its separator ("3,"): two glyphs.
			if l, r, ok := e.splitPair(c, boxes[i], em, allow); ok {
				boxes = append(append(boxes[:i:i], l, r), boxes[i+1:]...)
				i--
				continue
			}
		}
		if text {
			return b.String(), confs, boxes[i].Min.X
		}
		closing := g.text == ")" || g.text == "）"
		if single && seen == 1 && (isCode || g.sep && !(closing && opened)) {
			return b.String(), confs, boxes[i].Min.X
		}
		if isCode {
			seen++
		} else if seen == 0 && (g.text == "(" || g.text == "（") {
			opened = true
		}
		if digit(g.text) && !single {
			allow = noCircle
		}
		b.WriteString(g.text)
		confs = append(confs, 100*min(1, g.gb.gap/0.02))
		// The number just read complete: after 其他's code comes its text.
		n := circled(g.text)
		if digit(g.text) {
			num += g.text
			if i+1 < len(boxes) && top >= 10 && len(num) < 2 {
				if nx := read(boxes[i+1]); digit(nx.text) && nx.gb.dist <= 0.16 {
					continue
				}
			}
			n, _ = strconv.Atoi(num)
		}
		if !isCode {
			num = ""
			continue
		}
		num = ""
		if other > 0 && n == other && !single && i+1 < len(boxes) {
			if i+2 < len(boxes) && listSep(read(boxes[i+1]).text) {
				nx := read(boxes[i+2])
				code := circled(nx.text) > 0 || digit(nx.text) || links && strings.Contains("ABCDEFGHIVXⅠⅡⅢⅣⅤⅥ", nx.text)
				if code && (nx.gb.dist <= 0.12 || links && nx.gb.dist <= 0.16) {
					continue // codes written out of order, or the links that follow
				}
			}
			return b.String(), confs, boxes[i+1].Min.X
		}
	}
	return b.String(), confs, wb.Max.X
}

// splitPair cuts bb into two glyphs that both match a code or separator
// well, if it can.
func (e *Engine) splitPair(c *image.Gray, bb image.Rectangle, em float64, allow func(glyphClass) bool) (image.Rectangle, image.Rectangle, bool) {
	best := math.Inf(1)
	var bl, br image.Rectangle
	for x := bb.Min.X + bb.Dy()/4; x < bb.Max.X-bb.Dy()/10; x++ {
		l := inkBounds(c, image.Rect(bb.Min.X, bb.Min.Y, x, bb.Max.Y))
		r := inkBounds(c, image.Rect(x, bb.Min.Y, bb.Max.X, bb.Max.Y))
		if l.Empty() || r.Empty() {
			continue
		}
		dl := e.glyph.classifyIn(c, l, em, allow).dist
		dr := e.glyph.classifyIn(c, r, em, allow).dist
		if dl < 0.12 && dr < 0.12 && dl+dr < best {
			best, bl, br = dl+dr, l, r
		}
	}
	return bl, br, !math.IsInf(best, 1)
}

// circleAt finds a circled number at the start of bb, a glyph wider than a
// circle: the circle touches what is written after it. It returns the
// circle's box.
func (e *Engine) circleAt(c *image.Gray, bb image.Rectangle, em float64, allow func(glyphClass) bool) (image.Rectangle, bool) {
	circ := func(g glyphClass) bool {
		r := []rune(g.text)[0]
		return r >= '①' && r <= '⑬' && (allow == nil || allow(g))
	}
	whole := e.glyph.classifyIn(c, bb, em, allow)
	best, bestB := math.Inf(1), image.Rectangle{}
	for w := bb.Dy() * 6 / 10; w <= bb.Dy()*12/10 && w < bb.Dx(); w++ {
		win := image.Rect(bb.Min.X, bb.Min.Y, bb.Min.X+w, bb.Max.Y)
		sub := inkBounds(c, win)
		if sub.Empty() || float64(sub.Dy()) < em*0.6 {
			continue
		}
		gb := e.glyph.classifyIn(c, sub, em, circ)
		if gb.dist < best {
			best, bestB = gb.dist, sub
		}
	}
	return bestB, best < 0.105 && best < whole.dist
}

// partBrackets are what may enclose a part's text, or be left of the code
// or its circle at the part's edges.
const partBrackets = "()（）[]【】《》|!"

// readPart reads the text of a cell's part in rest three times (readThree):
// the reading at least two agree on wins, else the first.
func (e *Engine) readPart(bw, grey *image.Gray, rest image.Rectangle, p *page) (string, []float64, error) {
	texts, confs, err := e.readThree(bw, grey, rest, p)
	if err != nil {
		return "", nil, err
	}
	_, i := agreeing(texts)
	return texts[i], confs[i], nil
}

// agreeing returns the first of texts another one agrees with, else the first,
// and its index.
func agreeing(texts []string) (string, int) {
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			if texts[i] != "" && texts[i] == texts[j] {
				return texts[i], i
			}
		}
	}
	return texts[0], 0
}

// readThree reads the writing in rest as a line three times: black and white
// as cut, and grey and black and white cropped to its ink; brackets at the
// ends are dropped.
func (e *Engine) readThree(bw, grey *image.Gray, rest image.Rectangle, p *page) ([]string, [][]float64, error) {
	tight := inkBounds(bw, rest).Inset(-int(p.em * 0.2)).Intersect(bw.Rect)
	var texts []string
	var confs [][]float64
	for _, v := range []struct {
		g *image.Gray
		r image.Rectangle
	}{{bw, rest}, {grey, tight}, {bw, tight}} {
		syms, err := e.rd.read(v.g, v.r, readOpts{psm: gosseract.PSM_SINGLE_LINE, words: true, dpi: int(p.dpi)})
		if err != nil {
			return nil, nil, err
		}
		var cs []float64
		for _, s := range syms {
			cs = append(cs, s.conf)
		}
		texts = append(texts, strings.Trim(joinWords(syms), partBrackets+" "))
		confs = append(confs, cs)
	}
	return texts, confs, nil
}

// partFor picks the part a cell's extra text belongs to: .version or .model
// for the named products, .other otherwise.
func partFor(fields []*layout.Field, v any) *layout.Field {
	var other, named *layout.Field
	for _, f := range fields[1:] {
		if f.Part == "other" {
			other = f
		} else {
			named = f
		}
	}
	if named != nil && other != nil {
		if c, ok := v.(int64); ok {
			if named.When != nil && named.When.Holds(func(string) any { return c }) {
				return named
			}
			return other
		}
		return named
	}
	if named != nil {
		return named
	}
	return other
}
