package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"papergate/review"
)

// do sends a request with a session of the role and returns the recorder.
func do(t *testing.T, s *Server, f *fakeStore, role review.Role, method, path, body, ct string) *httptest.ResponseRecorder {
	t.Helper()
	c, csrf := login(t, s, f, role)
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.AddCookie(c)
	req.Header.Set(csrfHeader, csrf)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func TestReviewScreen(t *testing.T) {
	f := newFakeStore()
	s, _ := newTestServer(t, f, nil)
	w := do(t, s, f, review.RoleReviewer, "GET", "/review/1", "", "")
	body := w.Body.String()
	if w.Code != 200 {
		t.Fatalf("GET /review/1: %d %s", w.Code, body)
	}
	for _, want := range []string{`data-id="Q1.1"`, `data-type="tick"`, `data-editable="true"`, `data-version="3"`,
		`/api/v1/documents/1/pages/1`, `class="box`, "第1题", s.assets.url["review.js"]} {
		if !strings.Contains(body, want) {
			t.Errorf("review screen lacks %s", want)
		}
	}

	// Someone else holds it: read-only, with their name.
	f.heldBy = "bob"
	w = do(t, s, f, review.RoleReviewer, "GET", "/review/1", "", "")
	if body := w.Body.String(); !strings.Contains(body, `data-editable="false"`) || !strings.Contains(body, "bob 正在审核") {
		t.Errorf("held by bob: %d, not read-only with his name:\n%s", w.Code, body)
	}
	f.heldBy = ""

	// A stale save is a conflict, with a message that says so.
	w = do(t, s, f, review.RoleReviewer, "PATCH", "/api/v1/documents/1/values", `{"version": 2, "values": {"Q1.1": 2}}`, "application/json")
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "conflict") {
		t.Errorf("stale save: %d %s", w.Code, w.Body.String())
	}
	w = do(t, s, f, review.RoleReviewer, "PATCH", "/api/v1/documents/1/values", `{"version": 3, "values": {"Q1.1": 2}}`, "application/json")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"version":4`) || !strings.Contains(w.Body.String(), `"values"`) {
		t.Errorf("save: %d %s", w.Code, w.Body.String())
	}

	// The page image comes from the object store, privately cached.
	w = do(t, s, f, review.RoleReviewer, "GET", "/api/v1/documents/1/pages/1", "", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(w.Header().Get("Cache-Control"), "private") {
		t.Errorf("page image: %d %v", w.Code, w.Header())
	}
	if w = do(t, s, f, review.RoleReviewer, "GET", "/api/v1/documents/1/pages/9", "", ""); w.Code != 404 {
		t.Errorf("missing page: %d", w.Code)
	}
}

func TestStaticAssetsAreHashed(t *testing.T) {
	s, _ := newTestServer(t, newFakeStore(), nil)
	u := s.assets.url["app.css"]
	if !strings.HasPrefix(u, "/static/app.") || u == "/static/app.css" {
		t.Fatalf("app.css served as %s", u)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("GET %s: %d %v", u, w.Code, w.Header())
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/static/app.css", nil))
	if w.Code != 404 {
		t.Errorf("unhashed name: %d", w.Code)
	}
}

func TestUserAdmin(t *testing.T) {
	f := newFakeStore()
	s, _ := newTestServer(t, f, nil)
	form := func(v url.Values) string { return v.Encode() }
	const ct = "application/x-www-form-urlencoded"

	w := do(t, s, f, review.RoleAdmin, "POST", "/users", form(url.Values{"name": {"li.na"}, "role": {"clerk"}}), ct)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="new-password"`) {
		t.Fatalf("add with a generated password: %d", w.Code)
	}
	if u, _, err := f.UserByName(t.Context(), "li.na"); err != nil || u.Role != review.RoleClerk {
		t.Fatalf("li.na: %+v %v", u, err)
	}
	for _, tc := range []struct {
		name string
		v    url.Values
		want int
	}{
		{"taken", url.Values{"name": {"li.na"}, "role": {"clerk"}}, http.StatusConflict},
		{"weak password", url.Values{"name": {"wang"}, "role": {"clerk"}, "password": {"short"}}, http.StatusUnprocessableEntity},
		{"no role", url.Values{"name": {"wang"}, "role": {"boss"}}, http.StatusUnprocessableEntity},
		{"bad name", url.Values{"name": {"a b"}, "role": {"clerk"}}, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if w := do(t, s, f, review.RoleAdmin, "POST", "/users", form(tc.v), ct); w.Code != tc.want {
				t.Errorf("%d, want %d", w.Code, tc.want)
			}
		})
	}
	li, _, _ := f.UserByName(t.Context(), "li.na")
	path := "/users/" + itoa(li.ID)
	if w := do(t, s, f, review.RoleAdmin, "POST", path+"/disable", "", ct); w.Code != 200 || !f.users["li.na"].u.Disabled {
		t.Errorf("disable: %d", w.Code)
	}
	if w := do(t, s, f, review.RoleAdmin, "POST", path+"/enable", "", ct); w.Code != 200 || f.users["li.na"].u.Disabled {
		t.Errorf("enable: %d", w.Code)
	}
	old := f.users["li.na"].hash
	if w := do(t, s, f, review.RoleAdmin, "POST", path+"/password", "", ct); w.Code != 200 || f.users["li.na"].hash == old ||
		!strings.Contains(w.Body.String(), `id="new-password"`) {
		t.Errorf("reset password: %d", w.Code)
	}
	me, _, _ := f.UserByName(t.Context(), "u-admin")
	if w := do(t, s, f, review.RoleAdmin, "POST", "/users/"+itoa(me.ID)+"/disable", "", ct); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("disable oneself: %d, want 422", w.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
