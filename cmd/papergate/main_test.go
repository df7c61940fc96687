package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"papergate/internal/testenv"
	"papergate/internal/testpdf"
	"papergate/review"
	"papergate/storage/localstore"
	"papergate/storage/s3store"
	"papergate/storage/sqlstore"
)

// TestMain doubles as the papergate binary: with PAPERGATE_TEST_EXEC=1 the test binary
// runs Main on its arguments, so tests can start real worker processes and kill them.
func TestMain(m *testing.M) {
	if os.Getenv("PAPERGATE_TEST_EXEC") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
		stop()
		os.Exit(code)
	}
	code := m.Run()
	testenv.Shutdown()
	os.Exit(code)
}

// backend is one deployment shape: the embedded defaults, or PostgreSQL + MinIO.
type backend string

const (
	embedded backend = "sqlite+local"
	scaled   backend = "postgres+minio"
)

// env is a configured papergate for one test: the environment is set so that Main
// uses it, and the test can look into its stores directly.
type env struct {
	t       testing.TB
	dir     string
	objects review.ObjectStore
	db      *sqlstore.DB
}

func newEnv(t testing.TB, b backend) *env {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"PAPERGATE_DB", "PAPERGATE_S3_ENDPOINT", "PAPERGATE_S3_ACCESS_KEY", "PAPERGATE_S3_SECRET_KEY",
		"PAPERGATE_S3_BUCKET", "PAPERGATE_OBJECTS_DIR", "PAPERGATE_MAX_UPLOAD_MB"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("PAPERGATE_DATA", filepath.Join(dir, "data"))
	t.Setenv("PAPERGATE_TMP", dir)
	t.Setenv("PAPERGATE_POLL_INTERVAL", "100ms")
	t.Setenv("PAPERGATE_RETRY_BASE", "200ms")
	t.Setenv("PAPERGATE_LOG_LEVEL", "warn")
	// The split tests stop at recognizing; tests of recognition turn it on.
	t.Setenv("PAPERGATE_RECOGNIZERS", "0")
	e := &env{t: t, dir: dir}
	ctx := context.Background()
	var dsn string
	if b == scaled {
		dsn = testenv.Postgres(t)
		m := testenv.MinIO(t)
		t.Setenv("PAPERGATE_DB", dsn)
		t.Setenv("PAPERGATE_S3_ENDPOINT", m.Endpoint)
		t.Setenv("PAPERGATE_S3_ACCESS_KEY", m.AccessKey)
		t.Setenv("PAPERGATE_S3_SECRET_KEY", m.SecretKey)
		t.Setenv("PAPERGATE_S3_BUCKET", m.Bucket)
		s3, err := s3store.New(ctx, s3store.Config{Endpoint: m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket})
		if err != nil {
			t.Fatal(err)
		}
		e.objects = s3
	} else {
		dsn = filepath.Join(dir, "data", "papergate.db")
		local, err := localstore.New(filepath.Join(dir, "data", "objects"))
		if err != nil {
			t.Fatal(err)
		}
		e.objects = local
	}
	// Main migrates on open; the test's own handle needs the schema too.
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	return e
}

// run runs one papergate command line in-process.
func (e *env) run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return out.String(), errb.String(), code
}

