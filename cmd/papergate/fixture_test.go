package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"papergate/layout"
	"papergate/review"
	"papergate/storage/sqlstore"
)

// TEST FIXTURE, not recognition: recognizedFixture builds what recognition would
// store for a synthetic return of testdata/synth from its truth file (the values)
// and its boxes file (where each field is on which page). It lets screen tests and
// benchmarks put returns into review without waiting for Tesseract.
//
// Confidence is made up: with confident, every value gets 0.99; otherwise about one
// value in eight gets a low confidence (0.55–0.84), chosen by a hash of its id, so
// that the screens have doubtful fields to show.
func recognizedFixture(t testing.TB, name string, confident bool) review.RecognizedDocument {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "synth")
	truthJSON, err := os.ReadFile(filepath.Join(dir, name+".truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	ret, err := layout.Default().DecodeReturn(truthJSON)
	if err != nil {
		t.Fatalf("%s truth: %v", name, err)
	}
	boxesJSON, err := os.ReadFile(filepath.Join(dir, name+".boxes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var boxes struct {
		Pages []struct {
			N          int    `json:"n"`
			Form       string `json:"form"`
			UpsideDown bool   `json:"upside_down"`
			Fields     []struct {
				Field  string `json:"field"`
				Kind   string `json:"kind"`
				Option int    `json:"option"`
				Box    [4]int `json:"box"`
			} `json:"fields"`
		} `json:"pages"`
	}
	if err := json.Unmarshal(boxesJSON, &boxes); err != nil {
		t.Fatalf("%s boxes: %v", name, err)
	}
	type place struct {
		page int
		box  image.Rectangle
	}
	where := map[string]place{}
	rec := review.RecognizedDocument{UnitCode: ret.Unit.RegionCode, Level: string(ret.Unit.Level), Seal: map[string]bool{}}
	parts := map[string]int{}
	for _, p := range boxes.Pages {
		pr := review.PageRead{N: p.N}
		if p.Form != "cover" {
			pr.Form = p.Form
			parts[p.Form]++
			pr.Part = parts[p.Form]
			rec.Seal[p.Form] = true
		}
		if p.UpsideDown {
			pr.Rotation = 180
		}
		rec.Pages = append(rec.Pages, pr)
		for _, f := range p.Fields {
			r := image.Rect(f.Box[0], f.Box[1], f.Box[2], f.Box[3])
			if f.Kind == "tick" || f.Kind == "circle" {
				// A tick field: the box of the option given, else of the first one.
				if v, ok := ret.Value(f.Field).(int64); ok && int(v) == f.Option {
					where[f.Field] = place{p.N, r}
				} else if _, ok := where[f.Field]; !ok {
					where[f.Field] = place{p.N, r}
				}
				continue
			}
			if pl, ok := where[f.Field]; !ok {
				where[f.Field] = place{p.N, r}
			} else if pl.page == p.N {
				where[f.Field] = place{p.N, pl.box.Union(r)}
			}
		}
	}
	var ids []string
	for _, vals := range ret.Forms {
		for id := range vals {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		v := ret.Value(id)
		conf := 0.99
		if !confident {
			h := fnv.New32a()
			h.Write([]byte(name + id))
			if x := h.Sum32(); x%8 == 0 {
				conf = 0.55 + float64(x%30)/100
				rec.Doubt++
			}
		}
		pl := where[id]
		rec.Values = append(rec.Values, review.Value{FieldID: id, Value: v, Raw: layout.FormatValue(v), Confidence: conf,
			Page: pl.page, Box: pl.box, Source: review.SourceRecognition})
	}
	return rec
}

// putInReview stores the fixture's recognition for a split document (status
// recognizing), moving it to in_review as the recognize stage would.
func putInReview(t testing.TB, db *sqlstore.DB, id int64, name string, confident bool) {
	t.Helper()
	if err := db.SaveRecognition(context.Background(), id, recognizedFixture(t, name, confident)); err != nil {
		t.Fatal(err)
	}
	d, err := db.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != review.StatusInReview {
		panic(fmt.Sprintf("document %d is %s after the fixture, want in_review", id, d.Status))
	}
}
