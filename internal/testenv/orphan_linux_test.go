package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMinIODiesWithTestBinary runs a child test binary that starts a server and
// exits without calling Shutdown, as a crashed or timed-out test run would, and
// checks that the server does not survive it.
func TestMinIODiesWithTestBinary(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestOrphanChild$", "-test.v")
	cmd.Env = append(os.Environ(), "PAPERGATE_TESTENV_ORPHAN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, after, ok := bytes.Cut(out, []byte("minio pid "))
	if !ok {
		t.Fatalf("child did not report the server's pid:\n%s", out)
	}
	var pid int
	var dataDir string
	if _, err := fmt.Sscanf(string(after), "%d in %s", &pid, &dataDir); err != nil {
		t.Fatalf("child's output: %v\n%s", err, out)
	}
	t.Cleanup(func() { os.RemoveAll(dataDir) })
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
			t.Fatalf("minio (pid %d) outlived the test binary that started it", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOrphanChild is the child of TestMinIODiesWithTestBinary.
func TestOrphanChild(t *testing.T) {
	if os.Getenv("PAPERGATE_TESTENV_ORPHAN_CHILD") != "1" {
		return // a helper process, not a test of its own
	}
	MinIO(t)
	fmt.Printf("minio pid %d in %s\n", minioShared.cmd.Process.Pid, minioShared.dataDir)
	os.Exit(0) // abruptly: no Shutdown, no cleanups
}

// processAlive reports whether pid runs; a zombie, killed but not yet reaped by
// whoever inherited it, counts as dead.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesized command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	fields := strings.Fields(string(stat[i+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
