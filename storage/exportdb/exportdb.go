// Package exportdb is the analysis database: verified returns exported to PostgreSQL
// as typed tables analysts query and join, created and migrated from the form
// definitions (README.md describes the schema and the column names). It implements
// review.ExportSink.
package exportdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"papergate/layout"
	"papergate/review"
)

// ErrSchema: the analysis database has a column whose type the form definitions
// no longer allow (a field changed its type). The message says which and what to do.
var ErrSchema = errors.New("analysis schema does not match the form definitions")

// lockKey is the advisory lock that serializes migrations and exports on one
// analysis database, across processes.
const lockKey = 7431006

var _ review.ExportSink = (*DB)(nil)

// DB is an analysis database.
type DB struct {
	pool   *pgxpool.Pool
	cat    *layout.Catalog
	schema *schema
	target string
	now    func() time.Time

	mu       sync.Mutex
	migrated bool
	recheck  bool // a table or column went missing: migrate without trusting export_meta
}

// Open prepares the analysis database at dsn (a postgres:// URL; add
// ?search_path=NAME to keep the tables in a schema of their own). It does not
// connect: a database that is down makes Put fail with review.ErrUnavailable, and a
// later call succeeds once it is up. The schema is created or migrated on first use.
func Open(ctx context.Context, dsn string, cat *layout.Catalog) (*DB, error) {
	if cat == nil {
		cat = layout.Default()
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, fmt.Errorf("exportdb: %q is not a postgres:// URL", redact(dsn))
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("exportdb: %s: %w", redact(dsn), err)
	}
	cfg.MaxConns = 4
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("exportdb: %s: %w", redact(dsn), err)
	}
	s, err := buildSchema(cat)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{pool: pool, cat: cat, schema: s, target: redact(dsn), now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the connections.
func (db *DB) Close() { db.pool.Close() }

// Target names the database without its password.
func (db *DB) Target() string { return db.target }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return db.wrap("ping", err)
	}
	return nil
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "(unparseable URL)"
}

// schemaGone is a server error saying a table or column is missing: someone dropped
// it since this process migrated. The next call migrates again.
func (db *DB) schemaGone(err error) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "42703") {
		db.mu.Lock()
		db.migrated, db.recheck = false, true
		db.mu.Unlock()
	}
}

// wrap prefixes err; errors that are not the server's answer (refused, reset, timed
// out) also wrap review.ErrUnavailable, so that the caller retries later.
func (db *DB) wrap(what string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) || errors.Is(err, ErrSchema) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("exportdb: %s: %w", what, err)
	}
	return fmt.Errorf("exportdb: %s: %s: %w: %w", what, db.target, review.ErrUnavailable, err)
}

// inTx runs fn in a transaction holding the export lock.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
			return err
		}
		return fn(tx)
	})
}

// ensure migrates once per process.
func (db *DB) ensure(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.migrated {
		return nil
	}
	if err := db.migrate(ctx, db.recheck); err != nil {
		return err
	}
	db.migrated, db.recheck = true, false
	return nil
}