func (e *env) mustRun(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("papergate %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// token makes a user with a role and returns an API token for it.
func (e *env) token(name string, role review.Role) string {
	e.mustRun("user", "add", "--name", name, "--role", string(role))
	out := strings.TrimSpace(e.mustRun("token", "create", "--user", name))
	return out[strings.LastIndex(out, "\n")+1:]
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts `papergate serve` in-process and returns its base URL.
func (e *env) serve() string {
	base, _ := e.startServe()
	return base
}

// startServe runs `papergate serve` in-process until stop (or the test's end) and
// returns its base URL once it answers /healthz.
func (e *env) startServe() (base string, stop func()) {
	t := e.t
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", addr}, stdio{in: strings.NewReader(""), out: io.Discard, err: &errb})
	}()
	exited := false
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if exited {
				return
			}
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve exited %d: %s", code, errb.String())
				}
			case <-time.After(40 * time.Second):
				t.Error("serve did not shut down within 40s")
			}
		})
	}
	t.Cleanup(stop)
	base = "http://" + addr
	waitFor(t, "the server to answer /healthz", 30*time.Second, func() bool {
		select {
		case code := <-done:
			exited = true
			t.Fatalf("serve exited %d: %s", code, errb.String())
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return base, stop
}

func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// upload posts a file to the API and decodes the JSON answer.
func upload(t testing.TB, base, token, name string, data []byte, fields map[string]string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("upload %s: status %d, body not JSON: %v", name, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// scanPDF is an image-only PDF of n JPEG pages of w×h pixels; seed varies the content
// so that different seeds give different files.
func scanPDF(n, w, h, seed int) []byte {
	pages := make([]testpdf.Image, n)
	for i := range pages {
		pages[i] = testpdf.JPEGPage(w, h, seed*1000+i)
	}
	return testpdf.PDF(pages, 0)
}

// waitSplit waits until a document has left splitting and checks that every page
// image is in the object store with its recorded size.
func (e *env) waitSplit(id int64, wantPages int) {
	t := e.t
	t.Helper()
	ctx := context.Background()
	var d review.Document
	waitFor(t, fmt.Sprintf("document %d to be split", id), 90*time.Second, func() bool {
		var err error
		if d, err = e.db.Document(ctx, id); err != nil {
			t.Fatal(err)
		}
		if d.Status == review.StatusFailed {
			t.Fatalf("document %d failed: %s", id, d.FailReason)
		}
		return d.Status == review.StatusRecognizing
	})
	pages, err := e.db.Pages(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(pages); got != wantPages || d.Pages != wantPages {
		t.Fatalf("document %d: %d page rows, pages=%d, want %d", id, got, d.Pages, wantPages)
	}
	for i, p := range pages {
		if p.N != i+1 {
			t.Fatalf("page %d numbered %d", i+1, p.N)
		}
		info, err := e.objects.Stat(ctx, p.Key)
		if err != nil {
			t.Fatalf("page %d image %s: %v", p.N, p.Key, err)
		}
		if info.Size != p.Size || p.Key != review.PageKey(d.SHA256, p.N, p.Format) {
			t.Errorf("page %d: stored %d bytes at %s, recorded %d", p.N, info.Size, p.Key, p.Size)
		}
	}
	if _, err := e.objects.Stat(ctx, review.OriginalKey(d.SHA256)); err != nil {
		t.Errorf("original of document %d: %v", id, err)
	}
}

// TestIngestAndSplit: a 20-page scanned PDF ingested through the API and through the
// CLI becomes 20 stored page images, on the embedded defaults and on PostgreSQL +
// MinIO; the same file again is reported as a duplicate.
func TestIngestAndSplit(t *testing.T) {
	for _, b := range []backend{embedded, scaled} {
		t.Run(string(b), func(t *testing.T) {
			e := newEnv(t, b)
			base := e.serve()
			token := e.token("clerk1", review.RoleClerk)

			apiPDF := scanPDF(20, 827, 1170, 1)
			status, doc := upload(t, base, token, "scan-api.pdf", apiPDF, map[string]string{"unit": "330000", "level": "province"})
			if status != http.StatusCreated || doc["pages"] != float64(20) || doc["unit"] != "330000" {
				t.Fatalf("upload: %d %v", status, doc)
			}
			apiID := int64(doc["id"].(float64))
			e.waitSplit(apiID, 20)
			status, dup := upload(t, base, token, "again.pdf", apiPDF, nil)
			if status != http.StatusOK || dup["duplicate_of"] != doc["id"] {
				t.Errorf("second upload: %d %v, want 200 duplicate of %v", status, dup, doc["id"])
			}

			cliFile := filepath.Join(e.dir, "scan-cli.pdf")
			os.WriteFile(cliFile, scanPDF(20, 827, 1170, 2), 0o644)
			var line ingestLine
			if err := json.Unmarshal([]byte(e.mustRun("ingest", "--json", "--unit", "330100", "--level", "prefecture", cliFile)), &line); err != nil {
				t.Fatal(err)
			}
			if line.Pages != 20 || line.DuplicateOf != 0 || line.ID == 0 {
				t.Fatalf("ingest: %+v", line)
			}
			e.waitSplit(line.ID, 20)
			var again ingestLine
			json.Unmarshal([]byte(e.mustRun("ingest", "--json", cliFile)), &again)
			if again.DuplicateOf != line.ID {
				t.Errorf("second ingest: %+v, want duplicate of %d", again, line.ID)
			}

			var listed []lsLine
			if err := json.Unmarshal([]byte(e.mustRun("ls", "--json")), &listed); err != nil {
				t.Fatal(err)
			}
			if len(listed) != 2 || listed[0].ID != line.ID || listed[0].Status != "recognizing" || listed[1].Unit != "330000" {
				t.Errorf("ls = %+v", listed)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
