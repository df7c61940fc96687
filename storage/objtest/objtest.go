// Package objtest is the conformance suite for review.ObjectStore implementations.
// Each store's tests call Run with a constructor, so every backend is held to the same
// behaviour: streaming round trips, atomic and all-or-nothing writes, ErrNotFound for
// missing objects, rejection of bad keys and of readers that fail or lie about their
// size. BenchmarkPutGet measures throughput the same way for every backend.
package objtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"papergate/review"
)

// Run runs the conformance suite. newStore returns an empty store; it is called once
// per subtest and may register cleanups on the t it is given.
func Run(t *testing.T, newStore func(t *testing.T) review.ObjectStore) {
	tests := []struct {
		name string
		test func(*testing.T, review.ObjectStore)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Stat", testStat},
		{"NotFound", testNotFound},
		{"NestedKeys", testNestedKeys},
		{"InvalidKeys", testInvalidKeys},
		{"ConcurrentPut", testConcurrentPut},
		{"FailingReader", testFailingReader},
		{"Cancel", testCancel},
		{"SizeMismatch", testSizeMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, newStore(t)) })
	}
}

// BenchmarkPutGet measures a Put and a Get of a 20 MiB object; the reported MB/s is
// object bytes per round trip. It runs with the size known and unknown (-1).
func BenchmarkPutGet(b *testing.B, s review.ObjectStore) {
	data := random(20<<20, 1)
	key := review.OriginalKey(hash(data))
	for _, size := range []int64{int64(len(data)), -1} {
		name := "size=known"
		if size < 0 {
			name = "size=unknown"
		}
		b.Run(name, func(b *testing.B) {
			ctx := b.Context()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := s.Put(ctx, key, onlyReader{bytes.NewReader(data)}, size, "application/pdf"); err != nil {
					b.Fatal(err)
				}
				rc, err := s.Get(ctx, key)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, rc)
				rc.Close()
				if err != nil {
					b.Fatal(err)
				}
				if n != int64(len(data)) {
					b.Fatalf("Get read %d bytes, want %d", n, len(data))
				}
			}
		})
	}
}

// random returns n pseudo-random bytes, the same for the same seed.
func random(n int, seed uint64) []byte {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	r := rand.NewChaCha8(s)
	p := make([]byte, n)
	r.Read(p)
	return p
}

func testRoundTrip(t *testing.T, s review.ObjectStore) {
	big := random(5<<20, 2)
	tests := []struct {
		name string
		data []byte
		size int64
	}{
		{"empty/known", nil, 0},
		{"empty/unknown", nil, -1},
		{"1byte/known", []byte{0x42}, 1},
		{"1byte/unknown", []byte{0x42}, -1},
		{"5MiB/known", big, int64(len(big))},
		{"5MiB/unknown", big, -1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := review.PageKey(hash(tc.data), i+1, "jpeg")
			put(t, s, key, tc.data, tc.size)
			if got, want := get(t, s, key), tc.data; !bytes.Equal(got, want) {
				t.Fatalf("Get returned %d bytes (sha256 %s), want %d (sha256 %s)",
					len(got), hash(got), len(want), hash(want))
			}
			info, err := s.Stat(t.Context(), key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if got, want := info, (review.ObjectInfo{Key: key, Size: int64(len(tc.data))}); got != want {
				t.Errorf("Stat = %+v, want %+v", got, want)
			}
		})
	}
}

func testOverwrite(t *testing.T, s review.ObjectStore) {
	data := random(100<<10, 3)
	key := review.OriginalKey(hash(data))
	for i := range 3 {
		put(t, s, key, data, int64(len(data)))
		if got, want := get(t, s, key), data; !bytes.Equal(got, want) {
			t.Fatalf("after put %d: Get returned %d bytes, want the %d put", i+1, len(got), len(want))
		}
	}
}

func testStat(t *testing.T, s review.ObjectStore) {
	tests := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"small", 10},
		{"1MiB+1", 1<<20 + 1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := random(tc.size, uint64(10+i))
			key := review.OriginalKey(hash(data))
			put(t, s, key, data, -1)
			info, err := s.Stat(t.Context(), key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if got, want := info.Size, int64(tc.size); got != want {
				t.Errorf("Stat size = %d, want %d", got, want)
			}
			if got, want := info.Key, key; got != want {
				t.Errorf("Stat key = %q, want %q", got, want)
			}
		})
	}
}

