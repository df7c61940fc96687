package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"papergate/internal/testenv"
	"papergate/internal/testpdf"
	"papergate/ocr/split"
	"papergate/review"
	"papergate/storage/localstore"
	"papergate/storage/s3store"
	"papergate/storage/sqlstore"
)

// scanLikePDF is a 500-page PDF whose pages are A4 at 200 DPI, JPEG quality 75 with
// scanner-like noise, about the size real census scans have.
func scanLikePDF(b *testing.B, pages int) []byte {
	b.Helper()
	const w, h = 1654, 2339
	var variants [][]byte
	for v := 0; v < 8; v++ {
		img := image.NewGray(image.Rect(0, 0, w, h))
		seed := uint32(v*7919 + 1)
		for i := range img.Pix {
			seed = seed*1664525 + 1013904223
			img.Pix[i] = 240 + uint8(seed>>29)
		}
		for line := 0; line < 45; line++ { // text-like rows of dark strokes
			y0 := 150 + line*48
			for y := y0; y < y0+22; y++ {
				for x := 160; x < w-160; x++ {
					if (x/7+line+v)%5 < 3 {
						img.SetGray(x, y, color.Gray{Y: 30})
					}
				}
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
			b.Fatal(err)
		}
		variants = append(variants, buf.Bytes())
	}
	imgs := make([]testpdf.Image, pages)
	for i := range imgs {
		imgs[i] = testpdf.Image{W: w, H: h, Filter: "DCTDecode", CS: "DeviceGray", BPC: 8, Data: variants[i%len(variants)]}
	}
	return testpdf.PDF(imgs, 0)
}

// procStatus reads a "kB" field of /proc/self/status, in MiB.
func procStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// peakRSS resets the kernel's peak-RSS mark (clear_refs 5) and returns a function
// that reads how far the peak rose above the resident size at the reset, in MiB: the
// memory the measured work needed, without the benchmark's own copy of the input.
func peakRSS(b *testing.B) func() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset peak RSS: %v (peak includes earlier work)", err)
	}
	base := procStatus("VmRSS")
	return func() float64 { return procStatus("VmHWM") - base }
}

// BenchmarkIngestSplit500 ingests a 500-page scanned PDF and splits it into stored page
// images, on the local store with SQLite and on MinIO with PostgreSQL, and reports
// pages per second and the process's peak RSS. Run it alone, so that the peak is its
// own:
//
//	go test ./cmd/papergate -run '^$' -bench IngestSplit500 -benchtime 1x
func BenchmarkIngestSplit500(b *testing.B) {
	const pages = 500
	pdf := scanLikePDF(b, pages)
	b.Logf("500-page PDF: %.1f MB", float64(len(pdf))/(1<<20))
	for _, be := range []backend{embedded, scaled} {
		b.Run(string(be), func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := b.TempDir()
				var objects review.ObjectStore
				dsn := filepath.Join(dir, "state.db")
				if be == scaled {
					dsn = testenv.Postgres(b)
					m := testenv.MinIO(b)
					s3, err := s3store.New(ctx, s3store.Config{Endpoint: m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket})
					if err != nil {
						b.Fatal(err)
					}
					objects = s3
				} else {
					local, err := localstore.New(filepath.Join(dir, "objects"))
					if err != nil {
						b.Fatal(err)
					}
					objects = local
				}
				db, err := sqlstore.Open(ctx, dsn)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				sp := &split.Splitter{TempDir: dir}
				in := &review.Ingester{Objects: objects, Store: db, Splitter: sp, TempDir: dir, MaxBytes: 1 << 30}
				pipe := &review.Pipeline{Objects: objects, Store: db, Splitter: sp, TempDir: dir}
				peak := peakRSS(b)
				b.StartTimer()

				start := time.Now()
				res, err := in.Ingest(ctx, "batch.pdf", bytes.NewReader(pdf), review.IngestOptions{})
				if err != nil {
					b.Fatal(err)
				}
				ingested := time.Since(start)
				if err := pipe.Split(ctx, res.Document.ID); err != nil {
					b.Fatal(err)
				}
				total := time.Since(start)

				b.StopTimer()
				got, err := db.Pages(ctx, res.Document.ID)
				if err != nil || len(got) != pages {
					b.Fatalf("%d pages stored, want %d (%v)", len(got), pages, err)
				}
				b.ReportMetric(float64(pages)/total.Seconds(), "pages/s")
				b.ReportMetric(ingested.Seconds(), "ingest-s")
				b.ReportMetric(peak(), "peak-RSS-MiB")
				b.ReportMetric(float64(len(pdf))/(1<<20), "file-MiB")
				db.Close()
				b.StartTimer()
			}
		})
	}
}
