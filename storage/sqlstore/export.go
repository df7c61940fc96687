package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	rows, err = tx.QueryContext(ctx, `SELECT document_id, `+valueColumns+` FROM field_values
		WHERE document_id IN (SELECT id FROM documents WHERE `+where+`) ORDER BY document_id, field_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		v, err := scanValue(prefixScanner{rows, &id})
		if err != nil {
			return nil, fmt.Errorf("sqlstore: exportable returns: %w", err)
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

// prefixScanner scans a leading column into id, the rest as s would.
type prefixScanner struct {
	s  scanner
	id *int64
}

func (p prefixScanner) Scan(dest ...any) error { return p.s.Scan(append([]any{p.id}, dest...)...) }

// MarkExported moves the exported documents that are still verified at the version
// that was exported to exported, and logs the run, in one transaction. It returns the
// ids of documents that changed after they were read (reopened, verified again): their
// export is stale and must be done again.
func (db *DB) MarkExported(ctx context.Context, run review.ExportRun, exported []review.ExportReturn) ([]int64, error) {
	t := db.now()
	var stale, marked []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stale, marked = nil, nil
		for _, r := range exported {
			res, err := tx.ExecContext(ctx, `UPDATE documents SET status = $1, version = version + 1, updated_at = $2
				WHERE id = $3 AND version = $4 AND status = $5`,
				string(review.StatusExported), t, r.DocumentID, r.Version, string(review.StatusVerified))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				marked = append(marked, r.DocumentID)
				if err := addEvent(ctx, tx, r.DocumentID, review.StatusExported, "exported to "+run.Target, t); err != nil {
					return err
				}
				continue
			}
			var version int64
			var status string
			err = tx.QueryRowContext(ctx, `SELECT version, status FROM documents WHERE id = $1`, r.DocumentID).Scan(&version, &status)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (version != r.Version || status != string(r.Status))) {
				stale = append(stale, r.DocumentID)
			} else if err != nil {
				return err
			}
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
