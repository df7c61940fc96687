package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"papergate/review"
)

// Browser tests drive the review UI in headless Chromium, with the keyboard only.
// Screenshots go to $PAPERGATE_ARTIFACTS (or the test's temp directory); with
// -update the review screen is also written to docs/review-screen.png.

// chromiumPath finds Chromium or fails the test: browser tests never skip.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PAPERGATE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("Chromium is not installed (looked for $PAPERGATE_CHROMIUM, /usr/bin/chromium, chromium on PATH): run scripts/setup.sh, which installs it")
	return ""
}

// browser is one headless Chromium tab on a papergate server.
type browser struct {
	t    testing.TB
	ctx  context.Context
	base string
	// keys counts the key presses sent, for the review-effort benchmark.
	keys      int
	artifacts string
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1600, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base, artifacts: artifactDir(t)}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1600, 1000)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// eval runs JavaScript in the page and decodes its value into out.
func (b *browser) eval(js string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		b.t.Fatalf("browser: eval %q: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(v, out); err != nil {
			b.t.Fatalf("browser: eval %q: %v (%s)", js, err, v)
		}
	}
}

func (b *browser) str(js string) string {
	var s string
	b.eval(js, &s)
	return s
}

// waitJS waits until a JavaScript expression is truthy. It evaluates it in a loop
// rather than in the page, so that navigations in between do not break the wait.
func (b *browser) waitJS(what, js string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+js+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("browser: timed out after %v waiting for %s (%v)\npage text: %s", timeout, what, lastErr,
		b.str(`document.body ? document.body.innerText.slice(0, 2000) : ''`))
}

// press sends keys to the focused element.
func (b *browser) press(keys string, mods ...chromedp.Modifier) {
	b.t.Helper()
	b.keys += len([]rune(keys))
	var opts []chromedp.KeyOption
	if len(mods) > 0 {
		opts = append(opts, chromedp.KeyModifiers(mods...))
	}
	b.do("press "+keys, chromedp.KeyEvent(keys, opts...))
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// screenshot saves the viewport as a PNG artifact and returns its path.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	dir := b.artifacts
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(dir, strings.ReplaceAll(b.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
	return p
}

// login logs in through the login form, typing like a person.
func (b *browser) login(name, password string) {
	b.t.Helper()
	b.open("/login")
	b.do("log in", chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)), chromedp.Focus(chromedp.CSS(`input[name=name]`)))
	b.press(name + "\t" + password + kb.Enter)
	b.waitJS("the first screen after login", `!location.pathname.startsWith('/login') && document.readyState === 'complete'`, 15*time.Second)
}

// addUser creates an account with a known password through the CLI.
func (e *env) addUser(name string, role review.Role, password string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"user", "add", "--name", name, "--role", string(role), "--password-stdin"},
		stdio{in: strings.NewReader(password + "\n"), out: &out, err: &errb}); code != 0 {
		e.t.Fatalf("user add %s: exit %d: %s", name, code, errb.String())
	}
}

// gotoField moves the focus to a field of the review screen with Tab and Shift+Tab
// only, as a reviewer would.
func (b *browser) gotoField(id string) {
	b.t.Helper()
	var pos struct{ Cur, Want int }
	b.eval(fmt.Sprintf(`(() => { const fs = [...document.querySelectorAll('main.review .f')];
		return {Cur: fs.indexOf(document.activeElement.closest('.f')), Want: fs.findIndex(f => f.dataset.id === %q)}; })()`, id), &pos)
	if pos.Want < 0 {
		b.t.Fatalf("review screen has no field %s", id)
	}
	for ; pos.Cur < pos.Want; pos.Cur++ {
		b.press(kb.Tab)
	}
	for ; pos.Cur > pos.Want; pos.Cur-- {
		b.press(kb.Tab, chromedp.ModifierShift)
	}
	if got := b.str(`document.activeElement.closest('.f') ? document.activeElement.closest('.f').dataset.id : ''`); got != id {
		b.t.Fatalf("focus is on %q, want %s", got, id)
	}
}

// fieldValue is what the screen shows saved for a field.
func (b *browser) fieldValue(id string) string {
	return b.str(fmt.Sprintf(`document.getElementById('v-' + %q).dataset.saved`, id))
}

// waitSaved waits until the screen has no save in flight.
// switchTick chooses another option of a tick field with its digit key (1, or 2
// if 1 is chosen), checks that it was saved, and returns the value it had.
func (b *browser) switchTick(id string) (orig string) {
	b.t.Helper()
	b.gotoField(id)
	orig = b.fieldValue(id)
	other := "1"
	if orig == "1" {
		other = "2"
	}
	b.press(other)
	b.waitSaved()
	if got := b.fieldValue(id); got != other {
		b.t.Fatalf("tick %s saved as %q, want %s", id, got, other)
	}
	return orig
}

