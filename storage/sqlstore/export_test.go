package sqlstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"papergate/review"
)

// TestExportSource: only verified and exported returns are exportable, with their
// values; marking exported checks the version, so a return reopened after it was read
// is reported stale and stays where it is; verification queues the automatic export.
func TestExportSource(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		db.AutoExport = true
		a := recognizedDoc(t, db, 1) // in review
		b := recognizedDoc(t, db, 2)
		c := recognizedDoc(t, db, 3)
		if got, err := db.ExportableReturns(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("nothing verified yet: %v, %v", got, err)
		}
		vb, err := db.Verify(ctx, b.ID, b.Version, "wang", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Verify(ctx, c.ID, c.Version, "wang", ""); err != nil {
			t.Fatal(err)
		}
		var jobs int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'export'`).Scan(&jobs); err != nil || jobs != 2 {
			t.Errorf("%d export jobs queued by two verifications (%v), want 2", jobs, err)
		}
		rets, err := db.ExportableReturns(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(rets) != 2 || rets[0].DocumentID != b.ID || rets[1].DocumentID != c.ID {
			t.Fatalf("exportable = %+v, want %d and %d", rets, b.ID, c.ID)
		}
		r := rets[0]
		if r.Version != vb || r.VerifiedBy != "wang" || r.VerifiedAt.IsZero() || len(r.Values) != 5 ||
			r.Unit.RegionCode != "330000" || r.Sources[0] != b.SHA256 || r.Values[0].FieldID != "Q1.1" {
			t.Errorf("exportable return = %+v", r)
		}
		if got, _ := db.ExportableReturns(ctx, []int64{a.ID, c.ID}); len(got) != 1 || got[0].DocumentID != c.ID {
			t.Errorf("exportable of [a c] = %+v, want c only", got)
		}

		// c is reopened after it was read: marking reports it stale and leaves it alone.
		if _, err := db.Reopen(ctx, c.ID, "zhao", "wrong unit"); err != nil {
			t.Fatal(err)
		}
		run := review.ExportRun{At: time.Now().UTC(), Target: "postgres://x/y", Format: "postgres", Returns: 2, Written: 2}
		stale, err := db.MarkExported(ctx, run, rets)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(stale) != fmt.Sprint([]int64{c.ID}) {
			t.Errorf("stale = %v, want [%d]", stale, c.ID)
		}
		for id, want := range map[int64]review.Status{a.ID: review.StatusInReview, b.ID: review.StatusExported, c.ID: review.StatusInReview} {
			d, err := db.Document(ctx, id)
			if err != nil || d.Status != want {
				t.Errorf("document %d is %s (%v), want %s", id, d.Status, err, want)
			}
		}
		// Marking again (a repeated export) is harmless and reports nothing stale.
		again, _ := db.ExportableReturns(ctx, []int64{b.ID})
		if stale, err := db.MarkExported(ctx, run, again); err != nil || len(stale) != 0 {
			t.Errorf("mark again: %v, %v", stale, err)
		}
		runs, err := db.ExportRuns(ctx, 10)
		if err != nil || len(runs) != 2 || runs[0].Target != "postgres://x/y" || runs[0].Written != 2 {
			t.Errorf("export runs = %+v, %v", runs, err)
		}
		// An exported return can be reopened.
		if _, err := db.Reopen(ctx, b.ID, "zhao", "typo"); err != nil {
			t.Errorf("reopen exported: %v", err)
		}
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'export'`).Scan(&jobs); err != nil || jobs != 4 {
			t.Errorf("%d export jobs after two reopenings, want 4", jobs)
		}
	})
}
