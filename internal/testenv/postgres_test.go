package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPostgres(t *testing.T) {
	var name string
	t.Run("create", func(t *testing.T) {
		dbURL := Postgres(t)
		conn, err := pgx.Connect(t.Context(), dbURL)
		if err != nil {
			t.Fatalf("connect to the new database: %v", err)
		}
		// Left open on purpose: the cleanup must drop the database regardless.
		if err := conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "papergate_test_") {
			t.Errorf("database %q lacks the papergate_test_ prefix", name)
		}
		var tables int
		if err := conn.QueryRow(t.Context(),
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if got, want := tables, 0; got != want {
			t.Errorf("new database has %d tables, want %d", got, want)
		}
		if other := Postgres(t); other == dbURL {
			t.Errorf("two calls returned the same database %s", dbURL)
		}
	})
	if name == "" {
		t.FailNow()
	}

	conn, err := pgx.Connect(t.Context(), postgresAdmin())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(t.Context(),
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s survived its test", name)
	}
}

func TestCreateDatabaseUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback refuses connections at once.
	admin := "postgres://someone:s3cret@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=5"
	_, _, err := createDatabase(ctx, admin)
	if err == nil {
		t.Fatal("createDatabase on an unreachable server succeeded")
	}
	t.Log(err)
	for _, want := range []string{"unreachable", "127.0.0.1:1", "PAPERGATE_TEST_PG"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows the password", err)
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		conn, want string
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
			"postgres://postgres@127.0.0.1:5432/db1?sslmode=disable"},
		{"postgresql://u:p@host/", "postgresql://u:p@host/db1"},
		{"postgres://host", "postgres://host/db1"},
		{"host=127.0.0.1 user=postgres dbname=postgres", "host=127.0.0.1 user=postgres dbname=postgres dbname=db1"},
	}
	for _, tc := range tests {
		t.Run(tc.conn, func(t *testing.T) {
			got, err := withDatabase(tc.conn, "db1")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("withDatabase(%q) = %q, want %q", tc.conn, got, tc.want)
			}
			cfg, err := pgx.ParseConfig(got)
			if err != nil {
				t.Fatalf("result does not parse: %v", err)
			}
			if got, want := cfg.Database, "db1"; got != want {
				t.Errorf("parsed database = %q, want %q", got, want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		conn, want string
	}{
		{"postgres://u:secret@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"host=h password=secret user=u", "host=h password=xxxxx user=u"},
		{`host=h password='se cret' user=u`, "host=h password=xxxxx user=u"},
	}
	for _, tc := range tests {
		t.Run(tc.conn, func(t *testing.T) {
			if got := redact(tc.conn); got != tc.want {
				t.Errorf("redact(%q) = %q, want %q", tc.conn, got, tc.want)
			}
		})
	}
}
