package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"papergate/review"
)

var _ review.Store = (*DB)(nil)

const documentColumns = `id, sha256, file_name, kind, size, status, fail_reason, pages, unit_code, level, version, created_at, updated_at,
	seal, doubt, claimed_by, claimed_until, verified_by, verified_at`

type scanner interface{ Scan(dest ...any) error }

func scanDocument(s scanner) (review.Document, error) {
	var d review.Document
	var kind, status, seal string
	var claimedUntil, verifiedAt sql.NullTime
	err := s.Scan(&d.ID, &d.SHA256, &d.FileName, &kind, &d.Size, &status, &d.FailReason, &d.Pages,
		&d.UnitCode, &d.Level, &d.Version, &d.CreatedAt, &d.UpdatedAt,
		&seal, &d.Doubt, &d.ClaimedBy, &claimedUntil, &d.VerifiedBy, &verifiedAt)
	if err != nil {
		return d, err
	}
	d.Kind, d.Status = review.Kind(kind), review.Status(status)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	d.ClaimedUntil, d.VerifiedAt = claimedUntil.Time.UTC(), verifiedAt.Time.UTC()
	if seal != "" {
		if err := json.Unmarshal([]byte(seal), &d.Seal); err != nil {
			return d, fmt.Errorf("seal facts: %w", err)
		}
	}
	return d, nil
}

// CreateDocument records d and queues its split job in one transaction; for a
// duplicate hash it returns the existing document and created=false.
func (db *DB) CreateDocument(ctx context.Context, d review.Document) (review.Document, bool, error) {
	t := db.now()
	var created review.Document
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `INSERT INTO documents
			(sha256, file_name, kind, size, status, pages, unit_code, level, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)
			ON CONFLICT (sha256) DO NOTHING
			RETURNING `+documentColumns,
			d.SHA256, d.FileName, string(d.Kind), d.Size, string(review.StatusUploaded), d.Pages, d.UnitCode, d.Level, t)
		var err error
		if created, err = scanDocument(row); err != nil {
			return err // sql.ErrNoRows for a duplicate: handled below
		}
		if err := addEvent(ctx, tx, created.ID, review.StatusUploaded, "uploaded: "+created.FileName, t); err != nil {
			return err
		}
		return ignoreLive(enqueue(ctx, db, tx, SplitArgs{DocumentID: created.ID}))
	})
	if errors.Is(err, sql.ErrNoRows) {
		existing, err := db.DocumentBySHA256(ctx, d.SHA256)
		return existing, false, err
	}
	if err != nil {
		return review.Document{}, false, fmt.Errorf("sqlstore: create document: %w", err)
	}
	return created, true, nil
}

// ignoreLive treats an identical live job as success: the work is queued either way.
func ignoreLive(err error) error {
	if errors.Is(err, errJobLive) {
		return nil
	}
	return err
}

func addEvent(ctx context.Context, tx *sql.Tx, id int64, status review.Status, msg string, t any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO document_events (document_id, at, status, message) VALUES ($1, $2, $3, $4)`,
		id, t, string(status), msg)
	return err
}

// Document returns one document.
func (db *DB) Document(ctx context.Context, id int64) (review.Document, error) {
	d, err := scanDocument(db.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return review.Document{}, fmt.Errorf("sqlstore: document %d: %w", id, review.ErrNotFound)
	}
	if err != nil {
		return review.Document{}, fmt.Errorf("sqlstore: document %d: %w", id, err)
	}
	return d, nil
}

// DocumentBySHA256 returns the document with that hash.
func (db *DB) DocumentBySHA256(ctx context.Context, sha string) (review.Document, error) {
	d, err := scanDocument(db.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE sha256 = $1`, sha))
	if errors.Is(err, sql.ErrNoRows) {
		return review.Document{}, fmt.Errorf("sqlstore: document %s: %w", sha, review.ErrNotFound)
	}
	if err != nil {
		return review.Document{}, fmt.Errorf("sqlstore: document %s: %w", sha, err)
	}
	return d, nil
}