func testNotFound(t *testing.T, s review.ObjectStore) {
	stored := []byte("stored")
	storedKey := review.OriginalKey(hash(stored))
	put(t, s, storedKey, stored, int64(len(stored)))
	tests := []struct {
		name string
		key  string
	}{
		{"original", review.OriginalKey(hash([]byte("missing")))},
		{"page", review.PageKey(hash([]byte("missing")), 1, "jpeg")},
		{"prefix of an object", "originals"},
		{"below an object", storedKey + "/1.jpg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := s.Get(t.Context(), tc.key)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, review.ErrNotFound) {
				t.Errorf("Get(%q) error = %v, want one wrapping review.ErrNotFound", tc.key, err)
			}
			if _, err := s.Stat(t.Context(), tc.key); !errors.Is(err, review.ErrNotFound) {
				t.Errorf("Stat(%q) error = %v, want one wrapping review.ErrNotFound", tc.key, err)
			}
		})
	}
}

func testNestedKeys(t *testing.T, s review.ObjectStore) {
	orig := random(1000, 20)
	sum := hash(orig)
	objects := map[string][]byte{
		review.OriginalKey(sum):        orig,
		review.PageKey(sum, 1, "jpeg"): random(300, 21),
		review.PageKey(sum, 2, "jpeg"): random(301, 22),
		review.PageKey(sum, 10, "png"): random(302, 23),
		"a/b/c/d/e/f/g":                random(1, 24),
	}
	for key, data := range objects {
		put(t, s, key, data, int64(len(data)))
	}
	for key, want := range objects {
		if got := get(t, s, key); !bytes.Equal(got, want) {
			t.Errorf("Get(%q) returned %d bytes, not the %d put", key, len(got), len(want))
		}
	}
}

func testInvalidKeys(t *testing.T, s review.ObjectStore) {
	tests := []struct {
		name string
		key  string
	}{
		{"empty", ""},
		{"absolute", "/etc/passwd"},
		{"dotdot", "../escape"},
		{"inner dotdot", "pages/../../escape"},
		{"trailing dotdot", "pages/.."},
		{"backslash", `pages\..\escape`},
		{"NUL", "pages/a\x00b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("x")
			if err := s.Put(t.Context(), tc.key, bytes.NewReader(data), 1, "image/jpeg"); err == nil {
				t.Errorf("Put(%q) succeeded, want an error", tc.key)
			}
			if rc, err := s.Get(t.Context(), tc.key); err == nil {
				rc.Close()
				t.Errorf("Get(%q) succeeded, want an error", tc.key)
			}
			if _, err := s.Stat(t.Context(), tc.key); err == nil {
				t.Errorf("Stat(%q) succeeded, want an error", tc.key)
			}
		})
	}
}

func testConcurrentPut(t *testing.T, s review.ObjectStore) {
	const writers = 8
	// Different content per writer makes a torn or interleaved object detectable.
	contents := make([][]byte, writers)
	sums := make(map[string]int)
	for i := range contents {
		contents[i] = random(512<<10+i, uint64(30+i))
		sums[hash(contents[i])] = i
	}
	key := review.OriginalKey(hash(contents[0]))
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			errs[i] = s.Put(t.Context(), key, onlyReader{bytes.NewReader(contents[i])}, -1, "application/pdf")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	got := get(t, s, key)
	if _, ok := sums[hash(got)]; !ok {
		t.Errorf("after %d concurrent puts Get returned %d bytes that match none of them", writers, len(got))
	}
}

func testFailingReader(t *testing.T, s review.ObjectStore) {
	data := random(2<<20, 41)
	for i, size := range []int64{int64(len(data)), -1} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			t.Run("new key", func(t *testing.T) {
				key := review.PageKey(hash(data), i+1, "png")
				if err := s.Put(t.Context(), key, failAfter(data, len(data)/2), size, "image/png"); err == nil {
					t.Fatalf("Put with a failing reader succeeded, want an error")
				}
				wantMissing(t, s, key)
			})
			t.Run("existing key", func(t *testing.T) {
				old := random(1000, uint64(42+i))
				key := review.OriginalKey(hash(old))
				put(t, s, key, old, int64(len(old)))
				if err := s.Put(t.Context(), key, failAfter(data, len(data)/2), size, "application/pdf"); err == nil {
					t.Fatalf("Put with a failing reader succeeded, want an error")
				}
				if got, want := get(t, s, key), old; !bytes.Equal(got, want) {
					t.Errorf("after a failed Put, Get returned %d bytes, want the %d stored before", len(got), len(want))
				}
			})
		})
	}
}

