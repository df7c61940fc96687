// Package split turns an original scan into page images: PDFs through pdfcpu (the scan
// image embedded in each page where it can be extracted, otherwise the page rendered at
// 300 DPI by poppler's pdftoppm), multi-page TIFFs page by page, JPEG and PNG as they
// are. It implements review.Splitter.
package split

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for Inspect
	"image/png"
	"io"
	"os"

	"papergate/review"
)

// RenderDPI is the resolution of pages that have to be rendered.
const RenderDPI = 300

// DefaultMaxPixels bounds one page image (a decompression bomb guard): 60 megapixels
// is an A3 page at 600 DPI.
const DefaultMaxPixels = 60_000_000

// Splitter implements review.Splitter.
type Splitter struct {
	// Pdftoppm is the path of poppler's pdftoppm; "" means "pdftoppm" on PATH.
	Pdftoppm string
	// TempDir holds rendered pages briefly; "" for the system default.
	TempDir string
	// MaxPixels is the largest page image accepted; 0 means DefaultMaxPixels.
	MaxPixels int64
}

func (s *Splitter) maxPixels() int64 {
	if s.MaxPixels > 0 {
		return s.MaxPixels
	}
	return DefaultMaxPixels
}

// New returns a Splitter with defaults.
func New() *Splitter { return &Splitter{} }

var _ review.Splitter = (*Splitter)(nil)

// Inspect checks the original and counts its pages.
func (s *Splitter) Inspect(ctx context.Context, path string, k review.Kind) (pages int, err error) {
	defer recoverInput(&err)
	switch k {
	case review.KindPDF:
		return s.inspectPDF(path)
	case review.KindTIFF:
		pages, err := readTIFF(path, s.maxPixels())
		if err != nil {
			return 0, err
		}
		return len(pages), nil
	case review.KindJPEG, review.KindPNG:
		if _, err := decodeSingle(path, k, s.maxPixels()); err != nil {
			return 0, err
		}
		return 1, nil
	}
	return 0, fmt.Errorf("split: inspect: unknown kind %q", k)
}

// Split calls emit for each page from `from` on.
func (s *Splitter) Split(ctx context.Context, path string, k review.Kind, from int, emit func(review.PageImage) error) (err error) {
	defer recoverInput(&err)
	if from < 1 {
		from = 1
	}
	switch k {
	case review.KindPDF:
		return s.splitPDF(ctx, path, from, emit)
	case review.KindTIFF:
		return splitTIFF(ctx, path, from, s.maxPixels(), emit)
	case review.KindJPEG, review.KindPNG:
		if from > 1 {
			return nil
		}
		img, err := decodeSingle(path, k, s.maxPixels())
		if err != nil {
			return err
		}
		return emit(img)
	}
	return fmt.Errorf("split: unknown kind %q", k)
}

// decodeSingle reads a JPEG or PNG original: the bytes are kept as they are (no
// recompression), after a full decode proves they are a whole, sane image.
func decodeSingle(path string, k review.Kind, maxPixels int64) (review.PageImage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return review.PageImage{}, fmt.Errorf("split: %w", err)
	}
	name := "JPEG"
	if k == review.KindPNG {
		name = "PNG"
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return review.PageImage{}, review.BadInput("corrupt_image", "the "+name+" image cannot be read (damaged or not really "+name+")", err)
	}
	if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return review.PageImage{}, err
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return review.PageImage{}, review.BadInput("corrupt_image", "the "+name+" image is damaged or truncated", err)
	}
	img := review.PageImage{N: 1, Data: data, Width: cfg.Width, Height: cfg.Height, Source: "image"}
	if k == review.KindPNG {
		img.Format, img.DPI = "png", pngDPI(data)
	} else {
		img.Format, img.DPI = "jpeg", jpegDPI(data)
	}
	return img, nil
}

// recoverInput turns a panic in a parser of untrusted bytes (pdfcpu, image decoders)
// into an error about the input, so that one hostile file cannot take a worker down.
func recoverInput(err *error) {
	if r := recover(); r != nil {
		*err = review.BadInput("corrupt_file", "the file is damaged and cannot be read", fmt.Errorf("panic: %v", r))
	}
}

func checkSize(w, h int, maxPixels int64) error {
	if w <= 0 || h <= 0 {
		return review.BadInput("corrupt_image", fmt.Sprintf("the image has invalid dimensions %dx%d", w, h), nil)
	}
	if int64(w)*int64(h) > maxPixels {
		return review.BadInput("image_too_large", fmt.Sprintf("a page image of %dx%d pixels is larger than papergate accepts (%d megapixels)", w, h, maxPixels/1_000_000), nil)
	}
	return nil
}

// encodePNG encodes img with fast compression: page images are written once and
// read a few times; speed matters more than the last few percent of size.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("split: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// pngDPI reads the pHYs chunk of a PNG, if any.
func pngDPI(data []byte) int {
	i := bytes.Index(data, []byte("pHYs"))
	if i < 0 || i+13 > len(data) {
		return 0
	}
	d := data[i+4:]
	ppu := uint32(d[0])<<24 | uint32(d[1])<<16 | uint32(d[2])<<8 | uint32(d[3])
	if d[8] != 1 { // unit: metre
		return 0
	}
	return int(float64(ppu)*0.0254 + 0.5)
}

// jpegDPI reads the JFIF density of a JPEG, if any.
func jpegDPI(data []byte) int {
	if len(data) < 18 || !bytes.Equal(data[6:11], []byte("JFIF\x00")) {
		return 0
	}
	unit := data[13]
	x := int(data[14])<<8 | int(data[15])
	switch unit {
	case 1:
		return x
	case 2:
		return int(float64(x)*2.54 + 0.5)
	}
	return 0
}

// readAll reads r fully with a bound, for images handed over by pdfcpu.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errors.New("image larger than the limit")
	}
	return b, nil
}