func (b *browser) waitSaved() {
	b.t.Helper()
	b.waitJS("saves to finish", `!document.querySelector('.f.saving')`, 15*time.Second)
}

// verifyByKeyboard verifies the open return with Ctrl+Shift+Enter; if validation
// errors remain (recognition is not perfect), it types an override reason and
// confirms it with Ctrl+Enter. It returns whether an override was needed.
func (b *browser) verifyByKeyboard(reason string) bool {
	b.t.Helper()
	b.press(kb.Enter, chromedp.ModifierCtrl, chromedp.ModifierShift)
	b.waitJS("the return to be verified or refused", `!document.getElementById('done').hidden || !document.getElementById('verify-panel').hidden`, 20*time.Second)
	if b.str(`document.getElementById('done').hidden ? 'refused' : 'done'`) == "done" {
		return false
	}
	b.press(reason)
	b.press(kb.Enter, chromedp.ModifierCtrl)
	b.waitJS("the return to be verified with a reason", `!document.getElementById('done').hidden`, 20*time.Second)
	return true
}

// reviewEnv is a server whose documents reach review through the real upload and
// split, with recognition replaced by the truth-based test fixture (no Tesseract
// in this process: PAPERGATE_RECOGNIZERS=0).
func reviewEnv(t testing.TB, e *env) (base, token string) {
	t.Helper()
	t.Setenv("PAPERGATE_RECOGNIZERS", "0")
	base = e.serve()
	token = e.token("clerk1", review.RoleClerk)
	return base, token
}

// reviewSynth uploads testdata/synth/<name>.pdf through the API, waits for the
// split and puts it into review with the fixture.
func (e *env) reviewSynth(base, token, name string, confident bool) int64 {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "synth", name+".pdf"))
	if err != nil {
		e.t.Fatal(err)
	}
	status, doc := upload(e.t, base, token, name+".pdf", data, nil)
	if status != 201 {
		e.t.Fatalf("upload %s: %d %v", name, status, doc)
	}
	id := int64(doc["id"].(float64))
	e.waitSplit(id, int(doc["pages"].(float64)))
	putInReview(e.t, e.db, id, name, confident)
	return id
}

// TestBrowserScreens: every screen renders and works with the keyboard, on a
// return put into review by the fixture: corrections, a tick by digit, the next
// doubtful field, accepting a page, a stale save refused with a clear conflict
// message, verification, reopening by a supervisor, and the admin's user list.
func TestBrowserScreens(t *testing.T) {
	for _, b := range []backend{embedded, scaled} {
		t.Run(string(b), func(t *testing.T) { browserScreens(t, b) })
	}
}