func testCancel(t *testing.T, s review.ObjectStore) {
	data := random(4<<20, 50)
	tests := []struct {
		name string
		r    io.Reader
		size int64
		// cancelAt is how many bytes are read before the context is cancelled.
		cancelAt int
	}{
		{"before/known", bytes.NewReader(data), int64(len(data)), 0},
		{"before/unknown", bytes.NewReader(data), -1, 0},
		{"midway/known", bytes.NewReader(data), int64(len(data)), len(data) / 3},
		{"midway/unknown", bytes.NewReader(data), -1, len(data) / 3},
		// An endless upload must stop at cancellation, not when the reader ends.
		{"endless/known", endless{}, 1 << 32, 1 << 20},
		{"endless/unknown", endless{}, -1, 1 << 20},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			r := &cancelReader{r: tc.r, left: tc.cancelAt, cancel: cancel}
			if tc.cancelAt == 0 {
				cancel()
			}
			key := review.PageKey(hash(data), i+1, "jpeg")
			done := make(chan error, 1)
			go func() { done <- s.Put(ctx, key, r, tc.size, "image/jpeg") }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Put still running 30s after its context was cancelled")
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Put with a cancelled context: error = %v, want one wrapping context.Canceled", err)
			}
			wantMissing(t, s, key)
		})
	}
}

func testSizeMismatch(t *testing.T, s review.ObjectStore) {
	tests := []struct {
		name string
		data []byte
		size int64
	}{
		{"short", random(1000, 61), 1001},
		{"long", random(1001, 62), 1000},
		{"empty but declared", nil, 10},
		{"declared empty", random(10, 63), 0},
		{"big short", random(3<<20, 64), 3<<20 + 1},
		{"big long", random(3<<20+1, 65), 3 << 20},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := review.PageKey(hash(tc.data), i+1, "png")
			if err := s.Put(t.Context(), key, onlyReader{bytes.NewReader(tc.data)}, tc.size, "image/png"); err == nil {
				t.Fatalf("Put of %d bytes declared as %d succeeded, want an error", len(tc.data), tc.size)
			}
			wantMissing(t, s, key)

			old := random(1000, uint64(70+i))
			key = review.OriginalKey(hash(old))
			put(t, s, key, old, int64(len(old)))
			if err := s.Put(t.Context(), key, onlyReader{bytes.NewReader(tc.data)}, tc.size, "image/png"); err == nil {
				t.Fatalf("overwriting Put of %d bytes declared as %d succeeded, want an error", len(tc.data), tc.size)
			}
			if got, want := get(t, s, key), old; !bytes.Equal(got, want) {
				t.Errorf("after a rejected Put, Get returned %d bytes, want the %d stored before", len(got), len(want))
			}
		})
	}
}

// put stores data under key through a reader that offers nothing but Read, as an
// upload's request body would.
func put(t *testing.T, s review.ObjectStore, key string, data []byte, size int64) {
	t.Helper()
	if err := s.Put(t.Context(), key, onlyReader{bytes.NewReader(data)}, size, "application/octet-stream"); err != nil {
		t.Fatalf("Put(%q, %d bytes, size %d): %v", key, len(data), size, err)
	}
}

func get(t *testing.T, s review.ObjectStore, key string) []byte {
	t.Helper()
	rc, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return data
}

func wantMissing(t *testing.T, s review.ObjectStore, key string) {
	t.Helper()
	if info, err := s.Stat(t.Context(), key); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("Stat(%q) = %+v, %v; want an error wrapping review.ErrNotFound", key, info, err)
	}
}

func hash(p []byte) string {
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:])
}

// onlyReader hides every method but Read (Seek, ReadAt, WriteTo, Len), so stores are
// tested on the plain streams they get in production.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

var errReader = errors.New("objtest: reader failed on purpose")

// failAfter returns a reader that yields the first n bytes of data, then fails.
func failAfter(data []byte, n int) io.Reader {
	return io.MultiReader(bytes.NewReader(data[:n]), errorReader{})
}

type errorReader struct{}

func (errorReader) Read([]byte) (int, error) { return 0, errReader }

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// cancelReader calls cancel once left bytes have been read, then keeps reading, like
// a client that is still sending when the server shuts down.
type cancelReader struct {
	r      io.Reader
	left   int
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.cancel()
		return c.r.Read(p)
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}
