package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"papergate/layout"
)

// cmdForms implements `papergate forms [--json]`: every known form and field
// with its id (table rows keep {col}), type, label, options, when and required.
func cmdForms(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("forms", flag.ContinueOnError)
	fs.SetOutput(std.err)
	asJSON := fs.Bool("json", false, "print JSON instead of a text table")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: papergate forms [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageErrorf("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("forms takes no arguments, got %q", fs.Args())
	}
	doc := formsDoc(layout.Default())
	if *asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("forms: %w", err)
		}
		return nil
	}
	return writeFormsText(std, doc)
}

// formsJSON is the output of `forms --json`.
type formsJSON struct {
	Catalog string     `json:"catalog"`
	Version string     `json:"version"`
	Forms   []formJSON `json:"forms"`
}

type formJSON struct {
	ID          string         `json:"id"`
	Label       string         `json:"label"`
	Respondents []layout.Level `json:"respondents"`
	Fields      []fieldJSON    `json:"fields"`
}

type fieldJSON struct {
	ID        string       `json:"id"`
	Type      layout.Type  `json:"type"`
	Label     string       `json:"label"`
	Options   []optionJSON `json:"options,omitempty"`
	When      *string      `json:"when"`
	Required  bool         `json:"required"`
	Unit      string       `json:"unit,omitempty"`
	Min       *float64     `json:"min,omitempty"`
	Max       *float64     `json:"max,omitempty"`
	Exclusive []int        `json:"exclusive,omitempty"`
	Check     string       `json:"check,omitempty"`
}

type optionJSON struct {
	Code  int    `json:"code"`
	Label string `json:"label"`
}

func formsDoc(c *layout.Catalog) formsJSON {
	doc := formsJSON{Catalog: c.Name, Version: c.Version}
	for _, f := range c.Forms() {
		fj := formJSON{ID: f.ID, Label: f.Label, Respondents: f.Respondents, Fields: []fieldJSON{}}
		for _, fl := range f.Definitions() {
			j := fieldJSON{ID: fl.ID, Type: fl.Type, Label: fl.Label, Required: fl.Required, Unit: fl.Unit,
				Min: fl.Min, Max: fl.Max, Exclusive: fl.Exclusive}
			for _, o := range fl.Options {
				j.Options = append(j.Options, optionJSON{Code: o.Code, Label: o.Label})
			}
			if fl.When != nil {
				s := fl.When.String()
				j.When = &s
			}
			if fl.Check != nil {
				j.Check = fl.Check.String()
			}
			fj.Fields = append(fj.Fields, j)
		}
		doc.Forms = append(doc.Forms, fj)
	}
	return doc
}

// writeFormsText prints one block per form. The ASCII columns come first so
// that they align; the label and options (Chinese, double width) come last.
func writeFormsText(std stdio, doc formsJSON) error {
	tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
	for i, f := range doc.Forms {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		resp := make([]string, len(f.Respondents))
		for i, r := range f.Respondents {
			resp[i] = string(r)
		}
		fmt.Fprintf(tw, "%s %s (%s): %d fields\n", f.ID, f.Label, strings.Join(resp, ", "), len(f.Fields))
		fmt.Fprintln(tw, "ID\tTYPE\tREQUIRED\tWHEN\tLABEL [OPTIONS]")
		for _, fl := range f.Fields {
			when := "-"
			if fl.When != nil {
				when = *fl.When
			}
			req := "no"
			if fl.Required {
				req = "yes"
			}
			label := fl.Label
			if len(fl.Options) > 0 {
				opts := make([]string, len(fl.Options))
				for i, o := range fl.Options {
					opts[i] = fmt.Sprintf("%d %s", o.Code, o.Label)
				}
				label += " [" + strings.Join(opts, "; ") + "]"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", fl.ID, fl.Type, req, when, label)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("forms: %w", err)
	}
	return nil
}
