package ocr

import (
	"context"
	"fmt"
	"image"
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
		if len(xs) < 4 || b.y1-b.y0 < int(em*4) {
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
			for ri := 0; ri+1 < len(gr.ys); ri++ {
				n, err := e.rowNumber(p, gr, ri, first)
				if err != nil {
					return err
				}
				if n > 0 {
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
				if row < 1 {
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

// rowNumber reads the number printed in a row's 序号 cell (0 if none: a
// header row).
func (e *Engine) rowNumber(p *page, gr grid, ri, first int) (int, error) {
	cell := image.Rect(gr.xs[first], gr.ys[ri], gr.xs[first+1], gr.ys[ri+1]).Inset(max(3, int(p.em*0.12)))
	syms, err := e.rd.read(p.img, cell, readOpts{psm: gosseract.PSM_SINGLE_LINE, whitelist: "0123456789", words: true, dpi: int(p.dpi)})
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(joinWords(syms)))
	if err != nil || n < 1 || n > 99 {
		return 0, nil
	}
	return n, nil
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
		var r reading
		var err error
		if main.Type == layout.TypeCode || main.Type == layout.TypeCodes || main.Type == layout.TypeLinks {
			r, err = e.readText(p, clean, clean.Rect, main)
		} else {
			r, err = e.readText(p, clean, clean.Rect, main)
		}
		if err != nil {
			return nil, err
		}
		r.page, r.box = p.n, cell
		out[main.ID] = r
		return out, nil
	}
	// A code (or codes) followed by a part: cut the leading codes off by glyph,
	// read the rest with Tesseract.
	clean = boostFaint(clean)
	boxes := splitCircles(clean, cutGlyphs(clean, wb, p.em), p.em)
	var codeText strings.Builder
	var confs []float64
	split := wb.Max.X
	single := main.Type == layout.TypeCode
	seen := 0
	for i, bb := range boxes {
		allow := codeAllow(main)
		if main.Type == layout.TypeLinks {
			allow = nil
		}
		gb := e.glyph.classifyIn(clean, bb, p.em, allow)
		cl := e.glyph.classes[gb.cls]
		isCode := strings.ContainsRune("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬", []rune(cl.text)[0]) || (cl.text >= "0" && cl.text <= "9" && len(cl.text) == 1)
		if main.Type == layout.TypeLinks {
			isCode = isCode || strings.Contains("ABCDEFGHIVXⅠⅡⅢⅣⅤⅥ", cl.text)
		}
		if !isCode && !cl.sep {
			split = bb.Min.X
			break
		}
		if single && isCode && seen == 1 {
			split = bb.Min.X
			break
		}
		if single && cl.sep && seen == 1 && (cl.text != ")" && cl.text != "）") {
			split = bb.Min.X
			break
		}
		if isCode {
			seen++
		}
		codeText.WriteString(cl.text)
		confs = append(confs, 100*min(1, gb.gap/0.02))
		if i == len(boxes)-1 {
			split = wb.Max.X
		}
	}
	mr := base
	mr.raw = codeText.String()
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
			syms, err := e.rd.read(clean, rest, readOpts{psm: gosseract.PSM_SINGLE_LINE, words: true, dpi: int(p.dpi)})
			if err != nil {
				return nil, err
			}
			partText = strings.Trim(joinWords(syms), "()（） ")
			for _, s := range syms {
				pconf = append(pconf, s.conf)
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
