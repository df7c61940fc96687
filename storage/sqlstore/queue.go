package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"papergate/review"
)

// Queues: splitting is I/O and decode bound; recognition (Tesseract) is CPU bound and
// gets its own queue and concurrency.
const (
	QueueSplit     = "split"
	QueueRecognize = "recognize"
)

// DefaultMaxAttempts is how often a failing job runs before its document is failed.
const DefaultMaxAttempts = 5

// liveStates are the job states in which a job will still run.
var liveStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// SplitArgs is the job that splits a document into page images.
type SplitArgs struct {
	DocumentID int64 `json:"document_id"`
}

// Kind implements river.JobArgs.
func (SplitArgs) Kind() string { return "split" }

// InsertOpts implements river.JobArgsWithInsertOpts: one live split job per document.
func (SplitArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueSplit, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

// RecognizeArgs is the job that recognizes a split document.
type RecognizeArgs struct {
	DocumentID int64 `json:"document_id"`
}

// Kind implements river.JobArgs.
func (RecognizeArgs) Kind() string { return "recognize" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (RecognizeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueRecognize, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

func (db *DB) driver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		// database/sql for everything, so that our tables and River's jobs commit in one
		// *sql.Tx; pgx (River's riverpgxv5 underneath) for LISTEN/NOTIFY.
		return riverdatabasesql.NewWithPgxListener(db.db, db.pool)
	}
	return riversqlite.New(db.db)
}

func migrateRiver(ctx context.Context, db *DB) error {
	m, err := rivermigrate.New(db.driver(), &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func quietLogger() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

// inserter returns the insert-only River client, creating it on first use.
func (db *DB) inserter() (*river.Client[*sql.Tx], error) {
	db.insertOnce.Do(func() {
		db.insertClient, db.insertErr = river.NewClient(db.driver(), &river.Config{
			Logger:      quietLogger(),
			MaxAttempts: db.maxAttempts(),
		})
	})
	return db.insertClient, db.insertErr
}

func (db *DB) maxAttempts() int {
	if db.MaxAttempts > 0 {
		return db.MaxAttempts
	}
	return DefaultMaxAttempts
}

// errJobLive: a job for the same document and stage is still queued or running.
var errJobLive = errors.New("a job for this document is still queued or running")

// enqueue queues a job inside tx, so that it exists exactly when tx commits. If an
// identical job is still live (queued, running, waiting to retry) it inserts nothing
// and returns errJobLive.
func enqueue(ctx context.Context, db *DB, tx *sql.Tx, args river.JobArgs) error {
	c, err := db.inserter()
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	res, err := c.InsertTx(ctx, tx, args, nil)
	if err != nil {
		return fmt.Errorf("queue %s job: %w", args.Kind(), err)
	}
	if res.UniqueSkippedAsDuplicate {
		return errJobLive
	}
	return nil
}

// Stages is the work the queue runs. review.Pipeline implements it.
type Stages interface {
	Split(ctx context.Context, id int64) error
	Recognize(ctx context.Context, id int64, rec review.Recognizer) error
	Fail(ctx context.Context, id int64, reason string) error
}

// WorkerConfig tunes the workers. Zero values take the defaults.
type WorkerConfig struct {
	SplitConcurrency int           // default 2
	JobTimeout       time.Duration // a job running longer is cancelled; default 30m
	RescueAfter      time.Duration // a running job whose worker vanished is retried after this; default JobTimeout+1m
	RetryBase        time.Duration // first retry delay, doubled each attempt up to 10m; default 5s
	PollInterval     time.Duration // how often idle workers look for jobs; default 1s
	ReconcileEvery   time.Duration // how often stuck documents are looked for; default 1m
	// Recognizers, one per concurrent recognition (each holds its own Tesseract);
	// without any, this process does not work the recognize queue.
	Recognizers []review.Recognizer
	// Exporter, if set, works the export queue (automatic export after verification).
	Exporter DocumentExporter
	Log      *slog.Logger
}

// Workers runs pipeline jobs until stopped.
type Workers struct {
	client *river.Client[*sql.Tx]
	db     *DB
	stages Stages
	cfg    WorkerConfig
	done   chan struct{}
	cancel context.CancelFunc
}

// StartWorkers starts working the job queue. Several processes may do so on one
// PostgreSQL database: River locks each job to one worker.
func (db *DB) StartWorkers(ctx context.Context, stages Stages, cfg WorkerConfig) (*Workers, error) {
	if cfg.SplitConcurrency <= 0 {
		cfg.SplitConcurrency = 2
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 30 * time.Minute
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		cfg.RescueAfter = cfg.JobTimeout + time.Minute
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 5 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.ReconcileEvery <= 0 {
		cfg.ReconcileEvery = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	w := &Workers{db: db, stages: stages, cfg: cfg, done: make(chan struct{})}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[SplitArgs]) error {
		return w.outcome(ctx, job.JobRow, job.Args.DocumentID, "split", stages.Split(ctx, job.Args.DocumentID))
	}))
	queues := map[string]river.QueueConfig{QueueSplit: {MaxWorkers: cfg.SplitConcurrency}}
	if n := len(cfg.Recognizers); n > 0 {
		pool := make(chan review.Recognizer, n)
		for _, r := range cfg.Recognizers {
			pool <- r
		}
		river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[RecognizeArgs]) error {
			var rec review.Recognizer
			select {
			case rec = <-pool:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { pool <- rec }()
			return w.outcome(ctx, job.JobRow, job.Args.DocumentID, "recognize", stages.Recognize(ctx, job.Args.DocumentID, rec))
		}))
		queues[QueueRecognize] = river.QueueConfig{MaxWorkers: n}
	}
	w.addExportWorker(workers, queues)
	client, err := river.NewClient(db.driver(), &river.Config{
		Logger:               riverLogger(cfg.Log),
		Queues:               queues,
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		RetryPolicy:          backoff{base: cfg.RetryBase},
		MaxAttempts:          db.maxAttempts(),
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, river.FetchCooldownDefault),
		PollOnly:             db.dialect == SQLite,
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: start workers: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("sqlstore: start workers: %w", err)
	}
	w.client = client
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.cancel = cancel
	go w.reconcileLoop(rctx)
	return w, nil
}

