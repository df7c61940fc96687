package exportdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"papergate/internal/testcorpus"
	"papergate/internal/testenv"
	"papergate/layout"
	"papergate/review"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Shutdown()
	os.Exit(code)
}

// truthReturns reads the fixed synthetic corpus (testdata/synth at the repository
// root) as verified returns with ids 1, 2, 3, …
func truthReturns(t testing.TB) ([]review.ExportReturn, []*layout.Return) {
	t.Helper()
	truths := testcorpus.Truths(t, "../..")
	var rets []review.ExportReturn
	for i, truth := range truths {
		rets = append(rets, exportReturn(int64(i+1), truth))
	}
	return rets, truths
}

// exportReturn makes a verified return from a truth return, as if a reviewer had
// typed every value.
func exportReturn(id int64, r *layout.Return) review.ExportReturn {
	er := review.ExportReturn{DocumentID: id, Status: review.StatusVerified, Version: 3, Unit: r.Unit,
		VerifiedBy: "li.na", VerifiedAt: time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		Sources: []string{fmt.Sprintf("%064d", id)}}
	for _, vals := range r.Forms {
		for fid, v := range vals {
			er.Values = append(er.Values, review.Value{FieldID: fid, Value: v, Confidence: 0.5, Source: review.SourceReviewer, UpdatedBy: "li.na"})
		}
	}
	review.SortReturns([]review.ExportReturn{er})
	return er
}

