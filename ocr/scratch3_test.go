package ocr

import (
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"

	"papergate/layout"
	"papergate/layout/synth"
)

func TestScratchField(t *testing.T) {
	ids := os.Getenv("SCRATCH_F")
	if ids == "" {
		t.Skip()
	}
	e, _ := New(Config{})
	defer e.Close()
	g, _ := synth.New(synth.Options{Seed: 1})
	r, _ := g.Generate(1)
	imgs := decodePages(t, r.Pages)
	var pages []*page
	for i, img := range imgs {
		p, _ := e.preparePage(img, i+1)
		pages = append(pages, p)
	}
	e.identify(pages)
	for k, id := range strings.Split(ids, ",") {
		f, _ := e.cat.Field(id)
		form := e.forms[f.Form]
		var ps []*page
		for _, p := range pages {
			if p.read.Form == form.ID {
				ps = append(ps, p)
			}
		}
		tpl := e.template(form.ID)
		switch f.Anchor.Kind {
		case layout.AnchorBlank:
			sp := tpl.blank[id]
			lp, lb, _, lok := charAt(ps, tpl, sp.before)
			_, rb, _, rok := charAt(ps, tpl, sp.after)
			fmt.Println(id, "span", sp, "L", lok, lb, "R", rok, rb)
			if lok {
				fmt.Println(" page", lp.n, "em", lp.em)
				for _, h := range lp.hsegs {
					if h.y0 > lb.Min.Y-100 && h.y0 < lb.Max.Y+100 {
						fmt.Println("  near hseg", h)
					}
				}
			}
			loc, ok := locateBlank(ps, tpl, sp)
			fmt.Println(" loc", ok, loc.ul, loc.limit)
			if ok {
				c := loc.p.cleanArea(loc.area(), &loc.ul)
				f2, _ := os.Create(fmt.Sprintf("/tmp/pgs/f%d.png", k))
				png.Encode(f2, c)
				f2.Close()
				rd, err := e.readText(loc.p, c, loc.area(), f)
				fmt.Printf(" read %q %v %v %+v\n", rd.raw, rd.value, err, rd.feat)
			}
		case layout.AnchorBoxes:
			for o, sp := range tpl.boxes[id] {
				p, zone, ok := boxZone(ps, tpl, sp)
				if !ok {
					fmt.Println(id, o, "no zone")
					continue
				}
				fmt.Println(id, o, "zone", zone, "score", tickScore(p.img, zone, p.em), "page", p.n)
				f2, _ := os.Create(fmt.Sprintf("/tmp/pgs/f%d_%d.png", k, o))
				png.Encode(f2, crop(p.img, zone))
				f2.Close()
			}
		}
	}
}

func TestScratchSyms(t *testing.T) {
	if os.Getenv("SCRATCH_Y") == "" {
		t.Skip()
	}
	e, _ := New(Config{})
	defer e.Close()
	g, _ := synth.New(synth.Options{Seed: 1})
	r, _ := g.Generate(1)
	imgs := decodePages(t, r.Pages)
	if os.Getenv("SCRATCH_Y") == "2" {
		e.preparePage(imgs[1], 1)
	}
	p, _ := e.preparePage(imgs[1], 2)
	e.identify([]*page{p})
	for i, s := range p.syms[:120] {
		ti := p.al.tplOf[i]
		tc := ""
		if ti >= 0 {
			tc = string(p.tpl.chars[ti])
		}
		fmt.Printf("%3d %q line %d box %v conf %.0f -> %d %s\n", i, s.text, s.line, s.box, s.conf, ti, tc)
	}
}

func TestScratchTick(t *testing.T) {
	f, err := os.Open("/tmp/pgs/f3_2.png")
	if err != nil {
		t.Skip()
	}
	img, _ := png.Decode(f)
	g, _ := toGray(img)
	fmt.Println(g.Rect, tickScore(g, g.Rect, 33.7), inkCount(g, g.Rect))
	for y := 0; y < g.Rect.Dy(); y += 4 {
		for x := 0; x < g.Rect.Dx(); x += 2 {
			v := g.Pix[y*g.Stride+x]
			c := "."
			if v < 150 {
				c = "#"
			} else if v < 200 {
				c = "+"
			}
			fmt.Print(c)
		}
		fmt.Println()
	}
}
