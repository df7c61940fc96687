package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"papergate/layout"
	"papergate/review"
)

// fakeStore is an in-memory stand-in for every store the server uses: one
// document in review (id 1) with one page and one value.
type fakeStore struct {
	mu       sync.Mutex
	users    map[string]*fakeUser
	sessions map[string]Session
	tokens   map[string]string // token → user name
	doc      review.Document
	version  int64
	heldBy   string // someone else's claim on the document
}

type fakeUser struct {
	u    review.User
	hash string
}

func newFakeStore() *fakeStore {
	return &fakeStore{users: map[string]*fakeUser{}, sessions: map[string]Session{}, tokens: map[string]string{},
		doc: review.Document{ID: 1, SHA256: "ab", FileName: "scan.pdf", Kind: review.KindPDF, Status: review.StatusInReview,
			Pages: 1, UnitCode: "330000", Level: "province", Version: 3}}
}

// fakeHash is a fixed bcrypt hash of "password-123" (cost 4, to keep tests fast).
var fakeHash = func() string {
	h, err := bcryptHashForTest("password-123")
	if err != nil {
		panic(err)
	}
	return h
}()

func (f *fakeStore) addUser(name string, role review.Role) review.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := review.User{ID: int64(len(f.users) + 1), Name: name, Role: role, CreatedAt: time.Now()}
	f.users[name] = &fakeUser{u: u, hash: fakeHash}
	return u
}

// Documents
func (f *fakeStore) Documents(ctx context.Context, flt review.Filter) ([]review.Document, error) {
	return []review.Document{f.doc}, nil
}
func (f *fakeStore) Document(ctx context.Context, id int64) (review.Document, error) {
	if id != f.doc.ID {
		return review.Document{}, fmt.Errorf("fake: %w", review.ErrNotFound)
	}
	return f.doc, nil
}
func (f *fakeStore) Pages(ctx context.Context, id int64) ([]review.Page, error) {
	return []review.Page{{DocumentID: id, N: 1, Key: "pages/ab/1.jpg", Format: "jpeg", Width: 100, Height: 140}}, nil
}
func (f *fakeStore) Events(ctx context.Context, id int64) ([]review.Event, error) { return nil, nil }
func (f *fakeStore) Retry(ctx context.Context, id int64) error                    { return nil }

// Values
func (f *fakeStore) Values(ctx context.Context, id int64) ([]review.Value, error) {
	return []review.Value{{FieldID: "Q1.1", Value: int64(1), Recognized: int64(1), Confidence: 0.95, Page: 1,
		Box: image.Rect(10, 20, 30, 40)}}, nil
}
func (f *fakeStore) Audit(ctx context.Context, id int64, field string) ([]review.AuditEntry, error) {
	return nil, nil
}

// Workflow
func (f *fakeStore) DecodeEdit(fieldID string, raw json.RawMessage) (any, error) {
	return string(raw), nil
}
func (f *fakeStore) Edit(ctx context.Context, id, version int64, user string, ch []review.Change) (int64, []layout.Message, error) {
	if version != f.doc.Version {
		return 0, nil, fmt.Errorf("fake: stale: %w", review.ErrConflict)
	}
	return version + 1, nil, nil
}
func (f *fakeStore) Messages(ctx context.Context, id int64) ([]layout.Message, error) {
	return nil, nil
}
func (f *fakeStore) Verify(ctx context.Context, id, version int64, user, override string) (int64, error) {
	return version + 1, nil
}
func (f *fakeStore) Reopen(ctx context.Context, id int64, user, reason string) (int64, error) {
	return 4, nil
}

// Ingester
func (f *fakeStore) Spool(ctx context.Context, name string, r io.Reader) (*review.Spooled, error) {
	b, err := io.ReadAll(r)
	return &review.Spooled{Name: name, Size: int64(len(b))}, err
}
func (f *fakeStore) Commit(ctx context.Context, sp *review.Spooled, opt review.IngestOptions) (review.IngestResult, error) {
	return review.IngestResult{Document: f.doc}, nil
}

// Tokens
func (f *fakeStore) UserByToken(ctx context.Context, token string) (review.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n, ok := f.tokens[token]; ok {
		return f.users[n].u, nil
	}
	return review.User{}, review.ErrNotFound
}

// Sessions
func (f *fakeStore) CreateSession(ctx context.Context, s Session) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[s.Hash] = s
	return nil
}
func (f *fakeStore) Session(ctx context.Context, hash string) (Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[hash]
	if !ok {
		return Session{}, review.ErrNotFound
	}
	s.User = f.users[s.User.Name].u
	return s, nil
}
func (f *fakeStore) TouchSession(ctx context.Context, hash string, t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sessions[hash]; ok {
		s.LastSeen = t
		f.sessions[hash] = s
	}
	return nil
}
func (f *fakeStore) DeleteSession(ctx context.Context, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, hash)
	return nil
}

// Accounts
func (f *fakeStore) UserByName(ctx context.Context, name string) (review.User, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.users[name]; ok {
		return u.u, u.hash, nil
	}
	return review.User{}, "", review.ErrNotFound
}
func (f *fakeStore) Users(ctx context.Context) ([]review.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []review.User
	for _, u := range f.users {
		out = append(out, u.u)
	}
	return out, nil
}
func (f *fakeStore) CreateUser(ctx context.Context, name string, role review.Role, hash string) (review.User, error) {
	if _, _, err := f.UserByName(ctx, name); err == nil {
		return review.User{}, review.ErrConflict
	}
	u := f.addUser(name, role)
	return u, nil
}
func (f *fakeStore) byID(id int64) *fakeUser {
	for _, u := range f.users {
		if u.u.ID == id {
			return u
		}
	}
	return nil
}
func (f *fakeStore) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.byID(id)
	if u == nil {
		return review.ErrNotFound
	}
	u.u.Disabled = disabled
	return nil
}
func (f *fakeStore) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.byID(id)
	if u == nil {
		return review.ErrNotFound
	}
	u.hash = hash
	return nil
}

// Claims
func (f *fakeStore) Claim(ctx context.Context, id int64, user string, ttl time.Duration) error {
	if f.heldBy != "" && f.heldBy != user {
		f.doc.ClaimedBy = f.heldBy
		return fmt.Errorf("fake: %s holds it: %w", f.heldBy, review.ErrConflict)
	}
	return nil
}
func (f *fakeStore) ClaimNext(ctx context.Context, user string, ttl time.Duration) (int64, error) {
	return 1, nil
}
func (f *fakeStore) Release(ctx context.Context, id int64, user string) error { return nil }

// Objects
func (f *fakeStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader([]byte("\xff\xd8\xff\xe0 not really a jpeg"))), nil
}

// Counts
func (f *fakeStore) DocumentCounts(ctx context.Context) ([]DocumentCount, error) {
	return []DocumentCount{{Status: review.StatusInReview, Province: "33", Level: "province", N: 1}}, nil
}

// Exports
func (f *fakeStore) WriteFile(ctx context.Context, w io.Writer, format, target, user string, commit func() error) (review.ExportRun, error) {
	_, err := io.WriteString(w, "id\n1\n")
	return review.ExportRun{}, err
}

// newTestServer is a server on a fake store with a controllable clock.
func newTestServer(t testing.TB, f *fakeStore, mod func(*Config)) (*Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	cfg := Config{Documents: f, Values: f, Workflow: f, Ingester: f, Tokens: f, Sessions: f, Accounts: f, Claims: f,
		Objects: f, Counts: f, Exports: f, MaxUploadBytes: 1 << 20, Now: clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg), clock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
