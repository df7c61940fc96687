package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"papergate/review"
)

// fakeStages records how each document's split runs: how often, by whom, and whether
// two runs of one document ever overlapped.
type fakeStages struct {
	db      *DB
	worker  string
	split   func(id int64) error
	mu      *sync.Mutex
	runs    map[int64][]string
	running map[int64]int
	overlap *[]int64
}

func (f *fakeStages) Split(ctx context.Context, id int64) error {
	f.mu.Lock()
	f.running[id]++
	if f.running[id] > 1 {
		*f.overlap = append(*f.overlap, id)
	}
	f.runs[id] = append(f.runs[id], f.worker)
	split := f.split
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running[id]--
		f.mu.Unlock()
	}()
	if split != nil {
		if err := split(id); err != nil {
			return err
		}
	}
	time.Sleep(20 * time.Millisecond) // long enough for others to try the same job
	return f.db.FinishSplit(ctx, id, 1)
}

func (f *fakeStages) Recognize(ctx context.Context, id int64, rec review.Recognizer) error {
	return errors.New("not used")
}

func (f *fakeStages) Fail(ctx context.Context, id int64, reason string) error {
	return f.db.SetStatus(ctx, id, review.StatusFailed, reason)
}

func fastWorkers() WorkerConfig {
	return WorkerConfig{SplitConcurrency: 3, PollInterval: 20 * time.Millisecond, RetryBase: 10 * time.Millisecond,
		JobTimeout: time.Minute, Log: slog.New(slog.DiscardHandler)}
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func countStatus(t *testing.T, db *DB, s review.Status) int {
	t.Helper()
	docs, err := db.Documents(context.Background(), review.Filter{Status: s})
	if err != nil {
		t.Fatal(err)
	}
	return len(docs)
}

// TestWorkersShareWork: three worker processes (three connection pools) on one
// PostgreSQL split 30 documents: each exactly once, never two at once.
func TestWorkersShareWork(t *testing.T) {
	ctx := context.Background()
	first := openTest(t, Postgres)
	const docs = 30
	for i := 0; i < docs; i++ {
		if _, _, err := first.CreateDocument(ctx, newDoc(100+i)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	runs, running, overlap := map[int64][]string{}, map[int64]int{}, []int64{}
	var all []*Workers
	for i := 0; i < 3; i++ {
		db := first
		if i > 0 {
			var err error
			if db, err = Open(ctx, first.dsn); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
		}
		st := &fakeStages{db: db, worker: fmt.Sprint("w", i), mu: &mu, runs: runs, running: running, overlap: &overlap}
		w, err := db.StartWorkers(ctx, st, fastWorkers())
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, w)
	}
	waitFor(t, "all documents split", 60*time.Second, func() bool { return countStatus(t, first, review.StatusRecognizing) == docs })
	for _, w := range all {
		if err := w.Stop(ctx); err != nil {
			t.Error(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(overlap) > 0 {
		t.Errorf("documents split by two workers at once: %v", overlap)
	}
	workersUsed := map[string]bool{}
	for id, r := range runs {
		if len(r) != 1 {
			t.Errorf("document %d split %d times (%v)", id, len(r), r)
		}
		workersUsed[r[0]] = true
	}
	if len(runs) != docs {
		t.Errorf("%d documents split, want %d", len(runs), docs)
	}
	if len(workersUsed) < 2 {
		t.Errorf("only %v did any work; the queue should spread it", workersUsed)
	}
}

// TestJobFailures: a failing stage is retried with backoff and finally fails its
// document with the reason; bad input fails it at once, without retries.
func TestJobFailures(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		db.MaxAttempts = 3
		transient, _, _ := db.CreateDocument(ctx, newDoc(1))
		bad, _, _ := db.CreateDocument(ctx, newDoc(2))
		flaky, _, _ := db.CreateDocument(ctx, newDoc(3))
		var mu sync.Mutex
		runs, running, overlap := map[int64][]string{}, map[int64]int{}, []int64{}
		st := &fakeStages{db: db, worker: "w", mu: &mu, runs: runs, running: running, overlap: &overlap,
			split: func(id int64) error {
				switch id {
				case transient.ID:
					return errors.New("object store unreachable")
				case bad.ID:
					return review.BadInput("corrupt_pdf", "the PDF is damaged", nil)
				case flaky.ID:
					mu.Lock()
					n := len(runs[id])
					mu.Unlock()
					if n < 2 {
						return errors.New("timeout talking to MinIO")
					}
				}
				return nil
			}}
		w, err := db.StartWorkers(ctx, st, fastWorkers())
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop(ctx)
		waitFor(t, "two failed and one recovered document", 60*time.Second, func() bool {
			return countStatus(t, db, review.StatusFailed) == 2 && countStatus(t, db, review.StatusRecognizing) == 1
		})
		tests := []struct {
			id         int64
			wantRuns   int
			wantReason string
		}{
			{transient.ID, 3, "split failed after 3 attempts: object store unreachable"},
			{bad.ID, 1, "the PDF is damaged"},
			{flaky.ID, 2, ""},
		}
		for _, tc := range tests {
			d, err := db.Document(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			n := len(runs[tc.id])
			mu.Unlock()
			if n != tc.wantRuns {
				t.Errorf("document %d ran %d times, want %d", tc.id, n, tc.wantRuns)
			}
			if !strings.Contains(d.FailReason, tc.wantReason) || (tc.wantReason == "") != (d.FailReason == "") {
				t.Errorf("document %d reason = %q, want %q", tc.id, d.FailReason, tc.wantReason)
			}
		}
		// A failed document can be retried; retrying one that is not failed conflicts.
		if err := db.Retry(ctx, flaky.ID); !errors.Is(err, review.ErrConflict) {
			t.Errorf("Retry of a split document: %v, want ErrConflict", err)
		}
		mu.Lock()
		st.split = nil
		mu.Unlock()
		// The document is marked failed just before its job's last attempt ends; until
		// then a retry conflicts and changes nothing.
		waitFor(t, "a retry to be accepted", 10*time.Second, func() bool {
			err := db.Retry(ctx, transient.ID)
			if err != nil && !errors.Is(err, review.ErrConflict) {
				t.Fatal(err)
			}
			return err == nil
		})
		waitFor(t, "the retried document to split", 30*time.Second, func() bool {
			d, _ := db.Document(ctx, transient.ID)
			return d.Status == review.StatusRecognizing
		})
	})
}

// TestReconcile: a document in a processing status whose job will never run again
// is failed with a reason instead of sitting there forever.
func TestReconcile(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		d, _, _ := db.CreateDocument(ctx, newDoc(1))
		live, _, _ := db.CreateDocument(ctx, newDoc(2))
		// Simulate the rescuer discarding the job of d after its worker died.
		if _, err := db.db.ExecContext(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = $1 WHERE id = (SELECT min(id) FROM river_job)`, db.now()); err != nil {
			t.Fatal(err)
		}
		st := &fakeStages{db: db}
		if err := db.Reconcile(ctx, -time.Second, st); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Document(ctx, d.ID)
		if got.Status != review.StatusFailed || !strings.Contains(got.FailReason, "retry the document") {
			t.Errorf("stuck document: %s %q, want failed with a reason", got.Status, got.FailReason)
		}
		if got, _ := db.Document(ctx, live.ID); got.Status != review.StatusUploaded {
			t.Errorf("document with a live job: %s, want uploaded", got.Status)
		}
	})
}
