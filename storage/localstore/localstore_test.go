package localstore_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"papergate/review"
	"papergate/storage/localstore"
	"papergate/storage/objtest"
)

func TestConformance(t *testing.T) {
	objtest.Run(t, func(t *testing.T) review.ObjectStore {
		s, err := localstore.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		// Whatever a subtest did, no temporary file may outlive its Put.
		t.Cleanup(func() {
			entries, err := os.ReadDir(filepath.Join(s.Dir(), ".tmp"))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		})
		return s
	})
}

func TestNew(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		wantErr bool
	}{
		{"existing", base, false},
		{"created", filepath.Join(base, "a", "b", "objects"), false},
		{"empty", "", true},
		{"below a file", filepath.Join(file, "objects"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := localstore.New(tc.dir)
			if got, want := err != nil, tc.wantErr; got != want {
				t.Fatalf("New(%q) error = %v, want error: %v", tc.dir, err, want)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "localstore: new: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			if fi, err := os.Stat(s.Dir()); err != nil || !fi.IsDir() {
				t.Errorf("New(%q) did not create the directory: %v", tc.dir, err)
			}
		})
	}
}

func TestNewRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	if _, err := localstore.New(dir); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".tmp", "put-stale")
	fresh := filepath.Join(dir, ".tmp", "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := localstore.New(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file survived New: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file (maybe a Put in progress) was removed: %v", err)
	}
}

func TestLayout(t *testing.T) {
	dir := t.TempDir()
	s, err := localstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := review.PageKey(strings.Repeat("ab", 32), 3, "jpeg")
	data := []byte("page three")
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "pages", strings.Repeat("ab", 32), "3.jpg"))
	if err != nil {
		t.Fatalf("object is not at its key's path: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("file holds %q, want %q", got, data)
	}
}

func TestInvalidKeyErrors(t *testing.T) {
	s, err := localstore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, want string
	}{
		{"", "localstore: put : invalid key: empty"},
		{"/etc/passwd", `localstore: put /etc/passwd: invalid key "/etc/passwd": absolute`},
		{"pages/../../x", `localstore: put pages/../../x: invalid key "pages/../../x": contains a ".." segment`},
		{`a\b`, `localstore: put a\b: invalid key "a\\b": contains a backslash`},
		{"a\x00b", `localstore: put a` + "\x00" + `b: invalid key "a\x00b": contains NUL`},
		{".tmp/x", `localstore: put .tmp/x: invalid key ".tmp/x": segment ".tmp" starts with "."`},
		{"a//b", `localstore: put a//b: invalid key "a//b": empty segment`},
		{"a/", `localstore: put a/: invalid key "a/": empty segment`},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			err := s.Put(t.Context(), tc.key, strings.NewReader("x"), 1, "")
			if err == nil {
				t.Fatalf("Put(%q) succeeded, want an error", tc.key)
			}
			if got, want := err.Error(), tc.want; got != want {
				t.Errorf("error = %q, want %q", got, want)
			}
		})
	}
}

func BenchmarkPutGet(b *testing.B) {
	s, err := localstore.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	objtest.BenchmarkPutGet(b, s)
}
