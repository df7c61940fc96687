package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"papergate/review"
)

type lsLine struct {
	ID         int64     `json:"id"`
	File       string    `json:"file"`
	Status     string    `json:"status"`
	FailReason string    `json:"fail_reason,omitempty"`
	Pages      int       `json:"pages"`
	Unit       string    `json:"unit,omitempty"`
	Level      string    `json:"level,omitempty"`
	SHA256     string    `json:"sha256"`
	Created    time.Time `json:"created"`
}

// cmdLs lists documents.
func cmdLs(ctx context.Context, args []string, std stdio) error {
	var status, query string
	var asJSON bool
	cfg, rest, err := loadConfig("ls", args, std, func(fs *flag.FlagSet) {
		fs.StringVar(&status, "status", "", "only documents with this status")
		fs.StringVar(&query, "q", "", "only documents whose file name, unit or hash contains this")
		fs.BoolVar(&asJSON, "json", false, "a JSON array on stdout")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("ls takes no arguments")
	}
	if status != "" && !review.Status(status).Valid() {
		return usageErrorf("unknown status %q", status)
	}
	a, err := openApp(ctx, cfg, cfg.logger(stdio{err: discard{}}))
	if err != nil {
		return err
	}
	defer a.Close()
	docs, err := a.db.Documents(ctx, review.Filter{Status: review.Status(status), Query: query, Limit: 10000})
	if err != nil {
		return err
	}
	lines := make([]lsLine, 0, len(docs))
	for _, d := range docs {
		lines = append(lines, lsLine{ID: d.ID, File: d.FileName, Status: string(d.Status), FailReason: d.FailReason,
			Pages: d.Pages, Unit: d.UnitCode, Level: d.Level, SHA256: d.SHA256, Created: d.CreatedAt})
	}
	if asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		return enc.Encode(lines)
	}
	tw := tabwriter.NewWriter(std.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFILE\tSTATUS\tPAGES\tUNIT\tLEVEL\tCREATED")
	for _, l := range lines {
		st := l.Status
		if l.FailReason != "" {
			st += ": " + l.FailReason
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", l.ID, l.File, st, l.Pages, dash(l.Unit), dash(l.Level),
			l.Created.Local().Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
