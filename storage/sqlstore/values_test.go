package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"testing"
	"time"

	"papergate/review"
)

// recognizedDoc makes a document that has been split and waits for recognition.
func recognizedDoc(t *testing.T, db *DB, i int) review.Document {
	t.Helper()
	ctx := context.Background()
	d, _, err := db.CreateDocument(ctx, newDoc(i))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		if err := db.SavePage(ctx, review.Page{DocumentID: d.ID, N: n, Key: fmt.Sprint("k", n), Format: "png"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.FinishSplit(ctx, d.ID, 3); err != nil {
		t.Fatal(err)
	}
	rec := review.RecognizedDocument{
		Values: []review.Value{
			{FieldID: "Q1.1", Value: int64(1), Confidence: 0.999, Page: 1, Box: image.Rect(10, 20, 30, 40)},
			{FieldID: "Q1.1.1.a", Value: "2001-03", Raw: "2001年3月", Confidence: 0.97, Page: 1},
			{FieldID: "Q1.3.1.b", Value: []int{1, 3}, Raw: "①③", Confidence: 0.9, Page: 2},
			{FieldID: "Q1.1.1.e.fax", Value: nil, Raw: "同上", Issue: "not a phone number", Confidence: 0.8, Page: 1},
			{FieldID: "Q3.T1.B.18", Value: []string{"1", "A"}, Raw: "①A", Confidence: 0.7, Page: 3},
		},
		Pages: []review.PageRead{{N: 1, Form: "Q1", Part: 1}, {N: 2, Form: "Q1", Part: 2}, {N: 3, Form: "Q3", Part: 1, Note: "seal"}},
		Seal:  map[string]bool{"Q1": true, "Q3": false}, Level: "province", Doubt: float64(i),
	}
	if err := db.SaveRecognition(ctx, d.ID, rec); err != nil {
		t.Fatal(err)
	}
	d, err = db.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValuesAndAudit(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		d := recognizedDoc(t, db, 1)
		if d.Status != review.StatusInReview || !d.Seal["Q1"] || d.Seal["Q3"] || d.UnitCode != "330000" {
			t.Fatalf("after recognition: %+v", d)
		}
		// Saving recognition again (a repeated job) changes nothing.
		if err := db.SaveRecognition(ctx, d.ID, review.RecognizedDocument{}); err != nil {
			t.Fatal(err)
		}
		vals, err := db.Values(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]review.Value{}
		for _, v := range vals {
			byID[v.FieldID] = v
		}
		if len(vals) != 5 || byID["Q1.1"].Value != int64(1) || byID["Q1.1"].Box != image.Rect(10, 20, 30, 40) ||
			fmt.Sprint(byID["Q1.3.1.b"].Value) != "[1 3]" || byID["Q1.1.1.e.fax"].Value != nil ||
			fmt.Sprint(byID["Q3.T1.B.18"].Value) != "[1 A]" || byID["Q1.1.1.e.fax"].Issue != "not a phone number" {
			t.Fatalf("values = %+v", vals)
		}
		pages, _ := db.Pages(ctx, d.ID)
		if pages[2].Form != "Q3" || pages[2].Note != "seal" {
			t.Errorf("page facts = %+v", pages)
		}

		v1, err := db.ApplyChanges(ctx, d.ID, d.Version, "wang", []review.Change{
			{FieldID: "Q1.1.1.a", Value: "2001-04"},
			{FieldID: "Q1.1", Confirm: true},
			{FieldID: "Q1.3.1.b", Value: []int{1, 3}}, // the same value: a confirmation
		})
		if err != nil {
			t.Fatal(err)
		}
		if v1 != d.Version+1 {
			t.Errorf("version %d → %d", d.Version, v1)
		}
		// A second reviewer saving on the version they saw gets a conflict, not a silent overwrite.
		if _, err := db.ApplyChanges(ctx, d.ID, d.Version, "li", []review.Change{{FieldID: "Q1.1.1.a", Value: "1999"}}); !errors.Is(err, review.ErrConflict) {
			t.Fatalf("stale save: err = %v, want ErrConflict", err)
		}
		vals, _ = db.Values(ctx, d.ID)
		for _, v := range vals {
			switch v.FieldID {
			case "Q1.1.1.a":
				if v.Value != "2001-04" || v.Recognized != "2001-03" || v.Source != review.SourceReviewer || !v.Confirmed || v.UpdatedBy != "wang" {
					t.Errorf("corrected value = %+v", v)
				}
			case "Q1.1", "Q1.3.1.b":
				if !v.Confirmed || v.Source != review.SourceRecognition {
					t.Errorf("confirmed value = %+v", v)
				}
			}
		}
		hist, err := db.Audit(ctx, d.ID, "Q1.1.1.a")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Action != review.ActionRecognized || hist[1].Action != review.ActionCorrected ||
			hist[1].Old != "2001-03" || hist[1].New != "2001-04" || hist[1].User != "wang" || hist[1].Source != review.SourceReviewer {
			t.Errorf("history = %+v", hist)
		}

		if _, err := db.Verify(ctx, d.ID, d.Version, "wang", ""); !errors.Is(err, review.ErrConflict) {
			t.Errorf("verify on a stale version: %v, want ErrConflict", err)
		}
		v2, err := db.Verify(ctx, d.ID, v1, "wang", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApplyChanges(ctx, d.ID, v2, "wang", []review.Change{{FieldID: "Q1.1", Value: int64(2)}}); !errors.Is(err, review.ErrConflict) {
			t.Errorf("edit of a verified return: %v, want ErrConflict", err)
		}
		if _, err := db.Reopen(ctx, d.ID, "boss", "单位代码有误"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Document(ctx, d.ID)
		if got.Status != review.StatusInReview || got.VerifiedBy != "" {
			t.Errorf("after reopen: %+v", got)
		}
		all, _ := db.Audit(ctx, d.ID, "")
		var actions []string
		for _, e := range all {
			if e.FieldID == "" {
				actions = append(actions, e.Action+":"+e.User+":"+e.Reason)
			}
		}
		if got, want := fmt.Sprint(actions), "[verified:wang: reopened:boss:单位代码有误]"; got != want {
			t.Errorf("document audit = %s, want %s", got, want)
		}
	})
}

// TestClaims: two reviewers never get the same document; the most doubtful comes
// first; an abandoned claim expires.
func TestClaims(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i := 1; i <= 6; i++ {
			recognizedDoc(t, db, i)
		}
		first, err := db.ClaimNext(ctx, "r0", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if first != 6 {
			t.Errorf("first claimed %d, want the most doubtful (6)", first)
		}
		var mu sync.Mutex
		got := map[int64]string{}
		var wg sync.WaitGroup
		for r := 1; r <= 5; r++ {
			wg.Add(1)
			go func(user string) {
				defer wg.Done()
				id, err := db.ClaimNext(ctx, user, time.Hour)
				if err != nil {
					t.Error(user, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if other, dup := got[id]; dup {
					t.Errorf("document %d claimed by %s and %s", id, other, user)
				}
				got[id] = user
			}(fmt.Sprint("r", r))
		}
		wg.Wait()
		if _, ok := got[first]; ok {
			t.Errorf("document %d handed out while r0 holds it", first)
		}
		if _, err := db.ClaimNext(ctx, "r9", time.Hour); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("empty queue: %v, want ErrNotFound", err)
		}
		if err := db.Claim(ctx, first, "r9", time.Hour); !errors.Is(err, review.ErrConflict) {
			t.Errorf("claiming a held document: %v, want ErrConflict", err)
		}
		// r0 abandons its claim: it expires.
		if err := db.Claim(ctx, first, "r0", -time.Second); err != nil {
			t.Fatal(err)
		}
		if id, err := db.ClaimNext(ctx, "r9", time.Hour); err != nil || id != first {
			t.Errorf("after expiry ClaimNext = %d, %v; want %d", id, err, first)
		}
	})
}
