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
}

// tess is a reader backed by one gosseract client, reused for every read.
type tess struct {
	c         *gosseract.Client
	whitelist string
	dpi       int
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
	return &tess{c: c}, nil
}

func (t *tess) close() error { return t.c.Close() }

// read OCRs r of g. Symbols come back in Tesseract's reading order with boxes
// in g's coordinates.
func (t *tess) read(g *image.Gray, r image.Rectangle, o readOpts) ([]symbol, error) {
	r = r.Intersect(g.Rect)
	if r.Dx() < 4 || r.Dy() < 4 {
		return nil, nil
	}
	const border = 10
	sub := pad(crop(g, r), border)
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
	off := r.Min.Sub(image.Pt(border, border))
	for _, b := range bbs {
		txt := strings.TrimSpace(b.Word)
		if txt == "" || !utf8.ValidString(txt) {
			continue
		}
		out = append(out, symbol{text: txt, box: b.Box.Add(off), conf: b.Confidence})
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
