package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"papergate/layout/synth"
)

// cmdSynth writes synthetic filled returns: papergate synth --out DIR --n N --seed S.
func cmdSynth(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(std.err)
	fs.Usage = func() {
		fmt.Fprintln(std.err, "usage: papergate synth --out DIR [--n N] [--seed S] [--dpi D] [--level L] [--boxes]")
		fmt.Fprintln(std.err, "\nWrites N synthetic filled returns as <id>.pdf + <id>.truth.json (ids r0001 …), the same bytes for the same seed.")
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "directory to write into (created if missing)")
	n := fs.Int("n", 1, "number of returns")
	seed := fs.Uint64("seed", 1, "random seed")
	dpi := fs.Int("dpi", 0, "scan resolution in dpi (default: drawn from 200–300 for each return)")
	level := fs.String("level", "", "unit level of every return: province, municipality or prefecture (default: drawn)")
	boxes := fs.Bool("boxes", false, "also write <id>.boxes.json with the pixel box of every blank, tick box and cell")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageErrorf("%v", err)
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case *out == "":
		return usageErrorf("--out DIR is required")
	case *n < 1:
		return usageErrorf("--n must be at least 1, got %d", *n)
	}
	g, err := synth.New(synth.Options{Seed: *seed, DPI: *dpi, Level: *level})
	if errors.Is(err, synth.ErrOptions) {
		return usageErrorf("%v", err)
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	for i := 1; i <= *n; i++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("synth: stopped after %d of %d returns: %w", i-1, *n, err)
		}
		r, err := g.Generate(i)
		if err != nil {
			return err
		}
		if err := r.WriteFiles(*out, *boxes); err != nil {
			return err
		}
		fmt.Fprintf(std.out, "%s %s %d pages\n", r.ID, r.Level, len(r.Pages))
	}
	return nil
}
