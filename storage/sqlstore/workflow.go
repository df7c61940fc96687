package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"papergate/review"
)

// Verify marks a return in review verified by user, if the document is still at
// version. A non-empty override records that it was verified despite validation
// errors, and why. It returns the new version.
func (db *DB) Verify(ctx context.Context, id, version int64, user, override string) (int64, error) {
	t := db.now()
	var nv int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE documents SET status = $1, verified_by = $2, verified_at = $3, claimed_by = '',
			claimed_until = NULL, version = version + 1, updated_at = $3
			WHERE id = $4 AND version = $5 AND status = $6 RETURNING version`,
			string(review.StatusVerified), user, t, id, version, string(review.StatusInReview)).Scan(&nv)
		if errors.Is(err, sql.ErrNoRows) {
			return db.whyNot(ctx, tx, id, version, review.StatusInReview)
		}
		if err != nil {
			return err
		}
		action := review.ActionVerified
		if override != "" {
			action = review.ActionOverride
		}
		if err := audit(ctx, tx, id, "", t, user, action, nil, nil, review.SourceReviewer, override); err != nil {
			return err
		}
		if err := db.enqueueExport(ctx, tx, id); err != nil {
			return err
		}
		return addEvent(ctx, tx, id, review.StatusVerified, "verified by "+user, t)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: verify document %d: %w", id, err)
	}
	return nv, nil
}

// Reopen puts a verified (or exported) return back into review, audited with the
// supervisor's reason.
func (db *DB) Reopen(ctx context.Context, id int64, user, reason string) (int64, error) {
	t := db.now()
	var nv int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE documents SET status = $1, verified_by = '', verified_at = NULL,
			version = version + 1, updated_at = $2 WHERE id = $3 AND status IN ($4, $5) RETURNING version`,
			string(review.StatusInReview), t, id, string(review.StatusVerified), string(review.StatusExported)).Scan(&nv)
		if errors.Is(err, sql.ErrNoRows) {
			return db.whyNot(ctx, tx, id, -1, review.StatusVerified)
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, id, "", t, user, review.ActionReopened, nil, nil, review.SourceReviewer, reason); err != nil {
			return err
		}
		if err := db.enqueueExport(ctx, tx, id); err != nil { // withdraws it from the analysis database
			return err
		}
		return addEvent(ctx, tx, id, review.StatusInReview, "reopened by "+user+": "+reason, t)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: reopen document %d: %w", id, err)
	}
	return nv, nil
}

// whyNot explains a conditional update that matched no row.
func (db *DB) whyNot(ctx context.Context, tx *sql.Tx, id, version int64, want review.Status) error {
	var cur int64
	var status string
	err := tx.QueryRowContext(ctx, `SELECT version, status FROM documents WHERE id = $1`, id).Scan(&cur, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return review.ErrNotFound
	case err != nil:
		return err
	case version >= 0 && cur != version:
		return fmt.Errorf("document %d is at version %d, the action was taken on version %d: %w", id, cur, version, review.ErrConflict)
	default:
		return fmt.Errorf("document %d is %s, not %s: %w", id, status, want, review.ErrConflict)
	}
}

// Claim gives a document in review to user for ttl, unless someone else holds an
// unexpired claim on it (ErrConflict). Claiming again extends one's own claim.
func (db *DB) Claim(ctx context.Context, id int64, user string, ttl time.Duration) error {
	t := db.now()
	res, err := db.db.ExecContext(ctx, `UPDATE documents SET claimed_by = $1, claimed_until = $2
		WHERE id = $3 AND status = $4 AND (claimed_by = '' OR claimed_by = $1 OR claimed_until IS NULL OR claimed_until < $5)`,
		user, t.Add(ttl), id, string(review.StatusInReview), t)
	if err != nil {
		return fmt.Errorf("sqlstore: claim document %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var by string
		var status string
		if err := db.db.QueryRowContext(ctx, `SELECT claimed_by, status FROM documents WHERE id = $1`, id).Scan(&by, &status); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: claim document %d: %w", id, review.ErrNotFound)
		}
		if status != string(review.StatusInReview) {
			return fmt.Errorf("sqlstore: claim document %d: it is %s, not in review: %w", id, status, review.ErrConflict)
		}
		return fmt.Errorf("sqlstore: claim document %d: %s is reviewing it: %w", id, by, review.ErrConflict)
	}
	return nil
}

// Release drops user's claim on a document.
func (db *DB) Release(ctx context.Context, id int64, user string) error {
	if _, err := db.db.ExecContext(ctx, `UPDATE documents SET claimed_by = '', claimed_until = NULL WHERE id = $1 AND claimed_by = $2`, id, user); err != nil {
		return fmt.Errorf("sqlstore: release document %d: %w", id, err)
	}
	return nil
}

// ClaimNext claims the most doubtful document in review that nobody else holds and
// returns its id; ErrNotFound when the queue is empty. Two reviewers asking at once
// never get the same document.
func (db *DB) ClaimNext(ctx context.Context, user string, ttl time.Duration) (int64, error) {
	for attempt := 0; attempt < 5; attempt++ {
		t := db.now()
		var id int64
		err := db.db.QueryRowContext(ctx, `SELECT id FROM documents WHERE status = $1
			AND (claimed_by = '' OR claimed_by = $2 OR claimed_until IS NULL OR claimed_until < $3)
			ORDER BY claimed_by = $2 DESC, doubt DESC, id LIMIT 1`, string(review.StatusInReview), user, t).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("sqlstore: next document to review: %w", review.ErrNotFound)
		}
		if err != nil {
			return 0, fmt.Errorf("sqlstore: next document to review: %w", err)
		}
		// The conditional update in Claim is what makes the claim exclusive; a lost
		// race just means: look again.
		if err := db.Claim(ctx, id, user, ttl); err == nil {
			return id, nil
		} else if !errors.Is(err, review.ErrConflict) {
			return 0, err
		}
	}
	return 0, fmt.Errorf("sqlstore: next document to review: too much contention: %w", review.ErrConflict)
}
