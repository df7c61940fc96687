// Command papergate turns scanned, stamped paper questionnaires into verified data.
// Run `papergate help` for the commands; INTERFACE.md in the shared spec is the contract.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// errUsage marks a usage error: the command line was wrong. It exits with status 2.
var errUsage = errors.New("usage")

// errHelp: the user asked for -h; the flag package has printed the help.
var errHelp = errors.New("help requested")

// usageErrorf returns an error wrapping errUsage.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// stdio is what a command may read and write; tests pass buffers.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand. run parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, std stdio) error
}

// commands lists every subcommand. Each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"serve":     {"web UI, JSON API and background workers", cmdServe},
		"worker":    {"background workers only (scale-out)", cmdWorker},
		"ingest":    {"store files as documents and queue them", cmdIngest},
		"ls":        {"list documents", cmdLs},
		"forms":     {"list the known forms and their fields", cmdForms},
		"normalize": {"normalize TEXT as a value of TYPE", cmdNormalize},
		"synth":     {"write synthetic filled returns (PDF + truth JSON)", cmdSynth},
		"user":      {"manage accounts: user add", cmdUser},
		"export":    {"export verified returns to PostgreSQL, CSV or XLSX", cmdExport},
		"token":     {"API tokens: token create", cmdToken},
		"extract":   {"offline recognition of files, no stores touched", cmdExtract},
	}
}

func main() {
	// Tesseract: one thread per engine; papergate runs engines in parallel instead.
	// OpenMP reads the limit when the library loads, before main runs, so setting it
	// here takes a re-exec of the same binary.
	if os.Getenv("OMP_THREAD_LIMIT") == "" {
		os.Setenv("OMP_THREAD_LIMIT", "1")
		if exe, err := os.Executable(); err == nil {
			err = syscall.Exec(exe, os.Args, os.Environ())
			fmt.Fprintf(os.Stderr, "papergate: cannot re-execute with OMP_THREAD_LIMIT=1 (%v); Tesseract may use several threads\n", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// Main runs one command line and returns the exit status: 0 success, 1 failure, 2 usage.
func Main(ctx context.Context, args []string, std stdio) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(std.err, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(std.err, "papergate: unknown command %q (see papergate help)\n", args[0])
		return 2
	}
	err := c.run(ctx, args[1:], std)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(std.err, "papergate %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(std.err, "papergate %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: papergate COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nEvery command reads PAPERGATE_* environment variables; each has a flag twin (papergate COMMAND -h).")
}
