package ocr

import (
	"strconv"
	"unicode"

	"papergate/layout"
)

// coverID names the cover page (普查表说明) among the templates.
const coverID = "cover"

// span is where a blank or box sits in a template's character stream: between
// the characters at before and after (before = -1 when the blank starts its
// paragraph; after = -1 when it ends it). width is a blank's printed width in em.
type span struct {
	before, after int
	width         float64
}

// formTemplate is the printed text of one form as a stream of folded
// characters, with the positions of its blanks and boxes: what the OCR of a
// page is aligned against.
type formTemplate struct {
	id    string
	chars []rune
	para  []int     // paragraph index (into Catalog.Paper) of each character
	adv   []float64 // printed advance of each character, in em
	space []float64 // width of the spaces printed before each character, in em
	blank map[string]span
	// boxes: tick field → option → the stream indexes of its “（” and “）”.
	boxes map[string]map[int]span
	// area: open-answer field → the paragraph after which its answer is written.
	area map[string]span
	// tables: table id → the stream index where its grid's text begins.
	tables map[string]int
	// gapAfter: stream indexes followed by a printed blank (an underline with
	// no characters in the stream), and the blank's printed width in em.
	gapAfter map[int]float64
}

// fold maps a character to the form OCR matching compares: full-width ASCII to
// ASCII, letters to lower case, circled numbers to '@' (as Tesseract reads
// them), quotes and dashes to one shape each.
func fold(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		r -= 0xFEE0
	case r >= '①' && r <= '⑳':
		return '@'
	}
	switch r {
	case '“', '”', '„', '″':
		return '"'
	case '‘', '’':
		return '\''
	case '—', '－', '–', '一':
		if r == '一' {
			return r
		}
		return '-'
	case '〈', '《':
		return '《'
	case '〉', '》':
		return '》'
	case '。':
		return '.'
	}
	return unicode.ToLower(r)
}

// advanceEm is the printed advance of r in em: Chinese fonts print
// characters from U+2000 on (CJK, full-width forms, ①, “”) one em wide, ASCII
// half.
func advanceEm(r rune) float64 {
	if r < 0x2000 {
		return 0.5
	}
	return 1
}

// buildTemplate flattens a form's paper (or the cover) into a formTemplate.
// Table grids contribute their printed headings and row labels, so that table
// pages align too.
func buildTemplate(id string, paper []layout.PaperLine, form *layout.Form) *formTemplate {
	t := &formTemplate{id: id, blank: map[string]span{}, boxes: map[string]map[int]span{}, area: map[string]span{}, tables: map[string]int{}, gapAfter: map[int]float64{}}
	// Blanks (and areas) waiting to learn the first character after them.
	var open, openArea []string
	add := func(s string, para int) {
		space := 0.0 // spaces printed before the next character
		for _, r := range s {
			if unicode.IsSpace(r) || r == '\u3000' {
				space += advanceEm(r)
				continue
			}
			n := len(t.chars)
			t.chars = append(t.chars, fold(r))
			t.para = append(t.para, para)
			t.adv = append(t.adv, advanceEm(r))
			t.space = append(t.space, space)
			space = 0
			for _, id := range open {
				sp := t.blank[id]
				if sp.after < 0 && (sp.before < 0 || t.para[sp.before] == para) {
					sp.after = n
					t.blank[id] = sp
				}
			}
			for _, id := range openArea {
				sp := t.area[id]
				sp.after = n
				t.area[id] = sp
			}
			open, openArea = open[:0], openArea[:0]
		}
	}
	for pi, l := range paper {
		switch l.Kind {
		case layout.LineText, layout.LineTitle:
			open = open[:0] // a blank that ends its paragraph has no character after it
			for _, s := range l.Segments {
				switch s.Kind {
				case layout.SegText:
					add(s.Text, pi)
				case layout.SegBlank:
					n := len(t.chars)
					if s.Width == 0 {
						t.area[s.FieldID] = span{before: n - 1, after: -1}
						openArea = append(openArea, s.FieldID)
						continue
					}
					b := -1
					if n > 0 && t.para[n-1] == pi {
						b = n - 1
					}
					t.blank[s.FieldID] = span{before: b, after: -1, width: float64(s.Width)}
					if n > 0 {
						t.gapAfter[n-1] += float64(s.Width)
					}
					open = append(open, s.FieldID)
				case layout.SegBox:
					if t.boxes[s.FieldID] == nil {
						t.boxes[s.FieldID] = map[int]span{}
					}
					o := len(t.chars)
					add(layout.BoxText, pi)
					t.boxes[s.FieldID][s.Option] = span{before: o, after: o + 1}
				}
			}
			open = open[:0]
		case layout.LineTable:
			if form == nil {
				continue
			}
			tb, err := form.Table(l.Table)
			if err != nil {
				continue
			}
			t.tables[tb.ID] = len(t.chars)
			add("序号调查项目", pi)
			for _, h := range tb.Headers {
				add(h, pi)
			}
			for _, r := range tb.Rows {
				add(strconv.Itoa(r.Number)+r.PrintedLabel(), pi)
			}
		}
	}
	return t
}