func browserScreens(t *testing.T, backend backend) {
	e := newEnv(t, backend)
	base, token := reviewEnv(t, e)
	id := e.reviewSynth(base, token, "r0001", false)
	e.addUser("rita", review.RoleReviewer, "rita-password-1")
	e.addUser("sam", review.RoleSupervisor, "sam-password-1")
	e.addUser("root2", review.RoleAdmin, "root2-password-1")

	b := newBrowser(t, base)
	b.open("/login")
	b.screenshot("login")
	b.login("rita", "rita-password-1")
	if got := b.str(`location.pathname`); got != "/queue" {
		t.Fatalf("a reviewer lands on %s, want /queue", got)
	}
	b.screenshot("queue")
	b.press(kb.Enter) // 开始审核下一份
	b.waitJS("the review screen", `document.querySelector('main.review') && document.activeElement.matches('input.v')`, 15*time.Second)
	if got := b.str(`location.pathname`); got != fmt.Sprintf("/review/%d", id) {
		t.Fatalf("opened %s, want /review/%d", got, id)
	}

	// A text field: typing replaces the value, Enter saves it and moves on.
	b.gotoField("Q1.1.2.a")
	b.press("人事教育处" + kb.Enter)
	b.waitSaved()
	if got := b.fieldValue("Q1.1.2.a"); got != "人事教育处" {
		t.Errorf("Q1.1.2.a saved as %q", got)
	}
	if got := b.str(`document.activeElement.closest('.f').dataset.id`); got == "Q1.1.2.a" {
		t.Errorf("Enter did not move on")
	}
	// A date typed as people write it is normalized like recognition would.
	b.gotoField("Q1.10.1.a")
	b.press("1999年3月" + kb.Enter)
	b.waitSaved()
	if got := b.fieldValue("Q1.10.1.a"); got != "1999-03" {
		t.Errorf("Q1.10.1.a saved as %q, want 1999-03", got)
	}
	// An invalid value is refused with a Chinese message and keeps the focus.
	b.gotoField("Q1.10.1.c.current")
	b.press("很多" + kb.Enter)
	b.waitSaved()
	if msg := b.str(`document.querySelector('.f[data-id="Q1.10.1.c.current"] .msgs').innerText`); !strings.Contains(msg, "无法识别") {
		t.Errorf("invalid value: message %q", msg)
	}
	b.press(kb.Escape)
	// A tick: a digit chooses the option and moves on.
	orig := b.switchTick("Q1.1")
	b.screenshot("review-screen")
	b.gotoField("Q1.1")
	b.press(orig)
	b.waitSaved()

	// In Q3's grid, ↓ moves to the next row of the same system.
	b.gotoField("Q3.T1.A.1")
	b.screenshot("review-grid")
	b.press(kb.ArrowDown)
	if got := b.str(`document.activeElement.closest('.f').dataset.id`); !strings.HasPrefix(got, "Q3.T1.A.2") {
		t.Errorf("↓ from Q3.T1.A.1 went to %s", got)
	}

	// F8 jumps to the next doubtful field.
	b.press(kb.F8)
	if !b.bool(`document.activeElement.closest('.f').classList.contains('doubt')`) {
		t.Errorf("F8 did not land on a doubtful field")
	}
	// Ctrl+Enter accepts the confident fields of the page shown.
	before := b.str(`document.getElementById('n-ok').textContent`)
	b.press(kb.Enter, chromedp.ModifierCtrl)
	b.waitSaved()
	if after := b.str(`document.getElementById('n-ok').textContent`); after == before {
		t.Errorf("Ctrl+Enter confirmed nothing (%s confirmed)", before)
	}

	// Someone else saves meanwhile: the next save from this screen is stale.
	edit := fmt.Sprintf(`{"version": %d, "values": {"Q1.1.2.b.name": "王五"}}`, e.version(id))
	e.apiJSON(base, e.token("sup2", review.RoleSupervisor), "PATCH", fmt.Sprintf("/api/v1/documents/%d/values", id), edit, 200)
	b.gotoField("Q1.1.2.b.title")
	b.press("处长" + kb.Enter)
	b.waitJS("the conflict message", `!document.getElementById('conflict').hidden`, 10*time.Second)
	if msg := b.str(`document.getElementById('conflict').innerText`); !strings.Contains(msg, "保存冲突") || !strings.Contains(msg, "处长") {
		t.Errorf("conflict message: %q", msg)
	}
	if got := e.value(id, "Q1.1.2.b.name"); got != `"王五"` {
		t.Errorf("the other save was overwritten: %s", got)
	}

	// Reload and verify (with a reason if the fixture's return has errors).
	b.open(fmt.Sprintf("/review/%d", id))
	b.waitJS("the review screen", `document.querySelector('main.review') && document.activeElement.matches('input.v')`, 15*time.Second)
	b.verifyByKeyboard("测试：已与原件核对")
	b.waitJS("the verification in the history", `document.getElementById('history').innerText.includes('核对')`, 10*time.Second)
	hist := b.str(`document.getElementById('history').innerText`)
	for _, want := range []string{"修改", "人事教育处", "核对"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	if d, _ := e.db.Document(context.Background(), id); d.Status != review.StatusVerified || d.VerifiedBy != "rita" {
		t.Errorf("after verify: %s by %q", d.Status, d.VerifiedBy)
	}

	// A supervisor reopens it with a reason, from the document page.
	s := newBrowser(t, base)
	s.login("sam", "sam-password-1")
	s.open("/dashboard")
	s.waitJS("the dashboard counts", `document.querySelector('#statuses [data-status=verified] b').textContent === '1'`, 10*time.Second)
	s.screenshot("dashboard")
	s.open(fmt.Sprintf("/documents/%d", id))
	s.do("focus reason", chromedp.Focus(chromedp.CSS(`#reopen input[name=reason]`)))
	s.press("单位代码需再核对" + kb.Enter)
	s.waitJS("the document to be back in review", `document.querySelector('h1 .badge.s-in_review')`, 10*time.Second)
	if d, _ := e.db.Document(context.Background(), id); d.Status != review.StatusInReview {
		t.Errorf("after reopen: %s", d.Status)
	}
	s.open("/upload")
	s.screenshot("upload")
	// The same scan again is reported as a duplicate of the first.
	pdf, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "synth", "r0001.pdf"))
	s.do("upload again", chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{pdf}))
	s.waitJS("the duplicate notice", `document.querySelector('#uploads li.dup')`, 30*time.Second)
	if msg := s.str(`document.querySelector('#uploads li.dup').innerText`); !strings.Contains(msg, fmt.Sprintf("重复：与 #%d 相同", id)) {
		t.Errorf("duplicate upload: %q", msg)
	}

	a := newBrowser(t, base)
	a.login("root2", "root2-password-1")
	if got := a.str(`location.pathname`); got != "/users" {
		t.Fatalf("an admin lands on %s, want /users", got)
	}
	a.screenshot("users")
}