// Documents lists documents, newest first.
func (db *DB) Documents(ctx context.Context, f review.Filter) ([]review.Document, error) {
	var where []string
	var args []any
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		where = append(where, fmt.Sprintf(`(file_name LIKE $%[1]d ESCAPE '\' OR unit_code LIKE $%[1]d ESCAPE '\' OR sha256 LIKE $%[1]d ESCAPE '\')`, len(args)))
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	q := `SELECT ` + documentColumns + ` FROM documents`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list documents: %w", err)
	}
	defer rows.Close()
	var out []review.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list documents: %w", err)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SetStatus moves a document to status, recording why in its history.
func (db *DB) SetStatus(ctx context.Context, id int64, status review.Status, reason string) error {
	t := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET status = $1, fail_reason = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			string(status), reason, t, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return review.ErrNotFound
		}
		return addEvent(ctx, tx, id, status, reason, t)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: set status of document %d: %w", id, err)
	}
	return nil
}

// SavePage records or replaces a page.
func (db *DB) SavePage(ctx context.Context, p review.Page) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO pages (document_id, n, key, format, width, height, dpi, size, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (document_id, n) DO UPDATE SET key = excluded.key, format = excluded.format, width = excluded.width,
			height = excluded.height, dpi = excluded.dpi, size = excluded.size, source = excluded.source`,
		p.DocumentID, p.N, p.Key, p.Format, p.Width, p.Height, p.DPI, p.Size, p.Source)
	if err != nil {
		return fmt.Errorf("sqlstore: save page %d of document %d: %w", p.N, p.DocumentID, err)
	}
	return nil
}

// Pages lists a document's pages in order.
func (db *DB) Pages(ctx context.Context, id int64) ([]review.Page, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT document_id, n, key, format, width, height, dpi, size, source,
		form, part, rotation, blank, note FROM pages WHERE document_id = $1 ORDER BY n`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: pages of document %d: %w", id, err)
	}
	defer rows.Close()
	var out []review.Page
	for rows.Next() {
		var p review.Page
		if err := rows.Scan(&p.DocumentID, &p.N, &p.Key, &p.Format, &p.Width, &p.Height, &p.DPI, &p.Size, &p.Source,
			&p.Form, &p.Part, &p.Rotation, &p.Blank, &p.Note); err != nil {
			return nil, fmt.Errorf("sqlstore: pages of document %d: %w", id, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: pages of document %d: %w", id, err)
	}
	return out, nil
}

// FinishSplit records the page count, moves the document on to recognizing and
// queues its recognition, in one transaction.
func (db *DB) FinishSplit(ctx context.Context, id int64, pages int) error {
	t := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET pages = $1, status = $2, fail_reason = '', version = version + 1, updated_at = $3 WHERE id = $4`,
			pages, string(review.StatusRecognizing), t, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return review.ErrNotFound
		}
		if err := addEvent(ctx, tx, id, review.StatusRecognizing, fmt.Sprintf("split into %d pages", pages), t); err != nil {
			return err
		}
		return ignoreLive(enqueue(ctx, db, tx, RecognizeArgs{DocumentID: id}))
	})
	if err != nil {
		return fmt.Errorf("sqlstore: finish split of document %d: %w", id, err)
	}
	return nil
}

// Events returns a document's history, oldest first.
func (db *DB) Events(ctx context.Context, id int64) ([]review.Event, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT at, status, message FROM document_events WHERE document_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: events of document %d: %w", id, err)
	}
	defer rows.Close()
	var out []review.Event
	for rows.Next() {
		var e review.Event
		var status string
		if err := rows.Scan(&e.At, &status, &e.Message); err != nil {
			return nil, fmt.Errorf("sqlstore: events of document %d: %w", id, err)
		}
		e.Status = review.Status(status)
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
