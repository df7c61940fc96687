package testenv

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultPostgresURL is the server Postgres uses when PAPERGATE_TEST_PG is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Postgres creates an empty database for the test on the server named by
// PAPERGATE_TEST_PG (a URL or keyword/value string; default DefaultPostgresURL) and
// returns its connection string. The database is dropped when the test ends, after
// the test's own cleanups, even if connections to it are still open. If the server
// is unreachable the test fails.
func Postgres(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dbURL, drop, err := createDatabase(ctx, postgresAdmin())
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return dbURL
}

// postgresAdmin is the connection string of the server tests use.
func postgresAdmin() string {
	if conn := os.Getenv("PAPERGATE_TEST_PG"); conn != "" {
		return conn
	}
	return DefaultPostgresURL
}

// createDatabase creates a database papergate_test_<random> through the admin
// connection string and returns a connection string for it and a func dropping it.
func createDatabase(ctx context.Context, admin string) (dbURL string, drop func(context.Context) error, err error) {
	name := "papergate_test_" + randHex(8)
	dbURL, err = withDatabase(admin, name)
	if err != nil {
		return "", nil, fmt.Errorf("PAPERGATE_TEST_PG: %w", err)
	}
	exec := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return fmt.Errorf("PostgreSQL at %s is unreachable (start it, or set PAPERGATE_TEST_PG): %w",
				redact(admin), err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		_, err = conn.Exec(ctx, sql)
		return err
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err := exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop = func(ctx context.Context) error {
		// FORCE ends sessions a test left open, such as a pool not yet closed.
		if err := exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	return dbURL, drop, nil
}

// withDatabase returns the connection string conn with its database replaced by name.
func withDatabase(conn, name string) (string, error) {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := url.Parse(conn)
		if err != nil {
			return "", err
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// Keyword/value form: a later keyword overrides an earlier one.
	return strings.TrimSpace(conn) + " dbname=" + name, nil
}

var dsnPassword = regexp.MustCompile(`password=('(\\.|[^'])*'|\S*)`)

// redact hides the password in a connection string for messages.
func redact(conn string) string {
	if u, err := url.Parse(conn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return dsnPassword.ReplaceAllString(conn, "password=xxxxx")
}
