package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"papergate/review"
)

// loginLimiter slows down password guessing: each failed login takes a token from
// the account name's bucket and from the client address's bucket; a login is refused
// while either is empty. Buckets refill one token per refill period.
type loginLimiter struct {
	mu               sync.Mutex
	names, ips       map[string]*rate.Limiter
	burstName, burst int
	every            rate.Limit
	now              func() time.Time
}

func newLoginLimiter(burstName, burstIP int, refill time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{names: map[string]*rate.Limiter{}, ips: map[string]*rate.Limiter{}, burstName: burstName,
		burst: burstIP, every: rate.Every(refill), now: now}
}

func (l *loginLimiter) get(m map[string]*rate.Limiter, key string, burst int) *rate.Limiter {
	lim, ok := m[key]
	if !ok {
		if len(m) > 10000 { // forget buckets that are full again
			now := l.now()
			for k, v := range m {
				if v.TokensAt(now) >= float64(v.Burst()) {
					delete(m, k)
				}
			}
		}
		lim = rate.NewLimiter(l.every, burst)
		m[key] = lim
	}
	return lim
}

// wait says how long the caller must wait before trying again, and why; 0 if it may
// try now.
func (l *loginLimiter) wait(name, ip string) (time.Duration, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, b := range []struct {
		lim *rate.Limiter
		why string
	}{{l.get(l.names, strings.ToLower(name), l.burstName), "name"}, {l.get(l.ips, ip, l.burst), "ip"}} {
		if tok := b.lim.TokensAt(now); tok < 1 {
			return time.Duration((1 - tok) / float64(l.every) * float64(time.Second)), b.why
		}
	}
	return 0, ""
}

func (l *loginLimiter) failed(name, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.get(l.names, strings.ToLower(name), l.burstName).AllowN(now, 1)
	l.get(l.ips, ip, l.burst).AllowN(now, 1)
}

func (l *loginLimiter) succeeded(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.names, strings.ToLower(name))
}

type loginPage struct {
	Next, Name, Error string
}

// loginForm shows the login page. Its form carries a token that must match a cookie
// (double submit), so that another site cannot log a browser in to its account.
func (s *Server) loginForm(c *gin.Context) {
	if _, ok := s.session(c); ok {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	s.renderLogin(c, http.StatusOK, loginPage{Next: c.Query("next")})
}

func (s *Server) renderLogin(c *gin.Context, status int, lp loginPage) {
	token, err := c.Cookie(loginCookie)
	if err != nil || len(token) < 20 {
		token = review.NewSecret("", 24)
		s.setCookie(c, loginCookie, token, 3600)
	}
	s.render(c, status, "login", "登录", token, lp)
}

// login checks a name and password and starts a session.
func (s *Server) login(c *gin.Context) {
	lp := loginPage{Next: c.PostForm("next"), Name: strings.TrimSpace(c.PostForm("name"))}
	token, _ := c.Cookie(loginCookie)
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(c.PostForm(csrfField))) != 1 {
		lp.Error = "登录页面已过期，请重新输入。"
		s.renderLogin(c, http.StatusForbidden, lp)
		return
	}
	ip := c.ClientIP()
	if wait, why := s.limiter.wait(lp.Name, ip); wait > 0 {
		mins := int(math.Ceil(wait.Minutes()))
		if why == "name" {
			lp.Error = fmt.Sprintf("账户“%s”登录失败次数过多，请 %d 分钟后再试。", lp.Name, mins)
		} else {
			lp.Error = fmt.Sprintf("此地址登录失败次数过多，请 %d 分钟后再试。", mins)
		}
		c.Header("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		s.log.Warn("login rate limited", "name", lp.Name, "ip", ip, "by", why)
		s.renderLogin(c, http.StatusTooManyRequests, lp)
		return
	}
	u, hash, err := s.cfg.Accounts.UserByName(c.Request.Context(), lp.Name)
	if err != nil && !errors.Is(err, review.ErrNotFound) {
		s.pageError(c, err)
		return
	}
	if err != nil {
		hash = s.dummy // spend the same time as for a real account
	}
	if !review.CheckPassword(hash, c.PostForm("password")) || err != nil || u.Disabled {
		s.limiter.failed(lp.Name, ip)
		s.log.Info("login failed", "name", lp.Name, "ip", ip)
		lp.Error = "用户名或密码不正确，或账户已停用。"
		s.renderLogin(c, http.StatusUnauthorized, lp)
		return
	}
	s.limiter.succeeded(lp.Name)
	if err := s.newSession(c, u); err != nil {
		s.pageError(c, fmt.Errorf("web: login: %w", err))
		return
	}
	s.setCookie(c, loginCookie, "", -1)
	s.log.Info("login", "user", u.Name, "ip", ip)
	c.Redirect(http.StatusSeeOther, safeNext(lp.Next))
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// logout ends the session.
func (s *Server) logout(c *gin.Context) {
	if sess, ok := currentSession(c); ok {
		if err := s.cfg.Sessions.DeleteSession(c.Request.Context(), sess.Hash); err != nil {
			s.log.Warn("logout", "err", err)
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

// home sends each role to its usual screen.
func (s *Server) home(c *gin.Context) {
	switch currentUser(c).Role {
	case review.RoleAdmin:
		c.Redirect(http.StatusSeeOther, "/users")
	case review.RoleReviewer:
		c.Redirect(http.StatusSeeOther, "/queue")
	default:
		c.Redirect(http.StatusSeeOther, "/dashboard")
	}
}
