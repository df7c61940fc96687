package s3store_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"

	"papergate/internal/testenv"
	"papergate/review"
	"papergate/storage/objtest"
	"papergate/storage/s3store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Shutdown()
	os.Exit(code)
}

// config returns the configuration of a store in a fresh bucket of the test MinIO.
func config(t testing.TB) s3store.Config {
	srv := testenv.MinIO(t)
	return s3store.Config{
		Endpoint:  srv.Endpoint,
		AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey,
		Bucket:    srv.Bucket,
	}
}

func newStore(t testing.TB) *s3store.Store {
	s, err := s3store.New(t.Context(), config(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	objtest.Run(t, func(t *testing.T) review.ObjectStore { return newStore(t) })
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*s3store.Config)
		wantErr string // substring; "" for success
	}{
		{"creates the bucket", func(*s3store.Config) {}, ""},
		{"http URL", func(c *s3store.Config) { c.Endpoint = "http://" + c.Endpoint }, ""},
		{"http URL with slash", func(c *s3store.Config) { c.Endpoint = "http://" + c.Endpoint + "/" }, ""},
		{"region", func(c *s3store.Config) { c.Region = "us-east-1" }, ""},
		{"no endpoint", func(c *s3store.Config) { c.Endpoint = "" }, "s3store: new: no endpoint configured"},
		{"no bucket", func(c *s3store.Config) { c.Bucket = "" }, "s3store: new: no bucket configured"},
		{"bad scheme", func(c *s3store.Config) { c.Endpoint = "ftp://" + c.Endpoint }, "scheme must be http or https"},
		{"path in URL", func(c *s3store.Config) { c.Endpoint = "http://" + c.Endpoint + "/minio" }, "only a scheme, host and port"},
		{"wrong secret", func(c *s3store.Config) { c.SecretKey = "wrong-secret" }, "s3store: new: bucket "},
		{"invalid bucket name", func(c *s3store.Config) { c.Bucket = "Not_A_Bucket" }, "s3store: new: bucket Not_A_Bucket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t)
			tc.edit(&cfg)
			s, err := s3store.New(t.Context(), cfg)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("New succeeded, want an error containing %q", tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error = %q, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Ping(t.Context()); err != nil {
				t.Errorf("Ping after New: %v", err)
			}
		})
	}
}

// TestNewRace starts several stores on one missing bucket at once, as replicas
// starting together would; all must succeed.
func TestNewRace(t *testing.T) {
	cfg := config(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s3store.New(t.Context(), cfg)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("New %d: %v", i, err)
		}
	}
}

func TestPing(t *testing.T) {
	s := newStore(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	// A store whose bucket is gone is not ready.
	cfg := config(t)
	gone, err := s3store.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := removeBucket(t, cfg); err != nil {
		t.Fatal(err)
	}
	err = gone.Ping(t.Context())
	if err == nil {
		t.Fatal("Ping with the bucket removed succeeded")
	}
	if got, want := err.Error(), "s3store: ping: bucket "+cfg.Bucket+" does not exist"; got != want {
		t.Errorf("Ping error = %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	s := newStore(t)
	key := review.OriginalKey(strings.Repeat("0", 64))
	tests := []struct {
		name     string
		do       func() error
		wantPfx  string
		notFound bool
	}{
		{"put size mismatch", func() error {
			return s.Put(t.Context(), key, strings.NewReader("abc"), 4, "application/pdf")
		}, "s3store: put " + key + ": size mismatch", false},
		{"put invalid key", func() error {
			return s.Put(t.Context(), "../x", strings.NewReader("abc"), 3, "application/pdf")
		}, `s3store: put ../x: invalid key "../x"`, false},
		{"get missing", func() error {
			_, err := s.Get(t.Context(), key)
			return err
		}, "s3store: get " + key + ": not found", true},
		{"stat missing", func() error {
			_, err := s.Stat(t.Context(), key)
			return err
		}, "s3store: stat " + key + ": not found", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if err == nil {
				t.Fatal("succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), tc.wantPfx) {
				t.Errorf("error = %q, want prefix %q", err, tc.wantPfx)
			}
			if got, want := errors.Is(err, review.ErrNotFound), tc.notFound; got != want {
				t.Errorf("errors.Is(err, review.ErrNotFound) = %v, want %v", got, want)
			}
		})
	}
}

func TestContentType(t *testing.T) {
	cfg := config(t)
	s, err := s3store.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.7")
	key := review.OriginalKey(strings.Repeat("1", 64))
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), review.KindPDF.ContentType()); err != nil {
		t.Fatal(err)
	}
	info, err := client(t, cfg).StatObject(t.Context(), cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.ContentType, "application/pdf"; got != want {
		t.Errorf("content type = %q, want %q", got, want)
	}
}

func BenchmarkPutGet(b *testing.B) {
	objtest.BenchmarkPutGet(b, newStore(b))
}
