package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"papergate/review"
)

// ingestLine is one file's outcome in `ingest --json`.
type ingestLine struct {
	File        string `json:"file"`
	ID          int64  `json:"id,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	Pages       int    `json:"pages,omitempty"`
	Status      string `json:"status,omitempty"`
	DuplicateOf int64  `json:"duplicate_of,omitempty"`
	Error       string `json:"error,omitempty"`
}

// cmdIngest stores files as documents directly in the configured stores and queues
// them; a running server or worker processes them.
func cmdIngest(ctx context.Context, args []string, std stdio) error {
	var unit, level string
	var asJSON bool
	cfg, files, err := loadConfig("ingest", args, std, func(fs *flag.FlagSet) {
		fs.StringVar(&unit, "unit", "", "行政区划代码 of the reporting unit, if known")
		fs.StringVar(&level, "level", "", "province, municipality or prefecture, if known")
		fs.BoolVar(&asJSON, "json", false, "one JSON object per file on stdout")
	})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErrorf("name at least one file: papergate ingest [--unit CODE] [--level L] FILE...")
	}
	if !review.ValidLevel(level) {
		return usageErrorf("unknown level %q: use province, municipality or prefecture", level)
	}
	a, err := openApp(ctx, cfg, cfg.logger(stdio{err: discard{}}))
	if err != nil {
		return err
	}
	defer a.Close()
	failed := 0
	enc := json.NewEncoder(std.out)
	for _, name := range files {
		line := ingestLine{File: name}
		res, err := ingestFile(ctx, a.ingester, name, review.IngestOptions{UnitCode: unit, Level: level})
		if err != nil {
			failed++
			line.Error = userMessage(err)
		} else {
			d := res.Document
			line.ID, line.SHA256, line.Pages, line.Status = d.ID, d.SHA256, d.Pages, string(d.Status)
			if res.Duplicate {
				line.DuplicateOf = d.ID
			}
		}
		switch {
		case asJSON:
			if err := enc.Encode(line); err != nil {
				return err
			}
		case line.Error != "":
			fmt.Fprintf(std.err, "papergate ingest: %s: %s\n", name, line.Error)
		case line.DuplicateOf != 0:
			fmt.Fprintf(std.out, "%s: duplicate of document %d (%d pages, %s)\n", name, line.ID, line.Pages, line.Status)
		default:
			fmt.Fprintf(std.out, "%s: document %d, %d pages, sha256 %s, queued\n", name, line.ID, line.Pages, line.SHA256)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not ingested", failed, len(files))
	}
	return nil
}

func ingestFile(ctx context.Context, in *review.Ingester, name string, opt review.IngestOptions) (review.IngestResult, error) {
	f, err := os.Open(name)
	if err != nil {
		return review.IngestResult{}, err
	}
	defer f.Close()
	return in.Ingest(ctx, name, f, opt)
}

// userMessage is the part of an error a user should read.
func userMessage(err error) string {
	var ie *review.InputError
	if errors.As(err, &ie) {
		return ie.Message
	}
	return err.Error()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
