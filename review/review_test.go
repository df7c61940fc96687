package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"path/filepath"
	"testing"

	"papergate/layout"
	"papergate/review"
	"papergate/storage/localstore"
	"papergate/storage/sqlstore"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want review.Kind
		ok   bool
	}{
		{"pdf", "%PDF-1.7\n", review.KindPDF, true},
		{"pdf after junk", "\r\n\r\n%PDF-1.4", review.KindPDF, true},
		{"png", "\x89PNG\r\n\x1a\n....", review.KindPNG, true},
		{"jpeg", "\xff\xd8\xff\xe0..JFIF", review.KindJPEG, true},
		{"tiff little-endian", "II*\x00\x08\x00\x00\x00", review.KindTIFF, true},
		{"tiff big-endian", "MM\x00*\x00\x00\x00\x08", review.KindTIFF, true},
		{"text", "hello, world", "", false},
		{"gif", "GIF89a", "", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := review.Sniff([]byte(tc.head))
			if got != tc.want || ok != tc.ok {
				t.Errorf("Sniff(%q) = %q, %v; want %q, %v", tc.head, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestValidKey(t *testing.T) {
	for _, key := range []string{"originals/ab12", "pages/ab12/3.jpg"} {
		if err := review.ValidKey(key); err != nil {
			t.Errorf("ValidKey(%q) = %v", key, err)
		}
	}
	for _, key := range []string{"", "/etc/passwd", "a/../b", "a\\b", "a//b", ".tmp/x", "a\x00b"} {
		if err := review.ValidKey(key); err == nil {
			t.Errorf("ValidKey(%q) accepted", key)
		}
	}
}

// fakeRecognizer returns a fixed recognition: a stand-in for Tesseract so that the
// stage's bookkeeping is tested on its own (the ocr package tests the real thing).
type fakeRecognizer struct {
	rec   *review.Recognition
	pages int
}

func (f *fakeRecognizer) Recognize(ctx context.Context, pages review.Pages) (*review.Recognition, error) {
	for i := range pages.Len() {
		if _, err := pages.Page(ctx, i); err != nil {
			return nil, err
		}
		f.pages++
	}
	return f.rec, nil
}

// env is a pipeline on the embedded stores with one split document.
func newPipeline(t *testing.T) (*review.Pipeline, *sqlstore.DB, int64) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	objects, err := localstore.New(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 40, 60)))
	in := &review.Ingester{Objects: objects, Store: db, Splitter: pngSplitter{}, TempDir: dir, MaxBytes: 1 << 20}
	res, err := in.Ingest(ctx, "page.png", bytes.NewReader(img.Bytes()), review.IngestOptions{Level: "province"})
	if err != nil {
		t.Fatal(err)
	}
	p := &review.Pipeline{Objects: objects, Store: db, Values: db, Splitter: pngSplitter{}, TempDir: dir}
	if err := p.Split(ctx, res.Document.ID); err != nil {
		t.Fatal(err)
	}
	return p, db, res.Document.ID
}

// pngSplitter passes a one-page PNG through (ocr/split does the real work and has its own tests).
type pngSplitter struct{}

func (pngSplitter) Inspect(ctx context.Context, path string, k review.Kind) (int, error) {
	return 1, nil
}
func (pngSplitter) Split(ctx context.Context, path string, k review.Kind, from int, emit func(review.PageImage) error) error {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 40, 60)))
	return emit(review.PageImage{N: 1, Format: "png", Data: b.Bytes(), Width: 40, Height: 60, Source: "image"})
}