func open(t testing.TB, dsn string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn, layout.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func count(t testing.TB, db *DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestSchemaTypes: every field lands in a column of its type, with its label as the
// column comment, and the data dictionary holds every field and option.
func TestSchemaTypes(t *testing.T) {
	ctx := context.Background()
	db := open(t, testenv.Postgres(t))
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[layout.Type]string{layout.TypeTick: "integer", layout.TypeCode: "integer", layout.TypeInt: "bigint",
		layout.TypeDecimal: "numeric", layout.TypePercent: "numeric", layout.TypeCodes: "ARRAY/_int4", layout.TypeLinks: "ARRAY/_text",
		layout.TypeDate: "text", layout.TypeText: "text", layout.TypeName: "text", layout.TypePhone: "text", layout.TypeMobile: "text",
		layout.TypeEmail: "text", layout.TypeURL: "text", layout.TypeRegionCode: "text"}
	seen := map[layout.Type]bool{}
	n := 0
	for _, form := range layout.Default().Forms() {
		for _, f := range form.Definitions() {
			n++
			tbl, col := TableName(form.ID, f.Table), ColumnName(f)
			var dataType, udt, comment string
			err := db.pool.QueryRow(ctx, `SELECT c.data_type, c.udt_name, coalesce(col_description(to_regclass(c.table_name)::oid, c.ordinal_position), '')
				FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.column_name = $2`,
				tbl, col).Scan(&dataType, &udt, &comment)
			if err != nil {
				t.Fatalf("%s → %s.%s: %v", f.ID, tbl, col, err)
			}
			got := dataType
			if dataType == "ARRAY" {
				got += "/" + udt
			}
			if got != want[f.Type] {
				t.Errorf("%s → %s.%s is %s, want %s", f.ID, tbl, col, got, want[f.Type])
			}
			if !strings.Contains(comment, f.Label) || !strings.Contains(comment, f.ID) {
				t.Errorf("%s.%s comment %q does not give the label %q and id", tbl, col, comment, f.Label)
			}
			var dictCol, dictType string
			if err := db.pool.QueryRow(ctx, `SELECT column_name, type FROM dictionary WHERE field_id = $1`, f.ID).Scan(&dictCol, &dictType); err != nil ||
				dictCol != col || dictType != string(f.Type) {
				t.Errorf("dictionary row of %s: %s %s %v", f.ID, dictCol, dictType, err)
			}
			if got, want := count(t, db, `SELECT count(*) FROM dictionary_options WHERE field_id = $1`, f.ID), len(f.Options); got != want {
				t.Errorf("%s: %d options in the dictionary, want %d", f.ID, got, want)
			}
			seen[f.Type] = true
		}
	}
	for typ := range want {
		if !seen[typ] {
			t.Errorf("no field of type %s in the catalog to check", typ)
		}
	}
	if got := count(t, db, `SELECT count(*) FROM dictionary`); got != n {
		t.Errorf("dictionary has %d rows, want %d", got, n)
	}
	// Joining a code to its label works as the README shows.
	var label string
	if err := db.pool.QueryRow(ctx, `SELECT label FROM dictionary_options WHERE field_id = 'Q1.1' AND code = 1`).Scan(&label); err != nil || label != "是" {
		t.Errorf("Q1.1 option 1 = %q, %v", label, err)
	}
	// Migrating again is a no-op.
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPutReadBack: the typed tables give back exactly the values that went in, for
// every return of the synthetic corpus.
func TestPutReadBack(t *testing.T) {
	ctx := context.Background()
	db := open(t, testenv.Postgres(t))
	rets, truths := truthReturns(t)
	res, err := db.Put(ctx, rets)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != len(rets) || res.Unchanged != 0 {
		t.Errorf("put = %+v, want %d written", res, len(rets))
	}
	for i, truth := range truths {
		got, err := db.ReadReturn(ctx, rets[i].DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Unit != truth.Unit {
			t.Errorf("return %d: unit %+v, want %+v", i+1, got.Unit, truth.Unit)
		}
		diffReturns(t, fmt.Sprint("return ", i+1), got.Forms, truth.Forms)
	}
	var fields int
	for _, r := range rets {
		fields += len(r.Values)
	}
	if got := count(t, db, `SELECT count(*) FROM answers`); got != fields {
		t.Errorf("answers has %d rows, want %d", got, fields)
	}
	var src, by string
	var conf float64
	if err := db.pool.QueryRow(ctx, `SELECT source, updated_by, confidence FROM answers WHERE return_id = 1 AND field_id = 'Q3.region_code'`).Scan(&src, &by, &conf); err != nil ||
		src != "reviewer" || by != "li.na" || conf != 0.5 {
		t.Errorf("answer provenance: %s %s %v %v", src, by, conf, err)
	}
	var name *string
	var sources []string
	if err := db.pool.QueryRow(ctx, `SELECT unit_name, source_sha256 FROM returns WHERE return_id = 1`).Scan(&name, &sources); err != nil ||
		name == nil || *name == "" || len(sources) != 1 {
		t.Errorf("returns row: %v %v %v", name, sources, err)
	}
}

// diffReturns reports every field whose value differs.
func diffReturns(t *testing.T, what string, got, want map[string]layout.Values) {
	t.Helper()
	for form, wv := range want {
		for id, w := range wv {
			if g, ok := got[form][id]; !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("%s: %s = %#v (present %v), want %#v", what, id, g, ok, w)
			}
		}
		for id, g := range got[form] {
			if _, ok := wv[id]; !ok {
				t.Errorf("%s: unexpected %s = %#v", what, id, g)
			}
		}
	}
	for form := range got {
		if _, ok := want[form]; !ok {
			t.Errorf("%s: unexpected form %s", what, form)
		}
	}
}

// rowVersions is every row's xmin (the transaction that last wrote it) in the
// per-return tables: unchanged xmins mean nothing was rewritten.
func rowVersions(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tbl := range []string{"returns", "q1", "q2", "q3", "q3_t1", "q3_t2", "answers"} {
		rows, err := db.pool.Query(context.Background(), `SELECT ctid::text, xmin::text FROM `+pgx.Identifier{tbl}.Sanitize())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ctid, xmin string
			if err := rows.Scan(&ctid, &xmin); err != nil {
				t.Fatal(err)
			}
			out[tbl+ctid] = xmin
		}
		rows.Close()
	}
	return out
}

// TestReexportAndReverify: exporting the same returns again rewrites nothing; a
// return changed by a second verification is replaced, rows and all.
func TestReexportAndReverify(t *testing.T) {
	ctx := context.Background()
	db := open(t, testenv.Postgres(t))
	rets, truths := truthReturns(t)
	if _, err := db.Put(ctx, rets); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, db)
	logs := count(t, db, `SELECT count(*) FROM export_log`)
	res, err := db.Put(ctx, rets)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 0 || res.Unchanged != len(rets) {
		t.Errorf("second put = %+v, want all unchanged", res)
	}
	if after := rowVersions(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("re-export rewrote rows: %d row versions before, %d after", len(before), len(after))
	}
	if got := count(t, db, `SELECT count(*) FROM export_log`); got != logs {
		t.Errorf("re-export logged %d entries", got-logs)
	}

	// Reopened and verified again: a value corrected, a T1 column dropped.
	truth := truths[0]
	changed := *truth
	changed.Forms = map[string]layout.Values{}
	for form, vals := range truth.Forms {
		changed.Forms[form] = layout.Values{}
		for id, v := range vals {
			if strings.HasPrefix(id, "Q3.T1.") {
				if col, _, _ := strings.Cut(strings.TrimPrefix(id, "Q3.T1."), "."); col != "A" {
					continue
				}
			}
			changed.Forms[form][id] = v
		}
	}
	changed.Set("Q3.region_code", "990000")
	t1Before := count(t, db, `SELECT count(*) FROM q3_t1 WHERE return_id = 1`)
	r1 := exportReturn(1, &changed)
	r1.Version = 7
	res, err = db.Put(ctx, []review.ExportReturn{r1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 1 {
		t.Errorf("put after re-verification = %+v", res)
	}
	got, err := db.ReadReturn(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	diffReturns(t, "replaced return", got.Forms, changed.Forms)
	if n := count(t, db, `SELECT count(*) FROM q3_t1 WHERE return_id = 1`); n != 1 || t1Before < 1 {
		t.Errorf("q3_t1 rows of the replaced return: %d (before %d), want 1", n, t1Before)
	}
	if n := count(t, db, `SELECT count(*) FROM returns`); n != len(rets) {
		t.Errorf("%d returns after replacing one, want %d", n, len(rets))
	}
	if n := count(t, db, `SELECT count(*) FROM export_log WHERE return_id = 1 AND action = 'replace' AND document_version = 7`); n != 1 {
		t.Errorf("export log has %d replace entries", n)
	}

	// Withdrawn after being reopened: gone from every table.
	removed, err := db.Remove(ctx, nil, map[int64]bool{2: true, 3: true})
	if err != nil || removed != 1 {
		t.Fatalf("remove = %d, %v", removed, err)
	}
	for _, tbl := range []string{"returns", "q1", "q2", "q3", "q3_t1", "q3_t2", "answers"} {
		if n := count(t, db, `SELECT count(*) FROM `+tbl+` WHERE return_id = 1`); n != 0 {
			t.Errorf("%s still has %d rows of the withdrawn return", tbl, n)
		}
	}
}

// TestConcurrentPuts: several processes exporting the same returns at once leave
// each return exactly once.
func TestConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.Postgres(t)
	rets, _ := truthReturns(t)
	const n = 4
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = open(t, dsn)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	results := make([]review.SinkResult, n)
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = dbs[i].Put(ctx, rets)
		}()
	}
	wg.Wait()
	written := 0
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("put %d: %v", i, errs[i])
		}
		written += results[i].Written
	}
	if written != len(rets) {
		t.Errorf("%d returns written in all, want %d (each once)", written, len(rets))
	}
	db := dbs[0]
	if got := count(t, db, `SELECT count(*) FROM returns`); got != len(rets) {
		t.Errorf("%d returns, want %d", got, len(rets))
	}
	cols := 0
	for i := range rets {
		ret := rets[i].Return(layout.Default())
		t1, _ := layout.Default().Table("T1")
		cols += len(ret.Forms["Q3"].Columns(t1))
	}
	if got := count(t, db, `SELECT count(*) FROM q3_t1`); got != cols {
		t.Errorf("q3_t1 has %d rows, want %d", got, cols)
	}
}

