package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is every setting, read from PAPERGATE_* environment variables, each with a
// flag twin that wins over it. With nothing set, papergate runs on embedded defaults
// under ./data: a SQLite file and a local-directory object store.
type Config struct {
	DataDir      string
	DB           string // SQLite path or postgres:// URL
	ObjectsDir   string // local object store, when no S3 endpoint is set
	S3Endpoint   string
	S3AccessKey  string
	S3SecretKey  string
	S3Bucket     string
	S3SSL        bool
	Addr         string
	MaxUploadMB  int64
	TempDir      string
	SplitWorkers int
	Recognizers  int
	ExportTo     string // analysis database (postgres://) for the automatic export; "" for none
	JobTimeout   time.Duration
	RescueAfter  time.Duration
	RetryBase    time.Duration
	MaxAttempts  int
	PollInterval time.Duration
	LogLevel     string
	LogFormat    string
	SessionIdle  time.Duration // a UI session unused this long ends
	SessionMax   time.Duration // any UI session ends this long after login
	CookieSecure bool          // mark the session cookie Secure even without TLS here (behind a TLS proxy)
}

// setting is one configuration value: its flag, its environment twin, its default.
type setting struct {
	flag, env, def, usage string
	set                   func(string) error
}

func (c *Config) settings() []setting {
	str := func(p *string) func(string) error { return func(v string) error { *p = v; return nil } }
	dur := func(p *time.Duration) func(string) error {
		return func(v string) (err error) { *p, err = time.ParseDuration(v); return }
	}
	integer := func(p *int) func(string) error {
		return func(v string) (err error) { *p, err = strconv.Atoi(v); return }
	}
	return []setting{
		{"data", "PAPERGATE_DATA", "data", "directory for the embedded defaults (SQLite file, object store)", str(&c.DataDir)},
		{"db", "PAPERGATE_DB", "", "service database: a SQLite file path or postgres://user@host/db (default DATA/papergate.db)", str(&c.DB)},
		{"objects", "PAPERGATE_OBJECTS_DIR", "", "local object store directory, used when no S3 endpoint is set (default DATA/objects)", str(&c.ObjectsDir)},
		{"s3-endpoint", "PAPERGATE_S3_ENDPOINT", "", "MinIO/S3 endpoint host:port or URL; empty for the local object store", str(&c.S3Endpoint)},
		{"s3-access-key", "PAPERGATE_S3_ACCESS_KEY", "", "S3 access key", str(&c.S3AccessKey)},
		{"s3-secret-key", "PAPERGATE_S3_SECRET_KEY", "", "S3 secret key (prefer the environment variable to the flag)", str(&c.S3SecretKey)},
		{"s3-bucket", "PAPERGATE_S3_BUCKET", "papergate", "S3 bucket, created if missing", str(&c.S3Bucket)},
		{"s3-ssl", "PAPERGATE_S3_SSL", "false", "use HTTPS for S3", func(v string) (err error) { c.S3SSL, err = strconv.ParseBool(v); return }},
		{"addr", "PAPERGATE_ADDR", "127.0.0.1:8080", "HTTP listen address (serve)", str(&c.Addr)},
		{"max-upload-mb", "PAPERGATE_MAX_UPLOAD_MB", "200", "largest accepted upload, in MB", func(v string) (err error) { c.MaxUploadMB, err = strconv.ParseInt(v, 10, 64); return }},
		{"tmp", "PAPERGATE_TMP", "", "directory for spooled uploads and page rendering (default: the system's)", str(&c.TempDir)},
		{"split-workers", "PAPERGATE_SPLIT_WORKERS", "2", "documents split at once per process", integer(&c.SplitWorkers)},
		{"recognizers", "PAPERGATE_RECOGNIZERS", strconv.Itoa(runtime.NumCPU()), "documents recognized at once per process, one Tesseract each (0: this process does not recognize)", integer(&c.Recognizers)},
		{"export-to", "PAPERGATE_EXPORT_TO", "", "analysis database postgres://user@host/db: verified returns are exported to it automatically (and by default by papergate export)", str(&c.ExportTo)},
		{"job-timeout", "PAPERGATE_JOB_TIMEOUT", "30m", "a job running longer is cancelled and retried", dur(&c.JobTimeout)},
		{"rescue-after", "PAPERGATE_RESCUE_AFTER", "0s", "a running job whose worker died is retried after this (0: job-timeout + 1m)", dur(&c.RescueAfter)},
		{"retry-base", "PAPERGATE_RETRY_BASE", "5s", "first retry delay of a failed job, doubled each attempt", dur(&c.RetryBase)},
		{"max-attempts", "PAPERGATE_MAX_ATTEMPTS", "5", "attempts before a document is marked failed", integer(&c.MaxAttempts)},
		{"poll-interval", "PAPERGATE_POLL_INTERVAL", "1s", "how often idle workers look for jobs", dur(&c.PollInterval)},
		{"log-level", "PAPERGATE_LOG_LEVEL", "info", "debug, info, warn or error", str(&c.LogLevel)},
		{"log-format", "PAPERGATE_LOG_FORMAT", "text", "text or json", str(&c.LogFormat)},
		{"session-idle", "PAPERGATE_SESSION_IDLE", "2h", "a web UI session unused this long ends", dur(&c.SessionIdle)},
		{"session-max", "PAPERGATE_SESSION_MAX", "12h", "any web UI session ends this long after login", dur(&c.SessionMax)},
		{"cookie-secure", "PAPERGATE_COOKIE_SECURE", "false", "mark the session cookie Secure even when serving plain HTTP (behind a TLS proxy); over TLS it always is", func(v string) (err error) { c.CookieSecure, err = strconv.ParseBool(v); return }},
	}
}

