package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"text/tabwriter"
	"time"

	"papergate/internal/testenv"
	"papergate/layout"
	"papergate/review"
	"papergate/storage/exportdb"
	"papergate/storage/exportfile"
	"papergate/storage/sqlstore"
)

// fillVerified stores n verified returns in db, cycling through the synthetic
// corpus's truth values (as recognition's, all confirmed by a reviewer).
func fillVerified(b *testing.B, db *sqlstore.DB, n int) {
	b.Helper()
	ctx := context.Background()
	names := []string{"r0001", "r0002", "r0003"}
	recs := make([]review.RecognizedDocument, len(names))
	for i, name := range names {
		recs[i] = truthRecognition(b, name)
	}
	for i := 0; i < n; i++ {
		d, _, err := db.CreateDocument(ctx, review.Document{SHA256: fmt.Sprintf("%064x", i+1), FileName: fmt.Sprintf("r%04d.pdf", i+1),
			Kind: review.KindPDF, Size: 1, Pages: 1})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.FinishSplit(ctx, d.ID, 1); err != nil {
			b.Fatal(err)
		}
		rec := recs[i%len(recs)]
		rec.UnitCode = fmt.Sprintf("%02d%04d", 11+i%50, i/50) // distinct units
		if err := db.SaveRecognition(ctx, d.ID, rec); err != nil {
			b.Fatal(err)
		}
		d, err = db.Document(ctx, d.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Verify(ctx, d.ID, d.Version, "li.na", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// truthRecognition is what a perfect recognizer would store for a return of the
// synthetic corpus: its truth values, all confident.
func truthRecognition(b testing.TB, name string) review.RecognizedDocument {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "synth", name+".truth.json"))
	if err != nil {
		b.Fatal(err)
	}
	truth, err := layout.Default().DecodeReturn(data)
	if err != nil {
		b.Fatal(err)
	}
	rec := review.RecognizedDocument{UnitCode: truth.Unit.RegionCode, Level: string(truth.Unit.Level)}
	for _, vals := range truth.Forms {
		for id, v := range vals {
			rec.Values = append(rec.Values, review.Value{FieldID: id, Value: v, Raw: layout.FormatValue(v), Confidence: 0.99,
				Source: review.SourceRecognition})
		}
	}
	return rec
}

// BenchmarkExport1000 measures export throughput for 1,000 verified returns (about
// 230 values each), from the service database (SQLite or PostgreSQL) to the analysis
// database on the same PostgreSQL server, and to CSV and XLSX, and prints a table:
//
//	go test ./cmd/papergate -run '^$' -bench Export1000 -benchtime 1x
func BenchmarkExport1000(b *testing.B) {
	const n = 1000
	type result struct {
		backend, step string
		d             time.Duration
		note          string
	}
	var results []result
	for _, be := range []backend{embedded, scaled} {
		b.Run(string(be), func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dsn := filepath.Join(b.TempDir(), "state.db")
				if be == scaled {
					dsn = testenv.Postgres(b)
				}
				db, err := sqlstore.Open(ctx, dsn)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				fillVerified(b, db, n)
				sink, err := exportdb.Open(ctx, testenv.Postgres(b), layout.Default())
				if err != nil {
					b.Fatal(err)
				}
				if err := sink.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				ex := &review.Exporter{Source: db, Sink: sink, Files: exportfile.Writer{}, Catalog: layout.Default()}
				b.StartTimer()

				step := func(name string, fn func() (string, error)) {
					start := time.Now()
					note, err := fn()
					if err != nil {
						b.Fatalf("%s: %v", name, err)
					}
					results = append(results, result{string(be), name, time.Since(start), note})
				}
				step("postgres, first export", func() (string, error) {
					run, err := ex.Sync(ctx, "bench")
					if err == nil && run.Written != n {
						err = fmt.Errorf("%d written, want %d", run.Written, n)
					}
					return fmt.Sprintf("%d written", run.Written), err
				})
				step("postgres, again (no-op)", func() (string, error) {
					run, err := ex.Sync(ctx, "bench")
					if err == nil && run.Unchanged != n {
						err = fmt.Errorf("%d unchanged, want %d", run.Unchanged, n)
					}
					return fmt.Sprintf("%d unchanged", run.Unchanged), err
				})
				for _, format := range []string{"csv", "xlsx"} {
					step(format+" file", func() (string, error) {
						cw := &countWriter{}
						_, err := ex.WriteFile(ctx, cw, format, "bench", "bench", nil)
						return fmt.Sprintf("%.1f MB", float64(cw.n)/1e6), err
					})
				}
				b.StopTimer()
				sink.Close()
				db.Close()
				b.StartTimer()
			}
		})
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "service db\texport\treturns/s\tseconds\t\t\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.2f\t%s\t\n", r.backend, r.step, n/r.d.Seconds(), r.d.Seconds(), r.note)
	}
	tw.Flush()
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
