package ocr

import (
	"fmt"
	"image"
	"sort"
	"strings"

	"papergate/layout"
)

// Codes circled in the printed option list. FIELDS.md §3: when a code's blank
// is empty, the options circled (or ticked) in the printed list are the answer.
// A respondent's ring passes just above and just below the printed ①: there
// the page is otherwise white (the text line's band ends at its glyphs' tops
// and bottoms), so ink in both bands, centred on the option, is a ring.

// optionMark is one printed circled option number of a field.
type optionMark struct {
	code int
	k    int // index in the template's character stream
}

// optionMarks returns the printed option numbers of f's option paragraphs,
// in the order printed.
func (e *Engine) optionMarks(t *formTemplate, f *layout.Field) []optionMark {
	if len(f.Anchor.OptionParagraphs) == 0 {
		return nil
	}
	paper, err := e.cat.Paper(t.id)
	if err != nil {
		return nil
	}
	var out []optionMark
	for _, pi := range f.Anchor.OptionParagraphs {
		if pi < 0 || pi >= len(paper) {
			continue
		}
		// The paragraph's characters in the stream, in order, and its printed
		// runes as buildTemplate added them (spaces skipped, boxes as “（）”).
		var ks []int
		for k, p := range t.para {
			if p == pi {
				ks = append(ks, k)
			}
		}
		var rs []rune
		for _, s := range paper[pi].Segments {
			switch s.Kind {
			case layout.SegText:
				for _, r := range s.Text {
					if r != ' ' && r != '\u3000' && r != '\t' && r != '\n' {
						rs = append(rs, r)
					}
				}
			case layout.SegBox:
				rs = append(rs, '（', '）')
			}
		}
		if len(rs) != len(ks) {
			continue // the two walks disagree: better no marks than wrong ones
		}
		for i, r := range rs {
			if r >= '①' && r <= '⑳' {
				out = append(out, optionMark{code: int(r-'①') + 1, k: ks[i]})
			}
		}
	}
	return out
}

// optionAt finds the printed option number at template index k: the symbol
// matched to it, else one em left of its option text's first matched
// character (options are spread along the line with gaps, so a character
// before the option says little about where it is).
func optionAt(ps []*page, t *formTemplate, k int) (*page, image.Rectangle, int, bool) {
	if p, s, ok := readAt(ps, k); ok {
		return p, s.box, s.line, true
	}
	for d := 1; d <= 3; d++ {
		j := k + d
		if j >= len(t.chars) || t.para[j] != t.para[k] {
			break
		}
		if p, s, ok := readAt(ps, j); ok {
			x := s.box.Min.X - int(float64(d)*p.em)
			return p, image.Rect(x, s.box.Min.Y, x+int(p.em), s.box.Max.Y), s.line, true
		}
	}
	return nil, image.Rectangle{}, 0, false
}

