package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"reflect"
	"time"

	"papergate/layout"
	"papergate/review"
)

var _ review.ValueStore = (*DB)(nil)

// encodeValue is a typed value as stored: JSON text, or SQL NULL for null.
func encodeValue(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// decodeValue types a stored JSON value by its field.
func decodeValue(fieldID string, s sql.NullString) (any, error) {
	if !s.Valid {
		return nil, nil
	}
	f, err := layout.Default().Field(fieldID)
	if err != nil {
		return nil, err
	}
	return f.DecodeValue(json.RawMessage(s.String))
}

// SaveRecognition stores recognition's values and moves the document to in_review.
func (db *DB) SaveRecognition(ctx context.Context, id int64, rec review.RecognizedDocument) error {
	t := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status, unit, level string
		if err := tx.QueryRowContext(ctx, `SELECT status, unit_code, level FROM documents WHERE id = $1`, id).Scan(&status, &unit, &level); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return review.ErrNotFound
			}
			return err
		}
		if review.Status(status) != review.StatusRecognizing {
			return nil // a repeated delivery of the job: the values are there already
		}
		if unit == "" {
			unit = rec.UnitCode
		}
		if level == "" {
			level = rec.Level
		}
		seal, err := json.Marshal(rec.Seal)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM field_values WHERE document_id = $1`, id); err != nil {
			return err
		}
		for _, v := range rec.Values {
			val, err := encodeValue(v.Value)
			if err != nil {
				return fmt.Errorf("value of %s: %w", v.FieldID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO field_values (document_id, field_id, value, recognized, raw, issue, confidence,
				page, box_x0, box_y0, box_x1, box_y1, source, confirmed, updated_by, updated_at)
				VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', $14)`,
				id, v.FieldID, val, v.Raw, v.Issue, v.Confidence, v.Page, v.Box.Min.X, v.Box.Min.Y, v.Box.Max.X, v.Box.Max.Y,
				string(review.SourceRecognition), false, t); err != nil {
				return fmt.Errorf("value of %s: %w", v.FieldID, err)
			}
			if err := audit(ctx, tx, id, v.FieldID, t, "", review.ActionRecognized, nil, val, review.SourceRecognition, v.Issue); err != nil {
				return err
			}
		}
		for _, p := range rec.Pages {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET form = $1, part = $2, rotation = $3, blank = $4, note = $5
				WHERE document_id = $6 AND n = $7`, p.Form, p.Part, p.Rotation, p.Blank, p.Note, id, p.N); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET status = $1, unit_code = $2, level = $3, seal = $4, doubt = $5,
			version = version + 1, updated_at = $6 WHERE id = $7`,
			string(review.StatusInReview), unit, level, string(seal), rec.Doubt, t, id); err != nil {
			return err
		}
		return addEvent(ctx, tx, id, review.StatusInReview, fmt.Sprintf("recognized %d fields", len(rec.Values)), t)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: save recognition of document %d: %w", id, err)
	}
	return nil
}

func audit(ctx context.Context, tx *sql.Tx, id int64, field string, t time.Time, user, action string, old, new any, src review.Source, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (document_id, field_id, at, user_name, action, old_value, new_value, source, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, field, t, user, action, old, new, string(src), reason)
	return err
}

const valueColumns = `field_id, value, recognized, raw, issue, confidence, page, box_x0, box_y0, box_x1, box_y1, source, confirmed, updated_by, updated_at`

func scanValue(s scanner) (review.Value, error) {
	var v review.Value
	var val, rec sql.NullString
	var src string
	var x0, y0, x1, y1 int
	if err := s.Scan(&v.FieldID, &val, &rec, &v.Raw, &v.Issue, &v.Confidence, &v.Page, &x0, &y0, &x1, &y1, &src, &v.Confirmed, &v.UpdatedBy, &v.UpdatedAt); err != nil {
		return v, err
	}
	v.Box = image.Rect(x0, y0, x1, y1)
	v.Source = review.Source(src)
	v.UpdatedAt = v.UpdatedAt.UTC()
	var err error
	if v.Value, err = decodeValue(v.FieldID, val); err != nil {
		return v, err
	}
	v.Recognized, err = decodeValue(v.FieldID, rec)
	return v, err
}

