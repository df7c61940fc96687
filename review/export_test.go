package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
)

// fakeSource is a service database whose documents can change between reads.
type fakeSource struct {
	rets    map[int64]ExportReturn
	marked  []int64
	onRead  func() // runs after each read: a reviewer acting meanwhile
	staleOf func(r ExportReturn) bool
}

func (f *fakeSource) ExportableReturns(ctx context.Context, ids []int64) ([]ExportReturn, error) {
	var out []ExportReturn
	for _, id := range ids {
		if r, ok := f.rets[id]; ok {
			out = append(out, r)
		}
	}
	if f.onRead != nil {
		f.onRead()
	}
	return out, nil
}

func (f *fakeSource) MarkExported(ctx context.Context, run ExportRun, rets []ExportReturn) ([]int64, error) {
	var stale []int64
	for _, r := range rets {
		cur, ok := f.rets[r.DocumentID]
		if !ok || cur.Version != r.Version {
			stale = append(stale, r.DocumentID)
			continue
		}
		f.marked = append(f.marked, r.DocumentID)
	}
	return stale, nil
}

// fakeSink records what it holds; down makes every call fail as unavailable.
type fakeSink struct {
	held map[int64]int64 // id → version
	down bool
}

func (s *fakeSink) Put(ctx context.Context, rets []ExportReturn) (SinkResult, error) {
	if s.down {
		return SinkResult{}, fmt.Errorf("fake: %w", ErrUnavailable)
	}
	for _, r := range rets {
		s.held[r.DocumentID] = r.Version
	}
	return SinkResult{Written: len(rets)}, nil
}

func (s *fakeSink) Remove(ctx context.Context, ids []int64, keep map[int64]bool) (int, error) {
	if s.down {
		return 0, fmt.Errorf("fake: %w", ErrUnavailable)
	}
	n := 0
	for _, id := range ids {
		if _, ok := s.held[id]; ok {
			delete(s.held, id)
			n++
		}
	}
	return n, nil
}

func (s *fakeSink) Target() string { return "fake" }

func TestExportDocument(t *testing.T) {
	tests := []struct {
		name       string
		start      map[int64]ExportReturn
		held       map[int64]int64
		down       bool
		change     func(src *fakeSource, reads int) // after the given read
		wantErr    error
		wantHeld   string
		wantMarked string
	}{
		{name: "verified is written and marked", start: map[int64]ExportReturn{1: {DocumentID: 1, Version: 2}},
			wantHeld: "map[1:2]", wantMarked: "[1]"},
		{name: "analysis database down: nothing marked", start: map[int64]ExportReturn{1: {DocumentID: 1, Version: 2}}, down: true,
			wantErr: ErrUnavailable, wantHeld: "map[]", wantMarked: "[]"},
		{name: "reopened: withdrawn", held: map[int64]int64{1: 2}, wantHeld: "map[]", wantMarked: "[]"},
		{name: "reopened while written: withdrawn after all", start: map[int64]ExportReturn{1: {DocumentID: 1, Version: 2}},
			change: func(src *fakeSource, reads int) {
				if reads == 1 {
					delete(src.rets, 1)
				}
			}, wantHeld: "map[]", wantMarked: "[]"},
		{name: "verified again while withdrawn: written after all", held: map[int64]int64{1: 2},
			change: func(src *fakeSource, reads int) {
				if reads == 1 {
					src.rets[1] = ExportReturn{DocumentID: 1, Version: 5}
				}
			}, wantHeld: "map[1:5]", wantMarked: "[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeSource{rets: map[int64]ExportReturn{}}
			for k, v := range tc.start {
				src.rets[k] = v
			}
			reads := 0
			src.onRead = func() {
				reads++
				if tc.change != nil {
					tc.change(src, reads)
				}
			}
			sink := &fakeSink{held: map[int64]int64{}, down: tc.down}
			for k, v := range tc.held {
				sink.held[k] = v
			}
			e := &Exporter{Source: src, Sink: sink}
			err := e.ExportDocument(context.Background(), 1)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("ExportDocument = %v, want %v", err, tc.wantErr)
			}
			if got := fmt.Sprint(sink.held); got != tc.wantHeld {
				t.Errorf("sink holds %s, want %s", got, tc.wantHeld)
			}
			if got := fmt.Sprint(append([]int64{}, src.marked...)); got != tc.wantMarked {
				t.Errorf("marked %s, want %s", got, tc.wantMarked)
			}
		})
	}
}

func TestExportWithoutSink(t *testing.T) {
	e := &Exporter{Source: &fakeSource{}}
	if _, err := e.Sync(context.Background(), "x"); !errors.Is(err, ErrNoSink) {
		t.Errorf("Sync without a sink = %v", err)
	}
	if _, err := e.WriteFile(context.Background(), io.Discard, "pdf", "", "", nil); err == nil {
		t.Error("WriteFile accepted format pdf")
	}
}
