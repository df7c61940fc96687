package review

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"papergate/layout"
)

// Store keeps the service's records. Implemented by storage/sqlstore.
type Store interface {
	// CreateDocument records d (ID, Version and times are assigned) with status
	// uploaded and queues its split job in the same transaction. If a document with
	// the same SHA256 exists, it returns that one and created=false.
	CreateDocument(ctx context.Context, d Document) (doc Document, created bool, err error)
	// Document returns the document, or an error wrapping ErrNotFound.
	Document(ctx context.Context, id int64) (Document, error)
	// DocumentBySHA256 returns the document with that hash, or an error wrapping ErrNotFound.
	DocumentBySHA256(ctx context.Context, sha string) (Document, error)
	// Documents lists documents matching f, newest first.
	Documents(ctx context.Context, f Filter) ([]Document, error)
	// SetStatus moves a document to status with a reason (empty unless failed).
	SetStatus(ctx context.Context, id int64, status Status, reason string) error
	// SavePage records (or replaces) one page of a document.
	SavePage(ctx context.Context, p Page) error
	// Pages lists a document's pages in order.
	Pages(ctx context.Context, id int64) ([]Page, error)
	// FinishSplit records the page count, moves the document to recognizing and
	// queues its recognition, in one transaction.
	FinishSplit(ctx context.Context, id int64, pages int) error
}

// PageImage is one page image produced by a Splitter.
type PageImage struct {
	N      int    // 1-based page number
	Format string // "jpeg" or "png"
	Data   []byte // the encoded image; one page at a time is held in memory
	Width  int
	Height int
	DPI    int
	Source string // "embedded" (the scan image inside a PDF), "rendered" or "image"
}

// Splitter reads originals. Implemented by ocr/split.
type Splitter interface {
	// Inspect checks the original at path, which Sniff says is of kind k, and counts
	// its pages. A file that cannot be processed gives an *InputError.
	Inspect(ctx context.Context, path string, k Kind) (pages int, err error)
	// Split calls emit for every page from page `from` (1-based) on, in order.
	Split(ctx context.Context, path string, k Kind, from int, emit func(PageImage) error) error
}

// Ingester stores uploaded originals and queues them for processing.
type Ingester struct {
	Objects  ObjectStore
	Store    Store
	Splitter Splitter
	TempDir  string // where uploads are spooled; "" for the system default
	MaxBytes int64  // largest accepted upload
	Log      *slog.Logger
}

// IngestOptions are what a clerk may say about an upload.
type IngestOptions struct {
	UnitCode string // 行政区划代码, optional
	Level    string // province, municipality, prefecture, or "" to leave for recognition
}

// IngestResult is the outcome of one upload.
type IngestResult struct {
	Document  Document
	Duplicate bool // the same bytes were uploaded before; Document is that upload
}

// Spooled is an upload held in a local spool file, hashed and checked, not yet stored.
// Commit stores it; Close discards the spool file (always call it).
type Spooled struct {
	Name   string
	SHA256 string
	Size   int64
	Kind   Kind
	path   string
}

// Close removes the spool file.
func (s *Spooled) Close() error { return os.Remove(s.path) }

// Ingest stores one upload: Spool then Commit.
func (in *Ingester) Ingest(ctx context.Context, name string, r io.Reader, opt IngestOptions) (IngestResult, error) {
	sp, err := in.Spool(ctx, name, r)
	if err != nil {
		return IngestResult{}, err
	}
	defer sp.Close()
	return in.Commit(ctx, sp, opt)
}