// riverLogger passes River's warnings and errors on; its info lines are noise here.
func riverLogger(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{h: l.Handler(), min: slog.LevelWarn}).With("component", "river")
}

type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}

// outcome turns a stage's result into River's: bad input fails the document at once
// (retrying cannot help), other errors retry with backoff until the last attempt,
// which fails the document with the reason.
func (w *Workers) outcome(ctx context.Context, job *rivertype.JobRow, id int64, stage string, err error) error {
	if err == nil {
		return nil
	}
	fail := func(reason string) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if ferr := w.stages.Fail(fctx, id, reason); ferr != nil {
			w.cfg.Log.Error("cannot mark document failed", "id", id, "err", ferr)
		}
	}
	var ie *review.InputError
	switch {
	case errors.As(err, &ie):
		w.cfg.Log.Warn("document rejected", "id", id, "stage", stage, "code", ie.Code, "err", err)
		fail(ie.Message)
		return river.JobCancel(err)
	case errors.Is(err, review.ErrNotFound):
		w.cfg.Log.Warn("job for a missing document", "id", id, "stage", stage, "err", err)
		return river.JobCancel(err)
	case job.Attempt >= job.MaxAttempts:
		w.cfg.Log.Error("job failed for good", "id", id, "stage", stage, "attempt", job.Attempt, "err", err)
		fail(fmt.Sprintf("%s failed after %d attempts: %v", stage, job.Attempt, err))
		return err
	default:
		w.cfg.Log.Warn("job failed, will retry", "id", id, "stage", stage, "attempt", job.Attempt, "of", job.MaxAttempts, "err", err)
		return err
	}
}

// Stop stops taking jobs and waits for running ones to finish, until ctx ends; then
// it cancels them (they are retried by whichever worker runs next).
func (w *Workers) Stop(ctx context.Context) error {
	w.cancel()
	err := w.client.Stop(ctx)
	if err != nil {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = w.client.StopAndCancel(cctx)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: stop workers: %w", err)
	}
	return nil
}

// backoff retries after base·2^(attempt-1), at most 10 minutes.
type backoff struct{ base time.Duration }

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Duration(float64(b.base) * math.Pow(2, float64(job.Attempt-1)))
	if d > 10*time.Minute || d <= 0 {
		d = 10 * time.Minute
	}
	return time.Now().Add(d)
}

func (w *Workers) reconcileLoop(ctx context.Context) {
	t := time.NewTicker(w.cfg.ReconcileEvery)
	defer t.Stop()
	for {
		if err := w.db.Reconcile(ctx, 2*w.cfg.ReconcileEvery, w.stages); err != nil && ctx.Err() == nil {
			w.cfg.Log.Error("reconcile", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Reconcile finds documents that sit in a processing status, unchanged for longer
// than idle, with no job that will still run (its job was discarded when a worker
// died on the last attempt, say), and fails them with a reason, so that no document
// is silently stuck. A failed document can be retried.
func (db *DB) Reconcile(ctx context.Context, idle time.Duration, stages Stages) error {
	docID := "CAST(json_extract(j.args, '$.document_id') AS INTEGER)"
	if db.dialect == Postgres {
		docID = "(j.args->>'document_id')::bigint"
	}
	rows, err := db.db.QueryContext(ctx, `SELECT d.id, d.status FROM documents d
		WHERE d.status IN ('uploaded', 'splitting', 'recognizing') AND d.updated_at < $1
		AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = (CASE d.status WHEN 'recognizing' THEN 'recognize' ELSE 'split' END)
			AND `+docID+` = d.id AND j.state IN ('available', 'pending', 'running', 'retryable', 'scheduled'))`, db.now().Add(-idle))
	if err != nil {
		return fmt.Errorf("sqlstore: reconcile: %w", err)
	}
	type stuck struct {
		id     int64
		status string
	}
	var found []stuck
	for rows.Next() {
		var s stuck
		if err := rows.Scan(&s.id, &s.status); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: reconcile: %w", err)
		}
		found = append(found, s)
	}
	rows.Close()
	for _, s := range found {
		reason := fmt.Sprintf("processing stopped while %s: its job was given up (a worker died or it failed %d times); retry the document", s.status, db.maxAttempts())
		if err := stages.Fail(ctx, s.id, reason); err != nil {
			return fmt.Errorf("sqlstore: reconcile: %w", err)
		}
	}
	return nil
}

// Retry queues a failed document again from the stage it failed in.
func (db *DB) Retry(ctx context.Context, id int64) error {
	d, err := db.Document(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != review.StatusFailed {
		return fmt.Errorf("sqlstore: retry document %d: it is %s, not failed: %w", id, d.Status, review.ErrConflict)
	}
	t := db.now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET status = $1, fail_reason = '', version = version + 1, updated_at = $2 WHERE id = $3`,
			string(review.StatusUploaded), t, id); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, review.StatusUploaded, "retry requested", t); err != nil {
			return err
		}
		return enqueue(ctx, db, tx, SplitArgs{DocumentID: id})
	})
	if errors.Is(err, errJobLive) {
		// Its last attempt is still winding down; nothing changed.
		return fmt.Errorf("sqlstore: retry document %d: %w: %w", id, err, review.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: retry document %d: %w", id, err)
	}
	return nil
}
