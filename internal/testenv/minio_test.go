package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func TestFindMinIO(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "exe", "minio")
	plain := filepath.Join(dir, "plain")
	gopath := filepath.Join(dir, "gopath")
	empty := filepath.Join(dir, "empty")
	for _, d := range []string{filepath.Dir(exe), filepath.Join(gopath, "bin"), empty} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		path string
		perm os.FileMode
	}{{exe, 0o755}, {plain, 0o644}, {filepath.Join(gopath, "bin", "minio"), 0o755}} {
		if err := os.WriteFile(f.path, []byte("#!/bin/sh\n"), f.perm); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name    string
		bin     string // PAPERGATE_MINIO_BIN
		path    string // PATH
		gopath  string // GOPATH
		want    string
		wantErr []string // substrings of the error
	}{
		{name: "env", bin: exe, path: empty, gopath: empty, want: exe},
		{name: "env wins over PATH", bin: exe, path: filepath.Join(gopath, "bin"), gopath: empty, want: exe},
		{name: "env missing", bin: filepath.Join(dir, "nope"), path: filepath.Dir(exe), gopath: empty,
			wantErr: []string{"PAPERGATE_MINIO_BIN=" + filepath.Join(dir, "nope")}},
		{name: "env not executable", bin: plain, path: empty, gopath: empty,
			wantErr: []string{"PAPERGATE_MINIO_BIN=" + plain, "not an executable"}},
		{name: "PATH", path: filepath.Dir(exe), gopath: gopath, want: exe},
		{name: "GOPATH", path: empty, gopath: gopath, want: filepath.Join(gopath, "bin", "minio")},
		{name: "missing", path: empty, gopath: empty,
			wantErr: []string{"missing", filepath.Join(empty, "bin", "minio"), "scripts/setup.sh",
				"go install github.com/minio/minio@" + MinIOVersion}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PAPERGATE_MINIO_BIN", tc.bin)
			t.Setenv("PATH", tc.path)
			t.Setenv("GOPATH", tc.gopath)
			got, err := findMinIO()
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("findMinIO() = %q, want an error", got)
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("findMinIO() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMinIO(t *testing.T) {
	a := MinIO(t)
	b := MinIO(t)
	if got, want := b.Endpoint, a.Endpoint; got != want {
		t.Errorf("second call's endpoint = %q, want the shared server's %q", got, want)
	}
	if a.Bucket == b.Bucket {
		t.Errorf("two calls returned the same bucket %q", a.Bucket)
	}
	if !strings.HasPrefix(a.Endpoint, "127.0.0.1:") {
		t.Errorf("endpoint %q is not on 127.0.0.1", a.Endpoint)
	}

	// The credentials work: make the bucket, store and read back an object.
	client, err := minio.New(a.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(a.AccessKey, a.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := client.MakeBucket(ctx, a.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket %q: %v", a.Bucket, err)
	}
	data := []byte("hello")
	if _, err := client.PutObject(ctx, a.Bucket, "k", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	obj, err := client.GetObject(ctx, a.Bucket, "k", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("read %q, want %q", got, data)
	}

	// Wrong credentials are refused, so the server is not open to anyone.
	bad, err := minio.New(a.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(a.AccessKey, "wrong-secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.BucketExists(ctx, a.Bucket); err == nil {
		t.Error("BucketExists with a wrong secret succeeded")
	}
}

func TestMinIOStop(t *testing.T) {
	bin, err := findMinIO()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startMinIO(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !live(srv.addr) {
		t.Fatalf("started server on %s is not live", srv.addr)
	}
	srv.stop()
	select {
	case <-srv.done:
	default:
		t.Fatal("process still running after stop")
	}
	if live(srv.addr) {
		t.Errorf("server on %s still answers after stop", srv.addr)
	}
	if _, err := os.Stat(srv.dataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data directory %s survived stop: %v", srv.dataDir, err)
	}
}

func TestStartMinIOFailure(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		script  string
		wantErr []string
	}{
		{"exits", "echo 'cannot bind: boom' >&2; exit 3",
			[]string{"exited before answering", "exit status 3", "cannot bind: boom"}},
		{"hangs", "echo 'waiting for drives'; exec sleep 30",
			[]string{"was not ready on 127.0.0.1:", "waiting for drives"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bin := filepath.Join(dir, fmt.Sprintf("fake-minio-%d", i))
			if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+tc.script+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			defer func(d time.Duration) { minioStartTimeout = d }(minioStartTimeout)
			minioStartTimeout = time.Second
			srv, err := startMinIO(bin)
			if err == nil {
				srv.stop()
				t.Fatal("startMinIO succeeded with a fake server")
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"short", []string{"ab", "cd"}, "abcd"},
		{"exact", []string{"abcde"}, "abcde"},
		{"overflow", []string{"abc", "defg"}, "cdefg"},
		{"one big write", []string{"0123456789"}, "56789"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &tailBuffer{max: 5}
			for _, w := range tc.writes {
				if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got, want := b.String(), tc.want; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

func live(addr string) bool {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/minio/health/live")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
