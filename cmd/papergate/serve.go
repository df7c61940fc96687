package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"papergate/layout"
	"papergate/ocr"
	"papergate/review"
	"papergate/storage/sqlstore"
	"papergate/web"
)

// shutdownGrace is how long in-flight requests and jobs get to finish on shutdown;
// jobs still running then are cancelled and retried by the next worker.
const shutdownGrace = 25 * time.Second

// cmdServe runs the web UI, the JSON API and the background workers.
func cmdServe(ctx context.Context, args []string, std stdio) error {
	cfg, rest, err := loadConfig("serve", args, std, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("serve takes no arguments")
	}
	log := cfg.logger(std)
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ensureAdmin(ctx, std); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	workers, closeEngines, err := a.startWorkers(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeEngines()
	ready := map[string]web.Checker{"database": a.db}
	if a.pinger != nil {
		ready["objects"] = a.pinger
	}
	srv := &http.Server{
		Handler:           a.handler(ready),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.sweepSessions(ctx)
	log.Info("papergate serving", "addr", ln.Addr().String(), "db", string(a.db.Dialect()), "objects", a.objectsName())
	fmt.Fprintf(std.err, "papergate: listening on http://%s\n", ln.Addr())

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if herr := srv.Shutdown(sctx); herr != nil && err == nil {
		err = fmt.Errorf("http shutdown: %w", herr)
	}
	if werr := workers.Stop(sctx); werr != nil && err == nil {
		err = werr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// cmdWorker runs the background workers only: scale-out processes that share one
// PostgreSQL and one MinIO with the server.
func cmdWorker(ctx context.Context, args []string, std stdio) error {
	cfg, rest, err := loadConfig("worker", args, std, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("worker takes no arguments")
	}
	log := cfg.logger(std)
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	workers, closeEngines, err := a.startWorkers(ctx)
	if err != nil {
		return err
	}
	defer closeEngines()
	log.Info("papergate worker started", "db", string(a.db.Dialect()), "objects", a.objectsName(),
		"split_workers", cfg.SplitWorkers, "recognizers", cfg.Recognizers)
	<-ctx.Done()
	log.Info("worker stopping: finishing running jobs")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return workers.Stop(sctx)
}

func (a *app) objectsName() string {
	if a.cfg.S3Endpoint != "" {
		return "s3://" + a.cfg.S3Endpoint + "/" + a.cfg.S3Bucket
	}
	return a.cfg.ObjectsDir
}

// ensureAdmin creates the first account on first start and prints its password once.
func (a *app) ensureAdmin(ctx context.Context, std stdio) error {
	n, err := a.db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := review.NewSecret("", 15)
	hash, err := review.HashPassword(pw)
	if err != nil {
		return err
	}
	if _, err := a.db.CreateUser(ctx, "admin", review.RoleAdmin, hash); err != nil {
		if errors.Is(err, review.ErrConflict) { // another process made it first
			return nil
		}
		return err
	}
	fmt.Fprintf(std.err, "papergate: first start: created user \"admin\" with password %s\npapergate: it is shown only this once; keep it safe.\n", pw)
	return nil
}

var _ sqlstore.Stages = (*review.Pipeline)(nil)

// handler is the web server on this app's stores.
func (a *app) handler(ready map[string]web.Checker) *web.Server {
	return web.New(web.Config{Documents: a.db, Values: a.db, Workflow: a.workflow, Ingester: a.ingester, Tokens: a.db,
		Sessions: webSessions{a.db}, Accounts: a.db, Claims: a.db, Objects: a.objects, Counts: webCounts{a.db},
		Catalog: layout.Default(), Ready: ready, Exports: a.exporter, MaxUploadBytes: a.cfg.MaxUploadMB << 20,
		SessionIdle: a.cfg.SessionIdle, SessionMax: a.cfg.SessionMax, CookieSecure: a.cfg.CookieSecure,
		ConfidenceThreshold: ocr.ConfidenceThreshold, Log: a.log})
}

// sweepSessions deletes expired web sessions every hour; an expired session is
// refused when it is presented, this only keeps the table small.
func (a *app) sweepSessions(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := time.Now()
		if err := a.db.DeleteExpiredSessions(ctx, now, now.Add(-a.cfg.SessionIdle)); err != nil && ctx.Err() == nil {
			a.log.Warn("sweep sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// webSessions and webCounts hand the SQL store's sessions and counts to the web
// server, whose types mirror the store's field for field.
type webSessions struct{ db *sqlstore.DB }

func (w webSessions) CreateSession(ctx context.Context, s web.Session) error {
	return w.db.CreateSession(ctx, sqlstore.Session(s))
}

func (w webSessions) Session(ctx context.Context, hash string) (web.Session, error) {
	s, err := w.db.Session(ctx, hash)
	return web.Session(s), err
}

func (w webSessions) TouchSession(ctx context.Context, hash string, t time.Time) error {
	return w.db.TouchSession(ctx, hash, t)
}

func (w webSessions) DeleteSession(ctx context.Context, hash string) error {
	return w.db.DeleteSession(ctx, hash)
}

type webCounts struct{ db *sqlstore.DB }

func (w webCounts) DocumentCounts(ctx context.Context) ([]web.DocumentCount, error) {
	cs, err := w.db.DocumentCounts(ctx)
	out := make([]web.DocumentCount, len(cs))
	for i, c := range cs {
		out[i] = web.DocumentCount(c)
	}
	return out, err
}
