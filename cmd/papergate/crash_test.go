package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"papergate/internal/testpdf"
	"papergate/review"
)

// startProcess runs `papergate ARGS` as a real child process (the test binary doubles
// as papergate, see TestMain), with the test's environment.
func startProcess(t *testing.T, logName string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PAPERGATE_TEST_EXEC=1")
	logf, err := os.Create(filepath.Join(t.TempDir(), logName))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("%s log:\n%s", logName, b)
		}
	})
	return cmd
}

// TestWorkerKilledMidSplit: a worker killed with SIGKILL in the middle of splitting
// loses nothing: a new worker takes the job over once it is found stuck, resumes at
// the first missing page, and finishes the document; a worker asked to stop with
// SIGTERM exits cleanly.
func TestWorkerKilledMidSplit(t *testing.T) {
	e := newEnv(t, scaled)
	t.Setenv("PAPERGATE_JOB_TIMEOUT", "8s")
	t.Setenv("PAPERGATE_RESCUE_AFTER", "9s")
	t.Setenv("PAPERGATE_RETRY_BASE", "100ms")
	ctx := context.Background()

	// Born-digital pages are rendered by pdftoppm at 300 DPI: slow enough to kill the
	// worker in the middle.
	const pages = 24
	file := filepath.Join(e.dir, "rendered.pdf")
	os.WriteFile(file, testpdf.PDF(nil, pages), 0o644)
	var line ingestLine
	if err := json.Unmarshal([]byte(e.mustRun("ingest", "--json", file)), &line); err != nil {
		t.Fatal(err)
	}

	first := startProcess(t, "worker1.log", "worker")
	stored := 0
	waitFor(t, "the first worker to store 3 pages", 60*time.Second, func() bool {
		p, err := e.db.Pages(ctx, line.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored = len(p)
		return stored >= 3
	})
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	d, _ := e.db.Document(ctx, line.ID)
	if d.Status != review.StatusSplitting {
		t.Fatalf("after the kill the document is %s, want splitting", d.Status)
	}
	p, _ := e.db.Pages(ctx, line.ID)
	if len(p) >= pages {
		t.Fatalf("the worker finished all %d pages before it was killed; the test needs a slower document", pages)
	}
	t.Logf("killed the worker with %d of %d pages stored", len(p), pages)

	second := startProcess(t, "worker2.log", "worker")
	e.waitSplit(line.ID, pages)

	var attempts int
	if err := e.db.QueryRow(ctx, `SELECT max(attempt) FROM river_job WHERE kind = 'split'`).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	// At least the killed attempt and one that finished; on a loaded machine an attempt
	// may also hit the 8 s job timeout, and the next one resumes again.
	if attempts < 2 {
		t.Errorf("split ran %d times, want at least 2 (killed, then resumed)", attempts)
	}
	t.Logf("split finished on attempt %d", attempts)
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(); err != nil {
		t.Errorf("worker did not exit cleanly on SIGTERM: %v", err)
	}
}
