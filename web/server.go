// Package web is papergate's HTTP side: the server-rendered review UI (html/template
// from embed.FS, one template set per screen, small keyboard-first JavaScript), the
// JSON API for scripts, health endpoints, sessions, API tokens and role checks. It uses
// gin; it reaches the domain through the small interfaces below, which cmd/papergate
// fills with the SQL store and the object store.
package web

import (
	"context"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/layout"
	"papergate/review"
)

// Documents reads document records.
type Documents interface {
	Documents(ctx context.Context, f review.Filter) ([]review.Document, error)
	Document(ctx context.Context, id int64) (review.Document, error)
	Pages(ctx context.Context, id int64) ([]review.Page, error)
	Events(ctx context.Context, id int64) ([]review.Event, error)
	// Retry queues a failed document again; ErrConflict if it is not failed.
	Retry(ctx context.Context, id int64) error
}

// Ingester stores uploads (review.Ingester).
type Ingester interface {
	Spool(ctx context.Context, name string, r io.Reader) (*review.Spooled, error)
	Commit(ctx context.Context, sp *review.Spooled, opt review.IngestOptions) (review.IngestResult, error)
}

// Tokens resolves API tokens to users.
type Tokens interface {
	UserByToken(ctx context.Context, token string) (review.User, error)
}

// Checker is something /readyz asks.
type Checker interface {
	Ping(ctx context.Context) error
}

// Objects reads stored objects (page images) for the review screen.
type Objects interface {
	// Get opens the object; an error wrapping review.ErrNotFound if there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// Claims hands documents in review to one reviewer at a time.
type Claims interface {
	// Claim gives the document to user for ttl (extending one's own claim);
	// ErrConflict if someone else holds it or it is not in review.
	Claim(ctx context.Context, id int64, user string, ttl time.Duration) error
	// ClaimNext claims the most doubtful unclaimed document; ErrNotFound when none.
	ClaimNext(ctx context.Context, user string, ttl time.Duration) (int64, error)
	// Release drops user's claim, if they hold it.
	Release(ctx context.Context, id int64, user string) error
}

// DocumentCount is how many documents share a status, a province (first two digits
// of the region code) and a level.
type DocumentCount struct {
	Status   review.Status
	Province string
	Level    string
	N        int
}

// Counts counts documents for the dashboard.
type Counts interface {
	DocumentCounts(ctx context.Context) ([]DocumentCount, error)
}

// Config is what the server needs.
type Config struct {
	Documents Documents
	Values    Values
	Workflow  Workflow
	Ingester  Ingester
	Tokens    Tokens
	Sessions  Sessions
	Accounts  Accounts
	Claims    Claims
	Objects   Objects
	Counts    Counts
	Exports   Exports // nil: GET /exports answers 503
	// Catalog is the form definitions; nil means layout.Default().
	Catalog *layout.Catalog
	// Ready are checked by /readyz, by name (database, object store).
	Ready map[string]Checker
	// MaxUploadBytes is the largest accepted file.
	MaxUploadBytes int64
	// SessionIdle ends a session unused for this long (default 2h); SessionMax ends
	// any session this long after login (default 12h).
	SessionIdle, SessionMax time.Duration
	// CookieSecure marks the session cookie Secure even when the request did not
	// come over TLS (behind a TLS-terminating proxy). Over TLS it is always Secure.
	CookieSecure bool
	// ClaimTTL is how long a reviewer's claim on a document lasts without a
	// heartbeat from the open review screen (default 5m).
	ClaimTTL time.Duration
	// ConfidenceThreshold: values at or above it count as confident (default
	// review.DefaultConfidenceThreshold).
	ConfidenceThreshold float64
	// Login rate limits: failed logins allowed in a burst per account name and per
	// client address, refilled one per LoginRefill (defaults 5, 20, 1m).
	LoginBurstName, LoginBurstIP int
	LoginRefill                  time.Duration
	Log                          *slog.Logger
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Server is the HTTP handler.
type Server struct {
	cfg     Config
	engine  *gin.Engine
	log     *slog.Logger
	pages   map[string]*template.Template
	assets  *assets
	limiter *loginLimiter
	dummy   string // a bcrypt hash compared against when the account does not exist
}

// New builds the handler with every route (see routes.go).
func New(cfg Config) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Catalog == nil {
		cfg.Catalog = layout.Default()
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 2 * time.Hour
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if cfg.ClaimTTL <= 0 {
		cfg.ClaimTTL = 5 * time.Minute
	}
	if cfg.ConfidenceThreshold <= 0 {
		cfg.ConfidenceThreshold = review.DefaultConfidenceThreshold
	}
	if cfg.LoginBurstName <= 0 {
		cfg.LoginBurstName = 5
	}
	if cfg.LoginBurstIP <= 0 {
		cfg.LoginBurstIP = 20
	}
	if cfg.LoginRefill <= 0 {
		cfg.LoginRefill = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, engine: gin.New(), log: cfg.Log, assets: loadAssets(),
		limiter: newLoginLimiter(cfg.LoginBurstName, cfg.LoginBurstIP, cfg.LoginRefill, cfg.Now)}
	s.pages = s.loadTemplates()
	s.dummy, _ = review.HashPassword(review.NewSecret("", 16))
	s.engine.Use(s.recoverer(), s.securityHeaders(), s.accessLog())
	s.engine.HandleMethodNotAllowed = true
	// The client address (for login rate limits and logs) is the connection's: a
	// forwarded-for header is trivially forged, so no proxy is trusted by default.
	if err := s.engine.SetTrustedProxies(nil); err != nil {
		s.log.Warn("trusted proxies", "err", err)
	}
	s.routes()
	return s
}

// Routes lists every registered route (for the role test and documentation).
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// securityHeaders keeps pages out of frames and stops content sniffing.
func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		c.Next()
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{"method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(),
			"ms", time.Since(start).Milliseconds()}
		if u, ok := c.Get(userKey); ok {
			attrs = append(attrs, "user", u.(review.User).Name)
		}
		if c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" {
			return
		}
		s.log.Info("http", attrs...)
	}
}

func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if err, ok := r.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(r)
				}
				s.log.Error("panic in handler", "path", c.Request.URL.Path, "panic", r)
				s.apiError(c, errors.New("panic"))
			}
		}()
		c.Next()
	}
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	checks := gin.H{}
	status := http.StatusOK
	for name, ch := range s.cfg.Ready {
		if err := ch.Ping(ctx); err != nil {
			s.log.Warn("not ready", "check", name, "err", err)
			checks[name] = "unavailable"
			status = http.StatusServiceUnavailable
		} else {
			checks[name] = "ok"
		}
	}
	c.JSON(status, gin.H{"ready": status == http.StatusOK, "checks": checks})
}
