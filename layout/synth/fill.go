package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"papergate/layout"
)

// mark records where one field was answered on a page, for the boxes file.
type mark struct {
	field  string
	kind   string // blank, area, tick, cell, header
	option int    // tick: the box's option
	r      rect   // the blank, box, area or cell
	text   string // what was written ("" if nothing)
	ticked bool   // tick: the box is marked
	ink    rect   // the written ink's extent; zero if nothing written
}

// filled is one page with its answers written on it.
type filled struct {
	*page
	inks  []inkOp
	marks []mark
	seal  *sealSpec
}

// filler writes a return's answers onto its typeset pages.
type filler struct {
	a    *answers
	w    *writer // the person (or typist) who fills in the values
	sign *writer // the leader who signs and dates, always by hand
	rng  *rand.Rand
	// circled holds, per page, the option numbers circled in the printed list
	// instead of writing the code in the blank.
	circled map[*page][]circledOption
}

// circledOption is one printed option number circled by the respondent.
type circledOption struct {
	field string
	code  int
	r     rect
}

// chooseCircled picks a few code and codes answers that the respondent marks
// by circling the options in the printed list, leaving the blank empty
// (FIELDS.md §3: the options circled count when the blank is empty).
func (fl *filler) chooseCircled(pages []*page) {
	fl.circled = map[*page][]circledOption{}
	for _, form := range fl.a.forms {
		// Paragraphs whose options belong to more than one field are ambiguous.
		owners := map[int]int{}
		for _, f := range form.Fields {
			for _, p := range f.Anchor.OptionParagraphs {
				owners[p]++
			}
		}
		for _, f := range form.Fields {
			if (f.Type != layout.TypeCode && f.Type != layout.TypeCodes) || len(f.Anchor.OptionParagraphs) == 0 {
				continue
			}
			v := fl.a.values[f.ID]
			if v == nil || fl.a.written[f.ID] == "" || fl.rng.Float64() > 0.07 {
				continue
			}
			var codes []int
			switch x := v.(type) {
			case int64:
				codes = []int{int(x)}
			case []int:
				codes = x
			}
			var found []circledOption
			var on []*page
			for _, c := range codes {
				for _, p := range pages {
					if p.form != form.ID || p.continuation {
						continue
					}
					for _, o := range p.options {
						if o.code == c && slices.Contains(f.Anchor.OptionParagraphs, o.para) && owners[o.para] == 1 {
							found = append(found, circledOption{field: f.ID, code: c, r: o.r})
							on = append(on, p)
						}
					}
				}
			}
			if len(found) != len(codes) {
				continue // an option is not printed where expected: write the code instead
			}
			delete(fl.a.written, f.ID)
			for i, c := range found {
				fl.circled[on[i]] = append(fl.circled[on[i]], c)
			}
		}
	}
}

// fill writes every answer that belongs on p.
func (fl *filler) fill(p *page) *filled {
	out := &filled{page: p}
	for _, rg := range p.regions {
		switch rg.kind {
		case regBox:
			id := rg.fields[0]
			m := mark{field: id, kind: "tick", option: rg.option, r: rg.r}
			if v, ok := fl.a.values[id].(int64); ok && int(v) == rg.option {
				ops, box := fl.w.tick(rg.r, rg.size, id)
				out.inks = append(out.inks, ops...)
				m.ticked, m.ink = true, box
			}
			out.marks = append(out.marks, m)
		case regBlank, regOpen:
			id := rg.fields[0]
			kind := "blank"
			if rg.kind == regOpen {
				kind = "area"
			}
			m := mark{field: id, kind: kind, r: rg.r}
			if txt := fl.a.written[id]; txt != "" {
				ops, box := fl.writeIn(rg, txt, id)
				out.inks = append(out.inks, ops...)
				m.text, m.ink = txt, box
			}
			out.marks = append(out.marks, m)
		case regCell:
			out.inks = append(out.inks, fl.cell(rg, &out.marks)...)
		}
	}
	for _, c := range fl.circled[p] {
		ops, box := fl.w.ring(c.r, c.field)
		out.inks = append(out.inks, ops...)
		out.marks = append(out.marks, mark{field: c.field, kind: "circle", option: c.code, r: c.r, ticked: true, ink: box})
	}
	return out
}

