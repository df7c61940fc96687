package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"papergate/layout"
	"papergate/ocr"
	"papergate/ocr/split"
	"papergate/review"
	"papergate/storage/exportdb"
	"papergate/storage/exportfile"
	"papergate/storage/localstore"
	"papergate/storage/s3store"
	"papergate/storage/sqlstore"
)

// app is papergate wired together: the one place that knows every adapter.
type app struct {
	cfg      Config
	log      *slog.Logger
	db       *sqlstore.DB
	objects  review.ObjectStore
	pinger   interface{ Ping(context.Context) error } // the object store's readiness, if it has one
	ingester *review.Ingester
	pipeline *review.Pipeline
	workflow *review.Workflow
	exporter *review.Exporter // files always; the analysis database when export-to is set
	sink     *exportdb.DB     // nil without export-to
}

// openApp opens the configured stores and migrates the database.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	db, err := sqlstore.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	db.MaxAttempts = cfg.MaxAttempts
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db}
	if cfg.S3Endpoint != "" {
		s3, err := s3store.New(ctx, s3store.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, UseSSL: cfg.S3SSL})
		if err != nil {
			db.Close()
			return nil, err
		}
		a.objects, a.pinger = s3, s3
	} else {
		local, err := localstore.New(cfg.ObjectsDir)
		if err != nil {
			db.Close()
			return nil, err
		}
		a.objects = local
	}
	splitter := &split.Splitter{TempDir: cfg.TempDir}
	a.ingester = &review.Ingester{Objects: a.objects, Store: db, Splitter: splitter, TempDir: cfg.TempDir,
		MaxBytes: cfg.MaxUploadMB << 20, Log: log}
	a.pipeline = &review.Pipeline{Objects: a.objects, Store: db, Values: db, Splitter: splitter, TempDir: cfg.TempDir, Log: log,
		ConfidenceThreshold: ocr.ConfidenceThreshold}
	a.workflow = &review.Workflow{Store: db, Catalog: layout.Default()}
	a.exporter = &review.Exporter{Source: db, Files: exportfile.Writer{}, Catalog: layout.Default(), Log: log}
	if cfg.ExportTo != "" {
		if a.sink, err = exportdb.Open(ctx, cfg.ExportTo, layout.Default()); err != nil {
			db.Close()
			return nil, err
		}
		a.exporter.Sink = a.sink
		db.AutoExport = true
	}
	return a, nil
}

func (a *app) Close() error {
	if a.sink != nil {
		a.sink.Close()
	}
	if err := a.db.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// startWorkers starts this process's share of the job queue: splitting, and
// recognition with one Tesseract engine per --recognizers.
func (a *app) startWorkers(ctx context.Context) (*sqlstore.Workers, func(), error) {
	cfg := a.workerConfig()
	var engines []*ocr.Engine
	closeAll := func() {
		for _, e := range engines {
			e.Close()
		}
	}
	for i := 0; i < a.cfg.Recognizers; i++ {
		e, err := ocr.New(ocr.Config{})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("start recognition: %w", err)
		}
		engines = append(engines, e)
		cfg.Recognizers = append(cfg.Recognizers, e)
	}
	w, err := a.db.StartWorkers(ctx, a.pipeline, cfg)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return w, closeAll, nil
}

func (a *app) workerConfig() sqlstore.WorkerConfig {
	cfg := sqlstore.WorkerConfig{SplitConcurrency: a.cfg.SplitWorkers, JobTimeout: a.cfg.JobTimeout,
		RescueAfter: a.cfg.RescueAfter,
		RetryBase:   a.cfg.RetryBase, PollInterval: a.cfg.PollInterval, Log: a.log}
	if a.sink != nil {
		cfg.Exporter = a.exporter // works the automatic export queue
	}
	return cfg
}

// loadConfig parses a command's flags (and the environment) into a Config; extra
// lets a command add its own flags first.
func loadConfig(name string, args []string, std stdio, extra func(fs *flag.FlagSet)) (Config, []string, error) {
	var cfg Config
	fs, err := newFlagSet(name, std, &cfg)
	if err != nil {
		return cfg, nil, err
	}
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return cfg, nil, err
	}
	if err := cfg.finish(); err != nil {
		return cfg, nil, err
	}
	return cfg, fs.Args(), nil
}
