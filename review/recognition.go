package review

import (
	"context"
	"image"

	"papergate/layout"
)

// Recognizer reads a document's page images against the known form layouts.
// Implemented by package ocr. It must be safe to call from one goroutine at a time
// per instance; workers each hold their own.
type Recognizer interface {
	// Recognize reads pages (in the order they were scanned; they may be out of form
	// order, upside down, blank or from another form) and returns every field's value.
	// It asks for each page once, in order, so only one decoded scan need be in
	// memory at a time.
	Recognize(ctx context.Context, pages Pages) (*Recognition, error)
}

// Pages gives a document's page images one at a time.
type Pages interface {
	Len() int
	// Page returns page i (0-based), decoded.
	Page(ctx context.Context, i int) (image.Image, error)
}

// ImagePages is Pages over images already decoded.
type ImagePages []image.Image

// Len returns the number of pages.
func (ps ImagePages) Len() int { return len(ps) }

// Page returns page i.
func (ps ImagePages) Page(_ context.Context, i int) (image.Image, error) { return ps[i], nil }

// Recognition is what a Recognizer read from one document: the return in the shape
// of FIELDS.md §6 plus, per field, how sure it is and where on which page it read it.
type Recognition struct {
	Return layout.Return
	// Fields holds one entry per field id present in Return (null values included):
	// confidence and provenance.
	Fields map[string]FieldRead
	// Pages describes each input page, in input order.
	Pages []PageRead
	// Seal reports, per form id present, whether an official seal was found on it.
	Seal map[string]bool
}

// FieldRead is the provenance and confidence of one recognized value.
type FieldRead struct {
	// Confidence is calibrated on the synthetic corpus, not a raw OCR score: the
	// share of values at that confidence that were right. The goal is that values at
	// or above the recognizer's documented threshold are right 99.9% of the time;
	// ocr/README.md says how close the engine is.
	Confidence float64
	Raw        string          // the text as read, before normalization ("" for ticks)
	Page       int             // 1-based input page the value was read from; 0 if not located
	Box        image.Rectangle // the blank (or tick boxes) in that page's pixels, as stored
}

// PageRead is what recognition found out about one input page.
type PageRead struct {
	N        int    // 1-based input page number
	Form     string // "Q1", "Q2", "Q3", or "" if not identified
	Part     int    // which page of that form's flow (1-based), 0 if unknown
	Rotation int    // degrees the scan was turned to read it: 0, 90, 180, 270
	Skew     float64
	Blank    bool   // an empty page (a blank back side)
	Note     string // for a reviewer: "page of another form", "not identified", ...
}
