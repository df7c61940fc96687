package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"papergate/review"
)

// routeRoles is who may use each route: nil means public. Every route registered in
// gin must be listed, so that a new route cannot go in without deciding who may
// use it.
var routeRoles = map[string][]review.Role{
	"GET /healthz":                       nil,
	"GET /readyz":                        nil,
	"GET /static/:file":                  nil,
	"GET /login":                         nil,
	"POST /login":                        nil,
	"GET /":                              review.Roles,
	"POST /logout":                       review.Roles,
	"GET /dashboard":                     {review.RoleClerk, review.RoleReviewer, review.RoleSupervisor},
	"GET /upload":                        {review.RoleClerk, review.RoleReviewer, review.RoleSupervisor},
	"GET /queue":                         {review.RoleReviewer, review.RoleSupervisor},
	"POST /queue/next":                   {review.RoleReviewer, review.RoleSupervisor},
	"GET /review/:id":                    {review.RoleReviewer, review.RoleSupervisor},
	"GET /documents/:id":                 {review.RoleClerk, review.RoleReviewer, review.RoleSupervisor},
	"GET /users":                         {review.RoleAdmin},
	"POST /users":                        {review.RoleAdmin},
	"POST /users/:uid/disable":           {review.RoleAdmin},
	"POST /users/:uid/enable":            {review.RoleAdmin},
	"POST /users/:uid/password":          {review.RoleAdmin},
	"POST /api/v1/documents":             {review.RoleClerk, review.RoleReviewer, review.RoleSupervisor},
	"GET /api/v1/documents":              review.Roles,
	"GET /api/v1/documents/:id":          review.Roles,
	"POST /api/v1/documents/:id/retry":   {review.RoleClerk, review.RoleSupervisor},
	"PATCH /api/v1/documents/:id/values": {review.RoleReviewer, review.RoleSupervisor},
	"POST /api/v1/documents/:id/verify":  {review.RoleReviewer, review.RoleSupervisor},
	"POST /api/v1/documents/:id/reopen":  {review.RoleSupervisor},
	"GET /api/v1/documents/:id/audit":    review.Roles,
	"POST /api/v1/documents/:id/claim":   {review.RoleReviewer, review.RoleSupervisor},
	"POST /api/v1/documents/:id/release": {review.RoleReviewer, review.RoleSupervisor},
	"GET /api/v1/documents/:id/pages/:n": {review.RoleClerk, review.RoleReviewer, review.RoleSupervisor},
	"GET /api/v1/stats":                  review.Roles,
	"GET /api/v1/exports/:format":        {review.RoleSupervisor},
}

// concrete fills a route's parameters.
func concrete(s *Server, path string) string {
	r := strings.NewReplacer(":id", "1", ":n", "1", ":uid", "99", ":format", "csv")
	if path == "/static/:file" {
		return s.assets.url["app.css"]
	}
	return r.Replace(path)
}

// requestBody is a body each state-changing route accepts.
func requestBody(method, path string) (string, string) {
	switch {
	case path == "/api/v1/documents" && method == http.MethodPost:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "scan.pdf")
		fw.Write([]byte("%PDF-1.4"))
		mw.Close()
		return b.String(), mw.FormDataContentType()
	case strings.HasPrefix(path, "/api/"):
		return `{"version": 3, "values": {}, "reason": "why", "override": ""}`, "application/json"
	case path == "/login":
		return url.Values{"name": {"u-clerk"}, "password": {"password-123"}, "csrf": {"login-token-0123456789abcdef"}}.Encode(), "application/x-www-form-urlencoded"
	case path == "/users":
		return url.Values{"name": {"newuser"}, "role": {"clerk"}}.Encode(), "application/x-www-form-urlencoded"
	}
	return "", "application/x-www-form-urlencoded"
}

// login makes a session for a user of the role and returns its cookie and CSRF token.
func login(t *testing.T, s *Server, f *fakeStore, role review.Role) (*http.Cookie, string) {
	t.Helper()
	name := "u-" + string(role)
	if _, _, err := f.UserByName(t.Context(), name); err != nil {
		f.addUser(name, role)
	}
	form := url.Values{"name": {name}, "password": {"password-123"}, "csrf": {"login-token-0123456789abcdef"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCookie, Value: "login-token-0123456789abcdef"})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login as %s: %d %s", role, w.Code, w.Body.String())
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			sess, err := f.Session(t.Context(), review.TokenHash(c.Value))
			if err != nil {
				t.Fatal(err)
			}
			return c, sess.CSRF
		}
	}
	t.Fatalf("login as %s set no session cookie", role)
	return nil, ""
}

