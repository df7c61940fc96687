package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"papergate/review"
)

// Session is a browser session of the review UI, stored by the SHA-256 of its secret.
type Session struct {
	Hash      string // hex SHA-256 of the cookie's secret
	User      review.User
	CSRF      string // the token forms and state-changing requests must send back
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute expiry
}

// CreateSession stores a new session for s.User.ID.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	if _, err := db.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.Hash, s.User.ID, s.CSRF, s.CreatedAt.UTC(), s.LastSeen.UTC(), s.ExpiresAt.UTC()); err != nil {
		return fmt.Errorf("sqlstore: create session: %w", err)
	}
	return nil
}

// Session returns the session with that hash and its account; an error wrapping
// review.ErrNotFound if there is none. Expiry is the caller's to check.
func (db *DB) Session(ctx context.Context, hash string) (Session, error) {
	var s Session
	var role string
	err := db.db.QueryRowContext(ctx, `SELECT s.id_hash, s.csrf, s.created_at, s.last_seen, s.expires_at,
		u.id, u.name, u.role, u.disabled, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, hash).Scan(
		&s.Hash, &s.CSRF, &s.CreatedAt, &s.LastSeen, &s.ExpiresAt, &s.User.ID, &s.User.Name, &role, &s.User.Disabled, &s.User.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("sqlstore: session: %w", review.ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("sqlstore: session: %w", err)
	}
	s.User.Role = review.Role(role)
	s.CreatedAt, s.LastSeen, s.ExpiresAt, s.User.CreatedAt = s.CreatedAt.UTC(), s.LastSeen.UTC(), s.ExpiresAt.UTC(), s.User.CreatedAt.UTC()
	return s, nil
}

// TouchSession records that the session was used at t (for the idle timeout).
func (db *DB) TouchSession(ctx context.Context, hash string, t time.Time) error {
	if _, err := db.db.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE id_hash = $2`, t.UTC(), hash); err != nil {
		return fmt.Errorf("sqlstore: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (log out).
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of an account (disabled, password reset).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("sqlstore: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle since
// before idleSince.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen < $2`, now.UTC(), idleSince.UTC()); err != nil {
		return fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	return nil
}
