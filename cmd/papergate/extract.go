package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	_ "image/jpeg" // page images from the splitter
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"papergate/ocr"
	"papergate/ocr/split"
	"papergate/review"
)

// cmdExtract implements `papergate extract [--json] [--out DIR] FILE...`:
// offline recognition of scanned returns, no stores touched. For each input
// it produces the return in the ground-truth shape of FIELDS.md §6 plus
// "confidence", "pages" and "seal" (ocr.Document): written to DIR/<name>.json
// with --out, otherwise printed to stdout.
func cmdExtract(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("papergate extract", flag.ContinueOnError)
	fs.SetOutput(std.err)
	asJSON := fs.Bool("json", false, "print the JSON documents to stdout (also with --out)")
	out := fs.String("out", "", "directory to write <name>.json into (default: print to stdout)")
	tessdata := fs.String("tessdata", os.Getenv("TESSDATA_PREFIX"), "Tesseract model directory [TESSDATA_PREFIX]")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: papergate extract [--json] [--out DIR] FILE...")
		fmt.Fprintln(fs.Output(), "FILE is a PDF, TIFF, JPEG or PNG scan of one return. Set OMP_THREAD_LIMIT=1 for single-threaded Tesseract.")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("no input files (see papergate extract -h)")
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
	}
	eng, err := ocr.New(ocr.Config{TessdataDir: *tessdata})
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	defer eng.Close()
	sp := split.New()
	for _, path := range fs.Args() {
		doc, err := extractFile(ctx, eng, sp, path)
		if err != nil {
			return fmt.Errorf("extract %s: %w", path, err)
		}
		data, err := doc.JSON()
		if err != nil {
			return fmt.Errorf("extract %s: %w", path, err)
		}
		if *out != "" {
			name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".json"
			dst := filepath.Join(*out, name)
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				return fmt.Errorf("extract: %w", err)
			}
			if !*asJSON {
				fmt.Fprintf(std.out, "%s\t%s\t%d pages\t%d fields\n", path, dst, len(doc.Pages), len(doc.Confidence))
				continue
			}
		}
		if _, err := std.out.Write(data); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
	}
	return nil
}

// extractFile splits one original into page images and recognizes them.
func extractFile(ctx context.Context, eng *ocr.Engine, sp *split.Splitter, path string) (*ocr.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	kind, ok := review.Sniff(head[:n])
	if !ok {
		return nil, fmt.Errorf("not a PDF, TIFF, JPEG or PNG file")
	}
	if _, err := sp.Inspect(ctx, path, kind); err != nil {
		return nil, err
	}
	// Pages stay encoded (JPEG or PNG) until the engine reads them, one at a time.
	var pages encodedPages
	err = sp.Split(ctx, path, kind, 1, func(pi review.PageImage) error {
		pages = append(pages, pi.Data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec, err := eng.Recognize(ctx, pages)
	if err != nil {
		return nil, err
	}
	return ocr.NewDocument(rec), nil
}

// encodedPages are page images as split, decoded when the engine asks.
type encodedPages [][]byte

func (ps encodedPages) Len() int { return len(ps) }

func (ps encodedPages) Page(_ context.Context, i int) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(ps[i]))
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", i+1, err)
	}
	return img, nil
}
