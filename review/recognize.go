package review

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // page image decoders
	_ "image/png"
	"io"
	"sort"

	"papergate/layout"
)

// DefaultConfidenceThreshold is the confidence at and above which a value counts as
// confident when no calibrated threshold is configured.
const DefaultConfidenceThreshold = 0.9

// Recognize reads the page images of a split document with rec and stores every
// value with its confidence and provenance, moving the document to in_review. A
// document already past recognizing is left alone (a repeated job).
func (p *Pipeline) Recognize(ctx context.Context, id int64, rec Recognizer) error {
	doc, err := p.Store.Document(ctx, id)
	if err != nil {
		return fmt.Errorf("recognize: %w", err)
	}
	if doc.Status != StatusRecognizing {
		return nil
	}
	pages, err := p.Store.Pages(ctx, id)
	if err != nil {
		return fmt.Errorf("recognize: %w", err)
	}
	r, err := rec.Recognize(ctx, storedPages{p: p, pages: pages})
	if err != nil {
		return fmt.Errorf("recognize document %d: %w", id, err)
	}
	out := p.recognized(doc, r)
	if err := p.Values.SaveRecognition(ctx, id, out); err != nil {
		return fmt.Errorf("recognize: %w", err)
	}
	if p.Log != nil {
		p.Log.Info("document recognized", "id", id, "fields", len(out.Values), "doubt", out.Doubt)
	}
	return nil
}

// storedPages reads a document's page images from the object store when the
// recognizer asks for them, so a long document is never decoded all at once.
type storedPages struct {
	p     *Pipeline
	pages []Page
}

func (s storedPages) Len() int { return len(s.pages) }

func (s storedPages) Page(ctx context.Context, i int) (image.Image, error) {
	return s.p.loadPage(ctx, s.pages[i])
}

func (p *Pipeline) loadPage(ctx context.Context, pg Page) (image.Image, error) {
	rc, err := p.Objects.Get(ctx, pg.Key)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", pg.N, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", pg.N, err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("page %d: decode: %w", pg.N, err)
	}
	return img, nil
}

// recognized turns a Recognition into what is stored, with the document's doubt: the
// number of values below the confidence threshold plus the validation errors, so the
// review queue can show the most doubtful returns first.
func (p *Pipeline) recognized(doc Document, r *Recognition) RecognizedDocument {
	threshold := p.ConfidenceThreshold
	if threshold <= 0 {
		threshold = DefaultConfidenceThreshold
	}
	out := RecognizedDocument{Pages: r.Pages, Seal: r.Seal, UnitCode: r.Return.Unit.RegionCode, Level: string(r.Return.Unit.Level)}
	ids := make([]string, 0, len(r.Fields))
	for fid := range r.Fields {
		ids = append(ids, fid)
	}
	sort.Strings(ids)
	for _, fid := range ids {
		fr := r.Fields[fid]
		v := Value{FieldID: fid, Value: r.Return.Value(fid), Raw: fr.Raw, Confidence: fr.Confidence, Page: fr.Page, Box: fr.Box,
			Source: SourceRecognition}
		if is, ok := r.Return.Issues[fid]; ok {
			v.Issue = is.Reason
			if v.Raw == "" {
				v.Raw = is.Raw
			}
		}
		if fr.Confidence < threshold {
			out.Doubt++
		}
		out.Values = append(out.Values, v)
	}
	ret := r.Return
	if doc.UnitCode != "" {
		ret.Unit.RegionCode = doc.UnitCode
	}
	if doc.Level != "" {
		ret.Unit.Level = layout.Level(doc.Level)
	}
	cat := p.Catalog
	if cat == nil {
		cat = layout.Default()
	}
	for _, m := range cat.Validate(&ret) {
		if m.Severity == layout.SeverityError {
			out.Doubt++
		}
	}
	return out
}