// TestUnavailable: with the analysis database down, Put fails with ErrUnavailable;
// once it is up, the same export goes through.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	rets, _ := truthReturns(t)
	down := open(t, "postgres://postgres@127.0.0.1:1/nothing?connect_timeout=2")
	_, err := down.Put(ctx, rets)
	if !errors.Is(err, review.ErrUnavailable) {
		t.Fatalf("put to a closed port: %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "password") {
		t.Errorf("error shows a secret: %v", err)
	}
	up := open(t, testenv.Postgres(t))
	if res, err := up.Put(ctx, rets); err != nil || res.Written != len(rets) {
		t.Fatalf("put once up: %+v, %v", res, err)
	}
}

// TestSchemaMismatch: a column whose type no longer matches the forms (a field
// changed its type) is a clear error naming it, and nothing is written.
func TestSchemaMismatch(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.Postgres(t)
	db := open(t, dsn)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// As if the definitions had made Q1.4.b1 text when it was first exported.
	if _, err := db.pool.Exec(ctx, `ALTER TABLE q1 ALTER COLUMN q1_4_b1 TYPE text; DELETE FROM export_meta`); err != nil {
		t.Fatal(err)
	}
	rets, _ := truthReturns(t)
	_, err := open(t, dsn).Put(ctx, rets)
	if !errors.Is(err, ErrSchema) || errors.Is(err, review.ErrUnavailable) || !strings.Contains(err.Error(), "q1.q1_4_b1 (Q1.4.b1) is text, the forms make it bigint") {
		t.Fatalf("put = %v, want ErrSchema naming q1.q1_4_b1", err)
	}
	if n := count(t, db, `SELECT count(*) FROM returns`); n != 0 {
		t.Errorf("%d returns written despite the mismatch", n)
	}
	// A new field (a column missing) is added by the migration.
	if _, err := db.pool.Exec(ctx, `ALTER TABLE q1 ALTER COLUMN q1_4_b1 TYPE bigint USING q1_4_b1::bigint; ALTER TABLE q1 DROP COLUMN q1_4_b2`); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, dsn).Put(ctx, rets); err != nil {
		t.Fatalf("put after fixing the column: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM q1 WHERE q1_4_b2 IS NOT NULL`); n == 0 {
		t.Errorf("the dropped column was not added back and filled")
	}
}

// TestTableDropped: a table dropped behind the exporter's back (after this process
// migrated) fails one export and is recreated by the next.
func TestTableDropped(t *testing.T) {
	ctx := context.Background()
	db := open(t, testenv.Postgres(t))
	rets, _ := truthReturns(t)
	if _, err := db.Put(ctx, rets[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `DROP TABLE q3_t2; ALTER TABLE q1 DROP COLUMN q1_2`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Put(ctx, rets[1:]); err == nil {
		t.Fatal("put into a dropped table succeeded")
	}
	if res, err := db.Put(ctx, rets[1:]); err != nil || res.Written != len(rets)-1 {
		t.Fatalf("put after the table was dropped: %+v, %v", res, err)
	}
	if n := count(t, db, `SELECT count(*) FROM q3_t2`); n == 0 {
		t.Error("q3_t2 was not recreated and filled")
	}
	// The first return's q1 row is back in full once it is exported again.
	r := rets[0]
	r.VerifiedBy = "someone else"
	if _, err := db.Put(ctx, []review.ExportReturn{r}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM q1 WHERE q1_2 IS NOT NULL`); n != 1 {
		t.Errorf("q1.q1_2 not restored: %d rows", n)
	}
}
