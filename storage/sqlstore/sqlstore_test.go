package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"papergate/internal/testenv"
	"papergate/review"
)

// dialects opens a fresh, migrated store for each engine: the same tests run on both.
func dialects(t *testing.T, fn func(t *testing.T, db *DB)) {
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, openTest(t, d))
		})
	}
}

func openTest(t *testing.T, d Dialect) *DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "state.db")
	if d == Postgres {
		dsn = testenv.Postgres(t)
	}
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

func newDoc(i int) review.Document {
	return review.Document{SHA256: fmt.Sprintf("%064x", i), FileName: fmt.Sprintf("scan-%d.pdf", i), Kind: review.KindPDF,
		Size: 1234, Pages: 3, UnitCode: "330000", Level: review.LevelProvince}
}

func TestDocuments(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		d, created, err := db.CreateDocument(ctx, newDoc(1))
		if err != nil || !created {
			t.Fatalf("CreateDocument = %v, %v", created, err)
		}
		if got, want := d.Status, review.StatusUploaded; got != want {
			t.Errorf("status = %s, want %s", got, want)
		}
		if d.ID == 0 || d.Version != 1 || d.CreatedAt.IsZero() {
			t.Errorf("document not filled in: %+v", d)
		}
		dup, created, err := db.CreateDocument(ctx, newDoc(1))
		if err != nil || created || dup.ID != d.ID {
			t.Fatalf("duplicate: created=%v id=%d err=%v, want existing %d", created, dup.ID, err, d.ID)
		}
		got, err := db.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SHA256 != d.SHA256 || got.FileName != "scan-1.pdf" || got.Kind != review.KindPDF || got.UnitCode != "330000" ||
			got.Level != review.LevelProvince || got.Pages != 3 || !got.CreatedAt.Equal(d.CreatedAt) {
			t.Errorf("Document = %+v, want %+v", got, d)
		}
		if _, err := db.Document(ctx, 999999); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("missing document: err = %v, want ErrNotFound", err)
		}
		if _, err := db.DocumentBySHA256(ctx, "nope"); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("missing hash: err = %v, want ErrNotFound", err)
		}

		if err := db.SetStatus(ctx, d.ID, review.StatusFailed, "the PDF is damaged"); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Document(ctx, d.ID)
		if got.Status != review.StatusFailed || got.FailReason != "the PDF is damaged" || got.Version != 2 {
			t.Errorf("after SetStatus: %+v", got)
		}
		if err := db.SetStatus(ctx, 999999, review.StatusFailed, ""); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("SetStatus of missing document: %v", err)
		}

		for n := 3; n >= 1; n-- {
			p := review.Page{DocumentID: d.ID, N: n, Key: review.PageKey(d.SHA256, n, "jpeg"), Format: "jpeg", Width: 1654, Height: 2339, DPI: 200, Size: 1000, Source: "embedded"}
			if err := db.SavePage(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// Saving a page again replaces it (a resumed split).
		if err := db.SavePage(ctx, review.Page{DocumentID: d.ID, N: 2, Key: "k2", Format: "png", Width: 1, Height: 2, DPI: 300, Size: 9, Source: "rendered"}); err != nil {
			t.Fatal(err)
		}
		pages, err := db.Pages(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pages) != 3 || pages[0].N != 1 || pages[2].N != 3 || pages[1].Key != "k2" || pages[1].DPI != 300 {
			t.Errorf("Pages = %+v", pages)
		}
		if err := db.FinishSplit(ctx, d.ID, 3); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Document(ctx, d.ID)
		if got.Status != review.StatusRecognizing || got.FailReason != "" || got.Pages != 3 {
			t.Errorf("after FinishSplit: %+v", got)
		}
		events, err := db.Events(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []review.Status
		for _, e := range events {
			statuses = append(statuses, e.Status)
		}
		if got, want := fmt.Sprint(statuses), "[uploaded failed recognizing]"; got != want {
			t.Errorf("events = %s, want %s", got, want)
		}
	})
}

func TestDocumentsFilter(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i := 1; i <= 5; i++ {
			d := newDoc(i)
			if i == 4 {
				d.FileName = "浙江_100%_done.pdf"
				d.UnitCode = "331000"
			}
			if _, _, err := db.CreateDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetStatus(ctx, 2, review.StatusFailed, "x"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    review.Filter
			want string
		}{
			{"all, newest first", review.Filter{}, "[5 4 3 2 1]"},
			{"by status", review.Filter{Status: review.StatusFailed}, "[2]"},
			{"by file name", review.Filter{Query: "浙江"}, "[4]"},
			{"LIKE wildcards are literal", review.Filter{Query: "100%_"}, "[4]"},
			{"by unit", review.Filter{Query: "3310"}, "[4]"},
			{"limit", review.Filter{Limit: 2}, "[5 4]"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				docs, err := db.Documents(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, d := range docs {
					ids = append(ids, d.ID)
				}
				if got := fmt.Sprint(ids); got != tc.want {
					t.Errorf("ids = %s, want %s", got, tc.want)
				}
			})
		}
	})
}

// TestCreateDocumentConcurrent: the same file uploaded at once from many clients makes
// one document and one job.
func TestCreateDocumentConcurrent(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		createdN, ids := 0, map[int64]bool{}
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, created, err := db.CreateDocument(ctx, newDoc(7))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[d.ID] = true
				if created {
					createdN++
				}
			}()
		}
		wg.Wait()
		if createdN != 1 || len(ids) != 1 {
			t.Errorf("created %d documents with ids %v, want exactly one", createdN, ids)
		}
		var jobs int
		if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'split'`).Scan(&jobs); err != nil {
			t.Fatal(err)
		}
		if jobs != 1 {
			t.Errorf("%d split jobs queued, want 1", jobs)
		}
	})
}

func TestUsersAndTokens(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		hash, err := review.HashPassword("correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUser(ctx, "li.na", review.RoleClerk, hash)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, "li.na", review.RoleAdmin, hash); !errors.Is(err, review.ErrConflict) {
			t.Errorf("duplicate name: err = %v, want ErrConflict", err)
		}
		got, gotHash, err := db.UserByName(ctx, "li.na")
		if err != nil || got.ID != u.ID || got.Role != review.RoleClerk || !review.CheckPassword(gotHash, "correct horse battery") {
			t.Errorf("UserByName = %+v, %v", got, err)
		}
		token, err := db.CreateToken(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		byToken, err := db.UserByToken(ctx, token)
		if err != nil || byToken.ID != u.ID {
			t.Errorf("UserByToken = %+v, %v", byToken, err)
		}
		for _, bad := range []string{"", "pgt_wrong", token + "x", "Bearer " + token} {
			if _, err := db.UserByToken(ctx, bad); !errors.Is(err, review.ErrNotFound) {
				t.Errorf("UserByToken(%q) err = %v, want ErrNotFound", bad, err)
			}
		}
		if n, err := db.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
	})
}

// TestMigrateTwice: migrating an up-to-date database is a no-op, also from two
// processes at once.
func TestMigrateTwice(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := db.Migrate(context.Background()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	})
}
