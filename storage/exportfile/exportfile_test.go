package exportfile

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"papergate/internal/testcorpus"
	"papergate/layout"
	"papergate/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// corpus is the fixed synthetic corpus as verified returns with ids 1, 2, 3, …
func corpus(t *testing.T) ([]review.ExportReturn, []*layout.Return) {
	t.Helper()
	truths := testcorpus.Truths(t, "../..")
	var rets []review.ExportReturn
	for i, truth := range truths {
		r := review.ExportReturn{DocumentID: int64(i + 1), Status: review.StatusVerified, Unit: truth.Unit}
		for _, vals := range truth.Forms {
			for id, v := range vals {
				r.Values = append(r.Values, review.Value{FieldID: id, Value: v, Source: review.SourceReviewer})
			}
		}
		rets = append(rets, r)
	}
	review.SortReturns(rets)
	return rets, truths
}

// TestCSVGolden: the CSV of the corpus, byte for byte (go test -update rewrites it).
func TestCSVGolden(t *testing.T) {
	rets, _ := corpus(t)
	var buf bytes.Buffer
	if err := (Writer{}).WriteReturns(&buf, "csv", rets); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "corpus.csv")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("CSV differs from %s (run go test -update and review the diff)", golden)
	}
}

// TestCSVConventions: FIELDS.md §6 — BOM, unit columns first, ids in codebook order
// with tables column by column, null empty, lists joined with ";", one row per
// return that holds its truth values.
func TestCSVConventions(t *testing.T) {
	rets, truths := corpus(t)
	var buf bytes.Buffer
	if err := (Writer{}).CSV(&buf, rets); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte(BOM))
	if !ok {
		t.Fatal("no byte-order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(records), len(rets)+1; got != want {
		t.Fatalf("%d records, want %d", got, want)
	}
	header := records[0]
	if header[0] != "unit.region_code" || header[1] != "unit.level" || header[2] != "Q1.1" {
		t.Errorf("header starts %v", header[:3])
	}
	pos := map[string]int{}
	for i, h := range header {
		pos[h] = i
	}
	for _, pair := range [][2]string{{"Q1.1", "Q1.1.1.a"}, {"Q1.17", "Q2.1"}, {"Q3.region_code", "Q3.T1.A.1"},
		{"Q3.T1.A.22", "Q3.T1.B.1"}, {"Q3.T1.A.13", "Q3.T1.A.13.version"}, {"Q3.T1.B.22", "Q3.T2.I.1"}} {
		a, aok := pos[pair[0]]
		b, bok := pos[pair[1]]
		if aok && bok && a >= b {
			t.Errorf("%s (column %d) comes after %s (column %d)", pair[0], a, pair[1], b)
		}
	}
	for i, truth := range truths {
		row := records[i+1]
		if row[0] != truth.Unit.RegionCode || row[1] != string(truth.Unit.Level) {
			t.Errorf("row %d unit = %v", i+1, row[:2])
		}
		for _, vals := range truth.Forms {
			for id, v := range vals {
				p, ok := pos[id]
				if !ok {
					t.Errorf("no column %s", id)
					continue
				}
				want := layout.FormatValue(v)
				if got := row[p]; got != want {
					t.Errorf("return %d %s = %q, want %q", i+1, id, got, want)
				}
				switch v.(type) {
				case []int, []string:
					if strings.Contains(row[p], ",") {
						t.Errorf("%s joined with commas: %q", id, row[p])
					}
				}
			}
		}
	}
}

// TestXLSX: one sheet per form with the ids and labels, typed cells, and the
// dictionary sheet with option labels.
func TestXLSX(t *testing.T) {
	rets, truths := corpus(t)
	var buf bytes.Buffer
	if err := (Writer{}).WriteReturns(&buf, "xlsx", rets); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "Q1,Q2,Q3,"+DictionarySheet; got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	for _, form := range []string{"Q1", "Q2", "Q3"} {
		rows, err := f.GetRows(form)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tr := range truths {
			if _, ok := tr.Forms[form]; ok {
				n++
			}
		}
		if len(rows) != n+2 {
			t.Fatalf("sheet %s has %d rows, want %d", form, len(rows), n+2)
		}
		if rows[0][0] != ColRegionCode || rows[1][0] != "行政区划代码" {
			t.Errorf("sheet %s header: %v / %v", form, rows[0][:2], rows[1][:2])
		}
		col := map[string]int{}
		for i, id := range rows[0] {
			col[id] = i
		}
		r := 2
		for _, tr := range truths {
			vals, ok := tr.Forms[form]
			if !ok {
				continue
			}
			for id, v := range vals {
				c, ok := col[id]
				if !ok {
					t.Errorf("sheet %s: no column %s", form, id)
					continue
				}
				got := ""
				if c < len(rows[r]) {
					got = rows[r][c]
				}
				if want := layout.FormatValue(v); got != want {
					t.Errorf("sheet %s row %d %s = %q, want %q", form, r+1, id, got, want)
				}
			}
			r++
		}
	}
	// A number is a numeric cell.
	if typ, err := f.GetCellType("Q1", "C3"); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("Q1.1 cell type %v, %v: want a number", typ, err)
	}
	dict, err := f.GetRows(DictionarySheet)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range dict {
		if len(row) > 6 && row[0] == "Q1.1" {
			found = strings.Contains(row[6], "1 是") && strings.Contains(row[6], "2 否")
		}
	}
	if !found {
		t.Errorf("dictionary sheet has no option labels for Q1.1")
	}
}
