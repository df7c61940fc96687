package ocr

import (
	"image"
	"testing"

	"papergate/layout"
)

func TestTidyAddress(t *testing.T) {
	for _, c := range []struct {
		t       layout.Type
		in, out string
	}{
		{layout.TypeURL, "ww.hkldbz.gov.cn/", "www.hkldbz.gov.cn/"},
		{layout.TypeURL, "Www.sh12333.can", "www.sh12333.com"},
		{layout.TypeURL, "sh12333.camn", "sh12333.com"},
		{layout.TypeURL, "www.hrbsi.g0v.cn", "www.hrbsi.gov.cn"},
		{layout.TypeURL, "http://www.yn12333.gov.cn", "http://www.yn12333.gov.cn"},
		{layout.TypeURL, "www.fjhrss.cn", "www.fjhrss.cn"},
		{layout.TypeURL, "www.hel2333.com", "www.he12333.com"},
		{layout.TypeEmail, "sunyf@sxIss.gov.cn", "sunyf@sxlss.gov.cn"},
		{layout.TypeEmail, "Chennd@126.con", "chennd@126.com"},
		{layout.TypeEmail, "luml99@shsi..gov.cn", "luml99@shsi.gov.cn"},
		{layout.TypeEmail, "huhaichaol2@yn12333.gov.cn", "huhaichao12@yn12333.gov.cn"},
		{layout.TypeText, "I0g", "I0g"},
	} {
		if got := tidyAddress(c.t, c.in); got != c.out {
			t.Errorf("tidyAddress(%s, %q) = %q, want %q", c.t, c.in, got, c.out)
		}
	}
	if got := trimBlank(layout.TypeText, "|社保中心，"); got != "社保中心" {
		t.Errorf("trimBlank = %q", got)
	}
}

func TestVote(t *testing.T) {
	for _, c := range []struct {
		texts []string
		w     []float64
		want  string
	}{
		{[]string{"地方财政呵难", "地方财政困难", "地方财政困难"}, []float64{90, 80, 80}, "地方财政困难"},
		{[]string{"黑龙江", "有二", "黑龙江"}, []float64{90, 95, 80}, "黑龙江"},
		{[]string{"abc", "abxc", "abxc"}, []float64{3, 2, 2}, "abxc"},
		{[]string{"abxc", "abc", "abc"}, []float64{3, 2, 2}, "abc"},
		{[]string{"only"}, []float64{1}, "only"},
	} {
		if got := vote(c.texts, c.w); got != c.want {
			t.Errorf("vote(%q) = %q, want %q", c.texts, got, c.want)
		}
	}
}

// paper returns a white w×h grey image.
func paper(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 240
	}
	return g
}

func TestDropEdgeRemnants(t *testing.T) {
	const em = 40
	g := paper(400, 80)
	fillRect(g, image.Rect(10, 0, 30, 8), 30)     // feet of the printed line above
	fillRect(g, image.Rect(100, 74, 130, 80), 30) // heads of the line below
	fillRect(g, image.Rect(200, 0, 210, 60), 30)  // writing reaching the top
	fillRect(g, image.Rect(250, 20, 280, 50), 30) // writing
	out := dropEdgeRemnants(g, em)
	if inkCount(out, image.Rect(0, 0, 60, 80)) != 0 || inkCount(out, image.Rect(90, 60, 140, 80)) != 0 {
		t.Error("remnants at the edges kept")
	}
	if inkCount(out, image.Rect(200, 0, 210, 60)) != 600 || inkCount(out, image.Rect(250, 20, 280, 50)) != 900 {
		t.Error("writing removed")
	}
	if inkCount(g, image.Rect(10, 0, 30, 8)) == 0 {
		t.Error("input changed")
	}
	// A sliver of the printed character after the blank at the right edge.
	g = paper(400, 80)
	fillRect(g, image.Rect(100, 20, 200, 60), 30)
	fillRect(g, image.Rect(385, 25, 400, 55), 30)
	out = dropEdgeRemnants(g, em)
	if inkCount(out, image.Rect(380, 0, 400, 80)) != 0 || inkCount(out, image.Rect(100, 20, 200, 60)) != 4000 {
		t.Error("sliver at the right edge kept, or writing removed")
	}
	// Writing running to the edge stays.
	g = paper(400, 80)
	fillRect(g, image.Rect(100, 20, 390, 60), 30)
	fillRect(g, image.Rect(392, 25, 400, 55), 30)
	if out = dropEdgeRemnants(g, em); inkCount(out, image.Rect(392, 25, 400, 55)) == 0 {
		t.Error("writing at the edge removed")
	}
}

func TestAnswerLines(t *testing.T) {
	const em = 40
	g := paper(1600, 1200)
	// Two lines of an answer from the left, then a signature, a seal's ring
	// and a page number further down and in the middle.
	for x := 80; x < 1400; x += 45 {
		fillRect(g, image.Rect(x, 20, x+35, 58), 40)
	}
	for x := 12; x < 700; x += 45 {
		fillRect(g, image.Rect(x, 80, x+35, 118), 40)
	}
	for x := 700; x < 850; x += 50 {
		fillRect(g, image.Rect(x, 170, x+45, 230), 40)
	}
	for y := 0; y < 400; y++ { // a square "ring" 300 px across
		for _, x := range []int{1100, 1101, 1102, 1398, 1399, 1400} {
			g.Pix[y*g.Stride+x] = 60
		}
	}
	fillRect(g, image.Rect(1100, 0, 1400, 3), 60)
	fillRect(g, image.Rect(1100, 397, 1400, 400), 60)
	fillRect(g, image.Rect(760, 1100, 840, 1140), 40)
	lines := answerLines(g, em)
	if len(lines) != 2 {
		t.Fatalf("lines %v, want 2", lines)
	}
	if lines[0].Min.Y > 20 || lines[0].Max.Y < 58 || lines[1].Min.X > 12 || lines[1].Max.Y > 130 {
		t.Errorf("lines %v", lines)
	}
	if l := answerLines(paper(1600, 1200), em); len(l) != 0 {
		t.Errorf("blank area: %v", l)
	}
}

func TestTessMissingModel(t *testing.T) {
	tr, err := newTess("chi_sim", "")
	if err != nil {
		t.Skip(err)
	}
	defer tr.close()
	if c := tr.client("no_such_model"); c != tr {
		t.Error("a missing model should fall back to the main one")
	}
	g := paper(200, 60)
	if _, err := tr.read(g, g.Rect, readOpts{lang: "no_such_model", dpi: 300}); err != nil {
		t.Error(err)
	}
}
