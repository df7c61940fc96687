package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"papergate/layout"
)

// truthDoc is a truth file: the return (FIELDS.md §6) plus document facts.
// layout's DecodeReturn ignores the extra top-level key.
type truthDoc struct {
	Unit   layout.Unit              `json:"unit"`
	Forms  map[string]layout.Values `json:"forms"`
	Issues map[string]layout.Issue  `json:"issues,omitempty"`
	Facts  Facts                    `json:"facts"`
}

// toReturn builds the layout.Return of a.
func (a *answers) toReturn() *layout.Return {
	r := &layout.Return{
		Unit:  layout.Unit{RegionCode: a.unit.code, Level: layout.Level(a.unit.level)},
		Forms: map[string]layout.Values{},
	}
	for _, form := range a.forms {
		vals := layout.Values{}
		for _, id := range a.order[form.ID] {
			vals[id] = a.values[id] // nil for null: every field is listed
		}
		r.Forms[form.ID] = vals
	}
	if len(a.issues) > 0 {
		r.Issues = a.issues
	}
	return r
}

func truthJSON(a *answers, facts Facts) ([]byte, error) {
	r := a.toReturn()
	doc := truthDoc{Unit: r.Unit, Forms: r.Forms, Issues: r.Issues, Facts: facts}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("synth: encode truth: %w", err)
	}
	return buf.Bytes(), nil
}

// boxPage is one page of a boxes file.
type boxPage struct {
	N          int        `json:"n"`
	Form       string     `json:"form"`
	Width      int        `json:"width"`
	Height     int        `json:"height"`
	Gray       bool       `json:"gray"`
	UpsideDown bool       `json:"upside_down"`
	Skew       float64    `json:"skew_deg"`
	Affine     [6]float64 `json:"affine"` // page points → pixels: x' = a·x + b·y + c, y' = d·x + e·y + f
	Seal       *boxSeal   `json:"seal,omitempty"`
	Fields     []boxField `json:"fields"`
}

type boxSeal struct {
	Box  [4]int `json:"box"`
	Text string `json:"text"`
}

// boxField is one blank, tick box, area or cell, in pixels of the page image
// ([x0, y0, x1, y1], the bounding box of the transformed rectangle).
type boxField struct {
	Field  string  `json:"field,omitempty"`
	Kind   string  `json:"kind"`
	Option int     `json:"option,omitempty"`
	Box    [4]int  `json:"box"`
	Text   string  `json:"text,omitempty"`
	Ticked bool    `json:"ticked,omitempty"`
	Ink    *[4]int `json:"ink,omitempty"`
}

type boxFile struct {
	ID    string    `json:"id"`
	DPI   int       `json:"dpi"`
	Pages []boxPage `json:"pages"`
}

// pixelBox maps a page rectangle through m and returns its bounding box.
func pixelBox(r rect, m affine) [4]int {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range [][2]float64{{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}} {
		x, y := m.apply(p[0], p[1])
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	return [4]int{int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))}
}

func pageBoxes(n int, s *filled, sc scanner, ps pageScan) boxPage {
	m := ps.m
	bp := boxPage{
		N: n, Form: s.form, Width: sc.w, Height: sc.h, Gray: sc.gray, UpsideDown: ps.upsideDown,
		Skew:   math.Round(ps.skew*1000) / 1000,
		Affine: [6]float64{round6(m.a), round6(m.b), round6(m.c), round6(m.d), round6(m.e), round6(m.f)},
		Fields: []boxField{},
	}
	if s.seal != nil {
		bp.Seal = &boxSeal{Box: pixelBox(s.seal.bounds(), m), Text: s.seal.name}
	}
	for _, mk := range s.marks {
		bf := boxField{Field: mk.field, Kind: mk.kind, Option: mk.option, Box: pixelBox(mk.r, m), Text: mk.text, Ticked: mk.ticked}
		if mk.ink.x1 > mk.ink.x0 {
			ib := pixelBox(mk.ink, m)
			bf.Ink = &ib
		}
		bp.Fields = append(bp.Fields, bf)
	}
	return bp
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func boxesJSON(id string, dpi int, pages []boxPage) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(boxFile{ID: id, DPI: dpi, Pages: pages}); err != nil {
		return nil, fmt.Errorf("synth: encode boxes: %w", err)
	}
	return buf.Bytes(), nil
}
