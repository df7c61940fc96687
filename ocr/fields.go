package ocr

import (
	"context"
	"fmt"
	"image"
	"strings"
	"unicode"

	"github.com/otiai10/gosseract/v2"

	"papergate/layout"
	"papergate/review"
)

// reading is what was read for one field, before calibration.
type reading struct {
	value any
	issue *layout.Issue
	raw   string
	page  int
	box   image.Rectangle
	feat  features
}

// readForm reads every field of form from its pages into rec.
func (e *Engine) readForm(ctx context.Context, form *layout.Form, ps []*page, rec *review.Recognition) error {
	t := e.template(form.ID)
	vals := layout.Values{}
	rec.Return.Forms[form.ID] = vals
	set := func(f *layout.Field, r reading) {
		vals[f.ID] = r.value
		if r.issue != nil {
			if rec.Return.Issues == nil {
				rec.Return.Issues = map[string]layout.Issue{}
			}
			rec.Return.Issues[f.ID] = *r.issue
		}
		rec.Fields[f.ID] = review.FieldRead{Confidence: calibrate(f, r), Raw: r.raw, Page: r.page, Box: r.box}
		if e.observe != nil {
			e.observe(f, group(f, r), score(f, r))
		}
	}
	fields := append(append([]*layout.Field{}, form.Fields...), form.Header...)
	var ticks []*layout.Field
	for _, f := range fields {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ocr: %w", err)
		}
		switch f.Anchor.Kind {
		case layout.AnchorBoxes:
			ticks = append(ticks, f) // after the blanks: a tick may be selected by one
		case layout.AnchorBlank:
			r, err := e.readBlank(ps, t, f)
			if err != nil {
				return err
			}
			if (f.Type == layout.TypeCode || f.Type == layout.TypeCodes) && (r.feat.empty || !r.feat.located) {
				// An empty blank: the answer may be circled in the printed list.
				if cr, ok := e.readCircled(ps, t, f); ok {
					r = cr
				}
			}
			set(f, r)
		case layout.AnchorArea:
			r, err := e.readArea(ps, t, f)
			if err != nil {
				return err
			}
			set(f, r)
		}
	}
	for _, f := range ticks {
		set(f, e.readTick(ps, t, f, vals))
	}
	if len(form.Tables) > 0 {
		if err := e.readTables(ctx, form, ps, rec, set); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) template(id string) *formTemplate {
	for _, t := range e.tpls {
		if t.id == id {
			return t
		}
	}
	return nil
}

// readBlank reads a write-in blank.
func (e *Engine) readBlank(ps []*page, t *formTemplate, f *layout.Field) (reading, error) {
	sp, ok := t.blank[f.ID]
	if !ok {
		return reading{feat: features{located: false}}, nil
	}
	loc, ok := locateBlank(ps, t, sp)
	if !ok {
		return reading{feat: features{located: false}}, nil
	}
	p := loc.p
	area := loc.area()
	clean := p.cleanArea(area, &loc.ul)
	wraps := f.Type == layout.TypeCode || f.Type == layout.TypeCodes || f.Type == layout.TypeLinks
	if wraps && wrappedAbove(clean, p.em) && area.Min.Y > 0 {
		// The writing goes on above the area (wrapped onto a second line in
		// a narrow blank): take one more line's height.
		area.Min.Y = max(0, area.Min.Y-int(p.em))
		clean = p.cleanArea(area, &loc.ul)
	}
	return e.readText(p, clean, area, f)
}

// wrappedAbove tells whether writing in c is cut by its top edge: marks at
// least 0.3 em tall touch it over at least 40 % of its width (a first line
// wrapped above the blank, not a speck or a stroke of the line above).
func wrappedAbove(c *image.Gray, em float64) bool {
	w := 0
	for _, b := range components(c, c.Rect) {
		if b.Min.Y <= c.Rect.Min.Y+1 && float64(b.Dy()) >= em*0.3 {
			w += b.Dx()
		}
	}
	return w*10 >= c.Rect.Dx()*4
}

