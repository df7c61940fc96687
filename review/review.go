// Package review is papergate's domain core: documents, pages, their statuses, the
// processing pipeline that moves a document from upload to review, and the small
// interfaces it consumes (object store, record store, page splitter). Adapters in
// storage/, ocr/ and web/ implement or call these; review imports none of them.
package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Sentinel errors shared by every adapter. Callers test them with errors.Is.
var (
	// ErrNotFound: the document, page, object or user does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a write based on a stale version, or a unique key already taken.
	ErrConflict = errors.New("conflict")
	// ErrTooLarge: an upload over the configured size limit.
	ErrTooLarge = errors.New("too large")
)

// InputError is a problem with what a user handed in (a corrupt or encrypted PDF, a
// file whose content is not what its name says, ...). Its Message is written for the
// user; retrying the same input cannot succeed.
type InputError struct {
	Code    string // short machine-readable reason, e.g. "encrypted_pdf"
	Message string // one clear sentence for the user
	Err     error  // the underlying cause, for logs
}

func (e *InputError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *InputError) Unwrap() error { return e.Err }

// BadInput returns an *InputError.
func BadInput(code, message string, cause error) error {
	return &InputError{Code: code, Message: message, Err: cause}
}

// Status is where a document is in its life.
type Status string

// Statuses, in pipeline order; StatusFailed may follow any of the first three.
const (
	StatusUploaded    Status = "uploaded"
	StatusSplitting   Status = "splitting"
	StatusRecognizing Status = "recognizing"
	StatusInReview    Status = "in_review"
	StatusVerified    Status = "verified"
	StatusExported    Status = "exported"
	StatusFailed      Status = "failed"
)

// Statuses lists every status in pipeline order.
var Statuses = []Status{StatusUploaded, StatusSplitting, StatusRecognizing, StatusInReview,
	StatusVerified, StatusExported, StatusFailed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Kind is the file type of an original scan, decided from its content, not its name.
type Kind string

// Accepted kinds of original.
const (
	KindPDF  Kind = "pdf"
	KindTIFF Kind = "tiff"
	KindJPEG Kind = "jpeg"
	KindPNG  Kind = "png"
)

// ContentType is the MIME type of k.
func (k Kind) ContentType() string {
	switch k {
	case KindPDF:
		return "application/pdf"
	case KindTIFF:
		return "image/tiff"
	case KindJPEG:
		return "image/jpeg"
	case KindPNG:
		return "image/png"
	}
	return "application/octet-stream"
}

// Unit levels (FIELDS.md §1).
const (
	LevelProvince     = "province"
	LevelMunicipality = "municipality"
	LevelPrefecture   = "prefecture"
)

// ValidLevel reports whether l is empty (left for recognition) or a known level.
func ValidLevel(l string) bool {
	return l == "" || l == LevelProvince || l == LevelMunicipality || l == LevelPrefecture
}

// Document is one uploaded original scan (one file), which holds one return.
type Document struct {
	ID         int64
	SHA256     string // hex SHA-256 of the original bytes; unique
	FileName   string // as uploaded, for people; never used as a path
	Kind       Kind
	Size       int64
	Status     Status
	FailReason string // why the document failed, for people; empty unless failed
	Pages      int    // 0 until split
	UnitCode   string // 行政区划代码, if given at upload or recognized
	Level      string // province, municipality, prefecture or ""
	Version    int64  // bumped on every change; for optimistic locking
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Set by recognition and review:
	Seal         map[string]bool // per form: was an official seal found; nil until recognized
	Doubt        float64         // how doubtful recognition was; the review queue shows the most doubtful first
	ClaimedBy    string          // the reviewer holding the document, while ClaimedUntil is in the future
	ClaimedUntil time.Time
	VerifiedBy   string
	VerifiedAt   time.Time
}

// OriginalKey is the object key of a document's original bytes.
func OriginalKey(sha256 string) string { return "originals/" + sha256 }

// Page is one page image of a document, stored in the object store.
type Page struct {
	DocumentID int64
	N          int    // 1-based page number
	Key        string // object key of the page image
	Format     string // "jpeg" or "png"
	Width      int    // pixels
	Height     int    // pixels
	DPI        int    // resolution of the image, 0 if unknown
	Size       int64  // bytes of the stored image
	Source     string // how the image was obtained: "embedded", "rendered", "image"

	// Set by recognition:
	Form     string // form the page belongs to ("Q1", "Q2", "Q3"), "" if not identified
	Part     int    // which page of that form's flow, 0 if unknown
	Rotation int    // degrees the scan was turned to read it
	Blank    bool
	Note     string // for the reviewer: "page of another form", ...
}

// PageKey is the object key of page n of the original with the given hash.
func PageKey(sha256 string, n int, format string) string {
	ext := format
	if ext == "jpeg" {
		ext = "jpg"
	}
	return fmt.Sprintf("pages/%s/%d.%s", sha256, n, ext)
}

// Filter selects documents in a listing.
type Filter struct {
	Status Status // "" for any
	Query  string // substring of file name or unit code; "" for any
	Limit  int    // 0 for the store's default
}

// ValidKey accepts slash-separated keys such as "originals/<sha256>" and
// "pages/<sha256>/3.jpg", and rejects anything that could escape the root or alias
// another key (every ObjectStore applies it, so that all backends accept the same keys): empty or absolute keys, empty segments, segments starting with "."
// (which covers "." and ".." and the temporary directory), backslashes and NUL.
func ValidKey(key string) error {
	switch {
	case key == "":
		return errors.New("invalid key: empty")
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("invalid key %q: absolute", key)
	case strings.ContainsRune(key, '\\'):
		return fmt.Errorf("invalid key %q: contains a backslash", key)
	case strings.ContainsRune(key, 0):
		return fmt.Errorf("invalid key %q: contains NUL", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("invalid key %q: empty segment", key)
		case seg == "..":
			return fmt.Errorf("invalid key %q: contains a \"..\" segment", key)
		case strings.HasPrefix(seg, "."):
			return fmt.Errorf("invalid key %q: segment %q starts with \".\"", key, seg)
		}
	}
	return nil
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key  string
	Size int64
}

// ObjectStore keeps originals and page images by key. Keys are content-addressed, so a
// Put of an existing key with the same content is harmless.
type ObjectStore interface {
	// Put stores size bytes from r under key, atomically: a reader never sees a
	// partial object. size may be -1 if unknown.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object. It returns an error wrapping ErrNotFound if there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat describes the object, or returns an error wrapping ErrNotFound.
	Stat(ctx context.Context, key string) (ObjectInfo, error)
}

// Event is one entry of a document's history: a status change and why.
type Event struct {
	At      time.Time
	Status  Status
	Message string
}
