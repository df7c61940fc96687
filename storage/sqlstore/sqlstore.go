// Package sqlstore keeps papergate's service state (documents, pages, accounts, API
// tokens) and its durable job queue in SQL: an embedded SQLite file by default, or
// PostgreSQL when the DSN is a postgres:// URL. Schema migrations are embedded; jobs run
// on River (github.com/riverqueue/river), in the same database, so that queuing a job
// commits with the change that calls for it.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	_ "modernc.org/sqlite" // the embedded default: pure Go, no cgo
)

//go:embed migrations
var migrationsFS embed.FS

// Dialect is the SQL engine behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open service database.
type DB struct {
	// MaxAttempts is how often a failing job runs before its document is failed;
	// 0 means DefaultMaxAttempts. Set it before the first use.
	MaxAttempts int
	// AutoExport queues an export job with every verification and reopening
	// (export_queue.go). Set it before the first use.
	AutoExport bool

	dsn     string
	db      *sql.DB
	pool    *pgxpool.Pool // PostgreSQL only: for River's LISTEN connections
	dialect Dialect
	now     func() time.Time

	insertOnce   sync.Once
	insertClient *river.Client[*sql.Tx]
	insertErr    error
}

// Open opens (creating if needed) the database named by dsn: a postgres:// or
// postgresql:// URL, or otherwise a SQLite file path (an optional "sqlite:" prefix is
// dropped). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("sqlstore: connect to postgres %s: %w", redact(dsn), err)
		}
		return &DB{dsn: dsn, db: stdlib.OpenDBFromPool(pool), pool: pool, dialect: Postgres, now: now}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
	if path == "" {
		return nil, errors.New("sqlstore: empty database path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlstore: create database directory: %w", err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_time_format=sqlite&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// SQLite allows one writer; one connection avoids SQLITE_BUSY between River's
	// goroutines and ours (River's SQLite driver documents the same advice).
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	return &DB{dsn: dsn, db: db, dialect: SQLite, now: now}, nil
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// redact hides a password in a URL for messages.
func redact(dsn string) string {
	at := strings.Index(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	creds := dsn[scheme+3 : at]
	if i := strings.Index(creds, ":"); i >= 0 {
		return dsn[:scheme+3] + creds[:i] + ":***" + dsn[at:]
	}
	return dsn
}

// Dialect reports the SQL engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.db.Close()
	if db.pool != nil {
		db.pool.Close()
	}
	if err != nil {
		return fmt.Errorf("sqlstore: close: %w", err)
	}
	return nil
}

// Migrate brings the schema (papergate's tables and River's) up to date. It is safe
// to run from several processes at once: on PostgreSQL an advisory lock serializes
// them; SQLite's write lock does the same.
func (db *DB) Migrate(ctx context.Context) error {
	var unlock func()
	if db.dialect == Postgres {
		conn, err := db.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7431001)"); err != nil {
			conn.Close()
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
		unlock = func() {
			conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7431001)")
			conn.Close()
		}
		defer unlock()
	}
	if err := db.migrateOwn(ctx); err != nil {
		return err
	}
	if err := migrateRiver(ctx, db); err != nil {
		return fmt.Errorf("sqlstore: migrate job queue: %w", err)
	}
	return nil
}

func (db *DB) migrateOwn(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS papergate_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	dir := "migrations/" + string(db.dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: bad migration name %s", name)
		}
		body, err := migrationsFS.ReadFile(dir + "/" + name)
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM papergate_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("apply %s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO papergate_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				version, name, db.now().Format(time.RFC3339))
			return err
		}); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// QueryRow runs a read-only query, for tests and diagnostics that look at the
// database directly.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.db.QueryRowContext(ctx, query, args...)
}