// TestEveryRouteChecksItsRole walks every route registered in gin as every role
// (by session and, for the API, by token) and as an anonymous visitor: a role not
// listed is refused (403), anonymous is refused (401 or sent to the login page),
// and a listed role gets through.
func TestEveryRouteChecksItsRole(t *testing.T) {
	f := newFakeStore()
	s, _ := newTestServer(t, f, nil)
	type who struct {
		role   review.Role  // "" for anonymous
		cookie *http.Cookie // non-nil: log in with a session
		token  string
	}
	f.users["target"] = &fakeUser{u: review.User{ID: 99, Name: "target", Role: review.RoleClerk}, hash: fakeHash}
	whos := []who{{}}
	for _, r := range review.Roles {
		token := "pgt_test_" + string(r)
		f.addUser("u-"+string(r), r)
		f.tokens[token] = "u-" + string(r)
		whos = append(whos, who{role: r, cookie: &http.Cookie{}}, who{role: r, token: token})
	}
	seen := map[string]bool{}
	for _, rt := range s.Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		roles, listed := routeRoles[key]
		if !listed {
			t.Errorf("route %s is not in routeRoles: decide who may use it", key)
			continue
		}
		for _, w := range whos {
			if w.token != "" && !strings.HasPrefix(rt.Path, "/api/") {
				continue // tokens are for the API only
			}
			body, ct := requestBody(rt.Method, rt.Path)
			req := httptest.NewRequest(rt.Method, concrete(s, rt.Path), strings.NewReader(body))
			req.Header.Set("Content-Type", ct)
			if w.cookie != nil { // a fresh session each time: the walk includes POST /logout
				c, csrf := login(t, s, f, w.role)
				req.AddCookie(c)
				req.Header.Set(csrfHeader, csrf)
			}
			if rt.Path == "/login" {
				req.AddCookie(&http.Cookie{Name: loginCookie, Value: "login-token-0123456789abcdef"})
			}
			if w.token != "" {
				req.Header.Set("Authorization", "Bearer "+w.token)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			code, loc := rec.Code, rec.Header().Get("Location")
			// Sent to the login page (logging out ends there by design).
			toLogin := code == http.StatusSeeOther && strings.HasPrefix(loc, "/login") && !(rt.Path == "/logout" && w.role != "")
			name := key + " as " + string(w.role)
			if w.role == "" {
				name = key + " anonymous"
			}
			if w.token != "" {
				name += " (token)"
			}
			switch {
			case roles == nil:
				if code == http.StatusUnauthorized || code == http.StatusForbidden || toLogin {
					t.Errorf("%s: %d %s, but the route is public", name, code, loc)
				}
			case w.role == "":
				if code != http.StatusUnauthorized && !toLogin {
					t.Errorf("%s: %d, want 401 or a redirect to /login", name, code)
				}
			case slices.Contains(roles, w.role):
				if code == http.StatusUnauthorized || code == http.StatusForbidden || toLogin || code >= 500 {
					t.Errorf("%s: %d %s, want it allowed: %s", name, code, loc, rec.Body.String())
				}
			default:
				if code != http.StatusForbidden {
					t.Errorf("%s: %d, want 403", name, code)
				}
			}
		}
	}
	for key := range routeRoles {
		if !seen[key] {
			t.Errorf("routeRoles lists %s, which is not registered", key)
		}
	}
}

