package synth

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"papergate/layout"
)

// Options configures a Generator.
type Options struct {
	// Seed and a return's index seed everything drawn for that return.
	Seed uint64
	// DPI is the scan resolution; 0 draws one from 200–300 per return.
	DPI int
	// Level forces the unit level (province, municipality, prefecture); "" draws one.
	Level string
	// FontDir is searched for fonts before the usual Debian locations.
	FontDir string
	// Catalog is the form definitions; nil means layout.Default().
	Catalog *layout.Catalog
	// Compact makes small files, as an office copier scanning to e-mail does:
	// grey, JPEG quality 40, the paper cleaned to white, slightly soft. For
	// fixtures kept in a repository.
	Compact bool
}

// Generator makes synthetic returns. It is safe for concurrent use: each
// Generate call has its own state.
type Generator struct {
	opts  Options
	cat   *layout.Catalog
	fonts *fontSet
	cover []layout.PaperLine
	paper map[string][]layout.PaperLine
}

// ErrOptions is wrapped by errors about bad Options.
var ErrOptions = errors.New("synth: bad options")

// New loads fonts and paper templates. It fails with a clear message naming
// the Debian package when a font is missing.
func New(opts Options) (*Generator, error) {
	if opts.DPI != 0 && (opts.DPI < 72 || opts.DPI > 600) {
		return nil, fmt.Errorf("%w: dpi %d not in 72–600", ErrOptions, opts.DPI)
	}
	switch opts.Level {
	case "", string(layout.LevelProvince), string(layout.LevelMunicipality), string(layout.LevelPrefecture):
	default:
		return nil, fmt.Errorf("%w: level %q (want province, municipality or prefecture)", ErrOptions, opts.Level)
	}
	cat := opts.Catalog
	if cat == nil {
		cat = layout.Default()
	}
	fs, err := loadFonts(opts.FontDir)
	if err != nil {
		return nil, err
	}
	g := &Generator{opts: opts, cat: cat, fonts: fs, cover: cat.Cover(), paper: map[string][]layout.PaperLine{}}
	for _, f := range cat.Forms() {
		p, err := cat.Paper(f.ID)
		if err != nil {
			return nil, fmt.Errorf("synth: paper of %s: %w", f.ID, err)
		}
		g.paper[f.ID] = p
	}
	return g, nil
}

// ID returns the id of the return with the given 1-based index: r0001.
func ID(index int) string { return fmt.Sprintf("r%04d", index) }

// Return is one generated return.
type Return struct {
	ID    string
	Level string
	PDF   []byte
	Truth []byte // <id>.truth.json
	Boxes []byte // <id>.boxes.json
	// Pages are the page images as JPEG, in order (the same bytes as in the PDF).
	Pages [][]byte
	// Facts are what recognition reports besides values (seals, pages).
	Facts Facts
}

// Facts are document-level facts of a return, written into its truth file
// under "facts".
type Facts struct {
	Seal       map[string]bool `json:"seal"`        // form id → a seal is on its last page
	Pages      map[string]int  `json:"pages"`       // form id (or "cover") → pages
	PageForms  []string        `json:"page_forms"`  // the form of each page, in order
	UpsideDown []int           `json:"upside_down"` // 1-based numbers of pages scanned upside down
	DPI        int             `json:"dpi"`
	Typed      bool            `json:"typed"` // answers typed rather than handwritten
	Gray       bool            `json:"gray"`  // scanned in grey rather than colour
}

