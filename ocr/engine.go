package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"sort"

	"github.com/otiai10/gosseract/v2"

	"papergate/layout"
	"papergate/review"
)

// Config configures an Engine. The zero value works: the embedded catalog,
// Tesseract's chi_sim model from its default data directory.
type Config struct {
	// Catalog holds the form definitions; nil means layout.Default().
	Catalog *layout.Catalog
	// Lang is the Tesseract model; "" means chi_sim.
	Lang string
	// TessdataDir is Tesseract's model directory; "" for its default.
	TessdataDir string
}

// Engine recognizes documents. It holds one Tesseract client, reused for every
// page; it is not safe for concurrent use (run one Engine per worker).
type Engine struct {
	cat   *layout.Catalog
	rd    reader
	tpls  []*formTemplate
	index *trigramIndex
	forms map[string]*layout.Form
	glyph *glyphSet
	// observe, if set, sees every field's calibration group and raw score (for calibration).
	observe func(f *layout.Field, group string, score float64)
}

var _ review.Recognizer = (*Engine)(nil)

// ErrNoPages is returned by Recognize for a document without pages.
var ErrNoPages = errors.New("ocr: no pages")

// New creates an Engine with its Tesseract client. Tesseract's OpenMP threads
// are limited to one (OMP_THREAD_LIMIT=1): run several Engines in parallel
// instead. The limit only takes effect if it is in the environment when the
// process starts; New sets it for child processes and documents the need.
func New(cfg Config) (*Engine, error) {
	if os.Getenv("OMP_THREAD_LIMIT") == "" {
		os.Setenv("OMP_THREAD_LIMIT", "1")
	}
	cat := cfg.Catalog
	if cat == nil {
		cat = layout.Default()
	}
	lang := cfg.Lang
	if lang == "" {
		lang = "chi_sim"
	}
	t, err := newTess(lang, cfg.TessdataDir)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(cat, t)
	if err != nil {
		t.close()
		return nil, err
	}
	return e, nil
}

func newEngine(cat *layout.Catalog, rd reader) (*Engine, error) {
	e := &Engine{cat: cat, rd: rd, forms: map[string]*layout.Form{}}
	e.tpls = append(e.tpls, buildTemplate(coverID, cat.Cover(), nil))
	for _, f := range cat.Forms() {
		p, err := cat.Paper(f.ID)
		if err != nil {
			return nil, fmt.Errorf("ocr: paper of %s: %w", f.ID, err)
		}
		e.tpls = append(e.tpls, buildTemplate(f.ID, p, f))
		e.forms[f.ID] = f
	}
	e.index = newTrigramIndex(e.tpls)
	gs, err := loadGlyphSet()
	if err != nil {
		return nil, err
	}
	e.glyph = gs
	return e, nil
}

// Close releases the Tesseract client.
func (e *Engine) Close() error {
	if err := e.rd.close(); err != nil {
		return fmt.Errorf("ocr: close: %w", err)
	}
	return nil
}

// page is one input page as recognition sees it.
type page struct {
	n     int
	img   *image.Gray // flattened, upright and deskewed
	dpi   float64
	em    float64 // printed character size in pixels
	syms  []symbol
	tpl   *formTemplate
	al    alignment
	hsegs []hseg
	seal  bool
	read  review.PageRead
	text  []rune    // folded characters of syms, one per symbol
	votes []float64 // per template: trigram votes
	nTri  int
	sheet bool // a table continuation sheet known by its grid only
}

// a4Inches is the width of an A4 sheet; page resolution is taken from it.
const a4Inches = 8.27