func TestCSRF(t *testing.T) {
	f := newFakeStore()
	s, _ := newTestServer(t, f, nil)
	cookie, csrf := login(t, s, f, review.RoleReviewer)
	for _, tc := range []struct {
		name, method, path, token, body, ct string
		want                                int
	}{
		{"api without token", "POST", "/api/v1/documents/1/verify", "", `{"version":3}`, "application/json", 403},
		{"api with wrong token", "POST", "/api/v1/documents/1/verify", "nope", `{"version":3}`, "application/json", 403},
		{"api with token", "POST", "/api/v1/documents/1/verify", csrf, `{"version":3}`, "application/json", 200},
		{"form without token", "POST", "/queue/next", "", "", "application/x-www-form-urlencoded", 403},
		{"form with token field", "POST", "/queue/next", "", "csrf=" + csrf, "application/x-www-form-urlencoded", 303},
		{"read needs no token", "GET", "/api/v1/documents/1", "", "", "", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.AddCookie(cookie)
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			if tc.token != "" {
				req.Header.Set(csrfHeader, tc.token)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if got := w.Code; got != tc.want {
				t.Errorf("status %d, want %d: %s", got, tc.want, w.Body.String())
			}
		})
	}
	// The login form itself is protected by a double-submit token.
	form := url.Values{"name": {"u-reviewer"}, "password": {"password-123"}, "csrf": {"forged"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("login without the form's cookie: %d, want 403", w.Code)
	}
}

func TestSessionCookieAndExpiry(t *testing.T) {
	for _, tc := range []struct {
		name       string
		secure     bool
		tls        bool
		wantSecure bool
	}{{"plain http", false, false, false}, {"configured", true, false, true}, {"tls", false, true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeStore()
			f.addUser("ann", review.RoleClerk)
			s, _ := newTestServer(t, f, func(c *Config) { c.CookieSecure = tc.secure })
			form := url.Values{"name": {"ann"}, "password": {"password-123"}, "csrf": {"login-token-0123456789abcdef"}}
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			if tc.tls {
				req = httptest.NewRequest(http.MethodPost, "https://example.org/login", strings.NewReader(form.Encode()))
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: loginCookie, Value: "login-token-0123456789abcdef"})
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			var c *http.Cookie
			for _, ck := range w.Result().Cookies() {
				if ck.Name == sessionCookie {
					c = ck
				}
			}
			if c == nil {
				t.Fatalf("no session cookie: %d", w.Code)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.wantSecure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Secure=%v", c.HttpOnly, c.SameSite, c.Secure)
			}
		})
	}

	f := newFakeStore()
	s, clock := newTestServer(t, f, func(c *Config) { c.SessionIdle, c.SessionMax = 30*time.Minute, 2*time.Hour })
	cookie, _ := login(t, s, f, review.RoleClerk)
	get := func() int {
		req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w.Code
	}
	// Used every 20 minutes the session lives until its absolute expiry.
	for i := 0; i < 5; i++ {
		if got := get(); got != http.StatusOK {
			t.Fatalf("after %d×20 min: %d, want 200", i, got)
		}
		clock.Add(20 * time.Minute)
	}
	clock.Add(21 * time.Minute) // 2h01 after login
	if got := get(); got != http.StatusSeeOther {
		t.Errorf("after the absolute expiry: %d, want a redirect to /login", got)
	}
	cookie, _ = login(t, s, f, review.RoleClerk)
	clock.Add(31 * time.Minute)
	if got := get(); got != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: %d, want a redirect to /login", got)
	}
	// A disabled account's session ends at once.
	cookie, _ = login(t, s, f, review.RoleClerk)
	f.users["u-clerk"].u.Disabled = true
	if got := get(); got != http.StatusSeeOther {
		t.Errorf("disabled account: %d, want a redirect to /login", got)
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := newFakeStore()
	f.addUser("ann", review.RoleClerk)
	s, clock := newTestServer(t, f, func(c *Config) { c.LoginBurstName, c.LoginBurstIP, c.LoginRefill = 3, 5, time.Minute })
	try := func(name, pw, ip string) *httptest.ResponseRecorder {
		form := url.Values{"name": {name}, "password": {pw}, "csrf": {"login-token-0123456789abcdef"}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: loginCookie, Value: "login-token-0123456789abcdef"})
		req.RemoteAddr = ip + ":1234"
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	for i := 0; i < 3; i++ {
		if w := try("ann", "wrong-password", "10.0.0.1"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, w.Code)
		}
	}
	w := try("ann", "password-123", "10.0.0.2") // right password, but the name is locked
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "登录失败次数过多") || w.Header().Get("Retry-After") == "" {
		t.Fatalf("after 3 failures for a name: %d %s", w.Code, w.Header().Get("Retry-After"))
	}
	clock.Add(time.Minute)
	if w := try("ann", "password-123", "10.0.0.2"); w.Code != http.StatusSeeOther {
		t.Errorf("a minute later: %d, want a login", w.Code)
	}
	// One address trying many names is stopped too.
	for i := 0; i < 5; i++ {
		try("nobody"+string(rune('a'+i)), "x", "10.0.0.9")
	}
	if w := try("ann", "password-123", "10.0.0.9"); w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "此地址") {
		t.Errorf("after 5 failures from one address: %d", w.Code)
	}
}
