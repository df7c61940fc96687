package ocr

import (
	"image"
	"testing"

	"papergate/layout"
)

// fakePage lays out the paper's paragraphs one per line (pitch 2.4 em, left
// margin 4 em, advance em) as symbols matched to the template, with the
// underline of every blank as a rule. read decides, per stream index, whether
// the OCR read that character and where it put its box (it may move or widen
// it); it returns false for a character the OCR missed.
func fakePage(t *testing.T, paper string, em float64, read func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool)) (*page, *formTemplate, map[string]hseg) {
	t.Helper()
	lines, err := layout.ParsePaper("test", []byte(paper))
	if err != nil {
		t.Fatal(err)
	}
	tpl := buildTemplate("T", lines, nil)
	p := &page{n: 1, em: em, tpl: tpl, img: image.NewGray(image.Rect(0, 0, int(em*50), int(em*60)))}
	fillRect(p.img, p.img.Rect, 255)
	p.al = alignment{symOf: map[int]int{}}
	uls := map[string]hseg{}
	k := 0
	y := em * 3
	for li, l := range lines {
		if l.Kind != layout.LineText {
			continue
		}
		x := em * 4
		for _, s := range l.Segments {
			switch s.Kind {
			case layout.SegText, layout.SegBox:
				txt := s.Text
				if s.Kind == layout.SegBox {
					txt = layout.BoxText
				}
				for _, r := range txt {
					a := advanceEm(r) * em
					if r == ' ' || r == '\u3000' {
						x += a
						continue
					}
					b := image.Rect(int(x), int(y-em*0.86), int(x+a*0.9), int(y))
					fillRect(p.img, b.Inset(int(em*0.2)), 40) // the printed character's ink
					if rb, ok := read(tpl, k, b); ok {
						p.al.symOf[k] = len(p.syms)
						p.al.tplOf = append(p.al.tplOf, k)
						p.syms = append(p.syms, symbol{text: string(r), box: rb, conf: 90, line: li})
					}
					k++
					x += a
				}
			case layout.SegBlank:
				w := float64(s.Width) * em
				uls[s.FieldID] = hseg{x0: int(x), x1: int(x + w), y0: int(y + em*0.1), y1: int(y+em*0.1) + 3}
				p.hsegs = append(p.hsegs, uls[s.FieldID])
				x += w
			}
		}
		y += em * 2.4
	}
	if k != len(tpl.chars) {
		t.Fatalf("laid out %d characters, template has %d", k, len(tpl.chars))
	}
	return p, tpl, uls
}

func TestLocateBlank(t *testing.T) {
	const em = 40.0
	paper := "本辖区内地市个数[A:4]，其中已连接的个数[B:4]；视频会议[C:5]。\n" +
		"②否，请说明原因[D:12]\n" +
		"a．是否有计划[E:6]\n"
	tests := []struct {
		name string
		read func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool)
	}{
		{"all read", func(_ *formTemplate, _ int, b image.Rectangle) (image.Rectangle, bool) { return b, true }},
		{"label merged with the writing", func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool) {
			if tpl.gapAfter[k] > 0 {
				// The label's last character's box runs into the blank.
				b.Max.X += int(em * 2.5)
				b.Min.X += int(em * 0.6)
				b.Min.Y -= int(em * 0.4)
			}
			return b, true
		}},
		{"label's last characters missed", func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool) {
			if tpl.gapAfter[k] > 0 || tpl.gapAfter[k+1] > 0 {
				return b, false
			}
			return b, true
		}},
		{"paragraph not read", func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool) {
			return b, tpl.para[k] != tpl.para[tpl.blank["D"].before]
		}},
		{"boxes shifted half an em", func(_ *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool) {
			d := int(em * 0.5)
			if k%2 == 0 {
				d = -d
			}
			return b.Add(image.Pt(d, 0)), true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, tpl, uls := fakePage(t, paper, em, tt.read)
			for id, want := range uls {
				loc, ok := locateBlank([]*page{p}, tpl, tpl.blank[id])
				if !ok {
					t.Errorf("%s: not located", id)
					continue
				}
				if loc.ul != want {
					t.Errorf("%s: underline %+v, want %+v", id, loc.ul, want)
				}
			}
		})
	}
}

func TestBoxZoneUnreadLine(t *testing.T) {
	const em = 40.0
	paper := "10．是否已建立电话咨询服务中心（在选择项上打“√”）\n" +
		"（1）是（[T=1]）\n" +
		"a．电话咨询服务中心建立的时间[X:10]\n" +
		"（2）否（[T=2]）\n" +
		"b．未建立的原因[Y:10]\n"
	for _, miss := range []int{1, 2} {
		p, tpl, _ := fakePage(t, paper, em, func(tpl *formTemplate, k int, b image.Rectangle) (image.Rectangle, bool) {
			// The OCR skipped the option's whole line.
			return b, tpl.para[k] != tpl.para[tpl.boxes["T"][miss].before]
		})
		for opt, sp := range tpl.boxes["T"] {
			_, z, ok := boxZone([]*page{p}, tpl, sp)
			if !ok {
				t.Errorf("missing line %d: box %d not located", miss, opt)
				continue
			}
			// The box's “（” is 3 em (“（n）是” ≈ 1+0.5+1+1) from the margin at 4 em.
			want := image.Pt(int(em*(4+3+1.25)), 0)
			line := map[int]float64{1: 1, 2: 3}[opt]
			want.Y = int(em*3 + line*em*2.4 - em*0.4)
			if !want.In(z) {
				t.Errorf("missing line %d: box %d zone %v does not hold its centre %v", miss, opt, z, want)
			}
		}
	}
}

// TestAdvanceUnalignedPage: a continuation sheet known by its grid has OCR
// symbols but no template; its pitch is the default, not a panic.
func TestAdvanceUnalignedPage(t *testing.T) {
	p := &page{em: 40, syms: []symbol{{text: "系", box: image.Rect(0, 0, 38, 40)}, {text: "统", box: image.Rect(40, 0, 78, 40)}}}
	if got, want := p.advance(), 38.0; got != want {
		t.Errorf("advance %v, want %v", got, want)
	}
}