func (b *browser) bool(js string) bool {
	var v bool
	b.eval(js, &v)
	return v
}

// version is a document's current version.
func (e *env) version(id int64) int64 {
	d, err := e.db.Document(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Version
}

// value is a field's stored value as JSON.
func (e *env) value(id int64, field string) string {
	var v string
	if err := e.db.QueryRow(context.Background(), `SELECT value FROM field_values WHERE document_id = $1 AND field_id = $2`, id, field).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// apiJSON calls the JSON API with a token and checks the status.
func (e *env) apiJSON(base, token, method, path, body string, want int) map[string]any {
	e.t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: %d %v, want %d", method, path, resp.StatusCode, out, want)
	}
	return out
}

// TestBrowserReview is the whole path in a browser, keyboard only: log in, upload
// a synthetic scan on the upload screen, wait while it is split and recognized
// (Tesseract, the real pipeline) until the upload shows it in review, take it from
// the queue, correct a field and a tick, verify the return and see the audit.
func TestBrowserReview(t *testing.T) {
	e := newEnv(t, embedded)
	t.Setenv("PAPERGATE_RECOGNIZERS", "1")
	base := e.serve()
	e.addUser("rita", review.RoleReviewer, "rita-password-1")
	pdf, err := filepath.Abs(filepath.Join("..", "..", "testdata", "synth", "r0001.pdf"))
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, base)
	b.login("rita", "rita-password-1")
	b.open("/upload")
	b.do("choose the file", chromedp.WaitReady(chromedp.CSS(`#files`)), chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{pdf}))
	b.waitJS("the upload to finish", `document.querySelector('#uploads li.done')`, 60*time.Second)
	start := time.Now()
	b.waitJS("the document to reach review (split and recognition)",
		`document.querySelector('#uploads li .badge.s-in_review') || document.querySelector('#uploads li .badge.s-failed')`, 8*time.Minute)
	if b.bool(`!!document.querySelector('#uploads li .badge.s-failed')`) {
		t.Fatalf("the document failed: %s", b.str(`document.querySelector('#uploads li').innerText`))
	}
	t.Logf("split and recognized in %v", time.Since(start).Round(time.Second))
	b.screenshot("upload-done")

	b.open("/queue")
	b.waitJS("the queue", `document.activeElement && document.activeElement.id === 'next'`, 10*time.Second)
	b.press(kb.Enter)
	b.waitJS("the review screen", `document.querySelector('main.review') && document.activeElement.matches('input.v')`, 15*time.Second)
	id := b.str(`document.querySelector('main.review').dataset.doc`)

	b.gotoField("Q1.1.2.a")
	b.press("人事教育处" + kb.Enter)
	b.waitSaved()
	if got := b.fieldValue("Q1.1.2.a"); got != "人事教育处" {
		t.Fatalf("Q1.1.2.a saved as %q: %s", got, b.str(`document.getElementById('status').innerText`))
	}
	b.press(kb.F8) // the next doubtful field, for the picture
	shot := b.screenshot("review-screen")
	if *update {
		src, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "review-screen.png"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	orig := b.switchTick("Q1.1")
	b.gotoField("Q1.1") // and back as it was, so that the return stays consistent
	if orig != "" {
		b.press(orig)
	} else {
		b.press(kb.Backspace + kb.Enter)
	}
	b.waitSaved()

	override := b.verifyByKeyboard("浏览器测试：识别错误已知")
	b.waitJS("the verification in the history", `document.getElementById('history').innerText.includes('核对')`, 10*time.Second)
	hist := b.str(`document.getElementById('history').innerText`)
	for _, want := range []string{"修改", "人事教育处", "本厅（局）是否成立信息中心"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	if want := map[bool]string{false: "核对通过", true: "带理由核对"}[override]; !strings.Contains(hist, want) {
		t.Errorf("history lacks %q:\n%s", want, hist)
	}
	docID, _ := strconv.ParseInt(id, 10, 64)
	d, err := e.db.Document(context.Background(), docID)
	if err != nil || d.Status != review.StatusVerified || d.VerifiedBy != "rita" {
		t.Fatalf("document %s: %s by %q (%v)", id, d.Status, d.VerifiedBy, err)
	}
	audit, err := e.db.Audit(context.Background(), docID, "Q1.1.2.a")
	if err != nil {
		t.Fatal(err)
	}
	if last := audit[len(audit)-1]; last.Action != review.ActionCorrected || last.User != "rita" || last.New != "人事教育处" {
		t.Errorf("audit of Q1.1.2.a ends with %+v", last)
	}
	b.screenshot("review-verified")
}

// artifactDir is where screenshots go.
func artifactDir(t testing.TB) string {
	if d := os.Getenv("PAPERGATE_ARTIFACTS"); d != "" {
		return d
	}
	return t.TempDir()
}
