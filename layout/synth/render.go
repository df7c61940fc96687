package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// printedKey identifies a cached printed glyph mask on one page.
type printedKey struct {
	role fontRole
	r    rune
	size float64
}

// renderPage prints, fills, stamps and scans one page on c and returns the JPEG.
func renderPage(c *canvas, gs *glyphSource, p *filled, t printer, sc scanner, ps pageScan, rng *rand.Rand) ([]byte, error) {
	sc.start(c, ps)
	// Printed text: every occurrence of a glyph on a page has the same shape in
	// the scan, so each is rasterized once and stamped where it occurs.
	lin := ps.m.linear()
	cache := map[printedKey]mask{}
	toner := t.toner
	for _, g := range p.glyphs {
		k := printedKey{g.role, g.r, g.size}
		mk, ok := cache[k]
		if !ok {
			gl := gs.get(g.role, g.r)
			mk = copyMask(c.rasterize(gl.segs, scaleXY(g.size, g.size).then(lin), false))
			cache[k] = mk
		}
		if mk.w == 0 {
			continue
		}
		ox, oy := ps.m.apply(g.x, g.y)
		placed := mk
		placed.x += int(math.Round(ox))
		placed.y += int(math.Round(oy))
		c.blend(placed, toner)
	}
	// Rules: underlines and table grids.
	// Each rule separately: one big mask for a whole grid would be mostly empty.
	for _, r := range p.rules {
		var o outline
		o.stroke([][2]float64{{r.x0, r.y0}, {r.x1, r.y1}}, r.w)
		c.fill(o.segs, ps.m, toner)
	}
	if t.footer && p.pageNo > 0 {
		// A centred page number in the footer.
		s := "第 " + strconv.Itoa(p.pageNo) + " 页"
		w := 0.0
		for _, r := range s {
			w += gs.advance(roleSong, r) * t.size * 0.85
		}
		x := (a4W - w) / 2
		y := a4H - t.marginB*0.55
		for _, r := range s {
			gl := gs.get(roleSong, r)
			if r != ' ' {
				c.fill(gl.segs, scaleXY(t.size*0.85, t.size*0.85).then(translate(x, y)).then(ps.m), toner)
			}
			x += gl.advance * t.size * 0.85
		}
	}
	// Answers, signatures, specks and the seal. Ink multiplies, so order does not matter.
	for _, op := range p.inks {
		switch op.kind {
		case inkGlyph:
			gl := gs.get(op.role, op.r)
			c.fill(gl.segs, op.m.then(ps.m), op.ink)
		case inkPath:
			c.fill(op.segs, ps.m, op.ink)
		case inkSeal:
			op.seal.render(c, gs, ps.m)
		}
	}
	return sc.finish(c, ps, rng)
}
