package ocr

import (
	"context"
	"fmt"
	"image"
	"regexp"
	"slices"
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
	if debugOn(f.ID) {
		debugf(f.ID, "underline %+v limit %d", loc.ul, loc.limit)
		for _, h := range p.hsegs {
			if absI(h.y0-loc.ul.y0) < int(p.em*2) && h.x1 > loc.ul.x0-int(p.em*6) && h.x0 < loc.ul.x1+int(p.em*6) {
				debugf(f.ID, "  rule nearby %+v", h)
			}
		}
	}
	clean := p.cleanArea(area, &loc.ul)
	wraps := f.Type == layout.TypeCodes || f.Type == layout.TypeLinks // a list may not fit its blank
	if wraps && wrappedAbove(clean, p.em) && area.Min.Y > 0 {
		// The writing goes on above the area (wrapped onto a second line in
		// a narrow blank): take one more line's height.
		area.Min.Y = max(0, area.Min.Y-int(p.em*1.2))
		clean = p.cleanArea(area, &loc.ul)
	}
	return e.readText(p, clean, area, f)
}

// wrappedAbove tells whether writing in c is cut by its top edge: marks
// touching it span at least 30 % of the writing's width (the bottoms of a
// first line wrapped above the blank, not a speck or a stroke of the line
// above).
func wrappedAbove(c *image.Gray, em float64) bool {
	wb, _ := writtenBox(c, em)
	if wb.Empty() {
		return false
	}
	w := 0
	for _, b := range components(c, c.Rect) {
		if b.Min.Y <= c.Rect.Min.Y+1 && b.Dy() >= 3 {
			w += b.Dx()
		}
	}
	return w*10 >= wb.Dx()*3
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
	if textual(f.Type) {
		clean = dropEdgeRemnants(clean, p.em)
	}
	wb, n := writtenBox(clean, p.em)
	r.feat.ink = float64(n) / (p.em * p.em)
	if debugOn(f.ID) {
		debugImage(f.ID, "area", clean)
		debugf(f.ID, "page %d area %v written %v ink %.3f em²", p.n, area, wb, r.feat.ink)
	}
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
		t, c, err := e.readLine(clean, wb, f, p.em, p.dpi)
		if err != nil {
			return r, err
		}
		text, confs = trimBlank(f.Type, t), c
		if t == "" && wb.Dy() > int(p.em*1.8) {
			syms, err := e.rd.read(clean, wb, readOpts{psm: gosseract.PSM_SINGLE_BLOCK, whitelist: whitelist(f.Type), words: true, dpi: int(p.dpi)})
			if err != nil {
				return r, err
			}
			text = tidyAddress(f.Type, joinWords(syms))
			for _, s := range syms {
				confs = append(confs, s.conf)
			}
		}
	}
	r.raw = text
	r.feat.confs = confs
	r.value, r.issue = layout.Normalize(f, text)
	r.feat.normalized = r.value != nil
	return r, nil
}

// lineScales are the character heights (in pixels) a line of writing is also
// read at, besides its own: Tesseract's reading of handwriting changes with
// the scale, and the readings together are right more often than any one
// scale's (benchmark seed's crops, of 270: one scale 168, the surest of four
// 182; with the address repairs 188 without the character vote, 191 with
// it). More scales (24–64) did not help.
var lineScales = []float64{32, 36, 56}

