package layout

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestParsePaper(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []PaperLine
	}{
		{"blank with width", "a．成立时间[Q1.1.1.a:8]", []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{
			{Kind: SegText, Text: "a．成立时间"}, {Kind: SegBlank, FieldID: "Q1.1.1.a", Width: 8}}}}},
		{"box keeps its parentheses", "（1）是（[Q1.1=1]）", []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{
			{Kind: SegText, Text: "（1）是"}, {Kind: SegBox, FieldID: "Q1.1", Option: 1}}}}},
		{"two blanks and spaces kept", "传真[X.a:9]手机  [X.b:2]", []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{
			{Kind: SegText, Text: "传真"}, {Kind: SegBlank, FieldID: "X.a", Width: 9},
			{Kind: SegText, Text: "手机  "}, {Kind: SegBlank, FieldID: "X.b", Width: 2}}}}},
		{"area without width", "[Q1.17]", []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{
			{Kind: SegBlank, FieldID: "Q1.17"}}}}},
		{"comments, space, title, table, hint", "# c\n@title 问 卷（一）\n\n@table T1\n@pagebreak-hint", []PaperLine{
			{Kind: LineTitle, Source: 2, Segments: []Segment{{Kind: SegText, Text: "问 卷（一）"}}},
			{Kind: LineSpace, Source: 3},
			{Kind: LineTable, Table: "T1", Source: 4},
			{Kind: LinePageBreakHint, Source: 5}}},
		{"escapes", `\#1 [[a]] \@`, []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{{Kind: SegText, Text: "#1 [a] \\@"}}}}},
		{"trailing spaces trimmed", "⑤生育保险   ", []PaperLine{{Kind: LineText, Source: 1, Segments: []Segment{{Kind: SegText, Text: "⑤生育保险"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePaper("t.paper", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParsePaper(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParsePaperErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"unclosed", "a[Q1.1"},
		{"stray bracket", "a]b"},
		{"bad markup", "a[Q1 1]"},
		{"bad width", "a[Q1.1:x]"},
		{"box without parentheses", "是[Q1.1=1]"},
		{"unknown directive", "@table"},
		{"unknown word", "@tabel T1"},
		{"table with two ids", "@table T1 T2"},
		{"hint with argument", "@pagebreak-hint now"},
		{"empty title", "@title"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePaper("t.paper", []byte(tc.in))
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("ParsePaper(%q) error = %v, want ErrSyntax", tc.in, err)
			}
			if err != nil && !strings.Contains(err.Error(), "t.paper:1") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func FuzzParsePaper(f *testing.F) {
	for _, s := range []string{"a．成立时间[Q1.1.1.a:8]", "（1）是（[Q1.1=1]）", "@table T1", "# x\n\n@title t", `\#[[x]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		lines, err := ParsePaper("f.paper", []byte(in))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		for _, l := range lines {
			for _, s := range l.Segments {
				if s.Kind != SegText && s.FieldID == "" {
					t.Errorf("segment without a field id in %q", in)
				}
			}
		}
	})
}

func TestPaperLineText(t *testing.T) {
	l := PaperLine{Kind: LineText, Segments: []Segment{
		{Kind: SegText, Text: "（1）是"}, {Kind: SegBox, FieldID: "Q1.1", Option: 1},
		{Kind: SegText, Text: " a．"}, {Kind: SegBlank, FieldID: "Q1.1.1.a", Width: 8}}}
	if got, want := l.PlainText(), "（1）是（ ） a．"; got != want {
		t.Errorf("PlainText() = %q, want %q", got, want)
	}
	if got, want := len(l.Blanks()), 1; got != want {
		t.Errorf("len(Blanks()) = %d, want %d", got, want)
	}
}

// TestPaperCoversFields: every field id in the templates exists, and every
// non-table field of each form appears in its template exactly once, as a blank
// or, for ticks, a box for every boxed option.
func TestPaperCoversFields(t *testing.T) {
	c := Default()
	for _, f := range c.Forms() {
		t.Run(f.ID, func(t *testing.T) {
			paper, err := c.Paper(f.ID)
			if err != nil {
				t.Fatal(err)
			}
			blanks := map[string]int{}
			boxes := map[string]map[int]int{}
			tables := map[string]int{}
			for _, l := range paper {
				if l.Kind == LineTable {
					tables[l.Table]++
				}
				for _, s := range l.Segments {
					if s.Kind == SegText {
						continue
					}
					fl, err := c.Field(s.FieldID)
					if err != nil {
						t.Errorf("line %d: %v", l.Source, err)
						continue
					}
					if fl.Form != f.ID {
						t.Errorf("line %d: %s belongs to %s", l.Source, fl.ID, fl.Form)
					}
					if s.Kind == SegBlank {
						blanks[s.FieldID]++
					} else {
						if boxes[s.FieldID] == nil {
							boxes[s.FieldID] = map[int]int{}
						}
						boxes[s.FieldID][s.Option]++
					}
				}
			}
			for _, fl := range append(f.Fields, f.Header...) {
				if fl.Type != TypeTick {
					if got := blanks[fl.ID]; got != 1 {
						t.Errorf("%s: %d blanks, want 1", fl.ID, got)
					}
					continue
				}
				for _, o := range fl.Options {
					want := 1
					if _, byText := fl.SelectedBy[o.Code]; byText {
						want = 0
					}
					if got := boxes[fl.ID][o.Code]; got != want {
						t.Errorf("%s option %d: %d boxes, want %d", fl.ID, o.Code, got, want)
					}
				}
			}
			for _, tb := range f.Tables {
				if got := tables[tb.ID]; got != 1 {
					t.Errorf("table %s printed %d times, want 1", tb.ID, got)
				}
			}
			if got, want := len(blanks)+len(boxes)+len(tables), len(f.Fields)+len(f.Header)+len(f.Tables); got != want {
				t.Errorf("template prints %d fields and tables, the form has %d", got, want)
			}
		})
	}
	for _, l := range c.Cover() {
		if l.Kind == LineTable || len(l.Segments) > 1 || (len(l.Segments) == 1 && l.Segments[0].Kind != SegText) {
			t.Errorf("cover line %d has fields; the cover page has none", l.Source)
		}
	}
}

// TestPaperMatchesQuestionnaire compares the printed text of cover, Q1, Q2 and
// Q3 with the seed questionnaire, paragraph by paragraph, ignoring white space:
// the templates must print exactly the paper, with table grids as @table.
func TestPaperMatchesQuestionnaire(t *testing.T) {
	const path = "../../shared/seed/questionnaire.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the seed questionnaire must be present at %s: %v", path, err)
	}
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	// The seed: non-empty paragraphs; a table grid (tab-indented cells and the
	// lines between them) becomes one "@table" paragraph.
	var want []string
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "\t") {
			j := i
			for k := i; k < len(lines) && !strings.HasPrefix(lines[k], "填表说明"); k++ {
				if strings.HasPrefix(lines[k], "\t") {
					j = k
				}
			}
			want = append(want, "@table")
			i = j
			continue
		}
		if s := squash(lines[i]); s != "" {
			want = append(want, s)
		}
	}
	c := Default()
	var got []string
	add := func(paper []PaperLine) {
		for _, l := range paper {
			switch l.Kind {
			case LineTable:
				got = append(got, "@table")
			case LineText, LineTitle:
				if s := squash(l.PlainText()); s != "" {
					got = append(got, s)
				}
			}
		}
	}
	add(c.Cover())
	for _, f := range c.Forms() {
		p, err := c.Paper(f.ID)
		if err != nil {
			t.Fatal(err)
		}
		add(p)
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<end>", "<end>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("paragraph %d differs from %s:\n got %s\nwant %s", i+1, path, g, w)
		}
	}
}

// TestAnchors checks what recognition gets for a few fields, derived from the
// paper templates.
func TestAnchors(t *testing.T) {
	c := Default()
	tests := []struct {
		id           string
		kind         AnchorKind
		before       string
		after        string
		index, count int
		width        int
	}{
		{"Q1.1.1.a", AnchorBlank, "a．成立时间", "", 1, 1, 8},
		{"Q1.1.1.d.tech", AnchorBlank, "其中：专业技术人数", "", 2, 2, 8},
		{"Q1.1.1.e.phone", AnchorBlank, "联系电话", "", 3, 3, 10},
		{"Q1.1.1.b.other", AnchorBlank, "④其他（请说明）", "", 1, 1, 10},
		{"Q3.city", AnchorBlank, "省（自治区、直辖市）", "市", 2, 3, 6},
		{"Q1.4.b5", AnchorBlank, "；已实现市与省视频会议系统连接的个数", "。所用MCU品牌和型号", 5, 7, 5},
		{"Q1.14.1.b1", AnchorBlank, "①是，请填写批复金额", "万元，2005年底已到位金额", 1, 2, 4},
		{"Q3.province", AnchorBlank, "", "省（自治区、直辖市）", 1, 3, 6},
		{"Q3.region_code", AnchorBlank, "行政区划代码：", "", 3, 3, 7},
		{"Q1.17", AnchorArea, "17．当前本地区信息系统建设和运行中存在的主要问题（可另附页说明）", "", 1, 1, 0},
		{"Q1.1.other", AnchorBlank, "（3）其他（请说明）", "", 1, 1, 30},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			f, err := c.Field(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			a := f.Anchor
			if a.Kind != tc.kind || a.Before != tc.before || a.After != tc.after || a.Index != tc.index || a.Count != tc.count || a.Width != tc.width {
				t.Errorf("Anchor = %+v, want kind %v before %q after %q index %d/%d width %d", a, tc.kind, tc.before, tc.after, tc.index, tc.count, tc.width)
			}
			paper, _ := c.Paper(f.Form)
			blanks := paper[a.Paragraph].Blanks()
			if got := blanks[a.Index-1].FieldID; got != f.ID {
				t.Errorf("paragraph %d blank %d is %s, want %s", a.Paragraph, a.Index, got, f.ID)
			}
		})
	}
	t.Run("tick boxes", func(t *testing.T) {
		f, _ := c.Field("Q2.2")
		var got []string
		for _, b := range f.Anchor.Boxes {
			got = append(got, b.Label)
		}
		want := []string{"（1）是", "（2）否", "（3）按照全省的数据分布规划，本地（市）不需建数据中心"}
		if f.Anchor.Kind != AnchorBoxes || !reflect.DeepEqual(got, want) {
			t.Errorf("Q2.2 boxes %q, want %q", got, want)
		}
	})
	t.Run("selected by text", func(t *testing.T) {
		f, _ := c.Field("Q1.1")
		if got, want := len(f.Anchor.Boxes), 2; got != want {
			t.Errorf("Q1.1 has %d boxes, want %d (option 3 has none)", got, want)
		}
		if got, want := f.SelectedBy[3], "Q1.1.other"; got != want {
			t.Errorf("Q1.1 option 3 selected by %q, want %q", got, want)
		}
	})
	t.Run("option paragraphs", func(t *testing.T) {
		f, _ := c.Field("Q1.3.1.a")
		paper, _ := c.Paper("Q1")
		var got []string
		for _, i := range f.Anchor.OptionParagraphs {
			got = append(got, paper[i].PlainText())
		}
		want := []string{"①劳动保障厅（局）（含厅、局信息中心的情况）", "②经办机构（请说明具体单位）", "③其他（请说明）"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("option paragraphs %q, want %q", got, want)
		}
	})
	t.Run("table cell", func(t *testing.T) {
		f, _ := c.Field("Q3.T1.C.13.version")
		if f.Anchor.Kind != AnchorCell || f.Table != "T1" || f.Row != 13 || f.Column != "C" || f.Part != "version" {
			t.Errorf("cell field %+v", f)
		}
		paper, _ := c.Paper("Q3")
		if l := paper[f.Anchor.Paragraph]; l.Kind != LineTable || l.Table != "T1" {
			t.Errorf("cell anchor paragraph %d is %+v, want the @table T1 line", f.Anchor.Paragraph, l)
		}
	})
}
