package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"papergate/review"
)

func TestSessionsAndAccounts(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ann, err := db.CreateUser(ctx, "ann", review.RoleReviewer, "hash-a")
		if err != nil {
			t.Fatal(err)
		}
		bob, err := db.CreateUser(ctx, "bob", review.RoleClerk, "hash-b")
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		for _, s := range []Session{
			{Hash: "h1", User: ann, CSRF: "c1", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(12 * time.Hour)},
			{Hash: "h2", User: ann, CSRF: "c2", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(12 * time.Hour)},
			{Hash: "h3", User: bob, CSRF: "c3", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(time.Hour)},
		} {
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		s, err := db.Session(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if s.User.Name != "ann" || s.User.Role != review.RoleReviewer || s.CSRF != "c1" || !s.ExpiresAt.Equal(t0.Add(12*time.Hour)) {
			t.Errorf("session = %+v", s)
		}
		if err := db.TouchSession(ctx, "h1", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.Session(ctx, "h1"); !s.LastSeen.Equal(t0.Add(time.Minute)) {
			t.Errorf("last seen %v after touch", s.LastSeen)
		}
		if _, err := db.Session(ctx, "nope"); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("unknown session: %v", err)
		}

		// Disabling ends the account's sessions; enabling does not bring them back.
		if err := db.SetUserDisabled(ctx, ann.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, "h2"); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("session of a disabled account: %v", err)
		}
		if u, _, _ := db.UserByName(ctx, "ann"); !u.Disabled {
			t.Errorf("ann not disabled")
		}
		if err := db.SetUserDisabled(ctx, 9999, true); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("disable a missing account: %v", err)
		}
		// A new password ends the sessions too.
		if err := db.SetPasswordHash(ctx, bob.ID, "hash-b2"); err != nil {
			t.Fatal(err)
		}
		if _, hash, _ := db.UserByName(ctx, "bob"); hash != "hash-b2" {
			t.Errorf("hash = %q", hash)
		}
		if _, err := db.Session(ctx, "h3"); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("session after a password reset: %v", err)
		}
		users, err := db.Users(ctx)
		if err != nil || len(users) != 2 || users[0].Name != "ann" || users[1].Name != "bob" {
			t.Errorf("users = %+v, %v", users, err)
		}

		// Expired sessions are swept.
		db.CreateSession(ctx, Session{Hash: "old", User: bob, CSRF: "c", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(time.Hour)})
		db.CreateSession(ctx, Session{Hash: "new", User: bob, CSRF: "c", CreatedAt: t0, LastSeen: t0.Add(3 * time.Hour), ExpiresAt: t0.Add(12 * time.Hour)})
		if err := db.DeleteExpiredSessions(ctx, t0.Add(4*time.Hour), t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, "old"); !errors.Is(err, review.ErrNotFound) {
			t.Errorf("expired session kept: %v", err)
		}
		if _, err := db.Session(ctx, "new"); err != nil {
			t.Errorf("live session swept: %v", err)
		}
		if err := db.DeleteSession(ctx, "new"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDocumentCounts(t *testing.T) {
	dialects(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i, unit := range []string{"330100", "330000", "110000", ""} {
			d := newDoc(i)
			d.UnitCode, d.Level = unit, review.LevelProvince
			if unit == "" {
				d.Level = ""
			}
			if _, _, err := db.CreateDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		counts, err := db.DocumentCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range counts {
			got[string(c.Status)+"/"+c.Province+"/"+c.Level] += c.N
		}
		want := map[string]int{"uploaded/33/province": 2, "uploaded/11/province": 1, "uploaded//": 1}
		if len(got) != len(want) {
			t.Errorf("counts = %v, want %v", got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("count %s = %d, want %d", k, got[k], n)
			}
		}
	})
}