// writeIn writes txt in a blank or an open area.
func (fl *filler) writeIn(rg region, txt, id string) ([]inkOp, rect) {
	size := rg.size * fl.w.h.scale
	if rg.kind == regOpen {
		// An open answer runs on in lines across the area.
		lineH := size * (1.45 + fl.rng.Float64()*0.3)
		width := rg.r.w() - size
		var lines []string
		var cur []rune
		for _, r := range txt {
			cur = append(cur, r)
			if fl.w.naturalWidth(string(cur))*size > width {
				lines = append(lines, string(cur[:len(cur)-1]))
				cur = []rune{r}
			}
		}
		lines = append(lines, string(cur))
		maxLines := max(1, int(rg.r.h()/lineH))
		if len(lines) > maxLines {
			// Smaller writing to fit the space.
			k := float64(maxLines) / float64(len(lines))
			size *= math.Max(0.6, k)
			lineH *= math.Max(0.6, k)
			lines = fl.w.split(txt, size, width, int(rg.r.h()/lineH))
		}
		var ops []inkOp
		box := emptyRect()
		x0 := rg.r.x0 + size*(1+fl.rng.Float64())
		base := rg.r.y0 + lineH*0.85
		for i, l := range lines {
			x := rg.r.x0 + size*0.3
			if i == 0 {
				x = x0
			}
			o, b := fl.w.line(l, x, base, size, 1, id)
			ops = append(ops, o...)
			box = union(box, b)
			base += lineH
		}
		return ops, box
	}
	base := rg.baseline - fl.w.h.rise*size
	if !fl.w.h.typed {
		base += (fl.rng.Float64()*2 - 1) * size * 0.08
	}
	area := rg.r
	area.y0 = rg.baseline - size*2.2
	return fl.w.fit(txt, area, base, size, id, 2, 1.08)
}

// cell writes a table cell's main value and its parts (version, model, other).
func (fl *filler) cell(rg region, marks *[]mark) []inkOp {
	if rg.colHead {
		col := strings.TrimPrefix(rg.fields[0], "header:")
		txt := "系统" + col
		if strings.Trim(col, "IVX") == "" {
			txt = "系统" + layout.RomanNumeral(col)
		}
		size := rg.size * fl.w.h.scale
		ops, box := fl.w.fit(txt, rg.r, (rg.r.y0+rg.r.y1)/2+size*0.4, size, "", 1, 0.96)
		*marks = append(*marks, mark{field: "", kind: "header", r: rg.r, text: txt, ink: box})
		return ops
	}
	var parts []string
	var ids []string
	for _, id := range rg.fields {
		if t := fl.a.written[id]; t != "" {
			parts = append(parts, t)
			ids = append(ids, id)
		}
	}
	var ops []inkOp
	inkOf := map[string]rect{}
	textOf := map[string]string{}
	if len(parts) > 0 {
		size := rg.size * fl.w.h.scale
		// Main value and parts on one line, separated the way people do: ①9i, ① 9i, ①（9i）.
		sep := pick(fl.rng, []string{" ", "", "（"})
		joined := parts[0]
		for _, p := range parts[1:] {
			if sep == "（" {
				joined += "（" + p + "）"
			} else {
				joined += sep + p
			}
		}
		nat := fl.w.naturalWidth(joined) * size
		maxLines := max(1, int(rg.r.h()/(size*1.2)))
		base := (rg.r.y0+rg.r.y1)/2 + size*0.4
		if nat > rg.r.w()*1.1 && maxLines > 1 {
			base = rg.r.y0 + size*1.05
		}
		area := rg.r
		all, _ := fl.w.fit(joined, area, base, size, ids[0], maxLines, 0.96)
		// Attribute the ink to the parts in writing order, by character count: the
		// main value's characters, then the part's (at most one part applies).
		nMain := len([]rune(parts[0]))
		ci := 0
		for _, op := range all {
			id := ids[0]
			if ci >= nMain && len(ids) > 1 {
				id = ids[1]
			}
			op.field = id
			ops = append(ops, op)
			if op.kind == inkGlyph {
				inkOf[id] = union(orEmpty(inkOf, id), glyphBox(op))
				ci++
			}
		}
		for i, id := range ids {
			textOf[id] = parts[i]
		}
	}
	for _, id := range rg.fields {
		m := mark{field: id, kind: "cell", r: rg.r, text: textOf[id]}
		if b, ok := inkOf[id]; ok {
			m.ink = b
		}
		*marks = append(*marks, m)
	}
	return ops
}

