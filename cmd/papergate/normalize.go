package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"papergate/layout"
)

// cmdNormalize implements `papergate normalize [--unit U] TYPE TEXT`: it prints
// the normalized JSON value of TEXT as a value of TYPE (FIELDS.md §3), or fails
// with the reason. TYPE may also be a field id (Q1.14.2, Q3.T1.A.4), which
// brings the field's unit and options. A part of TEXT the value cannot hold (a
// second phone number) is reported on stderr.
func cmdNormalize(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("normalize", flag.ContinueOnError)
	fs.SetOutput(std.err)
	unit := fs.String("unit", "", "unit of a decimal TYPE: 万元, 亿元, 千元, 元, 万人 or 人 (default: a bare number)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: papergate normalize [--unit U] TYPE TEXT")
		fmt.Fprintln(fs.Output(), "TYPE is a value type (tick code codes int decimal percent date text name phone mobile email url region_code links) or a field id.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageErrorf("%v", err)
	}
	if fs.NArg() != 2 {
		return usageErrorf("want TYPE and TEXT, got %d arguments (see papergate normalize -h)", fs.NArg())
	}
	typeArg, text := fs.Arg(0), fs.Arg(1)

	var value any
	var issue *layout.Issue
	if t, err := layout.ParseType(typeArg); err == nil {
		value, issue = layout.NormalizeType(t, *unit, text)
	} else {
		f, ferr := layout.Default().Field(typeArg)
		if ferr != nil || f.IsTemplate() {
			return usageErrorf("%q is neither a value type nor a field id", typeArg)
		}
		if *unit != "" {
			return usageErrorf("--unit does not go with a field id; %s is in %q", f.ID, f.Unit)
		}
		value, issue = layout.Normalize(f, text)
	}
	if value == nil && issue != nil {
		return fmt.Errorf("cannot normalize %q as %s: %s", text, typeArg, issue.Reason)
	}
	enc := json.NewEncoder(std.out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(value); err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	if issue != nil {
		fmt.Fprintf(std.err, "papergate normalize: note: %s\n", issue.Reason)
	}
	return nil
}