// Spool streams r (the file named name) to a local spool file while hashing it, up to
// the size limit, and checks that its content is an accepted kind that matches its
// name. Nothing is stored yet.
func (in *Ingester) Spool(ctx context.Context, name string, r io.Reader) (*Spooled, error) {
	f, err := os.CreateTemp(in.TempDir, "papergate-upload-*")
	if err != nil {
		return nil, fmt.Errorf("ingest: spool: %w", err)
	}
	sp := &Spooled{Name: filepath.Base(name), path: f.Name()}
	ok := false
	defer func() {
		f.Close()
		if !ok {
			sp.Close()
		}
	}()
	h := sha256.New()
	limit := in.MaxBytes
	if limit <= 0 {
		limit = 200 << 20
	}
	n, err := io.Copy(io.MultiWriter(f, h), &ctxReader{ctx: ctx, r: io.LimitReader(r, limit+1)})
	if err != nil {
		return nil, fmt.Errorf("ingest: read upload: %w", err)
	}
	if n > limit {
		return nil, &InputError{Code: "too_large",
			Message: fmt.Sprintf("%s is larger than the upload limit of %d MB", sp.Name, limit>>20), Err: ErrTooLarge}
	}
	if n == 0 {
		return nil, BadInput("empty_file", fmt.Sprintf("%s is empty", sp.Name), nil)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("ingest: spool: %w", err)
	}
	head := make([]byte, 512)
	m, _ := f.ReadAt(head, 0)
	head = head[:m]
	kind, known := Sniff(head)
	if !known {
		return nil, BadInput("unsupported_type",
			fmt.Sprintf("%s is %s; papergate accepts PDF, TIFF, JPEG and PNG scans", sp.Name, describeContent(head)), nil)
	}
	if claimed := kindFromName(name); claimed != "" && claimed != kind {
		return nil, BadInput("extension_mismatch",
			fmt.Sprintf("%s is named like %s but its content is %s; check that this is the right file and rename it", sp.Name, kindLabel(claimed), kindLabel(kind)), nil)
	}
	sp.SHA256, sp.Size, sp.Kind = hex.EncodeToString(h.Sum(nil)), n, kind
	ok = true
	return sp, nil
}

// Commit stores a spooled upload under its hash and records it as a document with
// its first job. Only when Commit returns without error is the upload durable. A
// duplicate returns the existing document, and stores nothing.
func (in *Ingester) Commit(ctx context.Context, sp *Spooled, opt IngestOptions) (IngestResult, error) {
	if !ValidLevel(opt.Level) {
		return IngestResult{}, BadInput("bad_level", fmt.Sprintf("unknown level %q: use province, municipality or prefecture", opt.Level), nil)
	}
	if opt.UnitCode != "" && !validRegionCode(opt.UnitCode) {
		return IngestResult{}, BadInput("bad_unit", fmt.Sprintf("unit %q is not a 6-digit region code (行政区划代码)", opt.UnitCode), nil)
	}
	if existing, err := in.Store.DocumentBySHA256(ctx, sp.SHA256); err == nil {
		return IngestResult{Document: existing, Duplicate: true}, nil
	} else if !errors.Is(err, ErrNotFound) {
		return IngestResult{}, fmt.Errorf("ingest: look up duplicate: %w", err)
	}
	pages, err := in.Splitter.Inspect(ctx, sp.path, sp.Kind)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return IngestResult{}, &InputError{Code: ie.Code, Message: sp.Name + ": " + ie.Message, Err: ie.Err}
		}
		return IngestResult{}, fmt.Errorf("ingest: inspect %s: %w", sp.Name, err)
	}
	f, err := os.Open(sp.path)
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	if err := in.Objects.Put(ctx, OriginalKey(sp.SHA256), f, sp.Size, sp.Kind.ContentType()); err != nil {
		return IngestResult{}, fmt.Errorf("ingest: store original: %w", err)
	}
	doc, created, err := in.Store.CreateDocument(ctx, Document{
		SHA256: sp.SHA256, FileName: sp.Name, Kind: sp.Kind, Size: sp.Size, Pages: pages,
		UnitCode: opt.UnitCode, Level: opt.Level,
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: record document: %w", err)
	}
	if in.Log != nil && created {
		in.Log.Info("document ingested", "id", doc.ID, "file", doc.FileName, "sha256", sp.SHA256, "pages", pages, "bytes", sp.Size)
	}
	return IngestResult{Document: doc, Duplicate: !created}, nil
}

func validRegionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ctxReader stops a long copy when its context is cancelled.
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

// Pipeline runs the processing stages of a document. Each stage is idempotent: the
// job queue may run it again after a crash, and it picks up where it stopped.
type Pipeline struct {
	Objects  ObjectStore
	Store    Store
	Values   ValueStore
	Splitter Splitter
	Catalog  *layout.Catalog // nil for layout.Default()
	TempDir  string
	Log      *slog.Logger
	// ConfidenceThreshold: values below it count as doubtful; 0 for the default.
	ConfidenceThreshold float64
}

// Split stores one image per page of document id and hands it on to recognition.
// Pages already stored by an earlier, interrupted run are not redone.
func (p *Pipeline) Split(ctx context.Context, id int64) error {
	doc, err := p.Store.Document(ctx, id)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	if doc.Status != StatusUploaded && doc.Status != StatusSplitting && doc.Status != StatusFailed {
		return nil // already past this stage: a duplicate delivery of the job
	}
	if err := p.Store.SetStatus(ctx, id, StatusSplitting, ""); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	done, err := p.Store.Pages(ctx, id)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	from := 1
	for _, pg := range done { // resume after the last contiguous stored page
		if pg.N != from {
			break
		}
		from++
	}
	total := doc.Pages
	if from <= total || total == 0 {
		path, cleanup, err := p.fetchOriginal(ctx, doc)
		if err != nil {
			return fmt.Errorf("split: %w", err)
		}
		defer cleanup()
		count := from - 1
		err = p.Splitter.Split(ctx, path, doc.Kind, from, func(img PageImage) error {
			key := PageKey(doc.SHA256, img.N, img.Format)
			ct := "image/png"
			if img.Format == "jpeg" {
				ct = "image/jpeg"
			}
			if err := p.Objects.Put(ctx, key, bytes.NewReader(img.Data), int64(len(img.Data)), ct); err != nil {
				return fmt.Errorf("store page %d: %w", img.N, err)
			}
			count = img.N
			return p.Store.SavePage(ctx, Page{DocumentID: id, N: img.N, Key: key, Format: img.Format,
				Width: img.Width, Height: img.Height, DPI: img.DPI, Size: int64(len(img.Data)), Source: img.Source})
		})
		if err != nil {
			return fmt.Errorf("split document %d: %w", id, err)
		}
		total = count
	}
	if total == 0 {
		return BadInput("no_pages", "the document has no pages", nil)
	}
	if err := p.Store.FinishSplit(ctx, id, total); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	if p.Log != nil {
		p.Log.Info("document split", "id", id, "pages", total, "resumed_from", from)
	}
	return nil
}

// Fail marks a document failed with a reason people can read.
func (p *Pipeline) Fail(ctx context.Context, id int64, reason string) error {
	if err := p.Store.SetStatus(ctx, id, StatusFailed, reason); err != nil {
		return fmt.Errorf("fail document %d: %w", id, err)
	}
	return nil
}

// fetchOriginal copies a document's original to a local temp file (PDF and TIFF
// readers need random access) and checks its hash on the way.
func (p *Pipeline) fetchOriginal(ctx context.Context, doc Document) (string, func(), error) {
	rc, err := p.Objects.Get(ctx, OriginalKey(doc.SHA256))
	if err != nil {
		return "", nil, fmt.Errorf("fetch original: %w", err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(p.TempDir, "papergate-original-*")
	if err != nil {
		return "", nil, fmt.Errorf("fetch original: %w", err)
	}
	cleanup := func() { os.Remove(f.Name()) }
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), &ctxReader{ctx: ctx, r: rc}); err != nil {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("fetch original: %w", err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("fetch original: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != doc.SHA256 {
		cleanup()
		return "", nil, fmt.Errorf("fetch original: stored object has hash %s, want %s", got, doc.SHA256)
	}
	return f.Name(), cleanup, nil
}
