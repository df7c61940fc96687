package ocr

import (
	"fmt"
	"strings"

	"os"
	"papergate/layout/synth"
	"strconv"
	"testing"
)

func TestScratch(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SCRATCH_N"))
	if n == 0 {
		t.Skip()
	}
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var tl tally
	extractCorpus(t, e, 1, n, &tl)
	tl.report(os.Stdout)
	tl.mistakes(os.Stdout, 300)
}

func TestScratchPages(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SCRATCH_R"))
	if n == 0 {
		t.Skip()
	}
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g, _ := synth.New(synth.Options{Seed: 1})
	r, _ := g.Generate(n)
	imgs := decodePages(t, r.Pages)
	only, _ := strconv.Atoi(os.Getenv("SCRATCH_P"))
	for i, img := range imgs {
		if only > 0 && i+1 != only {
			continue
		}
		p, err := e.preparePage(img, i+1)
		if err != nil {
			t.Fatal(err)
		}
		e.identify([]*page{p})
		tid := ""
		if p.tpl != nil {
			tid = p.tpl.id
		}
		fmt.Printf("page %d: tpl=%s em=%.1f syms=%d matches=%d first=%d last=%d hsegs=%d skew=%.2f rot=%d seal=%v note=%s\n", p.n, tid, p.em, len(p.syms), p.al.matches, p.al.first, p.al.last, len(p.hsegs), p.read.Skew, p.read.Rotation, p.seal, p.read.Note)
		fmt.Println("  votes", p.votes, p.nTri)
		if os.Getenv("SCRATCH_V") != "" {
			for _, gr := range findGrids(p) {
				fmt.Println("  grid xs", gr.xs, "ys", gr.ys)
			}
			for _, h := range p.hsegs {
				fmt.Printf("  hseg %v\n", h)
			}
			var b strings.Builder
			for i, s := range p.syms {
				if p.al.tplOf[i] >= 0 {
					b.WriteString(s.text)
				} else {
					b.WriteString("[" + s.text + "]")
				}
			}
			fmt.Println(b.String())
		}
	}
}