func TestRecognizeStage(t *testing.T) {
	ctx := context.Background()
	p, db, id := newPipeline(t)
	ret := layout.Return{Unit: layout.Unit{RegionCode: "330000", Level: "province"}, Forms: map[string]layout.Values{
		"Q1": {"Q1.1": int64(1), "Q1.1.1.a": "2001-03", "Q1.1.1.e.fax": nil},
	}, Issues: map[string]layout.Issue{"Q1.1.1.e.fax": {Raw: "同上", Reason: "not a phone number"}}}
	rec := &fakeRecognizer{rec: &review.Recognition{Return: ret,
		Fields: map[string]review.FieldRead{
			"Q1.1":         {Confidence: 0.999, Page: 1, Box: image.Rect(1, 2, 3, 4)},
			"Q1.1.1.a":     {Confidence: 0.5, Raw: "2001年3月", Page: 1},
			"Q1.1.1.e.fax": {Confidence: 0.95, Page: 1},
		},
		Pages: []review.PageRead{{N: 1, Form: "Q1", Part: 1}}, Seal: map[string]bool{"Q1": true}}}
	if err := p.Recognize(ctx, id, rec); err != nil {
		t.Fatal(err)
	}
	if rec.pages != 1 {
		t.Errorf("recognizer got %d pages, want 1", rec.pages)
	}
	d, _ := db.Document(ctx, id)
	if d.Status != review.StatusInReview || d.UnitCode != "330000" || !d.Seal["Q1"] {
		t.Errorf("document after recognition: %+v", d)
	}
	// One value below the threshold, plus the missing required answers of an
	// incomplete return, make it doubtful.
	if d.Doubt < 1 {
		t.Errorf("doubt = %v, want at least 1", d.Doubt)
	}
	vals, _ := db.Values(ctx, id)
	byID := map[string]review.Value{}
	for _, v := range vals {
		byID[v.FieldID] = v
	}
	if v := byID["Q1.1.1.e.fax"]; v.Issue != "not a phone number" || v.Raw != "同上" || v.Value != nil {
		t.Errorf("fax = %+v", v)
	}
	if v := byID["Q1.1.1.a"]; v.Raw != "2001年3月" || v.Confidence != 0.5 || v.Value != "2001-03" {
		t.Errorf("date = %+v", v)
	}
	// A repeated job does not overwrite what is there.
	if err := p.Recognize(ctx, id, &fakeRecognizer{rec: &review.Recognition{}}); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Values(ctx, id); len(again) != 3 {
		t.Errorf("repeated recognition left %d values", len(again))
	}
}

func TestWorkflow(t *testing.T) {
	ctx := context.Background()
	p, db, id := newPipeline(t)
	ret := layout.Return{Unit: layout.Unit{RegionCode: "330000", Level: "province"}, Forms: map[string]layout.Values{"Q1": {"Q1.1": int64(1)}}}
	if err := p.Recognize(ctx, id, &fakeRecognizer{rec: &review.Recognition{Return: ret,
		Fields: map[string]review.FieldRead{"Q1.1": {Confidence: 1}}}}); err != nil {
		t.Fatal(err)
	}
	w := &review.Workflow{Store: db, Catalog: layout.Default()}
	d, _ := db.Document(ctx, id)

	tests := []struct {
		name    string
		field   string
		raw     string
		want    any
		invalid bool
	}{
		{"typed JSON value", "Q1.1", `2`, int64(2), false},
		{"written date is normalized", "Q1.1.1.a", `"2001年3月"`, "2001-03", false},
		{"circled codes", "Q1.3.1.b", `"⑤、①"`, []int{1, 5}, false},
		{"null clears", "Q1.1.1.c", `null`, nil, false},
		{"no such option", "Q1.1", `7`, nil, true},
		{"unreadable text", "Q1.1.1.c", `"若干"`, nil, true},
		{"no such field", "Q9.9", `1`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := w.DecodeEdit(tc.field, json.RawMessage(tc.raw))
			if err == nil {
				var nv int64
				nv, _, err = w.Edit(ctx, id, d.Version, "wang", []review.Change{{FieldID: tc.field, Value: v}})
				if err == nil {
					d.Version = nv
				}
			}
			var ve *review.ValidationError
			if tc.invalid {
				if !errors.As(err, &ve) || len(ve.Messages) == 0 || ve.Messages[0].Text == "" {
					t.Fatalf("err = %v, want a ValidationError with messages", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(v); string(got) != mustJSON(tc.want) {
				t.Errorf("value = %s, want %s", got, mustJSON(tc.want))
			}
		})
	}

	// The return is incomplete: verifying needs the errors fixed or a reason.
	var ve *review.ValidationError
	if _, err := w.Verify(ctx, id, d.Version, "wang", ""); !errors.As(err, &ve) {
		t.Fatalf("verify of an incomplete return: %v, want ValidationError", err)
	}
	if _, err := w.Verify(ctx, id, d.Version-1, "wang", "原件缺页，已电话核实"); !errors.Is(err, review.ErrConflict) {
		t.Errorf("verify on a stale version: %v, want ErrConflict", err)
	}
	if _, err := w.Verify(ctx, id, d.Version, "wang", "原件缺页，已电话核实"); err != nil {
		t.Fatal(err)
	}
	audit, _ := db.Audit(ctx, id, "")
	last := audit[len(audit)-1]
	if last.Action != review.ActionOverride || last.Reason != "原件缺页，已电话核实" {
		t.Errorf("last audit entry = %+v, want the override with its reason", last)
	}
	if _, err := w.Reopen(ctx, id, "boss", " "); err == nil {
		t.Error("reopen without a reason accepted")
	}
	if _, err := w.Reopen(ctx, id, "boss", "数据有误"); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
