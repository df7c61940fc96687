package ocr

import (
	"bytes"
	"encoding/json"
	"fmt"

	"papergate/layout"
	"papergate/review"
)

// Document is what `papergate extract` writes for one input: the return in
// the shape of FIELDS.md §6 plus each field's confidence, what was found out
// about each page, and whether each form carries its seal.
type Document struct {
	Unit       layout.Unit              `json:"unit"`
	Forms      map[string]layout.Values `json:"forms"`
	Issues     map[string]layout.Issue  `json:"issues,omitempty"`
	Confidence map[string]float64       `json:"confidence"`
	Pages      []PageJSON               `json:"pages"`
	Seal       map[string]bool          `json:"seal"`
	// Threshold is the calibrated confidence threshold (ConfidenceThreshold).
	Threshold float64 `json:"confidence_threshold"`
}

// PageJSON is one page of a Document.
type PageJSON struct {
	N        int     `json:"n"`
	Form     string  `json:"form,omitempty"`
	Part     int     `json:"part,omitempty"`
	Rotation int     `json:"rotation"`
	Skew     float64 `json:"skew"`
	Blank    bool    `json:"blank,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// NewDocument builds the Document of a recognition.
func NewDocument(rec *review.Recognition) *Document {
	d := &Document{
		Unit: rec.Return.Unit, Forms: rec.Return.Forms, Issues: rec.Return.Issues,
		Confidence: map[string]float64{}, Seal: rec.Seal, Threshold: ConfidenceThreshold,
	}
	for id, f := range rec.Fields {
		d.Confidence[id] = float64(int(f.Confidence*1000+0.5)) / 1000
	}
	for _, p := range rec.Pages {
		d.Pages = append(d.Pages, PageJSON{N: p.N, Form: p.Form, Part: p.Part, Rotation: p.Rotation, Skew: p.Skew, Blank: p.Blank, Note: p.Note})
	}
	return d
}

// JSON encodes the document indented, keys sorted, with a final newline.
func (d *Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("ocr: encode document: %w", err)
	}
	return buf.Bytes(), nil
}