// preparePage turns one scan into an upright, deskewed, seal-free grey page,
// OCRs it and identifies its form.
func (e *Engine) preparePage(img image.Image, n int) (*page, error) {
	g, red := toGray(img)
	flatten(g)
	p := &page{n: n, read: review.PageRead{N: n}}
	if g.Rect.Dx() > g.Rect.Dy() {
		g = rotate90(g)
		if red != nil {
			red = nil // the seal test falls back to grey levels
		}
		p.read.Rotation = 90
	}
	p.dpi = float64(g.Rect.Dx()) / a4Inches
	_, p.seal = findSeal(g, red, p.dpi)
	inner := g.Rect.Inset(g.Rect.Dx() / 15)
	if float64(inkCount(g, inner))/float64(inner.Dx()*inner.Dy()) < 0.0002 {
		p.read.Blank = true
		p.read.Note = "blank page"
		p.img = g
		return p, nil
	}
	skew := estimateSkew(g, 3)
	if math.Abs(skew) >= 0.05 {
		g = rotateGray(g, -skew)
	}
	p.read.Skew = math.Round(skew*100) / 100
	if err := e.ocrPage(p, g); err != nil {
		return nil, err
	}
	if p.weak() {
		// Perhaps upside down: read it the other way and keep the better reading.
		q := &page{n: n, dpi: p.dpi, seal: p.seal, read: p.read}
		q.read.Rotation = (p.read.Rotation + 180) % 360
		if err := e.ocrPage(q, rotate180(g)); err != nil {
			return nil, err
		}
		if q.al.matches > p.al.matches {
			p = q
		}
	}
	p.hsegs = horizontalRules(p.img, int(p.em*1.4), max(6, int(p.em*0.22)))
	return p, nil
}

// identify settles each page's form. Q1 and Q2 print much the same questions,
// so a page's own trigrams often cannot tell them apart: the document as a
// whole decides between them, and a page goes to the other form only if its
// own evidence clearly says so.
func (e *Engine) identify(pages []*page) {
	q1, q2 := e.templateIndex("Q1"), e.templateIndex("Q2")
	var s1, s2 float64
	for _, p := range pages {
		if p.votes != nil {
			s1 += p.votes[q1]
			s2 += p.votes[q2]
		}
	}
	win, lose := q1, q2
	if s2 > s1 {
		win, lose = q2, q1
	}
	for _, p := range pages {
		if p.read.Blank {
			continue
		}
		best := p.bestVote()
		if best == q1 || best == q2 {
			want := win
			if p.votes[lose] > p.votes[win]+otherFormMargin {
				want = lose
			}
			if p.tpl != e.tpls[want] {
				p.setTemplate(e.tpls[want])
			}
		}
		if p.tpl == nil && e.tableSheet(p) {
			continue
		}
		switch {
		case p.tpl == nil:
			p.read.Note = "not identified"
		case p.tpl.id == coverID:
			p.read.Note = "cover page (普查表说明)"
		default:
			p.read.Form = p.tpl.id
		}
	}
}

// tableSheet recognizes a page whose text did not identify it but which holds
// a ruled grid of one of the catalog's tables: a continuation sheet (续表).
func (e *Engine) tableSheet(p *page) bool {
	for _, form := range e.cat.Forms() {
		if len(form.Tables) == 0 {
			continue
		}
		for _, gr := range findGrids(p) {
			if tableFor(form, gr) != nil {
				p.tpl = e.template(form.ID)
				p.read.Form = form.ID
				p.read.Note = "table continuation sheet"
				p.sheet = true
				return true
			}
		}
	}
	return false
}

// otherFormMargin is how many more trigram votes a page needs for the form the
// rest of the document is not (Q1 against Q2) to be counted as that form's page.
const otherFormMargin = 6

func (e *Engine) templateIndex(id string) int {
	for i, t := range e.tpls {
		if t.id == id {
			return i
		}
	}
	return -1
}

// weak reports whether a page's reading matched its template poorly.
func (p *page) weak() bool {
	return p.tpl == nil || float64(p.al.matches) < 0.4*float64(len(p.syms))
}

// ocrPage reads the whole page once and aligns it with the best template.
func (e *Engine) ocrPage(p *page, g *image.Gray) error {
	p.img = g
	syms, err := e.rd.read(g, g.Rect, readOpts{psm: gosseract.PSM_SINGLE_BLOCK, dpi: int(p.dpi)})
	if err != nil {
		return err
	}
	// One folded rune per symbol: alignment works on characters.
	var text []rune
	var kept []symbol
	for _, s := range syms {
		for _, r := range s.text {
			k := s
			k.text = string(r)
			kept = append(kept, k)
			text = append(text, fold(r))
		}
	}
	groupLines(kept)
	p.syms = kept
	p.text = text
	p.votes, p.nTri = e.index.vote(text)
	p.tpl = nil
	if best := p.bestVote(); best >= 0 {
		p.tpl = e.tpls[best]
		p.setTemplate(p.tpl)
	}
	return nil
}

