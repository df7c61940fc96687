package synth

import (
	"math"
	"strconv"

	"papergate/layout"
)

// tableGrid lays out a table's printed grid: the section column (T1 only), 序号,
// 调查项目 and three system columns.
type tableGrid struct {
	t       *layout.Table
	cols    []string // the system column ids this sheet holds (A, B, C or D, E, F)
	headers []string // their printed (or written) headings
	handHdr bool     // headings are left blank for the respondent to write (continuation sheets)
}

// table typesets a grid at the current position, breaking it across pages by row.
func (t *typesetter) table(g tableGrid) {
	size := t.p.size * 0.95
	lh := size * 1.25
	hasSection := false
	for _, r := range g.t.Rows {
		if r.Section != "" {
			hasSection = true
		}
	}
	w := t.textW()
	var widths []float64
	if hasSection {
		widths = append(widths, size*2.3)
	}
	widths = append(widths, size*2.6, size*8.6)
	fixed := 0.0
	for _, x := range widths {
		fixed += x
	}
	sys := (w - fixed) / 3
	for range 3 {
		widths = append(widths, sys)
	}
	x0 := t.p.marginL
	xs := []float64{x0}
	for _, x := range widths {
		xs = append(xs, xs[len(xs)-1]+x)
	}
	first := 0
	if hasSection {
		first = 1
	}
	pad := size * 0.3
	rowMin := size * t.p.rowLead
	hdrH := math.Max(rowMin, lh+2*pad)

	// Row heights: enough for the wrapped label.
	labelW := widths[first+1] - 2*pad
	heights := make([]float64, len(g.t.Rows))
	labels := make([][]string, len(g.t.Rows))
	for i, r := range g.t.Rows {
		labels[i] = t.wrap(r.PrintedLabel(), roleSong, size, labelW)
		heights[i] = math.Max(rowMin, float64(len(labels[i]))*lh+2*pad)
	}

	header := func() {
		top := t.y
		bot := top + hdrH
		cells := []string{"序号", "调查项目"}
		if hasSection {
			cells = append([]string{""}, cells...)
		}
		for i, h := range g.headers {
			if g.handHdr && i < len(g.headers) {
				cells = append(cells, "") // written by hand on the continuation sheet
				continue
			}
			cells = append(cells, h)
		}
		for i, c := range cells {
			if c == "" {
				continue
			}
			cw := t.width(c, roleSong, size)
			t.text(c, roleSong, size, xs[i]+(widths[i]-cw)/2, top+hdrH/2+size*0.36)
		}
		if g.handHdr {
			for i, col := range g.cols {
				c := first + 2 + i
				t.cur.regions = append(t.cur.regions, region{kind: regCell, colHead: true, fields: []string{"header:" + col}, size: size,
					r: rect{xs[c] + pad, top + pad, xs[c+1] - pad, bot - pad}})
			}
		}
		t.hline(xs[0], xs[len(xs)-1], top)
		t.hline(xs[0], xs[len(xs)-1], bot)
		for _, x := range xs {
			t.vline(x, top, bot)
		}
		t.y = bot
	}

	// Rows, page by page. The section column is merged over runs of rows with
	// the same section on one page.
	t.ensure(hdrH + heights[0])
	header()
	secStart, secTop := 0, t.y
	flushSection := func(end int) {
		if !hasSection || end <= secStart {
			return
		}
		sec := g.t.Rows[secStart].Section
		t.vertical(sec, xs[0], secTop, xs[1], t.y, size)
		t.hline(xs[0], xs[1], t.y)
	}
	for i, r := range g.t.Rows {
		h := heights[i]
		if t.y+h > t.bottom() {
			flushSection(i)
			t.newPage()
			if t.p.repeatHeader {
				header()
			} else {
				t.hline(xs[0], xs[len(xs)-1], t.y)
			}
			secStart, secTop = i, t.y
		} else if hasSection && i > 0 && r.Section != g.t.Rows[i-1].Section {
			flushSection(i)
			secStart, secTop = i, t.y
		}
		top, bot := t.y, t.y+h
		num := strconv.Itoa(r.Number)
		nw := t.width(num, roleSong, size)
		t.text(num, roleSong, size, xs[first]+(widths[first]-nw)/2, top+h/2+size*0.36)
		ly := top + (h-float64(len(labels[i]))*lh)/2 + lh/2 + size*0.36
		for _, l := range labels[i] {
			t.text(l, roleSong, size, xs[first+1]+pad, ly)
			ly += lh
		}
		for ci, col := range g.cols {
			c := first + 2 + ci
			var ids []string
			for _, f := range r.Fields {
				ids = append(ids, f.Bind(col).ID)
			}
			t.cur.regions = append(t.cur.regions, region{kind: regCell, fields: ids, size: size,
				r: rect{xs[c] + pad*0.5, top + pad*0.5, xs[c+1] - pad*0.5, bot - pad*0.5}})
		}
		t.hline(xs[first], xs[len(xs)-1], bot)
		for _, x := range xs {
			t.vline(x, top, bot)
		}
		t.y = bot
		t.cur.textBottom = bot
	}
	flushSection(len(g.t.Rows))
	t.y += t.p.size * 0.5
}

func (t *typesetter) hline(x0, x1, y float64) {
	t.cur.rules = append(t.cur.rules, ruleOp{x0, y, x1, y, t.p.rule})
}

func (t *typesetter) vline(x, y0, y1 float64) {
	t.cur.rules = append(t.cur.rules, ruleOp{x, y0, x, y1, t.p.rule})
}

// vertical prints s one character per line (or more, if the cell is short),
// centred in the cell.
func (t *typesetter) vertical(s string, x0, y0, x1, y1, size float64) {
	rs := []rune(s)
	if len(rs) == 0 {
		return
	}
	pad := size * 0.2
	sz := size
	perLine := 1
	for {
		lines := (len(rs) + perLine - 1) / perLine
		if float64(lines)*sz*1.1 <= y1-y0-2*pad || sz < size*0.5 {
			break
		}
		if float64(perLine+1)*sz <= x1-x0-2*pad {
			perLine++
		} else {
			sz *= 0.9
		}
	}
	lines := (len(rs) + perLine - 1) / perLine
	y := y0 + (y1-y0-float64(lines)*sz*1.1)/2 + sz*0.9
	for i := 0; i < len(rs); i += perLine {
		l := string(rs[i:min(i+perLine, len(rs))])
		w := t.width(l, roleSong, sz)
		t.text(l, roleSong, sz, x0+(x1-x0-w)/2, y)
		y += sz * 1.1
	}
}
