package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"papergate/layout"
	"papergate/review"
)

var _ review.ExportSource = (*DB)(nil)

// ExportableReturns returns the verified and exported returns (ids nil: all of them),
// read in one transaction so that documents and values agree.
func (db *DB) ExportableReturns(ctx context.Context, ids []int64) ([]review.ExportReturn, error) {
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	defer tx.Rollback()
	where := `status IN ('verified', 'exported')`
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = strconv.FormatInt(id, 10)
		}
		where += ` AND id IN (` + strings.Join(s, ",") + `)`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE `+where+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	var out []review.ExportReturn
	index := map[int64]int{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
		}
		index[d.ID] = len(out)
		out = append(out, review.ExportReturn{DocumentID: d.ID, Status: d.Status, Version: d.Version,
			Unit: unitOf(d), VerifiedBy: d.VerifiedBy, VerifiedAt: d.VerifiedAt, Sources: []string{d.SHA256}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Only what an export carries, typed with one field lookup per field id.
	rows, err = tx.QueryContext(ctx, `SELECT document_id, field_id, value, confidence, source, confirmed, updated_by
		FROM field_values WHERE document_id IN (SELECT id FROM documents WHERE `+where+`) ORDER BY document_id, field_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	defer rows.Close()
	cat := layout.Default()
	fields := map[string]*layout.Field{}
	for rows.Next() {
		var id int64
		var v review.Value
		var val sql.NullString
		var src string
		if err := rows.Scan(&id, &v.FieldID, &val, &v.Confidence, &src, &v.Confirmed, &v.UpdatedBy); err != nil {
			return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
		}
		v.Source = review.Source(src)
		if val.Valid {
			f, ok := fields[v.FieldID]
			if !ok {
				if f, err = cat.Field(v.FieldID); err != nil {
					return nil, fmt.Errorf("sqlstore: exportable returns: document %d: %w", id, err)
				}
				fields[v.FieldID] = f
			}
			if v.Value, err = f.DecodeValue(json.RawMessage(val.String)); err != nil {
				return nil, fmt.Errorf("sqlstore: exportable returns: document %d: %w", id, err)
			}
		}
		if i, ok := index[id]; ok {
			out[i].Values = append(out[i].Values, v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	review.SortReturns(out)
	return out, nil
}

func unitOf(d review.Document) layout.Unit {
	return layout.Unit{RegionCode: d.UnitCode, Level: layout.Level(d.Level)}
}

// MarkExported moves the exported documents that are still verified at the version
// that was exported to exported, and logs the run, in one transaction. It returns the
// ids of documents that changed after they were read (reopened, verified again): their
// export is stale and must be done again.
func (db *DB) MarkExported(ctx context.Context, run review.ExportRun, exported []review.ExportReturn) ([]int64, error) {
	t := db.now()
	var stale, marked []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stale, marked = nil, nil
		for start := 0; start < len(exported); start += markChunk {
			chunk := exported[start:min(start+markChunk, len(exported))]
			s, m, err := db.markChunk(ctx, tx, run, chunk, t)
			if err != nil {
				return err
			}
			stale, marked = append(stale, s...), append(marked, m...)
		}
		docs := make([]string, len(marked))
		for i, id := range marked {
			docs[i] = strconv.FormatInt(id, 10)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO export_runs (at, target, format, user_name, returns, written, unchanged, removed, documents)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, run.At, run.Target, run.Format, run.User, run.Returns, run.Written,
			run.Unchanged, run.Removed, strings.Join(docs, ","))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: mark exported: %w", err)
	}
	return stale, nil
}

// markChunk is how many documents one statement marks.
const markChunk = 500

// markChunk marks a chunk of exported returns with one UPDATE, checks the ones it did
// not mark with one SELECT and records the events with one INSERT.
func (db *DB) markChunk(ctx context.Context, tx *sql.Tx, run review.ExportRun, rets []review.ExportReturn, t time.Time) (stale, marked []int64, err error) {
	pairs := make([]string, len(rets))
	ids := make([]string, len(rets))
	for i, r := range rets {
		pairs[i] = fmt.Sprintf("(%d, %d)", r.DocumentID, r.Version)
		ids[i] = strconv.FormatInt(r.DocumentID, 10)
	}
	rows, err := tx.QueryContext(ctx, `UPDATE documents SET status = $1, version = version + 1, updated_at = $2
		WHERE status = $3 AND (id, version) IN (VALUES `+strings.Join(pairs, ", ")+`) RETURNING id`,
		string(review.StatusExported), t, string(review.StatusVerified))
	if err != nil {
		return nil, nil, err
	}
	done := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, err
		}
		done[id] = true
		marked = append(marked, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	type state struct {
		version int64
		status  string
	}
	cur := map[int64]state{}
	rows, err = tx.QueryContext(ctx, `SELECT id, version, status FROM documents WHERE id IN (`+strings.Join(ids, ",")+`)`)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var s state
		if err := rows.Scan(&id, &s.version, &s.status); err != nil {
			rows.Close()
			return nil, nil, err
		}
		cur[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, r := range rets {
		if done[r.DocumentID] {
			continue
		}
		// Already exported at this version (a repeated export) is fine; anything
		// else changed after the read.
		if s, ok := cur[r.DocumentID]; !ok || s.version != r.Version || s.status != string(r.Status) {
			stale = append(stale, r.DocumentID)
		}
	}
	if len(marked) == 0 {
		return stale, nil, nil
	}
	var values []string
	args := []any{t, string(review.StatusExported), "exported to " + run.Target}
	for _, id := range marked {
		values = append(values, fmt.Sprintf("(%d, $1, $2, $3)", id))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_events (document_id, at, status, message) VALUES `+
		strings.Join(values, ", "), args...); err != nil {
		return nil, nil, err
	}
	return stale, marked, nil
}

// ExportRuns returns the export log, newest first, at most limit entries.
func (db *DB) ExportRuns(ctx context.Context, limit int) ([]review.ExportRun, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT at, target, format, user_name, returns, written, unchanged, removed
		FROM export_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: export runs: %w", err)
	}
	defer rows.Close()
	var out []review.ExportRun
	for rows.Next() {
		var r review.ExportRun
		if err := rows.Scan(&r.At, &r.Target, &r.Format, &r.User, &r.Returns, &r.Written, &r.Unchanged, &r.Removed); err != nil {
			return nil, fmt.Errorf("sqlstore: export runs: %w", err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: export runs: %w", err)
	}
	return out, nil
}
