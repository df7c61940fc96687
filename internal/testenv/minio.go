package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// MinIOVersion is the MinIO release scripts/setup.sh installs.
const MinIOVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// minioStartTimeout bounds how long a starting server may take to be ready; a
// variable for tests.
var minioStartTimeout = 60 * time.Second

// MinIOServer is where a test's objects go.
type MinIOServer struct {
	Endpoint  string // "127.0.0.1:port", plain HTTP
	AccessKey string
	SecretKey string
	// Bucket is a name no other MinIO call returned; the bucket does not exist yet.
	Bucket string
}

var (
	minioMu     sync.Mutex
	minioShared *minioServer
	minioErr    error // why the shared server could not start; reported to every caller
	bucketSeq   atomic.Int64
)

// MinIO returns the test binary's MinIO server, starting it on first use, with a fresh
// bucket name. The server is found as PAPERGATE_MINIO_BIN, on PATH or in
// $(go env GOPATH)/bin; if it is missing or does not start, the test fails.
func MinIO(t testing.TB) MinIOServer {
	t.Helper()
	srv, err := sharedMinIO()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return MinIOServer{
		Endpoint:  srv.addr,
		AccessKey: srv.user,
		SecretKey: srv.password,
		Bucket:    fmt.Sprintf("papergate-test-%d-%s", bucketSeq.Add(1), randHex(4)),
	}
}

// Shutdown stops the shared MinIO server, if one was started, and removes its data.
// Call it from TestMain after m.Run.
func Shutdown() {
	minioMu.Lock()
	defer minioMu.Unlock()
	if minioShared != nil {
		minioShared.stop()
	}
	minioShared, minioErr = nil, nil
}

func sharedMinIO() (*minioServer, error) {
	minioMu.Lock()
	defer minioMu.Unlock()
	if minioShared == nil && minioErr == nil {
		bin, err := findMinIO()
		if err == nil {
			minioShared, err = startMinIO(bin)
		}
		minioErr = err
	}
	return minioShared, minioErr
}

// findMinIO looks for the server binary: PAPERGATE_MINIO_BIN if set, else minio on
// PATH, else minio in each GOPATH's bin.
func findMinIO() (string, error) {
	if p := os.Getenv("PAPERGATE_MINIO_BIN"); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("PAPERGATE_MINIO_BIN=%s is not a MinIO server: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	var tried []string
	for _, dir := range filepath.SplitList(goPath()) {
		p := filepath.Join(dir, "bin", "minio")
		if checkExecutable(p) == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("the MinIO server binary is missing (looked on PATH and at %s; "+
		"PAPERGATE_MINIO_BIN is unset): scripts/setup.sh installs it, "+
		"or run: go install github.com/minio/minio@%s",
		strings.Join(tried, ", "), MinIOVersion)
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// goPath is what `go env GOPATH` says, falling back to the default.
func goPath() string {
	if p := os.Getenv("GOPATH"); p != "" {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		if p := strings.TrimSpace(string(out)); p != "" {
			return p
		}
	}
	return build.Default.GOPATH
}

// minioServer is one running MinIO process.
type minioServer struct {
	addr     string
	user     string
	password string
	dataDir  string
	cmd      *exec.Cmd
	log      *tailBuffer
	done     chan struct{} // closed when the process has exited
	waitErr  error         // how it exited; set before done is closed
}

// startMinIO starts a server on free local ports with a temporary data directory and
// waits until it is ready. A port taken between choosing and binding makes the server
// exit at once; that is retried with new ports.
func startMinIO(bin string) (*minioServer, error) {
	var err error
	for range 3 {
		var srv *minioServer
		srv, err = startMinIOOnce(bin)
		if err == nil {
			return srv, nil
		}
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	return nil, err
}

var errExitedEarly = errors.New("exited before answering")

func startMinIOOnce(bin string) (_ *minioServer, err error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, fmt.Errorf("minio: %w", err)
	}
	dataDir, err := os.MkdirTemp("", "papergate-minio-")
	if err != nil {
		return nil, fmt.Errorf("minio: %w", err)
	}
	srv := &minioServer{
		addr:     fmt.Sprintf("127.0.0.1:%d", ports[0]),
		user:     "papergate-" + randHex(4),
		password: randHex(16),
		dataDir:  dataDir,
		log:      &tailBuffer{max: 64 << 10},
		done:     make(chan struct{}),
	}
	srv.cmd = exec.Command(bin, "server",
		"--address", srv.addr,
		"--console-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		filepath.Join(dataDir, "data"))
	srv.cmd.Env = append(withoutMinIOEnv(os.Environ()),
		"MINIO_ROOT_USER="+srv.user,
		"MINIO_ROOT_PASSWORD="+srv.password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	srv.cmd.Stdout = srv.log
	srv.cmd.Stderr = srv.log
	srv.cmd.SysProcAttr = dieWithParent()

	started := make(chan error)
	go func() {
		// The parent-death signal fires when the thread that started the child ends,
		// not the process, so start it from a locked thread that lives as long as the
		// child: this goroutine, which waits for it.
		runtime.LockOSThread()
		if err := srv.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		srv.waitErr = srv.cmd.Wait()
		close(srv.done)
	}()
	if err := <-started; err != nil {
		os.RemoveAll(dataDir)
		return nil, fmt.Errorf("minio: start %s: %w", bin, err)
	}
	defer func() {
		if err != nil {
			srv.stop()
		}
	}()

	// /minio/health/live answers as soon as the HTTP server is up, before storage
	// and IAM are; requests then fail with "Server not initialized yet". The cluster
	// check answers 200 only once the server can serve them.
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(minioStartTimeout)
	for {
		resp, err := client.Get("http://" + srv.addr + "/minio/health/cluster")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv, nil
			}
		}
		select {
		case <-srv.done:
			return nil, fmt.Errorf("minio: %s %w (%v); its log:\n%s", bin, errExitedEarly, srv.waitErr, srv.log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("minio: %s was not ready on %s within %v; its log:\n%s",
				bin, srv.addr, minioStartTimeout, srv.log)
		}
	}
}

// stop ends the server, gracefully if it lets itself be, and removes its data.
func (s *minioServer) stop() {
	select {
	case <-s.done:
	default:
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	os.RemoveAll(s.dataDir)
}

// freePorts returns n distinct local ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		// Closed only after all are chosen, so the n ports differ.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// withoutMinIOEnv drops MINIO_* variables, which could point the server elsewhere.
func withoutMinIOEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MINIO_") {
			out = append(out, kv)
		}
	}
	return out
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if extra := b.buf.Len() - b.max; extra > 0 {
		b.buf.Next(extra)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
