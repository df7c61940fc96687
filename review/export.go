package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"papergate/layout"
)

// ErrUnavailable: an outside system (the analysis database) cannot be reached now.
// The work is retried later; nothing was marked done.
var ErrUnavailable = errors.New("unavailable")

// ExportReturn is one verified return as it leaves papergate: the document facts and
// every stored value with its provenance.
type ExportReturn struct {
	DocumentID int64 // the return's key in every export
	Status     Status
	Version    int64 // the document version that was read; MarkExported checks it
	Unit       layout.Unit
	VerifiedBy string
	VerifiedAt time.Time
	Sources    []string // SHA-256 of the source documents (one scan today)
	Values     []Value  // sorted by field id
}

// Return is the return in the shape of FIELDS.md §6.
func (r *ExportReturn) Return(cat *layout.Catalog) layout.Return {
	return ReturnOf(Document{UnitCode: r.Unit.RegionCode, Level: string(r.Unit.Level)}, r.Values, cat)
}

// UnitName is the reporting unit's name as the return gives it in the Q3 header:
// 省 for a province, 省 + 市 for a city; "" if unknown.
func (r *ExportReturn) UnitName() string {
	var parts []string
	for _, id := range []string{"Q3.province", "Q3.city"} {
		for _, v := range r.Values {
			if s, ok := v.Value.(string); ok && v.FieldID == id && strings.TrimSpace(s) != "" {
				parts = append(parts, strings.TrimSpace(s))
			}
		}
	}
	return strings.Join(parts, " ")
}

