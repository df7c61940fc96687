package ocr

import (
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
const ConfidenceThreshold = 0.9

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
		return 1
	}
	if r.value == nil {
		return 0
	}
	m := 100.0
	for _, c := range ft.confs {
		m = math.Min(m, c)
	}
	return m / 100
}

// calibrate maps a reading to a calibrated confidence.
func calibrate(f *layout.Field, r reading) float64 {
	return calibration.lookup(group(f), score(f, r))
}

// group is the calibration group of a field: its type, with blanks and cells apart.
func group(f *layout.Field) string {
	g := string(f.Type)
	if f.Table != "" {
		g += "/cell"
	}
	return g
}

// calibTable maps, per group, score bins to the share of right values.
type calibTable map[string][]float64

const calibBins = 20

func (c calibTable) lookup(g string, s float64) float64 {
	bins, ok := c[g]
	if !ok || len(bins) != calibBins {
		return s
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

// calibration is loaded from calibration.json (see calibrate_test.go).
var calibration = calibTable{}
