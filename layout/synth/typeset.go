package synth

import (
	"math"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"papergate/layout"
)

// printer is how one return's blank forms were printed: a word processor's page
// set-up and font choices. Everything is in PostScript points.
type printer struct {
	size         float64 // body font size
	lead         float64 // line height as a multiple of size
	paraGap      float64 // extra space after a paragraph
	marginL      float64
	marginR      float64
	marginT      float64
	marginB      float64
	titleSize    float64
	titleRole    fontRole
	justify      bool
	underline    float64 // blank underline thickness
	rule         float64 // table rule thickness
	rowLead      float64 // table row height as a multiple of size
	repeatHeader bool    // repeat a table's header row on a new page
	openLines    int     // lines of space under an open question
	toner        ink
	footer       bool // print page numbers
}

func newPrinter(rng *rand.Rand) printer {
	sizes := []float64{10.5, 10.5, 11, 12}
	p := printer{
		size:         sizes[rng.IntN(len(sizes))],
		lead:         1.3 + rng.Float64()*0.35,
		marginL:      cm(2.2 + rng.Float64()*1.0),
		marginR:      cm(2.0 + rng.Float64()*1.2),
		marginT:      cm(2.0 + rng.Float64()*0.8),
		marginB:      cm(1.8 + rng.Float64()*0.9),
		titleSize:    15 + float64(rng.IntN(4)),
		titleRole:    roleHei,
		justify:      rng.Float64() < 0.8,
		underline:    0.45 + rng.Float64()*0.35,
		rule:         0.5 + rng.Float64()*0.4,
		rowLead:      1.7 + rng.Float64()*0.6,
		repeatHeader: rng.Float64() < 0.5,
		openLines:    3 + rng.IntN(3),
		toner:        ink{r: uint8(10 + rng.IntN(25)), g: uint8(10 + rng.IntN(25)), b: uint8(10 + rng.IntN(25)), alpha: 0.88 + rng.Float64()*0.12},
		footer:       rng.Float64() < 0.5,
	}
	p.paraGap = p.size * rng.Float64() * 0.3
	if rng.Float64() < 0.3 {
		p.titleRole = roleSong
	}
	return p
}

func cm(x float64) float64 { return x / 2.54 * 72 }

// rect is an axis-aligned rectangle in page points.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) w() float64 { return r.x1 - r.x0 }
func (r rect) h() float64 { return r.y1 - r.y0 }

// glyphOp is one printed character, origin at the left end of its baseline.
type glyphOp struct {
	role    fontRole
	r       rune
	x, y    float64
	size    float64
	advance float64 // in points
}

// ruleOp is a printed straight line.
type ruleOp struct{ x0, y0, x1, y1, w float64 }

// regionKind says what a region of a page is for.
type regionKind int

const (
	regBlank regionKind = iota // a write-in blank (underlined)
	regOpen                    // unprinted space under an open question
	regBox                     // a tick box “（ ）”
	regCell                    // a table cell
)

// region is where the respondent may write or tick.
type region struct {
	kind     regionKind
	fields   []string // the field ids answered here; for cells the main field first
	option   int      // regBox: the option code
	r        rect     // the writable area
	baseline float64  // regBlank: y of the underline
	size     float64  // the printed font size around it
	colHead  bool     // regCell: a continuation header cell to be written by hand
}

// page is one typeset sheet: what is printed on it and where answers go.
type page struct {
	form         string // cover, Q1, Q2, Q3
	glyphs       []glyphOp
	rules        []ruleOp
	regions      []region
	textBottom   float64       // bottom of the last printed line
	options      []optionGlyph // printed circled option numbers (①…), for answers circled in the list
	pageNo       int           // printed page number, 0 for none
	continuation bool          // a continuation sheet (续表) attached after the form
}

// optionGlyph is a printed circled option number in a paragraph of the template.
type optionGlyph struct {
	para int // index of the paragraph in the form's template
	code int // ③ → 3
	r    rect
}

// typesetter lays template paragraphs out onto pages.
type typesetter struct {
	p     printer
	gs    *glyphSource
	form  string
	pages []*page
	cur   *page
	y     float64 // top of the next line
	para  int     // index of the template paragraph being set
}

func newTypesetter(p printer, gs *glyphSource, form string) *typesetter {
	t := &typesetter{p: p, gs: gs, form: form}
	t.newPage()
	return t
}

func (t *typesetter) textW() float64  { return a4W - t.p.marginL - t.p.marginR }
func (t *typesetter) bottom() float64 { return a4H - t.p.marginB }
func (t *typesetter) lineH() float64  { return t.p.size * t.p.lead }

func (t *typesetter) newPage() {
	t.cur = &page{form: t.form, textBottom: t.p.marginT}
	t.pages = append(t.pages, t.cur)
	t.y = t.p.marginT
}

