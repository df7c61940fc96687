// Package localstore is papergate's embedded object store: a review.ObjectStore that
// keeps each object as a file in a local directory. It is the default when no S3
// endpoint is configured.
//
// Writes are crash-safe: Put streams into a temporary file, fsyncs it, renames it into
// place and fsyncs the directory, so an acknowledged Put survives a crash and a reader
// sees either the old object or the new one, never a partial file.
package localstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"papergate/review"
)

const (
	// tmpDir holds objects being written, under the store's root so that the final
	// rename stays on one file system. Keys cannot name it: segments starting with
	// "." are rejected.
	tmpDir = ".tmp"
	// staleAfter is how old a leftover temporary file (from a crash) must be before New
	// removes it; old enough that it cannot belong to a Put still in progress.
	staleAfter = 24 * time.Hour
	// chunkSize is how much Put copies between checks of its context.
	chunkSize = 256 << 10

	dirPerm  = 0o750
	filePerm = 0o640
)

// Store is a review.ObjectStore on a local directory. It is safe for concurrent use,
// including by several processes sharing the directory.
type Store struct {
	root string
}

var _ review.ObjectStore = (*Store)(nil)

// New opens the store rooted at dir, creating the directory if needed, and removes
// temporary files left behind by a crash.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("localstore: new: empty directory")
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("localstore: new: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(root, tmpDir), dirPerm); err != nil {
		return nil, fmt.Errorf("localstore: new: %w", err)
	}
	// Best effort: the parent may be unreadable to us, and only matters the first time.
	_ = syncDir(filepath.Dir(root))
	if err := syncDir(root); err != nil {
		return nil, fmt.Errorf("localstore: new: %w", err)
	}
	s := &Store{root: root}
	if err := s.removeStale(time.Now().Add(-staleAfter)); err != nil {
		return nil, fmt.Errorf("localstore: new: %w", err)
	}
	return s, nil
}

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.root }

// Put stores size bytes from r under key (size -1 if unknown). It fails, storing
// nothing, if the key is invalid, r fails, r holds more or fewer than size bytes, or
// ctx is done; an object already stored under key is then left as it was. contentType
// is not recorded: keys are content-addressed and the record store keeps the kind.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := s.put(ctx, key, r, size); err != nil {
		return fmt.Errorf("localstore: put %s: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	if err := review.ValidKey(key); err != nil {
		return err
	}
	if size < -1 {
		return fmt.Errorf("invalid size %d", size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dst := s.path(key)
	if err := s.mkdirAll(filepath.Dir(dst)); err != nil {
		return err
	}

	f, err := os.CreateTemp(filepath.Join(s.root, tmpDir), "put-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()

	src := io.Reader(&ctxReader{ctx: ctx, r: r})
	if size >= 0 {
		// One byte past size tells an over-long reader from an exact one.
		src = io.LimitReader(src, size+1)
	}
	// Hide f's ReadFrom so that CopyBuffer copies in chunkSize chunks.
	n, err := io.CopyBuffer(struct{ io.Writer }{f}, src, make([]byte, chunkSize))
	if err != nil {
		return err
	}
	if size >= 0 && n != size {
		if n > size {
			return fmt.Errorf("size mismatch: reader holds more than the declared %d bytes", size)
		}
		return fmt.Errorf("size mismatch: read %d bytes, declared %d", n, size)
	}
	if err := f.Chmod(filePerm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Last chance to back out: once renamed, the object is stored.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	// The rename is durable once the directory holding the new name is synced.
	return syncDir(filepath.Dir(dst))
}

// Get opens the object under key. It returns an error wrapping review.ErrNotFound if
// there is none.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	f, err := s.open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("localstore: get %s: %w", key, err)
	}
	return f, nil
}

// Stat describes the object under key, or returns an error wrapping
// review.ErrNotFound.
func (s *Store) Stat(ctx context.Context, key string) (review.ObjectInfo, error) {
	f, err := s.open(ctx, key)
	if err != nil {
		return review.ObjectInfo{}, fmt.Errorf("localstore: stat %s: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return review.ObjectInfo{}, fmt.Errorf("localstore: stat %s: %w", key, err)
	}
	return review.ObjectInfo{Key: key, Size: fi.Size()}, nil
}

// open opens the regular file holding key. Holding the file open (rather than calling
// os.Stat on the path) keeps Stat and Get consistent with a concurrent Put.
func (s *Store) open(ctx context.Context, key string) (*os.File, error) {
	if err := review.ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		// ENOTDIR: a prefix of the key is an object, as in "originals/x/y".
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("%w: %w", review.ErrNotFound, err)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		// A directory: the key is a prefix of other keys, not an object.
		f.Close()
		return nil, fmt.Errorf("%w: not an object", review.ErrNotFound)
	}
	return f, nil
}

func (s *Store) path(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// mkdirAll creates dir and any missing parents below the root, syncing each parent
// that gains an entry so the new directories survive a crash along with the object.
func (s *Store) mkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	rel, err := filepath.Rel(s.root, dir)
	if err != nil {
		return err
	}
	cur := s.root
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		parent := cur
		cur = filepath.Join(cur, seg)
		err := os.Mkdir(cur, dirPerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := syncDir(parent); err != nil {
			return err
		}
	}
	return nil
}

// removeStale removes temporary files last modified before cutoff.
func (s *Store) removeStale(cutoff time.Time) error {
	dir := filepath.Join(s.root, tmpDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.ModTime().Before(cutoff) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// syncDir fsyncs a directory, making the entries created or renamed in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// ctxReader fails with ctx's error once ctx is done, so a long copy stops between
// chunks.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