// Fingerprint is a digest of everything the export writes for the return, so that a
// sink can tell an unchanged return (skip it) from a changed one (replace it).
func (r *ExportReturn) Fingerprint() string {
	type val struct {
		ID         string  `json:"id"`
		Value      any     `json:"v"`
		Confidence float64 `json:"c"`
		Source     Source  `json:"s"`
		By         string  `json:"b"`
	}
	doc := struct {
		Unit       layout.Unit `json:"unit"`
		VerifiedBy string      `json:"verified_by"`
		VerifiedAt time.Time   `json:"verified_at"`
		Sources    []string    `json:"sources"`
		Values     []val       `json:"values"`
	}{Unit: r.Unit, VerifiedBy: r.VerifiedBy, VerifiedAt: r.VerifiedAt.UTC(), Sources: r.Sources}
	for _, v := range r.Values {
		doc.Values = append(doc.Values, val{v.FieldID, v.Value, v.Confidence, v.Source, v.UpdatedBy})
	}
	b, _ := json.Marshal(doc) // plain values: cannot fail
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ExportSource gives the returns that may leave papergate. Implemented by
// storage/sqlstore.
type ExportSource interface {
	// ExportableReturns returns the verified and exported returns, by document id;
	// ids nil means all of them. An id that is not verified or exported is left out.
	ExportableReturns(ctx context.Context, ids []int64) ([]ExportReturn, error)
	// MarkExported moves each listed document from verified to exported, if it is
	// still verified at the version that was exported (a return reopened meanwhile
	// is left alone), and records the run in the service's export log. It returns
	// the ids of documents that changed since they were read: their export is stale.
	MarkExported(ctx context.Context, run ExportRun, exported []ExportReturn) (stale []int64, err error)
}

// ExportSink is a database that holds exported returns. Implemented by
// storage/exportdb. Errors reaching it wrap ErrUnavailable.
type ExportSink interface {
	// Put writes the returns, each in place of its earlier rows, and leaves
	// unchanged returns untouched. Concurrent Puts never duplicate a return.
	Put(ctx context.Context, returns []ExportReturn) (SinkResult, error)
	// Remove withdraws the returns with these document ids (reopened returns);
	// with keep non-nil, it withdraws every return whose id is not in keep instead.
	Remove(ctx context.Context, ids []int64, keep map[int64]bool) (removed int, err error)
	// Target names the sink for logs, without secrets.
	Target() string
}

// SinkResult counts what a Put did.
type SinkResult struct {
	Written   int // inserted or replaced
	Unchanged int // already there as they are
}

// FileWriter writes returns as a file (CSV, XLSX). Implemented by storage/exportfile.
type FileWriter interface {
	WriteReturns(w io.Writer, format string, returns []ExportReturn) error
}

// ExportRun describes one export for the service's export log.
type ExportRun struct {
	At        time.Time
	Target    string // sink or file, without secrets
	Format    string // postgres, csv, xlsx
	User      string // who asked; "" for the automatic export
	Returns   int    // returns considered
	Written   int
	Unchanged int
	Removed   int
}

// Exporter sends verified returns to the analysis database and to files. Only
// verified (or already exported) returns leave; a return becomes exported only after
// its sink has committed it.
type Exporter struct {
	Source  ExportSource
	Sink    ExportSink // nil when no analysis database is configured
	Files   FileWriter
	Catalog *layout.Catalog
	Log     *slog.Logger
	Now     func() time.Time // nil for time.Now
}

// ErrNoSink: an export to the analysis database was asked for but none is configured.
var ErrNoSink = errors.New("no analysis database configured")

func (e *Exporter) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// Sync makes the analysis database hold exactly the verified and exported returns:
// new and changed returns are written, unchanged ones left alone, returns reopened
// since their export withdrawn. Then the written returns become exported. Returns
// that changed while the export ran are exported again one by one.
func (e *Exporter) Sync(ctx context.Context, user string) (ExportRun, error) {
	run := ExportRun{At: e.now(), Format: "postgres", User: user}
	if e.Sink == nil {
		return run, fmt.Errorf("export: %w", ErrNoSink)
	}
	run.Target = e.Sink.Target()
	rets, err := e.Source.ExportableReturns(ctx, nil)
	if err != nil {
		return run, fmt.Errorf("export: %w", err)
	}
	run.Returns = len(rets)
	res, err := e.Sink.Put(ctx, rets)
	if err != nil {
		return run, fmt.Errorf("export: %w", err)
	}
	run.Written, run.Unchanged = res.Written, res.Unchanged
	keep := make(map[int64]bool, len(rets))
	for _, r := range rets {
		keep[r.DocumentID] = true
	}
	if run.Removed, err = e.Sink.Remove(ctx, nil, keep); err != nil {
		return run, fmt.Errorf("export: %w", err)
	}
	stale, err := e.Source.MarkExported(ctx, run, rets)
	if err != nil {
		return run, fmt.Errorf("export: %w", err)
	}
	e.logRun(run)
	for _, id := range stale {
		if err := e.ExportDocument(ctx, id); err != nil {
			return run, err
		}
	}
	return run, nil
}

// maxRounds bounds how often ExportDocument starts over when the document keeps
// changing under it.
const maxRounds = 5

// ExportDocument exports one document (the automatic export after verification): a
// verified return is written, one that is no longer verified (reopened) withdrawn.
// If the document changes while it is exported, it starts over, so that the analysis
// database ends up with the document's latest state whatever the order of jobs.
func (e *Exporter) ExportDocument(ctx context.Context, id int64) error {
	if e.Sink == nil {
		return fmt.Errorf("export document %d: %w", id, ErrNoSink)
	}
	for range maxRounds {
		run := ExportRun{At: e.now(), Format: "postgres", Target: e.Sink.Target()}
		rets, err := e.Source.ExportableReturns(ctx, []int64{id})
		if err != nil {
			return fmt.Errorf("export document %d: %w", id, err)
		}
		run.Returns = len(rets)
		if len(rets) == 0 {
			if run.Removed, err = e.Sink.Remove(ctx, []int64{id}, nil); err != nil {
				return fmt.Errorf("export document %d: %w", id, err)
			}
			// Verified meanwhile? Then its rows may just have been removed: again.
			if again, err := e.Source.ExportableReturns(ctx, []int64{id}); err != nil {
				return fmt.Errorf("export document %d: %w", id, err)
			} else if len(again) > 0 {
				continue
			}
			if run.Removed > 0 {
				if _, err := e.Source.MarkExported(ctx, run, nil); err != nil {
					return fmt.Errorf("export document %d: %w", id, err)
				}
				e.logRun(run)
			}
			return nil
		}
		res, err := e.Sink.Put(ctx, rets)
		if err != nil {
			return fmt.Errorf("export document %d: %w", id, err)
		}
		run.Written, run.Unchanged = res.Written, res.Unchanged
		stale, err := e.Source.MarkExported(ctx, run, rets)
		if err != nil {
			return fmt.Errorf("export document %d: %w", id, err)
		}
		e.logRun(run)
		if len(stale) == 0 {
			return nil
		}
	}
	return fmt.Errorf("export document %d: it kept changing during %d attempts: %w", id, maxRounds, ErrConflict)
}

// WriteFile writes every verified and exported return to w as a csv or xlsx file.
// With commit non-nil, commit is called once the file is written (the command line
// renames the file into place) and, if it succeeds, the written returns become
// exported and the run is logged. A download (commit nil) changes nothing.
func (e *Exporter) WriteFile(ctx context.Context, w io.Writer, format, target, user string, commit func() error) (ExportRun, error) {
	run := ExportRun{At: e.now(), Format: format, Target: target, User: user}
	if format != "csv" && format != "xlsx" {
		return run, BadInput("bad_format", fmt.Sprintf("unknown export format %q: use csv or xlsx", format), nil)
	}
	rets, err := e.Source.ExportableReturns(ctx, nil)
	if err != nil {
		return run, fmt.Errorf("export %s: %w", format, err)
	}
	run.Returns, run.Written = len(rets), len(rets)
	if err := e.Files.WriteReturns(w, format, rets); err != nil {
		return run, fmt.Errorf("export %s: %w", format, err)
	}
	if commit == nil {
		return run, nil
	}
	if err := commit(); err != nil {
		return run, fmt.Errorf("export %s: %w", format, err)
	}
	if _, err := e.Source.MarkExported(ctx, run, rets); err != nil {
		return run, fmt.Errorf("export %s: %w", format, err)
	}
	e.logRun(run)
	return run, nil
}

func (e *Exporter) logRun(run ExportRun) {
	if e.Log == nil {
		return
	}
	e.Log.Info("export", "target", run.Target, "format", run.Format, "returns", run.Returns, "written", run.Written,
		"unchanged", run.Unchanged, "removed", run.Removed)
}

// TableColumns returns, per table id, the union of the present columns of the
// returns, in column order: the table columns an export with one row per return needs.
func TableColumns(cat *layout.Catalog, rets []ExportReturn) map[string][]string {
	seen := map[string]map[string]bool{}
	for i := range rets {
		ret := rets[i].Return(cat)
		for _, f := range cat.Forms() {
			for _, t := range f.Tables {
				for _, c := range ret.Forms[f.ID].Columns(t) {
					if seen[t.ID] == nil {
						seen[t.ID] = map[string]bool{}
					}
					seen[t.ID][c] = true
				}
			}
		}
	}
	out := map[string][]string{}
	for _, f := range cat.Forms() {
		for _, t := range f.Tables {
			var cols []string
			for c := range seen[t.ID] {
				cols = append(cols, c)
			}
			t.SortColumns(cols)
			if len(cols) > 0 {
				out[t.ID] = cols
			}
		}
	}
	return out
}

// SortReturns orders returns by document id, the order every export uses.
func SortReturns(rets []ExportReturn) {
	sort.Slice(rets, func(i, j int) bool { return rets[i].DocumentID < rets[j].DocumentID })
	for i := range rets {
		slices.SortFunc(rets[i].Values, func(a, b Value) int { return strings.Compare(a.FieldID, b.FieldID) })
	}
}