// cleanArea copies the area of p and whitens what is printed there: the
// underline and the printed characters OCR matched to the template, so that
// only what was written remains.
func (p *page) cleanArea(area image.Rectangle, ul *hseg) *image.Gray {
	c := crop(p.img, area)
	off := area.Min
	em := p.em
	for i, ti := range p.al.tplOf {
		if ti < 0 {
			continue
		}
		b := p.syms[i].box
		if !b.Overlaps(area) {
			continue
		}
		b = b.Inset(-1)
		if ul != nil && b.Max.Y > ul.y0-int(em*0.6) {
			// On the blank's own line: OCR may have merged writing into a printed
			// character's box, so whiten only what lies outside the blank.
			if x := min(b.Max.X, ul.x0); x > b.Min.X {
				fillRect(c, image.Rect(b.Min.X, b.Min.Y, x, b.Max.Y).Sub(off), 255)
			}
			if x := max(b.Min.X, ul.x1+int(em*0.6)); x < b.Max.X {
				fillRect(c, image.Rect(x, b.Min.Y, b.Max.X, b.Max.Y).Sub(off), 255)
			}
			continue
		}
		fillRect(c, b.Sub(off), 255)
	}
	// Whiten every printed rule in the area: this blank's underline and any
	// of the lines above or below.
	for _, h := range p.hsegs {
		r := image.Rect(h.x0-2, h.y0-1, h.x1+2, h.y1+1)
		if r.Overlaps(area) {
			fillRect(c, r.Sub(off), 255)
		}
	}
	return c
}

// writtenBox is the bounding box of the written ink in c (in c's
// coordinates), ignoring specks; empty if nothing is written.
func writtenBox(c *image.Gray, em float64) (image.Rectangle, int) {
	n := inkCount(c, c.Rect)
	if float64(n) < 0.035*em*em {
		return image.Rectangle{}, n
	}
	return inkBounds(c, c.Rect), n
}

// readText OCRs the writing in a cleaned area and normalizes it as f's value.
func (e *Engine) readText(p *page, clean *image.Gray, area image.Rectangle, f *layout.Field) (reading, error) {
	r := reading{page: p.n, box: area, feat: features{located: true}}
	wb, n := writtenBox(clean, p.em)
	r.feat.ink = float64(n) / (p.em * p.em)
	if wb.Empty() {
		r.feat.empty = true
		return r, nil
	}
	// Writing that reaches the area's edge may go on beyond it: a value cut
	// short there reads as a shorter valid value in both readers.
	cut := wb.Max.X >= clean.Rect.Max.X-2 || wb.Min.X <= clean.Rect.Min.X+1
	wb = wb.Inset(-int(p.em * 0.25)).Intersect(clean.Rect)
	var text string
	var confs []float64
	switch f.Type {
	case layout.TypeCode, layout.TypeCodes, layout.TypeLinks:
		t, c, err := e.readCodes(p, clean, wb, f)
		if err != nil {
			return r, err
		}
		text, confs = t, c
	case layout.TypeInt, layout.TypeDecimal, layout.TypePercent, layout.TypeDate, layout.TypePhone, layout.TypeMobile, layout.TypeRegionCode:
		// Digits: the glyph matcher first, Tesseract as a second opinion.
		gt, gc := e.glyph.readGlyphsIn(clean, wb, p.em, numberClasses)
		gv, giss := layout.Normalize(f, gt)
		syms, err := e.rd.read(clean, wb, readOpts{psm: gosseract.PSM_SINGLE_LINE, whitelist: whitelist(f.Type), words: true, dpi: int(p.dpi)})
		if err != nil {
			return r, err
		}
		tt := joinWords(syms)
		if debugOn(f.ID) {
			debugImage(f.ID, "clean", clean)
			debugf(f.ID, "page %d area %v wb %v em %.1f glyphs %q %v tesseract %q", p.n, area, wb, p.em, gt, gc, tt)
			for _, bb := range cutGlyphLine(clean, wb, p.em) {
				gb := e.glyph.classifyIn(clean, bb, p.em, numberClasses)
				debugf(f.ID, "  glyph %v %q dist %.4f gap %.4f", bb, e.glyph.classes[gb.cls].text, gb.dist, gb.gap)
			}
		}
		tv, tiss := layout.Normalize(f, tt)
		// Remnants of neighbouring print read as punctuation at either end.
		left := ",，、()（）-./:"
		if f.Type == layout.TypePhone {
			left = ",，、)）-./:"
		}
		gt = strings.TrimRight(strings.TrimLeft(gt, left), ",，、(（-/:")
		if !strings.ContainsAny(gt, "(（") {
			gt = strings.TrimRight(gt, ")）") // a bracket of the print after the blank
		}
		gv, giss = layout.Normalize(f, gt)
		text, confs = gt, gc
		switch {
		case gv != nil && tv != nil && sameValue(gv, tv):
			r.feat.agree = !cut
		case gv == nil && tv != nil:
			text = tt
			confs = nil
			for _, s := range syms {
				confs = append(confs, s.conf)
			}
		}
		_, _ = giss, tiss
	default:
		syms, err := e.rd.read(clean, wb, readOpts{psm: gosseract.PSM_SINGLE_LINE, whitelist: whitelist(f.Type), words: true, dpi: int(p.dpi)})
		if err != nil {
			return r, err
		}
		if len(syms) == 0 && wb.Dy() > int(p.em*1.8) {
			syms, err = e.rd.read(clean, wb, readOpts{psm: gosseract.PSM_SINGLE_BLOCK, whitelist: whitelist(f.Type), words: true, dpi: int(p.dpi)})
			if err != nil {
				return r, err
			}
		}
		text = joinWords(syms)
		for _, s := range syms {
			confs = append(confs, s.conf)
		}
	}
	r.raw = text
	r.feat.confs = confs
	r.value, r.issue = layout.Normalize(f, text)
	r.feat.normalized = r.value != nil
	return r, nil
}

