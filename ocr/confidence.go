package ocr

import (
	_ "embed"
	"encoding/json"
	"math"

	"papergate/layout"
)

// features describe how a value was read; calibrate turns them into a
// probability that the value is right.
type features struct {
	located    bool      // the blank, box or cell was found on a page
	empty      bool      // nothing written (or no box marked)
	ink        float64   // written ink, em²
	confs      []float64 // per word or glyph: Tesseract confidence or matcher sureness, 0–100
	normalized bool      // the text normalized to a value
	valid      bool      // the value passes its field's options and bounds
	agree      bool      // two independent readings (glyph matcher, Tesseract) agree
	tickMargin float64   // ticks: relative distance of the closest box score from the threshold
}

// ConfidenceThreshold is the calibrated threshold: on the synthetic corpus, at
// least 99.9% of values with a confidence at or above it are right.
const ConfidenceThreshold = 0.99

// score condenses the features into one number in 0..1 before calibration.
func score(f *layout.Field, r reading) float64 {
	ft := r.feat
	if !ft.located {
		return 0
	}
	if f.Type == layout.TypeTick {
		return math.Min(1, ft.tickMargin)
	}
	if ft.empty {
		// Nothing written: surer the less stray ink is left in the area
		// (writing below the threshold of writtenBox is ink too).
		return 1 - 0.5*math.Min(1, ft.ink/0.035)
	}
	if r.value == nil {
		return 0
	}
	m := 100.0
	for _, c := range ft.confs {
		m = math.Min(m, c)
	}
	s := m / 100
	if ft.agree {
		s = 0.5 + s/2 // two readers agree
	} else if f.Type != layout.TypeText && f.Type != layout.TypeName {
		s *= 0.8
	}
	if f.Check != nil || f.Min != nil {
		_ = f // bounds are checked by Validate; Normalize already rejected illegible values
	}
	return s
}

// calibrate maps a reading to a calibrated confidence.
func calibrate(f *layout.Field, r reading) float64 {
	return calibration.lookup(group(f, r), score(f, r))
}

// group is the calibration group of a reading: its type family, and whether
// anything was written.
func group(f *layout.Field, r reading) string {
	fam := "text"
	switch f.Type {
	case layout.TypeTick:
		return "tick"
	case layout.TypeCode, layout.TypeCodes, layout.TypeLinks:
		fam = "code"
	case layout.TypeInt, layout.TypeDecimal, layout.TypePercent, layout.TypeDate, layout.TypePhone, layout.TypeMobile, layout.TypeRegionCode:
		fam = "number"
	}
	if r.feat.empty || !r.feat.located {
		return fam + "/blank"
	}
	return fam
}

// calibTable maps, per group, score bins to the share of right values.
type calibTable map[string][]float64

const calibBins = 20

func (c calibTable) lookup(g string, s float64) float64 {
	bins, ok := c[g]
	if !ok || len(bins) != calibBins {
		return 0
	}
	i := int(s * calibBins)
	if i >= calibBins {
		i = calibBins - 1
	}
	if i < 0 {
		i = 0
	}
	return bins[i]
}

//go:embed calibration.json
var calibrationJSON []byte

// calibration is the table measured on a synthetic corpus (calibrate_test.go
// writes it with -update).
var calibration = func() calibTable {
	var c calibTable
	if err := json.Unmarshal(calibrationJSON, &c); err != nil {
		panic("ocr: calibration.json: " + err.Error())
	}
	return c
}()
