package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"papergate/review"
	"papergate/storage/sqlstore"
	"papergate/web"
)

// benchServe starts `papergate serve` in-process on the embedded defaults with no
// recognizers (the fixture stands in for recognition) and returns its base URL and
// a handle on its database.
func benchServe(b *testing.B) (string, *sqlstore.DB) {
	b.Helper()
	e := newEnv(b, embedded)
	return e.serve(), e.db
}

func mainTB(tb testing.TB, stdin string, args ...string) string {
	tb.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb}); code != 0 {
		tb.Fatalf("papergate %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// benchUpload uploads a synthetic scan through the API, waits for its split and
// puts it into review with the fixture.
func benchUpload(b *testing.B, base, token string, db *sqlstore.DB, name string) int64 {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "synth", name+".pdf"))
	if err != nil {
		b.Fatal(err)
	}
	status, doc := upload(b, base, token, name+".pdf", data, nil)
	if status != http.StatusCreated {
		b.Fatalf("upload %s: %d %v", name, status, doc)
	}
	id := int64(doc["id"].(float64))
	waitFor(b, name+" to be split", 60*time.Second, func() bool {
		d, err := db.Document(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if d.Status == review.StatusFailed {
			b.Fatalf("%s: %s %s", name, d.Status, d.FailReason)
		}
		return d.Status == review.StatusRecognizing
	})
	putInReview(b, db, id, name, true)
	return id
}

// BenchmarkReviewKeystrokes measures review effort in headless Chromium: the keys a
// reviewer presses, and the seconds it takes, to verify a synthetic return whose
// values are all confident: Ctrl+Enter accepts a page's confident fields and moves
// to the next page, Ctrl+Shift+Enter verifies.
//
//	go test ./cmd/papergate -run '^$' -bench ReviewKeystrokes -benchtime 1x
func BenchmarkReviewKeystrokes(b *testing.B) {
	base, db := benchServe(b)
	mainTB(b, "", "user", "add", "--name", "clerk1", "--role", "clerk")
	out := strings.TrimSpace(mainTB(b, "", "token", "create", "--user", "clerk1"))
	token := out[strings.LastIndex(out, "\n")+1:]
	mainTB(b, "rita-password-1\n", "user", "add", "--name", "rita", "--role", "reviewer", "--password-stdin")
	br := newBrowser(b, base)
	br.login("rita", "rita-password-1")

	type row struct {
		name                    string
		pages, withFields, nval int
		keys                    int
		secs                    float64
	}
	var rows []row
	for i := 0; i < b.N; i++ {
		for _, name := range []string{"r0001", "r0002", "r0003"} {
			id := benchUpload(b, base, token, db, name)
			br.open(fmt.Sprintf("/review/%d", id))
			br.waitJS("the review screen", `document.querySelector('main.review') && document.activeElement.matches('input.v')`, 15*time.Second)
			var shape struct{ Pages, WithFields, Fields int }
			br.eval(`(() => { const fs = [...document.querySelectorAll('main.review .f')];
				return {Pages: document.querySelectorAll('.page').length, WithFields: new Set(fs.map(f => f.dataset.page)).size, Fields: fs.length}; })()`, &shape)
			br.keys = 0
			start := time.Now()
			for k := 0; k < 40 && !br.bool(`document.activeElement && document.activeElement.id === 'verify'`); k++ {
				br.press(kb.Enter, chromedp.ModifierCtrl)
				br.waitSaved()
			}
			br.press(kb.Enter, chromedp.ModifierCtrl, chromedp.ModifierShift)
			br.waitJS("verified", `!document.getElementById('done').hidden`, 20*time.Second)
			rows = append(rows, row{name, shape.Pages, shape.WithFields, shape.Fields, br.keys, time.Since(start).Seconds()})
		}
	}
	b.StopTimer()
	var keys, pages int
	fmt.Printf("\n| return | pages | pages with fields | fields | keystrokes | keystrokes/page | seconds |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Printf("| %s | %d | %d | %d | %d | %.2f | %.1f |\n", r.name, r.pages, r.withFields, r.nval, r.keys,
			float64(r.keys)/float64(r.pages), r.secs)
		keys, pages = keys+r.keys, pages+r.pages
	}
	b.ReportMetric(float64(keys)/float64(pages), "keys/page")
}

