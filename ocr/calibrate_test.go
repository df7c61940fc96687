package ocr

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"

	"papergate/layout"
	"papergate/layout/synth"
)

var update = flag.Bool("update", false, "re-measure calibration.json on the calibration corpus (slow)")

// calibSeed is the seed of the calibration corpus (not used by tests or the benchmark).
const calibSeed = 11

// TestCalibration checks the embedded calibration table: every group has
// calibBins monotone probabilities in 0..1. With -update it first re-measures
// the table on a fresh calibration corpus.
func TestCalibration(t *testing.T) {
	if *update {
		measureCalibration(t, envInt("PAPERGATE_CALIB_RETURNS", 4))
	}
	if len(calibration) == 0 {
		t.Fatal("calibration.json is empty")
	}
	for g, bins := range calibration {
		if len(bins) != calibBins {
			t.Errorf("%s: %d bins, want %d", g, len(bins), calibBins)
			continue
		}
		for i, p := range bins {
			if p < 0 || p > 1 {
				t.Errorf("%s bin %d: %v not a probability", g, i, p)
			}
			if i > 0 && p < bins[i-1] {
				t.Errorf("%s bin %d: %v < %v, not monotone", g, i, p, bins[i-1])
			}
		}
	}
}

type scored struct {
	group string
	score float64
}

// measureCalibration extracts the calibration corpus and writes, per group,
// the share of right values in each score bin, made monotone (pool adjacent
// violators), into calibration.json.
func measureCalibration(t *testing.T, n int) {
	g, err := synth.New(synth.Options{Seed: calibSeed})
	if err != nil {
		t.Fatal(err)
	}
	type cell struct{ right, n float64 }
	cells := map[string]*[calibBins]cell{}
	var mu sync.Mutex
	jobs := make(chan *synth.Return)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := New(Config{})
			if err != nil {
				t.Error(err)
				return
			}
			defer e.Close()
			for r := range jobs {
				scores := map[string]scored{}
				e.observe = func(f *layout.Field, group string, score float64) { scores[f.ID] = scored{group, score} }
				rec, err := e.Recognize(context.Background(), decodePages(t, r.Pages))
				if err != nil {
					t.Error(err)
					continue
				}
				truth := decodeTruth(t, r.Truth)
				mu.Lock()
				for id, s := range scores {
					want := truth.Return.Value(id)
					got := rec.Return.Value(id)
					c := cells[s.group]
					if c == nil {
						c = &[calibBins]cell{}
						cells[s.group] = c
					}
					b := min(calibBins-1, max(0, int(s.score*calibBins)))
					c[b].n++
					if sameVal(got, want) {
						c[b].right++
					}
				}
				mu.Unlock()
			}
		}()
	}
	for i := 1; i <= n; i++ {
		r, err := g.Generate(i) // generated in turn: the generator is not shared
		if err != nil {
			t.Error(err)
			break
		}
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	out := calibTable{}
	var groups []string
	for g := range cells {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, gname := range groups {
		c := cells[gname]
		// Pool adjacent violators over bins weighted by counts; empty bins borrow neighbours.
		type block struct {
			right, n float64
			lo, hi   int
		}
		var bl []block
		for i, x := range c {
			bl = append(bl, block{x.right + 0.5, x.n + 1, i, i}) // a weak prior of one half-right value
			for len(bl) > 1 && bl[len(bl)-2].right/bl[len(bl)-2].n > bl[len(bl)-1].right/bl[len(bl)-1].n {
				a, b := bl[len(bl)-2], bl[len(bl)-1]
				bl = append(bl[:len(bl)-2], block{a.right + b.right, a.n + b.n, a.lo, b.hi})
			}
		}
		bins := make([]float64, calibBins)
		for _, b := range bl {
			for i := b.lo; i <= b.hi; i++ {
				bins[i] = float64(int(b.right/b.n*10000)) / 10000
			}
		}
		out[gname] = bins
		fmt.Printf("%-14s %v\n", gname, bins)
	}
	data, _ := json.MarshalIndent(out, "", "  ")
	if err := os.WriteFile("calibration.json", append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	calibration = out
}
