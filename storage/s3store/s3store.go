// Package s3store is a review.ObjectStore on an S3-compatible object store (MinIO,
// AWS S3, ...) through minio-go. It suits deployments that keep scans outside the
// application's machine; the local-directory store is the embedded default.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"papergate/review"
)

// PartSize is the part size of multipart uploads. An upload holds one part in memory
// at a time, so this bounds Put's memory use. S3 allows 10,000 parts, so an upload of
// unknown size can be up to about 156 GiB; a known size beyond that gets larger parts.
const PartSize = 16 << 20

// maxParts is S3's limit on the parts of one multipart upload.
const maxParts = 10000

// Config says where the store is.
type Config struct {
	// Endpoint is "host:port", or a URL "http://host:port" or "https://host:port"
	// whose scheme then decides UseSSL.
	Endpoint  string
	AccessKey string
	SecretKey string
	// Bucket holds every object; New creates it if missing.
	Bucket string
	UseSSL bool
	// Region is the bucket's region; "" lets the client discover it.
	Region string
}

// Store is a review.ObjectStore on an S3 bucket. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	bucket string
}

var _ review.ObjectStore = (*Store)(nil)

// New connects to the endpoint and creates the bucket if it does not exist yet.
func New(ctx context.Context, cfg Config) (*Store, error) {
	endpoint, secure, err := parseEndpoint(cfg.Endpoint, cfg.UseSSL)
	if err != nil {
		return nil, fmt.Errorf("s3store: new: %w", err)
	}
	if cfg.Bucket == "" {
		return nil, errors.New("s3store: new: no bucket configured")
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3store: new: %w", err)
	}
	s := &Store{client: client, bucket: cfg.Bucket}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		return nil, fmt.Errorf("s3store: new: bucket %s at %s: %w", cfg.Bucket, endpoint, err)
	}
	return s, nil
}

func parseEndpoint(endpoint string, useSSL bool) (hostPort string, secure bool, err error) {
	if endpoint == "" {
		return "", false, errors.New("no endpoint configured")
	}
	if !strings.Contains(endpoint, "://") {
		return endpoint, useSSL, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", false, fmt.Errorf("endpoint: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false, fmt.Errorf("endpoint %q: scheme must be http or https", endpoint)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
		return "", false, fmt.Errorf("endpoint %q: want only a scheme, host and port", endpoint)
	}
	return u.Host, u.Scheme == "https", nil
}

func (s *Store) ensureBucket(ctx context.Context, region string) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err == nil {
		return nil
	}
	// Another process (or a second replica starting alongside) may have created it
	// between our check and our create; that is success as long as it is ours to use.
	switch minio.ToErrorResponse(err).Code {
	case "BucketAlreadyOwnedByYou", "BucketAlreadyExists":
		if ok, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && ok {
			return nil
		}
	}
	return err
}

// Ping reports whether the store is usable: the endpoint answers and the bucket
// exists. It is meant for readiness checks.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("s3store: ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("s3store: ping: bucket %s does not exist", s.bucket)
	}
	return nil
}

// Put stores size bytes from r under key (size -1 if unknown). It fails, storing
// nothing, if the key is invalid, r fails, r holds more or fewer than size bytes, or
// ctx is done; an object already stored under key is then left as it was. S3 makes
// the write atomic: a failed single or multipart upload is never visible.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := s.put(ctx, key, r, size, contentType); err != nil {
		return fmt.Errorf("s3store: put %s: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := review.ValidKey(key); err != nil {
		return err
	}
	if size < -1 {
		return fmt.Errorf("invalid size %d", size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	er := &exactReader{ctx: ctx, r: r, size: size}
	if size == 0 {
		// minio-go never reads a reader declared empty; check it is.
		if err := er.wantEOF(); err != nil {
			return err
		}
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	partSize := uint64(PartSize)
	if size > PartSize*maxParts {
		partSize = 0 // minio-go picks the smallest that fits
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, er, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    partSize,
	})
	if err != nil {
		// Prefer the reader's own failure (size mismatch, the caller's reader, ctx)
		// over the transport's report of it.
		if er.err != nil {
			return er.err
		}
		return err
	}
	return nil
}

// Get opens the object under key. It returns an error wrapping review.ErrNotFound if
// there is none. The reader stops with ctx.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := review.ValidKey(key); err != nil {
		return nil, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3store: get %s: %w", key, mapErr(err))
	}
	// GetObject is lazy; Stat sends the request (the body it opens serves the reads),
	// so that a missing object fails here rather than at the first Read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, fmt.Errorf("s3store: get %s: %w", key, mapErr(err))
	}
	return obj, nil
}

// Stat describes the object under key, or returns an error wrapping
// review.ErrNotFound.
func (s *Store) Stat(ctx context.Context, key string) (review.ObjectInfo, error) {
	if err := review.ValidKey(key); err != nil {
		return review.ObjectInfo{}, fmt.Errorf("s3store: stat %s: %w", key, err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return review.ObjectInfo{}, fmt.Errorf("s3store: stat %s: %w", key, mapErr(err))
	}
	return review.ObjectInfo{Key: key, Size: info.Size}, nil
}

// mapErr marks a missing object with review.ErrNotFound, keeping S3's error too.
func mapErr(err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("%w: %w", review.ErrNotFound, err)
	}
	return err
}

// exactReader passes r through, failing once ctx is done and, when size is known, if
// r ends early or holds more than size bytes. It fails before handing over the last
// byte, so the upload is aborted instead of completing with wrong content. The first
// failure is kept in err.
type exactReader struct {
	ctx  context.Context
	r    io.Reader
	size int64 // -1 if unknown
	n    int64
	err  error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if err := e.ctx.Err(); err != nil {
		return 0, e.fail(err)
	}
	if e.size < 0 {
		n, err := e.r.Read(p)
		if err != nil && err != io.EOF {
			return n, e.fail(err)
		}
		e.n += int64(n)
		return n, err
	}
	left := e.size - e.n
	if left == 0 {
		if err := e.wantEOF(); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	switch {
	case err == io.EOF && e.n < e.size:
		return 0, e.fail(fmt.Errorf("size mismatch: read %d bytes, declared %d", e.n, e.size))
	case err != nil && err != io.EOF:
		return 0, e.fail(err)
	case e.n == e.size:
		// These are the last bytes; make sure nothing follows before handing them
		// over, as the uploader may not ask again.
		if err := e.wantEOF(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// wantEOF checks that r has nothing more to give.
func (e *exactReader) wantEOF() error {
	var b [1]byte
	for range 100 {
		n, err := e.r.Read(b[:])
		if n > 0 {
			return e.fail(fmt.Errorf("size mismatch: reader holds more than the declared %d bytes", e.size))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return e.fail(err)
		}
	}
	return e.fail(io.ErrNoProgress)
}

func (e *exactReader) fail(err error) error {
	if e.err == nil {
		e.err = err
	}
	return e.err
}