// register adds every setting to fs as a flag whose default comes from the
// environment (or the built-in default), so that flags win over the environment.
func (c *Config) register(fs *flag.FlagSet) error {
	for _, s := range c.settings() {
		v := s.def
		if e, ok := os.LookupEnv(s.env); ok {
			v = e
		}
		if err := s.set(v); err != nil {
			return fmt.Errorf("%s=%q: %w", s.env, v, err)
		}
		fs.Func(s.flag, s.usage+" ["+s.env+"]", s.set)
	}
	return nil
}

// finish fills in derived defaults and checks the values.
func (c *Config) finish() error {
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "papergate.db")
	}
	if c.ObjectsDir == "" {
		c.ObjectsDir = filepath.Join(c.DataDir, "objects")
	}
	if c.MaxUploadMB < 1 {
		return usageErrorf("max-upload-mb must be at least 1")
	}
	if c.SplitWorkers < 1 {
		return usageErrorf("split-workers must be at least 1")
	}
	if c.Recognizers < 0 {
		return usageErrorf("recognizers must be 0 or more")
	}
	if c.ExportTo != "" && !isPostgresURL(c.ExportTo) {
		return usageErrorf("export-to must be a postgres:// URL (the automatic export); write files with papergate export --format csv --to FILE")
	}
	if c.MaxAttempts < 1 {
		return usageErrorf("max-attempts must be at least 1")
	}
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		return usageErrorf("PAPERGATE_S3_ENDPOINT is set: PAPERGATE_S3_ACCESS_KEY and PAPERGATE_S3_SECRET_KEY are needed too")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usageErrorf("log-format must be text or json")
	}
	return nil
}

// newFlagSet makes a command's flag set with the configuration registered.
func newFlagSet(name string, std stdio, cfg *Config) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("papergate "+name, flag.ContinueOnError)
	fs.SetOutput(std.err)
	if cfg != nil {
		if err := cfg.register(fs); err != nil {
			return nil, usageErrorf("%v", err)
		}
	}
	return fs, nil
}

// parse parses args; -h is not an error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return usageErrorf("%v", err)
	}
	return nil
}

func (c *Config) logger(std stdio) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(std.err, opts))
	}
	return slog.New(slog.NewTextHandler(std.err, opts))
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