// sameValue compares two normalized values.
func sameValue(a, b any) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// joinWords joins OCR words: no space between Chinese characters, one between
// words of Latin letters or digits.
func joinWords(syms []symbol) string {
	var b strings.Builder
	prevLine := -1
	for i, s := range syms {
		if i > 0 {
			prev := []rune(syms[i-1].text)
			cur := []rune(s.text)
			if len(prev) > 0 && len(cur) > 0 && isLatin(prev[len(prev)-1]) && isLatin(cur[0]) {
				b.WriteByte(' ')
			}
		}
		_ = prevLine
		b.WriteString(s.text)
	}
	return b.String()
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// whitelist is the character set Tesseract may answer for a value type.
func whitelist(t layout.Type) string {
	const digits = "0123456789"
	switch t {
	case layout.TypeInt:
		return digits + ",.万约左右余多人个无零"
	case layout.TypeDecimal:
		return digits + ",.万亿元约左右余多人"
	case layout.TypePercent:
		return digits + ".%％约"
	case layout.TypeDate:
		return digits + "年月日底.-/〇一二三四五六七八九十"
	case layout.TypePhone:
		return digits + "-()（）转 "
	case layout.TypeMobile:
		return digits + " -+"
	case layout.TypeRegionCode:
		return digits
	case layout.TypeEmail:
		return digits + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@._-"
	case layout.TypeURL:
		return digits + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./:-_"
	}
	return ""
}

// readArea reads an open answer written under its question.
func (e *Engine) readArea(ps []*page, t *formTemplate, f *layout.Field) (reading, error) {
	sp, ok := t.area[f.ID]
	if !ok || sp.before < 0 {
		return reading{}, nil
	}
	p, lb, _, ok := charAt(ps, t, sp.before)
	if !ok {
		return reading{}, nil
	}
	bottom := p.img.Rect.Max.Y - int(p.em*2)
	if sp.after >= 0 {
		if rp, rb, _, ok := charAt(ps, t, sp.after); ok && rp == p {
			bottom = rb.Min.Y - int(p.em*0.3)
		}
	}
	area := image.Rect(p.leftMargin()-int(p.em), lb.Max.Y+int(p.em*0.3), p.img.Rect.Max.X-p.leftMargin()/2, bottom).Intersect(p.img.Rect)
	if area.Dy() < int(p.em) {
		return reading{page: p.n, box: area, feat: features{located: true, empty: true}}, nil
	}
	clean := p.cleanArea(area, nil)
	r := reading{page: p.n, box: area, feat: features{located: true}}
	wb, n := writtenBox(clean, p.em)
	r.feat.ink = float64(n) / (p.em * p.em)
	if wb.Empty() {
		r.feat.empty = true
		return r, nil
	}
	syms, err := e.rd.read(clean, wb.Inset(-int(p.em*0.3)), readOpts{psm: gosseract.PSM_SINGLE_BLOCK, words: true, dpi: int(p.dpi)})
	if err != nil {
		return r, err
	}
	r.raw = joinWords(syms)
	for _, s := range syms {
		r.feat.confs = append(r.feat.confs, s.conf)
	}
	r.value, r.issue = layout.Normalize(f, r.raw)
	r.feat.normalized = r.value != nil
	return r, nil
}