// Generate makes the return with the given 1-based index.
func (g *Generator) Generate(index int) (*Return, error) {
	if index < 1 {
		return nil, fmt.Errorf("%w: index %d < 1", ErrOptions, index)
	}
	root := rand.New(rand.NewPCG(g.opts.Seed, uint64(index)))
	child := func() *rand.Rand { return rand.New(rand.NewPCG(root.Uint64(), root.Uint64())) }
	rAns, rPrint, rFill, rScan := child(), child(), child(), child()

	level := g.opts.Level
	if level == "" {
		switch x := rAns.Float64(); {
		case x < 0.35:
			level = string(layout.LevelProvince)
		case x < 0.5:
			level = string(layout.LevelMunicipality)
		default:
			level = string(layout.LevelPrefecture)
		}
	}
	u := pickUnit(rAns, level)
	a, err := genAnswers(rAns, g.cat, u)
	if err != nil {
		return nil, err
	}

	// How the values are written.
	typed := rFill.Float64() < 0.3
	sp := newSpeller(rFill, typed)
	for _, form := range a.forms {
		for _, id := range a.order[form.ID] {
			v := a.values[id]
			f := a.fields[id]
			if v == nil || f.Type == layout.TypeTick {
				continue
			}
			if _, has := a.written[id]; !has {
				a.written[id] = sp.spell(f, v)
			}
		}
	}

	// Print the blank forms.
	pr := newPrinter(rPrint)
	gs := newGlyphSource(g.fonts)
	var pages []*page
	pageNo := 0
	number := func(ps []*page) {
		for _, p := range ps {
			pageNo++
			p.pageNo = pageNo
		}
	}
	if rPrint.Float64() < 0.8 {
		ts := newTypesetter(pr, gs, "cover")
		ts.flow(g.cover, nil)
		number(ts.pages)
		pages = append(pages, ts.pages...)
	}
	for _, form := range a.forms {
		ts := newTypesetter(pr, gs, form.ID)
		ts.flow(g.paper[form.ID], form)
		number(ts.pages)
		pages = append(pages, ts.pages...)
		if cont := continuation(form, a); len(cont) > 0 {
			cs := newTypesetter(pr, gs, form.ID)
			handHdr := rPrint.Float64() < 0.5
			for _, tg := range cont {
				tg.handHdr = handHdr
				cs.title(tg.t.Label + "（续表）")
				cs.table(tg)
			}
			for _, p := range cs.pages {
				p.continuation = true
			}
			pages = append(pages, cs.pages...)
		}
	}

	// Fill them in, stamp and sign them.
	hand := newHand(rFill, typed, pr.toner)
	w := &writer{h: hand, gs: gs, rng: rFill}
	fl := &filler{a: a, w: w, rng: rFill, sign: &writer{h: handFor(hand, rFill), gs: gs, rng: rFill}}
	if !typed {
		fl.chooseCircled(pages)
	}
	var sheets []*filled
	for _, p := range pages {
		sheets = append(sheets, fl.fill(p))
	}
	facts := Facts{Seal: map[string]bool{}, Pages: map[string]int{}, Typed: typed}
	noSeal := rFill.Float64() < 0.03
	signer := signerName(a, rFill)
	for _, form := range a.forms {
		last := -1
		for i, s := range sheets {
			if s.form == form.ID && !s.continuation {
				last = i
			}
		}
		if last < 0 {
			continue
		}
		withSeal := !noSeal && rFill.Float64() > 0.02
		fl.stamp(sheets[last], pr, u.name, signer, withSeal)
		facts.Seal[form.ID] = withSeal
	}
	for _, s := range sheets {
		fl.strays(s)
	}

	// Scan.
	dpi := g.opts.DPI
	if dpi == 0 {
		dpi = 200 + rScan.IntN(101)
	}
	sc := newScanner(rScan, dpi)
	if g.opts.Compact {
		sc.compact()
	}
	facts.DPI, facts.Gray = dpi, sc.gray
	var pdfPages []pdfPage
	var boxPages []boxPage
	var jpegs [][]byte
	c := &canvas{}
	for i, s := range sheets {
		ps := sc.newPage(rScan)
		jpg, err := renderPage(c, gs, s, pr, sc, ps, rScan)
		if err != nil {
			return nil, err
		}
		jpegs = append(jpegs, jpg)
		pdfPages = append(pdfPages, pdfPage{jpeg: jpg, w: sc.w, h: sc.h, gray: sc.gray, dpi: dpi})
		boxPages = append(boxPages, pageBoxes(i+1, s, sc, ps))
		facts.Pages[s.form]++
		facts.PageForms = append(facts.PageForms, s.form)
		if ps.upsideDown {
			facts.UpsideDown = append(facts.UpsideDown, i+1)
		}
	}
	if facts.UpsideDown == nil {
		facts.UpsideDown = []int{}
	}

	var pdf bytes.Buffer
	if err := writePDF(&pdf, pdfPages); err != nil {
		return nil, err
	}
	truth, err := truthJSON(a, facts)
	if err != nil {
		return nil, err
	}
	boxes, err := boxesJSON(ID(index), dpi, boxPages)
	if err != nil {
		return nil, err
	}
	return &Return{ID: ID(index), Level: level, PDF: pdf.Bytes(), Truth: truth, Boxes: boxes, Pages: jpegs, Facts: facts}, nil
}

// signerName is the leader who signs: the form's 主要负责人 if given.
func signerName(a *answers, rng *rand.Rand) string {
	for _, form := range a.forms {
		for _, id := range a.order[form.ID] {
			if f := a.fields[id]; f.Type == layout.TypeName && f.Table == "" {
				if s, ok := a.values[id].(string); ok {
					return s
				}
			}
		}
	}
	return pickPerson(rng).name
}

// continuation returns the grids of the continuation sheets a form needs: the
// columns beyond the three printed ones.
func continuation(form *layout.Form, a *answers) []tableGrid {
	var out []tableGrid
	for _, t := range form.Tables {
		cols := a.columns[t.ID]
		if len(cols) <= len(t.Printed) {
			continue
		}
		extra := cols[len(t.Printed):]
		for start := 0; start < len(extra); start += 3 {
			var sheetCols, headers []string
			for i := range 3 {
				col := t.Column(len(t.Printed) + start + i)
				sheetCols = append(sheetCols, col)
				if start+i < len(extra) {
					headers = append(headers, t.ColumnLabel(col))
				} else {
					headers = append(headers, "……")
				}
			}
			out = append(out, tableGrid{t: t, cols: sheetCols[:min(3, len(extra)-start)], headers: headers})
		}
	}
	return out
}

// flow typesets a whole template.
func (t *typesetter) flow(lines []layout.PaperLine, form *layout.Form) {
	for i, l := range lines {
		t.para = i
		switch l.Kind {
		case layout.LineTitle:
			text := ""
			for _, s := range l.Segments {
				text += s.Text
			}
			t.title(text)
		case layout.LineSpace:
			t.space()
		case layout.LinePageBreakHint:
			t.pageBreakHint()
		case layout.LineTable:
			if form == nil {
				continue
			}
			tb, err := form.Table(l.Table)
			if err != nil {
				continue
			}
			t.table(tableGrid{t: tb, cols: slices.Clone(tb.Printed), headers: slices.Clone(tb.Headers)})
		default:
			t.paragraph(l.Segments, roleSong, t.p.size, false)
		}
	}
}

// WriteFiles writes <id>.pdf and <id>.truth.json, and <id>.boxes.json if boxes
// is set, into dir.
func (r *Return) WriteFiles(dir string, boxes bool) error {
	files := []struct {
		name string
		data []byte
	}{{r.ID + ".pdf", r.PDF}, {r.ID + ".truth.json", r.Truth}}
	if boxes {
		files = append(files, struct {
			name string
			data []byte
		}{r.ID + ".boxes.json", r.Boxes})
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("synth: write %s: %w", f.name, err)
		}
	}
	return nil
}