// Values returns a document's values.
func (db *DB) Values(ctx context.Context, id int64) ([]review.Value, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+valueColumns+` FROM field_values WHERE document_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: values of document %d: %w", id, err)
	}
	defer rows.Close()
	var out []review.Value
	for rows.Next() {
		v, err := scanValue(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: values of document %d: %w", id, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: values of document %d: %w", id, err)
	}
	return out, nil
}

// ApplyChanges applies a person's edits under optimistic locking.
func (db *DB) ApplyChanges(ctx context.Context, id, version int64, user string, changes []review.Change) (int64, error) {
	t := db.now()
	var newVersion int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var cur int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT version, status FROM documents WHERE id = $1`, id).Scan(&cur, &status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return review.ErrNotFound
			}
			return err
		}
		if cur != version {
			return fmt.Errorf("document %d is at version %d, the edit was made on version %d: %w", id, cur, version, review.ErrConflict)
		}
		if review.Status(status) != review.StatusInReview {
			return fmt.Errorf("document %d is %s, not in review: %w", id, status, review.ErrConflict)
		}
		for _, c := range changes {
			var old sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT value FROM field_values WHERE document_id = $1 AND field_id = $2`, id, c.FieldID).Scan(&old)
			exists := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var oldAny any
			if old.Valid {
				oldAny = old.String
			}
			if c.Confirm && !exists {
				return fmt.Errorf("confirm %s: no value to confirm: %w", c.FieldID, review.ErrNotFound)
			}
			var val any
			if !c.Confirm {
				if val, err = encodeValue(c.Value); err != nil {
					return fmt.Errorf("value of %s: %w", c.FieldID, err)
				}
			}
			// Accepting a value, or typing the value that is there already, confirms it.
			if c.Confirm || (exists && sameJSON(oldAny, val)) {
				if _, err := tx.ExecContext(ctx, `UPDATE field_values SET confirmed = $1, updated_by = $2, updated_at = $3
					WHERE document_id = $4 AND field_id = $5`, true, user, t, id, c.FieldID); err != nil {
					return err
				}
				if err := audit(ctx, tx, id, c.FieldID, t, user, review.ActionConfirmed, oldAny, oldAny, review.SourceReviewer, ""); err != nil {
					return err
				}
				continue
			}
			if exists {
				_, err = tx.ExecContext(ctx, `UPDATE field_values SET value = $1, source = $2, confirmed = $3, updated_by = $4, updated_at = $5
					WHERE document_id = $6 AND field_id = $7`, val, string(review.SourceReviewer), true, user, t, id, c.FieldID)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO field_values (document_id, field_id, value, recognized, source, confirmed, updated_by, updated_at)
					VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)`, id, c.FieldID, val, string(review.SourceReviewer), true, user, t)
			}
			if err != nil {
				return fmt.Errorf("value of %s: %w", c.FieldID, err)
			}
			if err := audit(ctx, tx, id, c.FieldID, t, user, review.ActionCorrected, oldAny, val, review.SourceReviewer, ""); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `UPDATE documents SET version = version + 1, updated_at = $1 WHERE id = $2 RETURNING version`, t, id).Scan(&newVersion)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: apply changes to document %d: %w", id, err)
	}
	return newVersion, nil
}

func sameJSON(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal([]byte(a.(string)), &x) != nil || json.Unmarshal([]byte(b.(string)), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// Audit returns a document's audit log, oldest first.
func (db *DB) Audit(ctx context.Context, id int64, fieldID string) ([]review.AuditEntry, error) {
	q := `SELECT id, document_id, field_id, at, user_name, action, old_value, new_value, source, reason FROM audit_log WHERE document_id = $1`
	args := []any{id}
	if fieldID != "" {
		q += ` AND field_id = $2`
		args = append(args, fieldID)
	}
	rows, err := db.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit of document %d: %w", id, err)
	}
	defer rows.Close()
	var out []review.AuditEntry
	for rows.Next() {
		var e review.AuditEntry
		var old, nw sql.NullString
		var src string
		if err := rows.Scan(&e.ID, &e.DocumentID, &e.FieldID, &e.At, &e.User, &e.Action, &old, &nw, &src, &e.Reason); err != nil {
			return nil, fmt.Errorf("sqlstore: audit of document %d: %w", id, err)
		}
		e.At, e.Source = e.At.UTC(), review.Source(src)
		if e.FieldID != "" {
			if e.Old, err = decodeValue(e.FieldID, old); err != nil {
				return nil, fmt.Errorf("sqlstore: audit of document %d: %w", id, err)
			}
			if e.New, err = decodeValue(e.FieldID, nw); err != nil {
				return nil, fmt.Errorf("sqlstore: audit of document %d: %w", id, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