// ringScore looks for a respondent's loop around the printed option number
// at template index k: an ink component around the option that reaches above
// and below the printed line's band, which no printed character does. score
// is how far it reaches beyond the band (the smaller of above and below, in
// em; 0 if none). ok is false if the option was not found on any page.
func ringScore(ps []*page, t *formTemplate, k int, id string) (score float64, p *page, box image.Rectangle, ok bool) {
	p, b, _, ok := optionAt(ps, t, k)
	if !ok {
		return 0, nil, image.Rectangle{}, false
	}
	em := p.em
	if float64(b.Dx()) > em*1.4 {
		// Tesseract merged the option with the text after it: the option is its first em.
		b.Max.X = b.Min.X + int(em*1.2)
	}
	cx := (b.Min.X + b.Max.X) / 2
	// The text line's band: the median tops and bottoms of the full-height
	// printed characters within 8 em along the line and half an em of the
	// option's height (Tesseract's line grouping breaks around a loop).
	var tops, bots []float64
	cy := (b.Min.Y + b.Max.Y) / 2
	for i, s := range p.syms {
		if p.al.tplOf[i] < 0 {
			continue
		}
		sb := s.box
		if float64(sb.Dy()) < em*0.6 || float64(sb.Dy()) > em*1.1 || absI((sb.Min.X+sb.Max.X)/2-cx) > int(em*8) || absI((sb.Min.Y+sb.Max.Y)/2-cy) > int(em*0.5) {
			continue
		}
		tops = append(tops, float64(sb.Min.Y))
		bots = append(bots, float64(sb.Max.Y))
	}
	top, bot := b.Min.Y, b.Max.Y
	if len(tops) > 0 {
		top, bot = int(median(tops)), int(median(bots))
	}
	win := image.Rect(cx-int(em*1.6), top-int(em*0.6), cx+int(em*1.6), bot+int(em*0.6)).Intersect(p.img.Rect)
	box = image.Rect(cx-int(em*0.8), top-int(em*0.4), cx+int(em*0.8), bot+int(em*0.4)).Intersect(p.img.Rect)
	for _, c := range components(p.img, win) {
		// A loop drawn around a printed ① (usually touching the character
		// after it) is wider and taller than any printed character.
		if c.Min.X > cx+int(em*0.5) || c.Max.X < cx-int(em*0.5) || absI((c.Min.X+c.Max.X)/2-cx) > int(em) ||
			float64(c.Dx()) < em*1.2 || float64(c.Dy()) < float64(bot-top)*1.12 {
			continue
		}
		up := float64(top-c.Min.Y) / em
		down := float64(c.Max.Y-bot) / em
		debugf(id, "  loop candidate up %.3f down %.3f w %.2f h %.2f em", up, down, float64(c.Dx())/em, float64(c.Dy())/em)
		if s := min(up, down); s > score {
			score = s
			box = c
		}
	}
	if debugOn(id) {
		debugf(id, "ring k=%d top %d bot %d center %d em %.1f score %.3f", k, top, bot, cx, em, score)
		debugImage(id, fmt.Sprintf("ring%d", k), crop(p.img, win))
	}
	return score, p, box, true
}

// ringThreshold is how far (in em) a component must reach above and below the
// printed line to be a loop around an option. On four benchmark returns
// loops reached 0.16–0.32 em, printed characters at most 0.05 em.
const ringThreshold = 0.08

// readCircled reads f's answer from options circled in the printed list. It
// returns ok = false if no option is circled.
func (e *Engine) readCircled(ps []*page, t *formTemplate, f *layout.Field) (reading, bool) {
	marks := e.optionMarks(t, f)
	if len(marks) == 0 {
		return reading{}, false
	}
	type hit struct {
		code  int
		score float64
		p     *page
		box   image.Rectangle
	}
	var hits []hit
	closest := 1.0 // the relative distance of the closest score from the threshold
	for _, m := range marks {
		if debugOn(f.ID) {
			lo, hi := max(0, m.k-3), min(len(t.chars), m.k+6)
			p, s, read := readAt(ps, m.k)
			if read {
				debugf(f.ID, "option %d at k=%d %q read on page %d as %q %v", m.code, m.k, string(t.chars[lo:hi]), p.n, s.text, s.box)
			} else {
				debugf(f.ID, "option %d at k=%d %q not read", m.code, m.k, string(t.chars[lo:hi]))
			}
		}
		s, p, box, ok := ringScore(ps, t, m.k, f.ID)
		if !ok {
			continue
		}
		d := (s - ringThreshold) / ringThreshold
		if d < 0 {
			d = -d
		}
		closest = min(closest, d)
		debugf(f.ID, "option %d on page %d: loop %.3f em", m.code, p.n, s)
		if s >= ringThreshold {
			hits = append(hits, hit{m.code, s, p, box})
		}
	}
	if len(hits) == 0 {
		return reading{}, false
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].code < hits[j].code })
	var b strings.Builder
	box := hits[0].box
	for i, h := range hits {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteRune('①' + rune(h.code-1))
		if h.p == hits[0].p {
			box = box.Union(h.box)
		}
	}
	r := reading{raw: b.String(), page: hits[0].p.n, box: box, feat: features{located: true, confs: []float64{100 * closest}}}
	if f.Type == layout.TypeCode && len(hits) > 1 {
		r.issue = &layout.Issue{Raw: r.raw, Reason: "more than one option circled"}
		return r, true
	}
	r.value, r.issue = layout.Normalize(f, r.raw)
	r.feat.normalized = r.value != nil
	return r, true
}