// readLine reads one line of writing, the region r of c, as a value of f's
// type: at its own scale and at lineScales. The readings vote character by
// character (aligned to the one with the highest mean word confidence, among
// those that normalize if any does), each weighted voteBase + its confidence.
func (e *Engine) readLine(c *image.Gray, r image.Rectangle, f *layout.Field, em, dpi float64) (string, []float64, error) {
	type cand struct {
		text  string
		confs []float64
		score float64
		ok    bool
	}
	var cs []cand
	readAt := func(lang string) error {
		for i, h := range append([]float64{0}, lineScales...) {
			o := readOpts{psm: gosseract.PSM_SINGLE_LINE, whitelist: whitelist(f.Type), words: true, dpi: int(dpi), lang: lang}
			if i > 0 {
				o.scale = h / em
			}
			syms, err := e.rd.read(c, r, o)
			if err != nil {
				return err
			}
			if len(syms) == 0 {
				continue
			}
			cd := cand{text: tidyAddress(f.Type, joinWords(syms))}
			for _, s := range syms {
				cd.confs = append(cd.confs, s.conf)
				cd.score += s.conf / float64(len(syms))
			}
			v, _ := layout.Normalize(f, cd.text)
			cd.ok = v != nil
			cs = append(cs, cd)
		}
		return nil
	}
	if err := readAt(lineLang(f.Type)); err != nil {
		return "", nil, err
	}
	if len(cs) == 0 {
		return "", nil, nil
	}
	if slices.ContainsFunc(cs, func(c cand) bool { return c.ok }) {
		cs = slices.DeleteFunc(cs, func(c cand) bool { return !c.ok })
	}
	best := 0
	for i := range cs {
		if cs[i].score > cs[best].score {
			best = i
		}
	}
	if !voteChars {
		return cs[best].text, cs[best].confs, nil
	}
	texts := []string{cs[best].text}
	weights := []float64{voteBase + cs[best].score + 1e-3}
	for i, c := range cs {
		if i != best {
			texts = append(texts, c.text)
			weights = append(weights, voteBase+c.score)
		}
	}
	return vote(texts, weights), cs[best].confs, nil
}

// voteChars turns the character vote of readLine on.
var voteChars = true

// voteBase is added to every reading's weight: the readings vote almost
// equally, their confidence deciding close calls (on the benchmark seed's
// crops, 197 → 199 of 270 against weighting by confidence alone).
var voteBase = 50.0

