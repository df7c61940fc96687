package ocr

import (
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"
)

// symbol is one character (or word) Tesseract read, in page pixels.
type symbol struct {
	text string
	box  image.Rectangle
	conf float64 // Tesseract's 0–100
	line int     // index of the text line it belongs to (set by groupLines)
}

// reader is what the engine needs from an OCR library: read the region r of a
// grey page with the given settings. Tesseract implements it; tests may fake it.
type reader interface {
	read(g *image.Gray, r image.Rectangle, o readOpts) ([]symbol, error)
	close() error
}

// readOpts are the Tesseract settings for one read.
type readOpts struct {
	psm       gosseract.PageSegMode
	whitelist string // "" for none
	words     bool   // word boxes instead of symbol boxes
	dpi       int
	lang      string  // "" for the reader's main model; another (e.g. "eng") for a second client
	scale     float64 // resize the crop by this factor before reading (0: as is)
}

// tess is a reader backed by one gosseract client, reused for every read, and
// by further clients for other models (readOpts.lang), created when first used.
type tess struct {
	c         *gosseract.Client
	whitelist string
	dpi       int
	lang      string
	dataDir   string
	others    map[string]*tess
}

func newTess(lang, dataDir string) (*tess, error) {
	c := gosseract.NewClient()
	if dataDir != "" {
		if err := c.SetTessdataPrefix(dataDir); err != nil {
			c.Close()
			return nil, fmt.Errorf("ocr: tessdata %s: %w", dataDir, err)
		}
	}
	if err := c.SetLanguage(lang); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: language %s: %w", lang, err)
	}
	// LSTM only: the legacy engine's adaptive classifier learns from each page
	// and makes the next page's reading depend on the previous one.
	cfg, err := os.CreateTemp("", "papergate-tess-*.config")
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: tesseract config: %w", err)
	}
	fmt.Fprintln(cfg, "tessedit_ocr_engine_mode 1")
	cfg.Close()
	defer os.Remove(cfg.Name())
	if err := c.SetConfigFile(cfg.Name()); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: tesseract config: %w", err)
	}
	c.SetVariable("debug_file", os.DevNull)
	c.SetVariable("preserve_interword_spaces", "1")
	// Initialise now: Init resets the page segmentation mode, so a mode set
	// before the first read would be lost.
	blank := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if err := c.SetImageFromBytes(pngDPI(blank, 300)); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: tesseract: %w", err)
	}
	if _, err := c.Text(); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: tesseract init: %w", err)
	}
	return &tess{c: c, lang: lang, dataDir: dataDir}, nil
}

func (t *tess) close() error {
	for _, o := range t.others {
		if o != t {
			o.close()
		}
	}
	return t.c.Close()
}

// client is the reader for model lang ("" or t's own model: t itself). A
// model that is not installed falls back to t's own: the second model only
// improves some readings.
func (t *tess) client(lang string) *tess {
	if lang == "" || lang == t.lang {
		return t
	}
	if o, ok := t.others[lang]; ok {
		return o
	}
	if t.others == nil {
		t.others = map[string]*tess{}
	}
	o, err := newTess(lang, t.dataDir)
	if err != nil {
		t.others[lang] = t
		return t
	}
	t.others[lang] = o
	return o
}

// read OCRs r of g. Symbols come back in Tesseract's reading order with boxes
// in g's coordinates.
func (t *tess) read(g *image.Gray, r image.Rectangle, o readOpts) ([]symbol, error) {
	if c := t.client(o.lang); c != t {
		o.lang = ""
		return c.read(g, r, o)
	}
	r = r.Intersect(g.Rect)
	if r.Dx() < 4 || r.Dy() < 4 {
		return nil, nil
	}
	const border = 10
	c := crop(g, r)
	f := 1.0
	if o.scale > 0 && (o.scale < 0.95 || o.scale > 1.05) {
		f = o.scale
		c = resize(c, f)
		o.dpi = int(float64(o.dpi) * f)
	}
	sub := pad(c, border)
	if err := t.c.SetImageFromBytes(pngDPI(sub, max(o.dpi, 70))); err != nil {
		return nil, fmt.Errorf("ocr: set image: %w", err)
	}
	if o.whitelist != t.whitelist {
		if err := t.c.SetWhitelist(o.whitelist); err != nil {
			return nil, fmt.Errorf("ocr: whitelist: %w", err)
		}
		t.whitelist = o.whitelist
	}
	if o.dpi > 0 && o.dpi != t.dpi {
		t.c.SetVariable("user_defined_dpi", strconv.Itoa(o.dpi))
		t.dpi = o.dpi
	}
	psm := o.psm
	if psm == 0 {
		psm = gosseract.PSM_AUTO
	}
	t.c.SetPageSegMode(psm)
	level := gosseract.RIL_SYMBOL
	if o.words {
		level = gosseract.RIL_WORD
	}
	bbs, err := t.c.GetBoundingBoxes(level)
	if err != nil {
		return nil, fmt.Errorf("ocr: recognize: %w", err)
	}
	out := make([]symbol, 0, len(bbs))
	for _, b := range bbs {
		txt := strings.TrimSpace(b.Word)
		if txt == "" || !utf8.ValidString(txt) {
			continue
		}
		bx := b.Box.Sub(image.Pt(border, border))
		if f != 1 {
			bx = image.Rect(int(float64(bx.Min.X)/f), int(float64(bx.Min.Y)/f), int(float64(bx.Max.X)/f+0.5), int(float64(bx.Max.Y)/f+0.5))
		}
		out = append(out, symbol{text: txt, box: bx.Add(r.Min), conf: b.Confidence})
	}
	return out, nil
}

// groupLines assigns each symbol a text line: Tesseract reports symbols in
// reading order, so a new line starts where a symbol does not overlap the
// previous one's line vertically or jumps back to the left.
func groupLines(syms []symbol) int {
	line := -1
	var top, bot, lastX int
	for i := range syms {
		b := syms[i].box
		cy := (b.Min.Y + b.Max.Y) / 2
		if line < 0 || cy < top || cy > bot || b.Min.X < lastX-b.Dy() {
			line++
			top, bot = b.Min.Y, b.Max.Y
		} else {
			top, bot = min(top, b.Min.Y), max(bot, b.Max.Y)
		}
		lastX = b.Max.X
		syms[i].line = line
	}
	return line + 1
}

// resize scales g by f with bilinear interpolation.
func resize(g *image.Gray, f float64) *image.Gray {
	w := max(1, int(float64(g.Rect.Dx())*f+0.5))
	h := max(1, int(float64(g.Rect.Dy())*f+0.5))
	out := image.NewGray(image.Rect(0, 0, w, h))
	sw, sh := g.Rect.Dx(), g.Rect.Dy()
	for y := range h {
		sy := (float64(y)+0.5)/f - 0.5
		y0 := int(sy)
		if sy < 0 {
			sy, y0 = 0, 0
		}
		y1 := min(y0+1, sh-1)
		fy := sy - float64(y0)
		for x := range w {
			sx := (float64(x)+0.5)/f - 0.5
			x0 := int(sx)
			if sx < 0 {
				sx, x0 = 0, 0
			}
			x1 := min(x0+1, sw-1)
			fx := sx - float64(x0)
			a := float64(g.Pix[y0*g.Stride+x0])*(1-fx) + float64(g.Pix[y0*g.Stride+x1])*fx
			b := float64(g.Pix[y1*g.Stride+x0])*(1-fx) + float64(g.Pix[y1*g.Stride+x1])*fx
			out.Pix[y*out.Stride+x] = uint8(a*(1-fy) + b*fy + 0.5)
		}
	}
	return out
}
