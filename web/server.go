// Package web is papergate's HTTP side: the JSON API for scripts (and, with the review
// work, the server-rendered UI), health endpoints, authentication and role checks. It
// uses gin; it reaches the domain through the small interfaces below.
package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

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

// Config is what the server needs.
type Config struct {
	Documents Documents
	Values    Values
	Workflow  Workflow
	Ingester  Ingester
	Tokens    Tokens
	// Ready are checked by /readyz, by name (database, object store).
	Ready map[string]Checker
	// MaxUploadBytes is the largest accepted file.
	MaxUploadBytes int64
	Log            *slog.Logger
}

// Server is the HTTP handler.
type Server struct {
	cfg    Config
	engine *gin.Engine
	log    *slog.Logger
}

// New builds the handler with every route (see routes.go).
func New(cfg Config) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{cfg: cfg, engine: gin.New(), log: cfg.Log}
	s.engine.Use(s.recoverer(), s.accessLog())
	s.engine.HandleMethodNotAllowed = true
	s.routes()
	return s
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