// BenchmarkReviewScreen measures the server time of the review screen (GET
// /review/:id, claim included) with 1,000 returns in the store (SQLite, the
// embedded default), at the 50th and 95th percentile.
//
//	go test ./cmd/papergate -run '^$' -bench ReviewScreen -benchtime 200x
func BenchmarkReviewScreen(b *testing.B) {
	const docs = 1000
	dir := b.TempDir()
	cfg := Config{DataDir: dir, DB: filepath.Join(dir, "papergate.db"), ObjectsDir: filepath.Join(dir, "objects"),
		MaxUploadMB: 200, SplitWorkers: 1, MaxAttempts: 5, LogLevel: "warn", LogFormat: "text"}
	ctx := context.Background()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	start := time.Now()
	fixtures := []review.RecognizedDocument{recognizedFixture(b, "r0001", false), recognizedFixture(b, "r0002", false),
		recognizedFixture(b, "r0003", false)}
	var ids []int64
	for i := 0; i < docs; i++ {
		d, _, err := a.db.CreateDocument(ctx, review.Document{SHA256: fmt.Sprintf("%064x", i+1), FileName: fmt.Sprintf("scan-%04d.pdf", i),
			Kind: review.KindPDF, Size: 1000})
		if err != nil {
			b.Fatal(err)
		}
		rec := fixtures[i%3]
		for n := 1; n <= len(rec.Pages); n++ {
			if err := a.db.SavePage(ctx, review.Page{DocumentID: d.ID, N: n, Key: review.PageKey(d.SHA256, n, "jpeg"), Format: "jpeg",
				Width: 1654, Height: 2339, DPI: 200, Size: 1}); err != nil {
				b.Fatal(err)
			}
		}
		if err := a.db.FinishSplit(ctx, d.ID, len(rec.Pages)); err != nil {
			b.Fatal(err)
		}
		if err := a.db.SaveRecognition(ctx, d.ID, rec); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	b.Logf("%d returns in review in %v", docs, time.Since(start).Round(time.Second))
	u, err := a.db.CreateUser(ctx, "rita", review.RoleReviewer, "x")
	if err != nil {
		b.Fatal(err)
	}
	secret := review.NewSecret("", 32)
	now := time.Now().UTC()
	if err := a.db.CreateSession(ctx, sqlstore.Session{Hash: review.TokenHash(secret), User: u, CSRF: "c", CreatedAt: now,
		LastSeen: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	h := a.handler(map[string]web.Checker{})
	var times []time.Duration
	// Percentiles need samples: at least 200 requests, whatever -benchtime says.
	requests := max(b.N, 200)
	b.ResetTimer()
	for i := 0; i < requests; i++ {
		id := ids[(i*7919)%len(ids)]
		req := httptest.NewRequest("GET", fmt.Sprintf("/review/%d", id), nil)
		req.AddCookie(&http.Cookie{Name: "papergate_session", Value: secret})
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, req)
		times = append(times, time.Since(t0))
		if w.Code != 200 {
			b.Fatalf("GET /review/%d: %d %s", id, w.Code, w.Body.String())
		}
		// Leave it for the next request, as a reviewer closing the screen would.
		if err := a.db.Release(ctx, id, "rita"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	p := func(q float64) time.Duration { return times[int(q*float64(len(times)-1))] }
	fmt.Printf("\n| returns in store | requests | p50 | p95 | max |\n|---|---|---|---|---|\n| %d | %d | %v | %v | %v |\n",
		docs, len(times), p(0.5).Round(100*time.Microsecond), p(0.95).Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond))
	b.ReportMetric(float64(p(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p(0.95).Microseconds())/1000, "p95-ms")
}
