package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"papergate/review"
)

// Users lists every account by name.
func (db *DB) Users(ctx context.Context) ([]review.User, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name, role, password_hash, disabled, created_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: users: %w", err)
	}
	defer rows.Close()
	var out []review.User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: users: %w", err)
	}
	return out, nil
}

// SetUserDisabled disables or enables an account; an error wrapping ErrNotFound if
// there is none. Either way the account's sessions end, in the same transaction.
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	if err := db.updateUser(ctx, id, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, id); err != nil {
		return fmt.Errorf("sqlstore: disable user %d: %w", id, err)
	}
	return nil
}

// SetPasswordHash replaces an account's password hash and ends its sessions.
func (db *DB) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	if err := db.updateUser(ctx, id, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id); err != nil {
		return fmt.Errorf("sqlstore: set password of user %d: %w", id, err)
	}
	return nil
}

func (db *DB) updateUser(ctx context.Context, id int64, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return review.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
}
