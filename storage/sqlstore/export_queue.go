package sqlstore

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"
)

// QueueExport is the queue of automatic exports to the analysis database.
const QueueExport = "export"

// exportMaxAttempts: with the backoff doubling up to 10 minutes, an export keeps
// being retried for about three hours while the analysis database is down. After
// that `papergate export` catches up; the return stays verified meanwhile.
const exportMaxAttempts = 25

// ExportArgs is the job that exports one document to the analysis database after it
// was verified (or withdraws it after it was reopened). It is queued in the same
// transaction as the change, when DB.AutoExport is set.
type ExportArgs struct {
	DocumentID int64 `json:"document_id"`
}

// Kind implements river.JobArgs.
func (ExportArgs) Kind() string { return "export" }

// InsertOpts implements river.JobArgsWithInsertOpts. Export jobs are not unique: a
// job that is running may have read the document before the change that queues the
// next one, and exporting twice is harmless.
func (ExportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueExport, MaxAttempts: exportMaxAttempts}
}

// DocumentExporter exports one document (review.Exporter).
type DocumentExporter interface {
	ExportDocument(ctx context.Context, id int64) error
}

// enqueueExport queues the automatic export of a document inside tx, if configured.
func (db *DB) enqueueExport(ctx context.Context, tx *sql.Tx, id int64) error {
	if !db.AutoExport {
		return nil
	}
	return enqueue(ctx, db, tx, ExportArgs{DocumentID: id})
}

// addExportWorker lets this process work the export queue when it has an exporter.
func (w *Workers) addExportWorker(workers *river.Workers, queues map[string]river.QueueConfig) {
	if w.cfg.Exporter == nil {
		return
	}
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[ExportArgs]) error {
		err := w.cfg.Exporter.ExportDocument(ctx, job.Args.DocumentID)
		switch {
		case err == nil:
		case job.Attempt >= job.MaxAttempts:
			w.cfg.Log.Error("export failed for good; run papergate export", "id", job.Args.DocumentID, "attempt", job.Attempt, "err", err)
		default:
			w.cfg.Log.Warn("export failed, will retry", "id", job.Args.DocumentID, "attempt", job.Attempt, "of", job.MaxAttempts, "err", err)
		}
		return err
	}))
	queues[QueueExport] = river.QueueConfig{MaxWorkers: 1}
}