// bestVote is the template the page's trigrams vote for, or -1 if the vote is
// too weak to identify the page.
func (p *page) bestVote() int {
	best := -1
	for i, v := range p.votes {
		if best < 0 || v > p.votes[best] {
			best = i
		}
	}
	if best < 0 || p.nTri == 0 || p.votes[best] < 0.15*float64(p.nTri) {
		return -1
	}
	return best
}

// setTemplate aligns the page with template t.
func (p *page) setTemplate(t *formTemplate) {
	p.tpl = t
	p.al = align(p.text, t.chars)
	// Character size from matched printed characters.
	var hs []float64
	for i, ti := range p.al.tplOf {
		if ti >= 0 && p.tpl.chars[ti] >= 0x4E00 {
			hs = append(hs, float64(p.syms[i].box.Dy()))
		}
	}
	p.em = median(hs) / 0.86
	if p.em < 8 {
		p.em = 10.5 / 72 * p.dpi
	}
}

// Recognize reads a document's pages (see review.Recognizer).
// Each scan is decoded when its turn comes and dropped once prepared: what
// stays is the page's grey image and its OCR.
func (e *Engine) Recognize(ctx context.Context, src review.Pages) (*review.Recognition, error) {
	n := src.Len()
	if n == 0 {
		return nil, ErrNoPages
	}
	pages := make([]*page, n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("ocr: %w", err)
		}
		img, err := src.Page(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("ocr: page %d: %w", i+1, err)
		}
		p, err := e.preparePage(img, i+1)
		if err != nil {
			return nil, fmt.Errorf("ocr: page %d: %w", i+1, err)
		}
		pages[i] = p
	}
	e.identify(pages)
	return e.assemble(ctx, pages)
}

// assemble decides which forms the document holds, orders their pages and
// reads every field.
func (e *Engine) assemble(ctx context.Context, pages []*page) (*review.Recognition, error) {
	byForm := map[string][]*page{}
	for _, p := range pages {
		if p.read.Form != "" {
			byForm[p.read.Form] = append(byForm[p.read.Form], p)
		}
	}
	// Q1 and Q2 exclude each other: a page of the minority form is reported, not read.
	if len(byForm["Q1"]) > 0 && len(byForm["Q2"]) > 0 {
		keep, drop := "Q1", "Q2"
		if len(byForm["Q2"]) > len(byForm["Q1"]) {
			keep, drop = "Q2", "Q1"
		}
		for _, p := range byForm[drop] {
			p.read.Note = "page of another form (" + drop + "), not read"
		}
		delete(byForm, drop)
		_ = keep
	}
	rec := &review.Recognition{
		Return: layout.Return{Forms: map[string]layout.Values{}},
		Fields: map[string]review.FieldRead{},
		Seal:   map[string]bool{},
	}
	for _, form := range e.cat.Forms() {
		ps := byForm[form.ID]
		if len(ps) == 0 {
			continue
		}
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].al.first < ps[j].al.first })
		for i, p := range ps {
			p.read.Part = i + 1
			if p.seal {
				rec.Seal[form.ID] = true
			}
		}
		if !rec.Seal[form.ID] {
			rec.Seal[form.ID] = false
		}
		if err := e.readForm(ctx, form, ps, rec); err != nil {
			return nil, err
		}
	}
	// Unit: Q1 is filled in by provinces; Q2 by municipalities and prefectures,
	// told apart by the region code (the four 直辖市).
	if v, ok := rec.Return.Value("Q3.region_code").(string); ok {
		rec.Return.Unit.RegionCode = v
	}
	switch {
	case len(byForm["Q1"]) > 0:
		rec.Return.Unit.Level = layout.LevelProvince
	case len(byForm["Q2"]) > 0:
		rec.Return.Unit.Level = layout.LevelPrefecture
		switch rec.Return.Unit.RegionCode {
		case "110000", "120000", "310000", "500000":
			rec.Return.Unit.Level = layout.LevelMunicipality
		}
	}
	for _, p := range pages {
		rec.Pages = append(rec.Pages, p.read)
	}
	return rec, nil
}
