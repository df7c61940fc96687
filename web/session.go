package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

// Session is a logged-in browser: the account, the CSRF token its forms and
// state-changing requests must carry, and its lifetime. Only the SHA-256 of the
// cookie's secret is stored.
type Session struct {
	Hash      string
	User      review.User
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// Sessions keeps browser sessions.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session stored under hash with its account; an error
	// wrapping review.ErrNotFound if there is none.
	Session(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, t time.Time) error
	DeleteSession(ctx context.Context, hash string) error
}

const (
	sessionCookie = "papergate_session"
	loginCookie   = "papergate_login" // CSRF token of the login form (double submit)
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf"
	sessionKey    = "papergate.session"
	// touchEvery limits writes: last_seen is updated at most this often.
	touchEvery = time.Minute
)

// session finds the request's session, if any, and checks its expiry.
func (s *Server) session(c *gin.Context) (Session, bool) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck == "" || s.cfg.Sessions == nil {
		return Session{}, false
	}
	hash := review.TokenHash(ck)
	sess, err := s.cfg.Sessions.Session(c.Request.Context(), hash)
	if err != nil {
		if !errors.Is(err, review.ErrNotFound) {
			s.log.Error("session lookup failed", "err", err)
		}
		return Session{}, false
	}
	now := s.cfg.Now()
	if sess.User.Disabled || now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > s.cfg.SessionIdle {
		if err := s.cfg.Sessions.DeleteSession(c.Request.Context(), hash); err != nil {
			s.log.Warn("delete expired session", "err", err)
		}
		return Session{}, false
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		if err := s.cfg.Sessions.TouchSession(c.Request.Context(), hash, now); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	return sess, true
}

// safeMethod: requests that change nothing and need no CSRF token.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfOK checks the token sent in the X-CSRF-Token header or the csrf form field.
func csrfOK(c *gin.Context, want string) bool {
	got := c.GetHeader(csrfHeader)
	if got == "" {
		got = c.PostForm(csrfField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// pageAuth authenticates the screens by session cookie: an anonymous visitor is
// sent to the login page, a state-changing request without the session's CSRF
// token is refused.
func (s *Server) pageAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		sess, ok := s.session(c)
		if !ok {
			if safeMethod(c.Request.Method) {
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
				return
			}
			s.pageFail(c, http.StatusUnauthorized, "登录已过期，请重新登录。")
			return
		}
		if !safeMethod(c.Request.Method) && !csrfOK(c, sess.CSRF) {
			s.pageFail(c, http.StatusForbidden, "页面已过期（安全令牌不符），请刷新页面后重试。")
			return
		}
		c.Set(userKey, sess.User)
		c.Set(sessionKey, sess)
		c.Next()
	}
}

// newSession logs a user in: a fresh secret in an HttpOnly, SameSite=Lax cookie
// (Secure over TLS or when configured), its hash and a CSRF token in the store.
func (s *Server) newSession(c *gin.Context, u review.User) error {
	secret := review.NewSecret("", 32)
	now := s.cfg.Now().UTC()
	sess := Session{Hash: review.TokenHash(secret), User: u, CSRF: review.NewSecret("", 24), CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.cfg.SessionMax)}
	if err := s.cfg.Sessions.CreateSession(c.Request.Context(), sess); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, secret, int(s.cfg.SessionMax/time.Second))
	return nil
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure:   s.cfg.CookieSecure || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode})
}

func currentSession(c *gin.Context) (Session, bool) {
	v, ok := c.Get(sessionKey)
	if !ok {
		return Session{}, false
	}
	sess, ok := v.(Session)
	return sess, ok
}