// vote combines readings of the same writing: each is aligned to the first
// (edit distance), and at every position of the first the character (or
// gap) with the largest total weight wins; a character another reading has
// where the first has none is inserted if it outweighs the rest.
func vote(texts []string, weights []float64) string {
	pivot := []rune(texts[0])
	n := len(pivot)
	subs := make([]map[string]float64, n)  // per pivot position: rune or "" (gap) → weight
	ins := make([]map[string]float64, n+1) // before pivot position i: inserted string → weight
	for i := range subs {
		subs[i] = map[string]float64{string(pivot[i]): weights[0]}
	}
	for i := range ins {
		ins[i] = map[string]float64{}
	}
	total := weights[0]
	for k := 1; k < len(texts); k++ {
		total += weights[k]
		other := []rune(texts[k])
		// Levenshtein table of pivot × other.
		m := len(other)
		d := make([][]int, n+1)
		for i := range d {
			d[i] = make([]int, m+1)
			d[i][0] = i
		}
		for j := 0; j <= m; j++ {
			d[0][j] = j
		}
		for i := 1; i <= n; i++ {
			for j := 1; j <= m; j++ {
				c := d[i-1][j-1]
				if pivot[i-1] != other[j-1] {
					c++
				}
				d[i][j] = min(c, d[i-1][j]+1, d[i][j-1]+1)
			}
		}
		// Walk back: what other has at each pivot position, and in between.
		got := make([]string, n)
		between := make([][]rune, n+1)
		i, j := n, m
		for i > 0 || j > 0 {
			switch {
			case i > 0 && j > 0 && d[i][j] == d[i-1][j-1]+boolInt(pivot[i-1] != other[j-1]):
				got[i-1] = string(other[j-1])
				i, j = i-1, j-1
			case i > 0 && d[i][j] == d[i-1][j]+1:
				got[i-1] = ""
				i--
			default:
				between[i] = append([]rune{other[j-1]}, between[i]...)
				j--
			}
		}
		for i := range got {
			subs[i][got[i]] += weights[k]
		}
		for i, b := range between {
			ins[i][string(b)] += weights[k]
		}
	}
	var b strings.Builder
	pick := func(m map[string]float64) (string, float64) {
		best, bw := "", -1.0
		for s, w := range m {
			if w > bw || w == bw && s < best {
				best, bw = s, w
			}
		}
		return best, bw
	}
	for i := 0; i <= n; i++ {
		if s, w := pick(ins[i]); s != "" && w > total/2 {
			b.WriteString(s)
		}
		if i < n {
			s, _ := pick(subs[i])
			if subs[i][string(pivot[i])] >= subs[i][s] {
				s = string(pivot[i])
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lineLang is the Tesseract model for a type's writing: Latin-only values
// with the English model, which reads handwritten Latin far better.
func lineLang(t layout.Type) string {
	if t == layout.TypeEmail || t == layout.TypeURL {
		return latinModel
	}
	return ""
}

// latinModel is the Tesseract model for e-mail and web addresses. (Letting
// chi_sim+eng vote on text chi_sim read as mostly Latin, such as model names,
// changed no value on the benchmark seed's crops.)
var latinModel = "eng"

// textual is true for the types read by Tesseract alone (no glyph matcher).
func textual(t layout.Type) bool {
	switch t {
	case layout.TypeCode, layout.TypeCodes, layout.TypeLinks, layout.TypeInt, layout.TypeDecimal, layout.TypePercent, layout.TypeDate, layout.TypePhone, layout.TypeMobile, layout.TypeRegionCode:
		return false
	}
	return true
}

// trimBlank removes from the text read in a blank a "|" at either end (a
// rule beside it) and a comma or colon at its end (printed after it).
func trimBlank(t layout.Type, s string) string {
	if t != layout.TypeText && t != layout.TypeName {
		return s
	}
	return strings.TrimRight(strings.Trim(s, "|｜ "), "，,、；;：:")
}

// tidyAddress repairs what OCR does to handwritten e-mail and web addresses,
// with what every address obeys: a capital I among lower-case letters is an
// l, an l between a vowel and a digit is a 1, dots are single, a host "ww." is "www.", and a top-level or Chinese
// second-level domain one letter off a common one (".con", ".can", "g0v")
// is that one. Other types are returned as they are.
func tidyAddress(t layout.Type, s string) string {
	if t != layout.TypeEmail && t != layout.TypeURL {
		return s
	}
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("I", "l", "|", "l", "。", ".", "，", ".", "..", ".").Replace(s)
	s = strings.ToLower(s)
	// Pinyin syllables never end in l: an l between a vowel and a digit is a 1
	// (after a consonant it may be an initial: "luml99").
	s = letterLDigit.ReplaceAllString(s, "${1}1${2}")
	if t == layout.TypeURL {
		lead := ""
		if i := strings.Index(s, "://"); i >= 0 {
			lead, s = s[:i+3], s[i+3:]
		}
		for _, w := range []string{"wwww.", "ww.", "vvw.", "wvw.", "vww."} {
			if strings.HasPrefix(s, w) {
				s = "www." + s[len(w):]
				break
			}
		}
		s = lead + s
	}
	// The host: after the @ of an e-mail, up to the first / of a URL.
	start := strings.LastIndex(s, "@") + 1
	if i := strings.Index(s, "://"); t == layout.TypeURL && i >= 0 {
		start = i + 3
	}
	end := len(s)
	if t == layout.TypeURL {
		if i := strings.IndexAny(s[start:], "/?#"); i >= 0 {
			end = start + i
		}
	}
	labels := strings.Split(s[start:end], ".")
	if n := len(labels); n >= 2 {
		labels[n-1] = nearLabel(labels[n-1], []string{"com", "cn", "net", "org"})
		if labels[n-1] == "cn" && n >= 3 {
			labels[n-2] = nearLabel(labels[n-2], []string{"gov", "com", "net", "org", "edu"})
		}
	}
	return s[:start] + strings.Join(labels, ".") + s[end:]
}

var letterLDigit = regexp.MustCompile(`([aeiouv])l([0-9])`)

// nearLabel returns the one of known that l is one edit from, after the
// usual confusions (0 → o, a → o, rn → m), or l itself.
func nearLabel(l string, known []string) string {
	for _, k := range known {
		if l == k {
			return l
		}
	}
	if len(l) < 3 {
		return l
	}
	m := strings.NewReplacer("0", "o", "rn", "m").Replace(l)
	var hit []string
	for _, k := range known {
		if len(k) >= 3 && (editDistance(m, k) <= 1 || editDistance(strings.ReplaceAll(m, "a", "o"), k) <= 1) {
			hit = append(hit, k)
		}
	}
	if len(hit) == 1 {
		return hit[0]
	}
	return l
}

// editDistance is the Levenshtein distance of two ASCII strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
	lines := answerLines(clean, p.em)
	var n int
	for _, l := range lines {
		n += inkCount(clean, l)
	}
	r.feat.ink = float64(n) / (p.em * p.em)
	if len(lines) == 0 || float64(n) < 0.035*p.em*p.em {
		r.feat.empty = true
		return r, nil
	}
	text, confs, err := e.readLines(clean, lines, f, p.em, p.dpi)
	if err != nil {
		return r, err
	}
	r.raw = text
	r.feat.confs = confs
	r.value, r.issue = layout.Normalize(f, r.raw)
	r.feat.normalized = r.value != nil
	return r, nil
}

// readLines reads the lines of an open answer, each on its own.
func (e *Engine) readLines(c *image.Gray, lines []image.Rectangle, f *layout.Field, em, dpi float64) (string, []float64, error) {
	var text []rune
	var confs []float64
	for _, l := range lines {
		r := l.Inset(-int(em * 0.25)).Intersect(c.Rect)
		var t string
		var cf []float64
		if l.Dy() > int(em*1.9) {
			s, err := e.rd.read(c, r, readOpts{psm: gosseract.PSM_SINGLE_BLOCK, words: true, dpi: int(dpi)})
			if err != nil {
				return "", nil, err
			}
			t = joinWords(s)
			for _, x := range s {
				cf = append(cf, x.conf)
			}
		} else {
			var err error
			if t, cf, err = e.readLine(c, r, f, em, dpi); err != nil {
				return "", nil, err
			}
		}
		if rt := []rune(t); len(text) > 0 && len(rt) > 0 && isLatin(text[len(text)-1]) && isLatin(rt[0]) {
			text = append(text, ' ')
		}
		text = append(text, []rune(t)...)
		confs = append(confs, cf...)
	}
	return string(text), confs, nil
}

// answerLines finds the lines of an open answer in the cleaned area c: bands
// of dark ink rows, starting near the top of the area and near its left edge
// (an answer is written from the margin under its question), each following
// the previous one closely and starting at the left too. What lies further
// down or starts in the middle of the page (the leader's signature, the date,
// the seal, a page number) is not part of the answer. Each line is the
// bounding box of its dark ink, in c's coordinates.
func answerLines(c *image.Gray, em float64) []image.Rectangle {
	const dark = 150 // writing is darker than a light seal's ink
	w, h := c.Rect.Dx(), c.Rect.Dy()
	big := bigComponents(c, dark, int(em*2.5))
	// Lines are found by the ink near the left edge, where every line of an
	// answer starts (the first one indented by a character or two).
	strip := min(w, int(em*5))
	minRun := max(2, int(em*0.04))
	type band struct{ y0, y1, n int }
	var bands []band
	cur := band{y0: -1}
	gapMax := int(em * 0.35)
	lastInk := -1
	for y := range h {
		n := 0
		for x := range strip {
			if c.Pix[y*c.Stride+x] < dark && !big[y*w+x] {
				n++
			}
		}
		if n < minRun {
			continue
		}
		if cur.y0 >= 0 && y-lastInk > gapMax {
			bands = append(bands, cur)
			cur = band{y0: -1}
		}
		if cur.y0 < 0 {
			cur = band{y0: y}
		}
		cur.y1 = y + 1
		cur.n += n
		lastInk = y
	}
	if cur.y0 >= 0 {
		bands = append(bands, cur)
	}
	var out []image.Rectangle
	prevBottom := -1
	for _, b := range bands {
		if b.y1-b.y0 < int(em*0.3) || float64(b.n) < 0.02*em*em {
			continue // a speck or a remnant of a rule
		}
		if prevBottom < 0 && b.y0 > int(em*3) || prevBottom >= 0 && b.y0-prevBottom > int(em*1.5) {
			break
		}
		prevBottom = b.y1
		// The line's extent: its dark ink, a little above and below the band.
		y0, y1 := max(0, b.y0-int(em*0.25)), min(h, b.y1+int(em*0.25))
		r := image.Rectangle{}
		for y := y0; y < y1; y++ {
			for x := range w {
				if c.Pix[y*c.Stride+x] < dark && !big[y*w+x] {
					r = r.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		// A light full stop may end the line beyond its dark ink.
		r.Max.X = min(w, r.Max.X+int(em*0.6))
		if len(out) > 0 && r.Min.Y < out[len(out)-1].Max.Y {
			r.Min.Y = out[len(out)-1].Max.Y
		}
		out = append(out, r)
	}
	return out
}

// components labels the 8-connected components of pixels darker than level:
// lab holds each pixel's component (1-based, 0 for paper), boxes[k-1] the
// bounding box of component k.
func labelComponents(c *image.Gray, level uint8) (lab []int32, boxes []image.Rectangle) {
	w, h := c.Rect.Dx(), c.Rect.Dy()
	lab = make([]int32, w*h)
	var stack []int
	for i := range lab {
		if lab[i] != 0 || c.Pix[(i/w)*c.Stride+i%w] >= level {
			continue
		}
		boxes = append(boxes, image.Rectangle{})
		k := int32(len(boxes))
		lab[i] = k
		stack = append(stack[:0], i)
		x0, y0, x1, y1 := w, h, -1, -1
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := j%w, j/w
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if n := ny*w + nx; lab[n] == 0 && c.Pix[ny*c.Stride+nx] < level {
						lab[n] = k
						stack = append(stack, n)
					}
				}
			}
		}
		boxes[k-1] = image.Rect(x0, y0, x1+1, y1+1)
	}
	return lab, boxes
}

// bigComponents marks the pixels darker than level of 8-connected components
// at least size pixels wide and high: a seal's ring, not writing (a written
// character is about 1 em, a line of writing low).
func bigComponents(c *image.Gray, level uint8, size int) []bool {
	lab, boxes := labelComponents(c, level)
	mark := make([]bool, len(lab))
	for i, k := range lab {
		if k != 0 {
			b := boxes[k-1]
			mark[i] = b.Dx() >= size && b.Dy() >= size
		}
	}
	return mark
}

// dropEdgeRemnants returns a copy of c (at the origin) without the ink that
// touches its top or bottom edge and is lower than half an em: the cut-off
// feet of the printed line above or heads of the line below, which the
// writing area reaches. Writing that reaches an edge is taller. Likewise a
// sliver of ink (under 0.6 em) at the left or right edge, 0.4 em apart from
// all other ink: part of the printed character beside the blank.
func dropEdgeRemnants(c *image.Gray, em float64) *image.Gray {
	out := crop(c, c.Rect)
	lab, boxes := labelComponents(out, inkLevel)
	h := out.Rect.Dy()
	drop := make([]bool, len(boxes))
	any := false
	for k, b := range boxes {
		if (b.Min.Y <= 1 || b.Max.Y >= h-1) && float64(b.Dy()) < em*0.5 {
			drop[k] = true
			any = true
		}
	}
	w := out.Rect.Dx()
	if any {
		for i, k := range lab {
			if k != 0 && drop[k-1] {
				out.Pix[(i/w)*out.Stride+i%w] = 255
			}
		}
	}
	// At the left and right edges: a sliver of ink touching the edge, apart
	// from the rest, is the cut-off part of a printed character beside the blank.
	cols := make([]int, w)
	for y := range h {
		for x, v := range out.Pix[y*out.Stride : y*out.Stride+w] {
			if v < inkLevel {
				cols[x]++
			}
		}
	}
	sliver := func(xs func(i int) int) {
		if cols[xs(0)]+cols[xs(1)]+cols[xs(2)] == 0 {
			return
		}
		gapMin, inkMax := int(em*0.4), int(em*0.6)
		end, gap := 0, 0
		for i := range w {
			if cols[xs(i)] > 0 {
				end, gap = i+1, 0
				continue
			}
			if gap++; gap >= gapMin {
				break
			}
		}
		if end > inkMax || end+gap >= w || gap < gapMin {
			return // wide, or the only ink, or joined to the rest
		}
		for i := range end {
			x := xs(i)
			for y := range h {
				out.Pix[y*out.Stride+x] = 255
			}
		}
	}
	if w > 3 {
		sliver(func(i int) int { return i })
		sliver(func(i int) int { return w - 1 - i })
	}
	return out
}
