package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"papergate/review"
)

func scanUser(s scanner) (review.User, string, error) {
	var u review.User
	var role, hash string
	err := s.Scan(&u.ID, &u.Name, &role, &hash, &u.Disabled, &u.CreatedAt)
	u.Role = review.Role(role)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, hash, err
}

// CreateUser adds an account with a bcrypt password hash. A taken name gives an
// error wrapping review.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, name string, role review.Role, passwordHash string) (review.User, error) {
	if !role.Valid() {
		return review.User{}, fmt.Errorf("sqlstore: create user: unknown role %q", role)
	}
	var id int64
	err := db.db.QueryRowContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO NOTHING RETURNING id`, name, string(role), passwordHash, db.now()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return review.User{}, fmt.Errorf("sqlstore: create user %q: name taken: %w", name, review.ErrConflict)
	}
	if err != nil {
		return review.User{}, fmt.Errorf("sqlstore: create user %q: %w", name, err)
	}
	u, _, err := db.UserByName(ctx, name)
	return u, err
}

// UserByName returns an account and its password hash.
func (db *DB) UserByName(ctx context.Context, name string) (review.User, string, error) {
	u, hash, err := scanUser(db.db.QueryRowContext(ctx, `SELECT id, name, role, password_hash, disabled, created_at FROM users WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return review.User{}, "", fmt.Errorf("sqlstore: user %q: %w", name, review.ErrNotFound)
	}
	if err != nil {
		return review.User{}, "", fmt.Errorf("sqlstore: user %q: %w", name, err)
	}
	return u, hash, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: count users: %w", err)
	}
	return n, nil
}

// CreateToken makes a new API token for a user and returns it; only its hash is kept.
func (db *DB) CreateToken(ctx context.Context, userID int64) (string, error) {
	token := review.NewSecret("pgt_", 32)
	if _, err := db.db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)`,
		userID, review.TokenHash(token), db.now()); err != nil {
		return "", fmt.Errorf("sqlstore: create token: %w", err)
	}
	return token, nil
}

// UserByToken returns the enabled account an API token belongs to.
func (db *DB) UserByToken(ctx context.Context, token string) (review.User, error) {
	if !strings.HasPrefix(token, "pgt_") {
		return review.User{}, fmt.Errorf("sqlstore: token: %w", review.ErrNotFound)
	}
	u, _, err := scanUser(db.db.QueryRowContext(ctx, `SELECT u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, review.TokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return review.User{}, fmt.Errorf("sqlstore: token: %w", review.ErrNotFound)
	}
	if err != nil {
		return review.User{}, fmt.Errorf("sqlstore: token: %w", err)
	}
	if u.Disabled {
		return review.User{}, fmt.Errorf("sqlstore: token of disabled user %q: %w", u.Name, review.ErrNotFound)
	}
	return u, nil
}
