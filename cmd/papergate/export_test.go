package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"papergate/internal/testenv"
	"papergate/layout"
	"papergate/review"
	"papergate/storage/exportdb"
	"papergate/storage/exportfile"
)

// synthCase is one return of the fixed corpus in testdata/synth.
type synthCase struct {
	name  string
	pdf   []byte
	truth *layout.Return
}

func synthCorpus(t *testing.T, names ...string) []synthCase {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "synth")
	if len(names) == 0 {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.truth.json"))
		for _, p := range paths {
			names = append(names, strings.TrimSuffix(filepath.Base(p), ".truth.json"))
		}
		sort.Strings(names)
	}
	var out []synthCase
	for _, n := range names {
		pdf, err := os.ReadFile(filepath.Join(dir, n+".pdf"))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, n+".truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		truth, err := layout.Default().DecodeReturn(data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, synthCase{n, pdf, truth})
	}
	return out
}

// call sends a JSON API request and returns the status and raw body.
func call(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

type apiDoc struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Version int64  `json:"version"`
	Values  map[string]struct {
		Value json.RawMessage `json:"value"`
	} `json:"values"`
}

func getDoc(t *testing.T, base, token string, id int64) apiDoc {
	t.Helper()
	status, body := call(t, "GET", fmt.Sprintf("%s/api/v1/documents/%d", base, id), token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET document %d: %d %s", id, status, body)
	}
	var d apiDoc
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) waitStatus(id int64, want review.Status, timeout time.Duration) {
	e.t.Helper()
	waitFor(e.t, fmt.Sprintf("document %d to be %s", id, want), timeout, func() bool {
		d, err := e.db.Document(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if d.Status == review.StatusFailed {
			e.t.Fatalf("document %d failed: %s", id, d.FailReason)
		}
		return d.Status == want
	})
}

// uploadSynth uploads the corpus with its units and waits until each is split.
func (e *env) uploadSynth(base, token string, cases []synthCase) []int64 {
	t := e.t
	var ids []int64
	for _, c := range cases {
		status, doc := upload(t, base, token, c.name+".pdf", c.pdf,
			map[string]string{"unit": c.truth.Unit.RegionCode, "level": string(c.truth.Unit.Level)})
		if status != http.StatusCreated {
			t.Fatalf("upload %s: %d %v", c.name, status, doc)
		}
		ids = append(ids, int64(doc["id"].(float64)))
	}
	return ids
}

// correctToTruth sends, as the reviewer, every truth value that the document does
// not hold already, then verifies the return through the API. It returns how many
// values had to be corrected.
func correctToTruth(t *testing.T, base, token string, id int64, truth *layout.Return) int {
	t.Helper()
	d := getDoc(t, base, token, id)
	changes := map[string]any{}
	for _, vals := range truth.Forms {
		for fid, v := range vals {
			want, _ := json.Marshal(v)
			if cur, ok := d.Values[fid]; ok && jsonEqual(cur.Value, want) {
				continue
			}
			if _, ok := d.Values[fid]; !ok && v == nil {
				continue
			}
			changes[fid] = v
		}
	}
	// A value recognition read in a column or field the truth does not have.
	for fid, cur := range d.Values {
		if truth.Value(fid) == nil && !jsonEqual(cur.Value, []byte("null")) {
			changes[fid] = nil
		}
	}
	version := d.Version
	if len(changes) > 0 {
		status, body := call(t, "PATCH", fmt.Sprintf("%s/api/v1/documents/%d/values", base, id), token,
			map[string]any{"version": version, "values": changes})
		if status != http.StatusOK {
			t.Fatalf("PATCH document %d: %d %s", id, status, body)
		}
		var res struct {
			Version int64 `json:"version"`
		}
		json.Unmarshal(body, &res)
		version = res.Version
	}
	status, body := call(t, "POST", fmt.Sprintf("%s/api/v1/documents/%d/verify", base, id), token, map[string]any{"version": version})
	if status != http.StatusOK {
		t.Fatalf("verify document %d: %d %s", id, status, body)
	}
	return len(changes)
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if len(bytes.TrimSpace(a)) == 0 {
		a = []byte("null")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// checkAnalysis queries the analysis tables and compares each return with its truth,
// value for value.
func checkAnalysis(t *testing.T, dsn string, ids []int64, cases []synthCase) {
	t.Helper()
	ctx := context.Background()
	adb, err := exportdb.Open(ctx, dsn, layout.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	for i, id := range ids {
		got, err := adb.ReadReturn(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", cases[i].name, err)
		}
		want := cases[i].truth
		if got.Unit != want.Unit {
			t.Errorf("%s: unit %+v, want %+v", cases[i].name, got.Unit, want.Unit)
		}
		n := 0
		for form, wv := range want.Forms {
			for fid, w := range wv {
				n++
				if g, ok := got.Forms[form][fid]; !ok || !reflect.DeepEqual(g, w) {
					t.Errorf("%s: %s = %#v, want %#v", cases[i].name, fid, g, w)
				}
			}
			if len(got.Forms[form]) != len(wv) {
				t.Errorf("%s: form %s has %d values in the analysis tables, want %d", cases[i].name, form, len(got.Forms[form]), len(wv))
			}
		}
		if len(got.Forms) != len(want.Forms) {
			t.Errorf("%s: forms %d, want %d", cases[i].name, len(got.Forms), len(want.Forms))
		}
		t.Logf("%s: %d values equal to the truth in the analysis tables", cases[i].name, n)
	}
}

// TestExportReviewedReturns: the corpus is uploaded and split, put into review
// without values (recognition is not the point here), the reviewer types every truth
// value through the API and verifies; the automatic export writes each return to the
// analysis database, where SQL gives back exactly the truth. Then: the CSV and XLSX
// downloads (supervisors only), a CLI export that changes nothing, a reopened return
// withdrawn and, verified again with a correction, replaced.
func TestExportReviewedReturns(t *testing.T) {
	for _, b := range []backend{embedded, scaled} {
		t.Run(string(b), func(t *testing.T) {
			e := newEnv(t, b)
			analysis := testenv.Postgres(t)
			t.Setenv("PAPERGATE_EXPORT_TO", analysis)
			base, _ := e.startServe()
			clerk := e.token("clerk1", review.RoleClerk)
			reviewer := e.token("rev1", review.RoleReviewer)
			super := e.token("sup1", review.RoleSupervisor)
			cases := synthCorpus(t)
			ids := e.uploadSynth(base, clerk, cases)
			ctx := context.Background()
			for i, id := range ids {
				e.waitStatus(id, review.StatusRecognizing, 2*time.Minute)
				// No recognizer: an empty recognition puts the return into review.
				if err := e.db.SaveRecognition(ctx, id, review.RecognizedDocument{}); err != nil {
					t.Fatal(err)
				}
				if n := correctToTruth(t, base, reviewer, id, cases[i].truth); n == 0 {
					t.Fatalf("%s: nothing typed", cases[i].name)
				}
			}
			for _, id := range ids {
				e.waitStatus(id, review.StatusExported, time.Minute)
			}
			checkAnalysis(t, analysis, ids, cases)

			// Plain SQL, as an analyst writes it: a join over the return table and a
			// code joined to its label through the data dictionary.
			conn, err := pgx.Connect(ctx, analysis)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			for i, id := range ids {
				var region, province string
				var label *string
				err := conn.QueryRow(ctx, `SELECT r.region_code, q3.q3_province, o.label
					FROM returns r JOIN q3 USING (return_id)
					LEFT JOIN q1 USING (return_id)
					LEFT JOIN dictionary_options o ON o.field_id = 'Q1.1' AND o.code = q1.q1_1
					WHERE r.return_id = $1`, id).Scan(&region, &province, &label)
				truth := cases[i].truth
				if err != nil || region != truth.Unit.RegionCode || province != truth.Value("Q3.province") {
					t.Errorf("%s: SQL gives %s %s (%v), want %s %v", cases[i].name, region, province, err, truth.Unit.RegionCode, truth.Value("Q3.province"))
				}
				if q11, ok := truth.Value("Q1.1").(int64); ok {
					f, _ := layout.Default().Field("Q1.1")
					if o, _ := f.Option(int(q11)); label == nil || *label != o.Label {
						t.Errorf("%s: Q1.1 label %v, want %s", cases[i].name, label, o.Label)
					}
				}
			}
			adb, err := exportdb.Open(ctx, analysis, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer adb.Close()

			// Downloads: supervisors only; the CSV equals the file writer's output.
			if status, _ := call(t, "GET", base+"/api/v1/exports/csv", reviewer, nil); status != http.StatusForbidden {
				t.Errorf("reviewer GET /exports/csv = %d, want 403", status)
			}
			status, csvBody := call(t, "GET", base+"/api/v1/exports/csv", super, nil)
			if status != http.StatusOK || !bytes.HasPrefix(csvBody, []byte(exportfile.BOM+"unit.region_code,unit.level,Q1.1,")) {
				t.Fatalf("GET /exports/csv = %d %.200s", status, csvBody)
			}
			if lines := bytes.Count(csvBody, []byte("\r\n")); lines != len(cases)+1 {
				t.Errorf("CSV has %d lines, want %d", lines, len(cases)+1)
			}
			for _, c := range cases {
				if !bytes.Contains(csvBody, []byte("\r\n"+c.truth.Unit.RegionCode+","+string(c.truth.Unit.Level)+",")) {
					t.Errorf("CSV has no row for %s", c.truth.Unit.RegionCode)
				}
			}
			if status, xlsx := call(t, "GET", base+"/api/v1/exports/xlsx", super, nil); status != http.StatusOK || !bytes.HasPrefix(xlsx, []byte("PK")) {
				t.Errorf("GET /exports/xlsx = %d", status)
			}
			if status, _ := call(t, "GET", base+"/api/v1/exports/pdf", super, nil); status != http.StatusNotFound {
				t.Errorf("GET /exports/pdf = %d, want 404", status)
			}
			file := filepath.Join(e.dir, "returns.csv")
			e.mustRun("export", "--to", file)
			if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, csvBody) {
				t.Errorf("papergate export --to %s differs from the download (%v)", file, err)
			}

			// Exporting again changes nothing.
			var line exportLine
			if err := json.Unmarshal([]byte(e.mustRun("export", "--json")), &line); err != nil {
				t.Fatal(err)
			}
			if line.Returns != len(cases) || line.Written != 0 || line.Unchanged != len(cases) || line.Removed != 0 {
				t.Errorf("second export = %+v, want all unchanged", line)
			}

			// Reopened: withdrawn by the automatic export.
			first := ids[0]
			if status, body := call(t, "POST", fmt.Sprintf("%s/api/v1/documents/%d/reopen", base, first), super, map[string]string{"reason": "typo"}); status != http.StatusOK {
				t.Fatalf("reopen: %d %s", status, body)
			}
			waitFor(t, "the reopened return to be withdrawn", time.Minute, func() bool {
				_, err := adb.ReadReturn(ctx, first)
				return err != nil
			})
			// Verified again with a correction: replaced.
			fixed := *cases[0].truth
			fixed.Forms = map[string]layout.Values{}
			for k, v := range cases[0].truth.Forms {
				fixed.Forms[k] = layout.Values{}
				for id, x := range v {
					fixed.Forms[k][id] = x
				}
			}
			fixed.Set("Q3.province", "测试省")
			if n := correctToTruth(t, base, reviewer, first, &fixed); n != 1 {
				t.Errorf("%d corrections, want 1", n)
			}
			e.waitStatus(first, review.StatusExported, time.Minute)
			checkAnalysis(t, analysis, ids, append([]synthCase{{cases[0].name, nil, &fixed}}, cases[1:]...))
		})
	}
}

// TestExportAnalysisDown: with the analysis database unreachable, verification still
// works, the export job retries and nothing is marked exported, and `papergate
// export` fails clearly; once the database is reachable the queued job delivers it.
func TestExportAnalysisDown(t *testing.T) {
	e := newEnv(t, embedded)
	t.Setenv("PAPERGATE_EXPORT_TO", "postgres://papergate@127.0.0.1:1/analysis?connect_timeout=2")
	base, stop := e.startServe()
	clerk := e.token("clerk1", review.RoleClerk)
	reviewer := e.token("rev1", review.RoleReviewer)
	cases := synthCorpus(t, "r0002")
	ids := e.uploadSynth(base, clerk, cases)
	ctx := context.Background()
	e.waitStatus(ids[0], review.StatusRecognizing, 2*time.Minute)
	if err := e.db.SaveRecognition(ctx, ids[0], truthRecognition(t, "r0002")); err != nil {
		t.Fatal(err)
	}
	correctToTruth(t, base, reviewer, ids[0], cases[0].truth)
	var attempts int
	waitFor(t, "the export job to fail at least twice", time.Minute, func() bool {
		e.db.QueryRow(ctx, `SELECT coalesce(max(attempt), 0) FROM river_job WHERE kind = 'export' AND state = 'retryable'`).Scan(&attempts)
		return attempts >= 2
	})
	if d, _ := e.db.Document(ctx, ids[0]); d.Status != review.StatusVerified {
		t.Fatalf("document is %s while the analysis database is down, want verified", d.Status)
	}
	_, errOut, code := e.run("export")
	if code != 1 || !strings.Contains(errOut, "unavailable") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("export to a database that is down: exit %d, %q", code, errOut)
	}
	if d, _ := e.db.Document(ctx, ids[0]); d.Status != review.StatusVerified {
		t.Fatalf("document is %s after a failed export, want verified", d.Status)
	}
	stop()

	// The database is back (here: the right address); the waiting job goes through.
	analysis := testenv.Postgres(t)
	t.Setenv("PAPERGATE_EXPORT_TO", analysis)
	e.startServe()
	e.waitStatus(ids[0], review.StatusExported, time.Minute)
	checkAnalysis(t, analysis, ids, cases)
}

// TestExportUsage: bad command lines are usage errors.
func TestExportUsage(t *testing.T) {
	e := newEnv(t, embedded)
	t.Setenv("PAPERGATE_EXPORT_TO", "")
	for _, args := range [][]string{
		{"export", "--format", "postgres"},
		{"export", "--format", "pdf", "--to", "x.pdf"},
		{"export", "--format", "postgres", "--to", "x.csv"},
		{"export", "--format", "csv", "--to", "postgres://u@h/db"},
		{"export", "--to", "x.csv", "extra"},
	} {
		if _, errOut, code := e.run(args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
		}
	}
	// With no configuration, the export is a file under the data directory.
	for _, format := range []string{"csv", "xlsx"} {
		args := []string{"export"}
		if format == "xlsx" {
			args = append(args, "--format", "xlsx")
		}
		out, errOut, code := e.run(args...)
		path := filepath.Join(e.dir, "data", "exports", "returns."+format)
		if _, err := os.Stat(path); code != 0 || err != nil || !strings.Contains(out, path) {
			t.Errorf("%v: exit %d %s%s; %s: %v", args, code, out, errOut, path, err)
		}
	}
	// With nothing verified, a CSV export writes the header only.
	out, _, code := e.run("export", "--to", "-")
	if code != 0 || !strings.HasPrefix(out, exportfile.BOM+"unit.region_code,unit.level,") || strings.Count(out, "\r\n") != 1 {
		t.Errorf("export --to - with nothing verified: exit %d, %.100q", code, out)
	}
}

// TestExportRecognizedReturn is the whole flow: a synthetic scan is uploaded, split
// and recognized (Tesseract), a reviewer corrects what recognition got wrong through
// the API and verifies, the automatic export writes it, and the analysis tables hold
// exactly the truth.
func TestExportRecognizedReturn(t *testing.T) {
	e := newEnv(t, embedded)
	analysis := testenv.Postgres(t)
	t.Setenv("PAPERGATE_EXPORT_TO", analysis)
	t.Setenv("PAPERGATE_RECOGNIZERS", "1")
	base, _ := e.startServe()
	clerk := e.token("clerk1", review.RoleClerk)
	reviewer := e.token("rev1", review.RoleReviewer)
	cases := synthCorpus(t, "r0001")
	ids := e.uploadSynth(base, clerk, cases)
	start := time.Now()
	e.waitStatus(ids[0], review.StatusInReview, 10*time.Minute)
	recognized := time.Since(start)
	n := correctToTruth(t, base, reviewer, ids[0], cases[0].truth)
	t.Logf("%s: recognized in %v; the reviewer corrected %d values", cases[0].name, recognized.Round(time.Second), n)
	e.waitStatus(ids[0], review.StatusExported, time.Minute)
	checkAnalysis(t, analysis, ids, cases)
}
