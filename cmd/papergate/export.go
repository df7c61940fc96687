package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"papergate/layout"
	"papergate/review"
	"papergate/storage/exportdb"
)

// exportLine is what `papergate export --json` prints.
type exportLine struct {
	Target    string `json:"target"`
	Format    string `json:"format"`
	Returns   int    `json:"returns"`
	Written   int    `json:"written"`
	Unchanged int    `json:"unchanged"`
	Removed   int    `json:"removed"`
}

// cmdExport exports the verified returns: to the analysis database (PostgreSQL) or
// to a CSV or XLSX file. Exporting again changes nothing that did not change.
func cmdExport(ctx context.Context, args []string, std stdio) error {
	var to, format string
	var asJSON bool
	cfg, rest, err := loadConfig("export", args, std, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "postgres://user@host/db, a file path, or - for stdout (default: PAPERGATE_EXPORT_TO, else DATA/exports/returns.FORMAT)")
		fs.StringVar(&format, "format", "", "postgres, csv or xlsx (default: from --to)")
		fs.BoolVar(&asJSON, "json", false, "print the outcome as JSON")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("export takes no arguments (use --to)")
	}
	if to == "" {
		to = cfg.ExportTo
	}
	if to == "" { // the embedded default: a file under the data directory
		if format == "" {
			format = "csv"
		}
		if format == "csv" || format == "xlsx" {
			to = filepath.Join(cfg.DataDir, "exports", "returns."+format)
			if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
	}
	if format == "" {
		switch {
		case isPostgresURL(to):
			format = "postgres"
		case strings.EqualFold(filepath.Ext(to), ".xlsx"):
			format = "xlsx"
		case strings.EqualFold(filepath.Ext(to), ".csv"), to == "-":
			format = "csv"
		}
	}
	switch {
	case to == "":
		return usageErrorf("--format postgres needs --to postgres://user@host/db (or PAPERGATE_EXPORT_TO)")
	case format != "postgres" && format != "csv" && format != "xlsx":
		return usageErrorf("--format must be postgres, csv or xlsx")
	case format == "postgres" && !isPostgresURL(to):
		return usageErrorf("--format postgres needs --to postgres://user@host/db")
	case format != "postgres" && isPostgresURL(to):
		return usageErrorf("--format %s writes a file: give --to FILE or -", format)
	}
	log := cfg.logger(std)
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	user := os.Getenv("USER")

	var run review.ExportRun
	if format == "postgres" {
		sink, err := exportdb.Open(ctx, to, layout.Default())
		if err != nil {
			return err
		}
		defer sink.Close()
		ex := *a.exporter
		ex.Sink = sink
		if run, err = ex.Sync(ctx, user); err != nil {
			return err
		}
	} else if run, err = exportFile(ctx, a.exporter, to, format, user, std); err != nil {
		return err
	}
	line := exportLine{Target: run.Target, Format: run.Format, Returns: run.Returns, Written: run.Written,
		Unchanged: run.Unchanged, Removed: run.Removed}
	out := std.err // stdout may be the file itself
	if to != "-" {
		out = std.out
	}
	if asJSON {
		b, _ := json.Marshal(line)
		fmt.Fprintln(out, string(b))
		return nil
	}
	if format == "postgres" {
		fmt.Fprintf(out, "exported %d verified returns to %s: %d written, %d unchanged, %d withdrawn\n",
			run.Returns, run.Target, run.Written, run.Unchanged, run.Removed)
	} else {
		fmt.Fprintf(out, "exported %d verified returns to %s (%s)\n", run.Returns, run.Target, format)
	}
	return nil
}

// exportFile writes the file next to its destination and renames it into place, so
// that a failed export never leaves half a file behind; "-" writes to stdout. The
// returns become exported once the file is in place.
func exportFile(ctx context.Context, ex *review.Exporter, to, format, user string, std stdio) (review.ExportRun, error) {
	if to == "-" {
		return ex.WriteFile(ctx, std.out, format, "stdout", user, func() error { return nil })
	}
	f, err := os.CreateTemp(filepath.Dir(to), ".papergate-export-*")
	if err != nil {
		return review.ExportRun{}, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	defer f.Close()
	return ex.WriteFile(ctx, f, format, to, user, func() error {
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return err
		}
		return os.Rename(f.Name(), to)
	})
}
