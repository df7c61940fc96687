package ocr

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"papergate/layout/synth"
)

// benchSeed is the seed of the benchmark corpus; tests use other seeds.
const benchSeed = 20260704

// envInt reads an integer from the environment, with a default.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// cpuTime is the CPU time this process and its waited-for children used.
func cpuTime() (self, children time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	children = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return
}

// vmHWM is the process's peak resident memory in MiB.
func vmHWM() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkExtraction generates a fresh synthetic corpus (PAPERGATE_BENCH_RETURNS
// returns, default 12, seed PAPERGATE_BENCH_SEED), extracts it with one Engine
// per core, and prints field accuracy by type, confidence statistics,
// throughput and peak memory, and the CPU time of plain `tesseract PAGE - -l
// chi_sim` on the same pages for comparison. Run it with
//
//	go test ./ocr -run '^$' -bench Extraction -benchtime 1x
func BenchmarkExtraction(b *testing.B) {
	n := envInt("PAPERGATE_BENCH_RETURNS", 12)
	seed := uint64(envInt("PAPERGATE_BENCH_SEED", benchSeed))
	workers := envInt("PAPERGATE_BENCH_WORKERS", runtime.GOMAXPROCS(0))
	g, err := synth.New(synth.Options{Seed: seed})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	type job struct {
		r *synth.Return
	}
	var rets []*synth.Return
	pages := 0
	for i := 1; i <= n; i++ {
		r, err := g.Generate(i)
		if err != nil {
			b.Fatal(err)
		}
		for j, p := range r.Pages {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%02d.jpg", r.ID, j+1)), p, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		pages += len(r.Pages)
		rets = append(rets, r)
	}
	for b.Loop() {
		var tl tally
		var mu sync.Mutex
		jobs := make(chan *synth.Return)
		var wg sync.WaitGroup
		self0, _ := cpuTime()
		start := time.Now()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e, err := New(Config{})
				if err != nil {
					b.Error(err)
					return
				}
				defer e.Close()
				for r := range jobs {
					rec, err := e.Recognize(context.Background(), decodePages(b, r.Pages))
					if err != nil {
						b.Error(err)
						continue
					}
					mu.Lock()
					tl.compareAt(e.cat, decodeTruth(b, r.Truth), rec, r.ID, r.Boxes)
					mu.Unlock()
				}
			}()
		}
		for _, r := range rets {
			jobs <- r
		}
		close(jobs)
		wg.Wait()
		wall := time.Since(start)
		self1, _ := cpuTime()
		ours := self1 - self0
		hwm := vmHWM()

		// Plain Tesseract on the same pages, as many at a time as there are workers.
		files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
		_, ch0 := cpuTime()
		tstart := time.Now()
		sem := make(chan struct{}, workers)
		var twg sync.WaitGroup
		for _, f := range files {
			twg.Add(1)
			sem <- struct{}{}
			go func() {
				defer twg.Done()
				defer func() { <-sem }()
				cmd := exec.Command("tesseract", f, "-", "-l", "chi_sim")
				cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
				if err := cmd.Run(); err != nil {
					b.Errorf("tesseract %s: %v", f, err)
				}
			}()
		}
		twg.Wait()
		twall := time.Since(tstart)
		_, ch1 := cpuTime()
		plain := ch1 - ch0

		w := os.Stdout
		fmt.Fprintf(w, "\ncorpus: %d returns, %d pages, seed %d, %d workers\n", n, pages, seed, workers)
		tl.report(w)
		fmt.Fprintf(w, "throughput: %.1f pages/min/core (CPU %.1fs, wall %.1fs); peak memory (VmHWM) %.0f MiB\n",
			float64(pages)/ours.Minutes(), ours.Seconds(), wall.Seconds(), hwm)
		fmt.Fprintf(w, "plain tesseract: CPU %.1fs, wall %.1fs; extraction/plain CPU ratio %.2f\n",
			plain.Seconds(), twall.Seconds(), ours.Seconds()/plain.Seconds())
		if os.Getenv("PAPERGATE_BENCH_MISTAKES") != "" {
			tl.mistakes(w, 1000)
		}
	}
}