// ensure starts a new page unless h points fit below the current position.
func (t *typesetter) ensure(h float64) {
	if t.y+h > t.bottom()+0.01 && t.y > t.p.marginT+0.01 {
		t.newPage()
	}
}

// atomKind says what one unbreakable piece of a paragraph is.
type atomKind int

const (
	atomText atomKind = iota
	atomSpace
	atomBlank
	atomBox
)

type atom struct {
	kind  atomKind
	text  string
	w     float64
	seg   layout.Segment
	noBrk bool // no line break allowed before this atom
}

// Kinsoku: characters that may not start or end a line.
const (
	noStart = "，。、；：？！）」』”’》〉％…．,.;:!?)]"
	noEnd   = "（「『“‘《〈([@"
)

// atoms splits a paragraph into unbreakable pieces: CJK characters one by one,
// runs of ASCII letters and digits together, blanks and boxes whole.
func (t *typesetter) atoms(segs []layout.Segment, role fontRole, size float64) []atom {
	var out []atom
	adv := func(s string) float64 {
		w := 0.0
		for _, r := range s {
			w += t.gs.advance(role, r) * size
		}
		return w
	}
	for _, s := range segs {
		switch s.Kind {
		case layout.SegBlank:
			out = append(out, atom{kind: atomBlank, w: float64(s.Width) * size, seg: s})
		case layout.SegBox:
			out = append(out, atom{kind: atomBox, text: layout.BoxText, w: adv(layout.BoxText), seg: s})
		default:
			rs := []rune(s.Text)
			for i := 0; i < len(rs); {
				r := rs[i]
				j := i + 1
				switch {
				case r == ' ' || r == '\t' || r == '\u3000':
					for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t' || rs[j] == '\u3000') {
						j++
					}
					out = append(out, atom{kind: atomSpace, text: string(rs[i:j]), w: adv(string(rs[i:j]))})
				case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("./:-_@+%", r)):
					for j < len(rs) && rs[j] < 0x80 && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || strings.ContainsRune("./:-_@+%", rs[j])) {
						j++
					}
					out = append(out, atom{kind: atomText, text: string(rs[i:j]), w: adv(string(rs[i:j]))})
				default:
					out = append(out, atom{kind: atomText, text: string(r), w: adv(string(r))})
				}
				i = j
			}
		}
	}
	for i := 1; i < len(out); i++ {
		a, prev := out[i], out[i-1]
		first, _ := utf8.DecodeRuneInString(a.text)
		last, _ := utf8.DecodeLastRuneInString(prev.text)
		if (a.kind == atomText && strings.ContainsRune(noStart, first)) ||
			(prev.kind == atomText && strings.ContainsRune(noEnd, last)) ||
			a.kind == atomBox { // keep a box with the option it belongs to
			out[i].noBrk = true
		}
	}
	return out
}

// paragraph typesets one printed paragraph.
func (t *typesetter) paragraph(segs []layout.Segment, role fontRole, size float64, center bool) {
	atoms := t.atoms(segs, role, size)
	width := t.textW()
	for i := range atoms {
		if atoms[i].w > width {
			atoms[i].w = width
		}
	}
	lh := size * t.p.lead
	var open []layout.Segment
	start := 0
	for start < len(atoms) {
		// Skip spaces at the start of a continuation line.
		if start > 0 {
			for start < len(atoms) && atoms[start].kind == atomSpace {
				start++
			}
			if start >= len(atoms) {
				break
			}
		}
		end, w, brk := start, 0.0, -1
		for end < len(atoms) {
			if end > start && !atoms[end].noBrk {
				brk = end
			}
			if w+atoms[end].w > width+0.01 && end > start {
				break
			}
			w += atoms[end].w
			end++
		}
		if end < len(atoms) && brk > start && brk < end {
			end = brk
		}
		line := atoms[start:end]
		last := end >= len(atoms)
		t.ensure(lh)
		t.placeLine(line, role, size, lh, center, !last && t.p.justify, &open)
		start = end
	}
	if len(atoms) == 0 {
		t.ensure(lh)
		t.y += lh
	}
	t.y += t.p.paraGap
	for _, s := range open {
		t.openArea(s.FieldID)
	}
}