// Put writes returns: a new return is inserted, a changed one (reopened and verified
// again) replaced, each with every row of it in the same transaction; an unchanged one
// is not touched. Concurrent Puts queue on an advisory lock, and every table is keyed
// by return, so nothing is duplicated.
func (db *DB) Put(ctx context.Context, rets []review.ExportReturn) (review.SinkResult, error) {
	var res review.SinkResult
	if err := db.ensure(ctx); err != nil {
		return res, err
	}
	if len(rets) == 0 {
		return res, nil
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		res = review.SinkResult{}
		ids := make([]int64, len(rets))
		for i, r := range rets {
			ids[i] = r.DocumentID
		}
		have := map[int64]string{}
		rows, err := tx.Query(ctx, `SELECT return_id, fingerprint FROM returns WHERE return_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var fp string
			if err := rows.Scan(&id, &fp); err != nil {
				rows.Close()
				return err
			}
			have[id] = fp
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var changed []review.ExportReturn
		var replaced []int64
		fps := map[int64]string{}
		for _, r := range rets {
			fp := r.Fingerprint()
			old, ok := have[r.DocumentID]
			switch {
			case ok && old == fp:
				res.Unchanged++
				continue
			case ok:
				replaced = append(replaced, r.DocumentID)
			}
			fps[r.DocumentID] = fp
			changed = append(changed, r)
		}
		if len(changed) == 0 {
			return nil
		}
		if len(replaced) > 0 {
			// Every per-return table references returns ON DELETE CASCADE.
			if _, err := tx.Exec(ctx, `DELETE FROM returns WHERE return_id = ANY($1)`, replaced); err != nil {
				return err
			}
		}
		if err := db.copyReturns(ctx, tx, changed, fps, replaced); err != nil {
			return err
		}
		res.Written = len(changed)
		return nil
	})
	if err != nil {
		db.schemaGone(err)
		return review.SinkResult{}, db.wrap("put", err)
	}
	return res, nil
}

// copyReturns inserts the rows of returns (none of which is in the database) with COPY.
func (db *DB) copyReturns(ctx context.Context, tx pgx.Tx, rets []review.ExportReturn, fps map[int64]string, replaced []int64) error {
	t := db.now()
	isReplaced := map[int64]bool{}
	for _, id := range replaced {
		isReplaced[id] = true
	}
	var retRows, logRows, answerRows [][]any
	tableRows := map[string][][]any{}
	for i := range rets {
		r := &rets[i]
		ret := r.Return(db.cat)
		var forms []string
		for _, f := range db.cat.Forms() {
			if _, ok := ret.Forms[f.ID]; ok {
				forms = append(forms, f.ID)
			}
		}
		var verifiedAt any
		if !r.VerifiedAt.IsZero() {
			verifiedAt = r.VerifiedAt
		}
		retRows = append(retRows, []any{r.DocumentID, r.Unit.RegionCode, string(r.Unit.Level), nullString(r.UnitName()), forms,
			r.VerifiedBy, verifiedAt, r.Sources, r.Version, fps[r.DocumentID], t})
		action := "insert"
		if isReplaced[r.DocumentID] {
			action = "replace"
		}
		logRows = append(logRows, []any{t, r.DocumentID, action, r.Version, fps[r.DocumentID]})
		for _, st := range db.schema.Tables {
			vals, ok := ret.Forms[st.Form]
			if !ok {
				continue
			}
			if st.layout == nil {
				row := []any{r.DocumentID}
				for _, c := range st.Columns {
					v, err := sqlValue(c.field, vals[c.FieldID])
					if err != nil {
						return err
					}
					row = append(row, v)
				}
				tableRows[st.Name] = append(tableRows[st.Name], row)
				continue
			}
			for pos, col := range vals.Columns(st.layout) {
				row := []any{r.DocumentID, col, pos + 1}
				for _, c := range st.Columns {
					id := strings.Replace(c.FieldID, layout.ColumnPlaceholder, col, 1)
					v, err := sqlValue(c.field, vals[id])
					if err != nil {
						return err
					}
					row = append(row, v)
				}
				tableRows[st.Name] = append(tableRows[st.Name], row)
			}
		}
		for _, v := range r.Values {
			if _, err := db.cat.Field(v.FieldID); err != nil {
				continue // a field no longer in the forms
			}
			var val any
			if v.Value != nil {
				b, err := json.Marshal(v.Value)
				if err != nil {
					return fmt.Errorf("value of %s: %w", v.FieldID, err)
				}
				val = string(b)
			}
			answerRows = append(answerRows, []any{r.DocumentID, v.FieldID, val, v.Confidence, string(v.Source), v.UpdatedBy})
		}
	}
	cp := func(name string, cols []string, rows [][]any) error {
		if len(rows) == 0 {
			return nil
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy into %s: %w", name, err)
		}
		return nil
	}
	if err := cp("returns", []string{"return_id", "region_code", "level", "unit_name", "forms", "verified_by", "verified_at",
		"source_sha256", "document_version", "fingerprint", "exported_at"}, retRows); err != nil {
		return err
	}
	for _, st := range db.schema.Tables {
		cols := []string{"return_id"}
		if st.layout != nil {
			cols = append(cols, "system", "position")
		}
		for _, c := range st.Columns {
			cols = append(cols, c.Name)
		}
		if err := cp(st.Name, cols, tableRows[st.Name]); err != nil {
			return err
		}
	}
	if err := cp("answers", []string{"return_id", "field_id", "value", "confidence", "source", "updated_by"}, answerRows); err != nil {
		return err
	}
	return cp("export_log", []string{"at", "return_id", "action", "document_version", "fingerprint"}, logRows)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sqlValue is a typed value as its column takes it.
func sqlValue(f *layout.Field, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64, float64, string:
		return x, nil
	case int:
		return int64(x), nil
	case []int:
		out := make([]int32, len(x))
		for i, n := range x {
			out[i] = int32(n)
		}
		return out, nil
	case []string:
		return x, nil
	}
	return nil, fmt.Errorf("exportdb: field %s: unexpected value %v (%T)", f.ID, v, v)
}

// Remove withdraws returns: those with the given ids, or, with keep non-nil, every
// return not in keep. All their rows go in one transaction; the export log says so.
func (db *DB) Remove(ctx context.Context, ids []int64, keep map[int64]bool) (int, error) {
	if err := db.ensure(ctx); err != nil {
		return 0, err
	}
	n := 0
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		n = 0
		if keep != nil {
			rows, err := tx.Query(ctx, `SELECT return_id FROM returns`)
			if err != nil {
				return err
			}
			ids = nil
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				if !keep[id] {
					ids = append(ids, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `DELETE FROM returns WHERE return_id = ANY($1) RETURNING return_id, document_version`, ids)
		if err != nil {
			return err
		}
		var logRows [][]any
		t := db.now()
		for rows.Next() {
			var id, version int64
			if err := rows.Scan(&id, &version); err != nil {
				rows.Close()
				return err
			}
			logRows = append(logRows, []any{t, id, "withdraw", version, ""})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n = len(logRows)
		if n == 0 {
			return nil
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"export_log"}, []string{"at", "return_id", "action", "document_version", "fingerprint"},
			pgx.CopyFromRows(logRows))
		return err
	})
	if err != nil {
		db.schemaGone(err)
		return 0, db.wrap("remove", err)
	}
	return n, nil
}