func emptyRect() rect { return rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func orEmpty(m map[string]rect, k string) rect {
	if r, ok := m[k]; ok {
		return r
	}
	return emptyRect()
}

// glyphBox is the em square of a glyph op in page points.
func glyphBox(op inkOp) rect {
	b := emptyRect()
	for _, p := range [][2]float64{{0, -0.88}, {1, -0.88}, {1, 0.12}, {0, 0.12}} {
		x, y := op.m.apply(p[0], p[1])
		b = union(b, rect{x, y, x, y})
	}
	return b
}

// stamp adds the seal, a signature and perhaps a date to the last page of a form.
func (fl *filler) stamp(p *filled, t printer, unitName, signer string, withSeal bool) {
	R := cm(2.1)
	right := a4W - t.marginR
	cx := right - R*(0.7+fl.rng.Float64()*1.6)
	cy := p.textBottom - R*(0.1+fl.rng.Float64()*0.8)
	if p.textBottom < t.marginT+R*2 {
		cy = p.textBottom + R*0.6
	}
	cy = math.Min(cy, a4H-R*1.2)
	cy = math.Max(cy, t.marginT+R*0.5)
	if withSeal {
		p.seal = newSeal(fl.rng, unitName, cx, cy)
		p.inks = append(p.inks, inkOp{kind: inkSeal, seal: p.seal})
	}
	// The leader signs below the last line, left of the seal (which often
	// covers part of the signature or the last lines).
	size := t.size * (1.4 + fl.rng.Float64()*0.5)
	sx := cx - R*(1.3+fl.rng.Float64()*1.2) - size*float64(len([]rune(signer)))
	sx = math.Max(sx, t.marginL)
	sy := math.Max(cy+R*0.2, p.textBottom+size*(1.1+fl.rng.Float64()*0.8))
	sy = math.Min(sy, a4H-t.marginB*0.7)
	p.inks = append(p.inks, fl.sign.signature(signer, sx, sy, size)...)
	if fl.rng.Float64() < 0.5 {
		// The date of signing, by hand.
		day := 3 + fl.rng.IntN(12)
		d := pick(fl.rng, []string{
			fmt.Sprintf("2006年7月%d日", day),
			fmt.Sprintf("2006.7.%d", day),
			fmt.Sprintf("二〇〇六年七月%s日", cnDay(day)),
		})
		ops, _ := fl.sign.line(d, cx-R*0.9, cy+R*0.75, t.size*1.1, 1, "")
		p.inks = append(p.inks, ops...)
	}
}

// cnDay writes a day of the month in Chinese numerals.
func cnDay(d int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case d < 10:
		return digits[d]
	case d == 10:
		return "十"
	case d < 20:
		return "十" + digits[d-10]
	case d%10 == 0:
		return digits[d/10] + "十"
	}
	return digits[d/10] + "十" + digits[d%10]
}

// strays sprinkles a few specks of ink that answer nothing.
func (fl *filler) strays(p *filled) {
	if fl.rng.Float64() > 0.25 {
		return
	}
	for range 1 + fl.rng.IntN(4) {
		x := cm(1.5) + fl.rng.Float64()*(a4W-cm(3))
		y := cm(1.5) + fl.rng.Float64()*(a4H-cm(3))
		p.inks = append(p.inks, fl.w.dot(x, y))
	}
}