// placeLine draws one line of atoms at the current position.
func (t *typesetter) placeLine(line []atom, role fontRole, size, lh float64, center, justify bool, open *[]layout.Segment) {
	// Trailing spaces do not count.
	for len(line) > 0 && line[len(line)-1].kind == atomSpace {
		line = line[:len(line)-1]
	}
	w := 0.0
	for _, a := range line {
		w += a.w
	}
	x := t.p.marginL
	gap := 0.0
	switch {
	case center:
		x += (t.textW() - w) / 2
	case justify && len(line) > 1:
		gap = (t.textW() - w) / float64(len(line)-1)
		if gap > size*0.6 || gap < 0 {
			gap = 0
		}
	}
	top := t.y
	base := top + (lh-size)/2 + 0.86*size
	for _, a := range line {
		switch a.kind {
		case atomText, atomSpace:
			gx := x
			for _, r := range a.text {
				g := t.gs.get(role, r)
				if r != ' ' && r != '\t' && r != '\u3000' {
					t.cur.glyphs = append(t.cur.glyphs, glyphOp{role: role, r: r, x: gx, y: base, size: size, advance: g.advance * size})
				}
				if r >= '①' && r <= '⑳' {
					t.cur.options = append(t.cur.options, optionGlyph{para: t.para, code: int(r-'①') + 1,
						r: rect{gx, base - size*0.88, gx + g.advance*size, base + size*0.12}})
				}
				gx += g.advance * size
			}
		case atomBox:
			gx := x
			for _, r := range a.text {
				g := t.gs.get(role, r)
				if r != ' ' {
					t.cur.glyphs = append(t.cur.glyphs, glyphOp{role: role, r: r, x: gx, y: base, size: size, advance: g.advance * size})
				}
				gx += g.advance * size
			}
			// The inside of the box: from the ink of （ to the ink of ）. A full-width
			// （ draws in the right half of its em, ） in the left half.
			l := t.gs.advance(role, '（') * size
			sp := t.gs.advance(role, ' ') * size
			t.cur.regions = append(t.cur.regions, region{
				kind: regBox, fields: []string{a.seg.FieldID}, option: a.seg.Option, size: size,
				r: rect{x + l*0.8, base - size*0.85, x + l + sp + size*0.2, base + size*0.15},
			})
		case atomBlank:
			if a.seg.Width == 0 {
				*open = append(*open, a.seg)
				break
			}
			ul := base + size*0.14
			t.cur.rules = append(t.cur.rules, ruleOp{x, ul, x + a.w, ul, t.p.underline})
			t.cur.regions = append(t.cur.regions, region{
				kind: regBlank, fields: []string{a.seg.FieldID}, size: size, baseline: ul,
				r: rect{x, base - size*1.0, x + a.w, ul + size*0.1},
			})
		}
		x += a.w + gap
	}
	t.y += lh
	t.cur.textBottom = t.y
}

// openArea reserves space under an open question for a written answer.
func (t *typesetter) openArea(id string) {
	h := float64(t.p.openLines) * t.lineH()
	t.ensure(t.lineH() * 2)
	h = math.Min(h, t.bottom()-t.y)
	t.cur.regions = append(t.cur.regions, region{
		kind: regOpen, fields: []string{id}, size: t.p.size,
		r: rect{t.p.marginL, t.y, t.p.marginL + t.textW(), t.y + h},
	})
	t.y += h
	t.cur.textBottom = t.y // the answer written here belongs to the page's content
}

// title typesets a centred heading.
func (t *typesetter) title(text string) {
	t.y += t.p.size * 0.4
	t.paragraph([]layout.Segment{{Kind: layout.SegText, Text: text}}, t.p.titleRole, t.p.titleSize, true)
	t.y += t.p.size * 0.6
}

// space is an empty template line.
func (t *typesetter) space() {
	h := t.lineH() * 0.6
	if t.y+h > t.bottom() {
		return // never push a page break for empty space
	}
	t.y += h
}

// pageBreakHint starts a new page if the current one is mostly used.
func (t *typesetter) pageBreakHint() {
	if t.y > t.p.marginT+(t.bottom()-t.p.marginT)*0.8 {
		t.newPage()
	}
}

// text draws a string starting at (x, base) and returns its width.
func (t *typesetter) text(s string, role fontRole, size, x, base float64) float64 {
	w := 0.0
	for _, r := range s {
		g := t.gs.get(role, r)
		if r != ' ' {
			t.cur.glyphs = append(t.cur.glyphs, glyphOp{role: role, r: r, x: x + w, y: base, size: size, advance: g.advance * size})
		}
		w += g.advance * size
	}
	return w
}

func (t *typesetter) width(s string, role fontRole, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += t.gs.advance(role, r) * size
	}
	return w
}

// wrap breaks s into lines no wider than w.
func (t *typesetter) wrap(s string, role fontRole, size, w float64) []string {
	var lines []string
	var cur strings.Builder
	cw := 0.0
	for _, r := range s {
		a := t.gs.advance(role, r) * size
		if cw+a > w && cur.Len() > 0 && !strings.ContainsRune(noStart, r) {
			lines = append(lines, cur.String())
			cur.Reset()
			cw = 0
		}
		cur.WriteRune(r)
		cw += a
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
