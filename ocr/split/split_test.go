package split

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"papergate/internal/testpdf"
	"papergate/review"
)

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func collect(t *testing.T, s *Splitter, path string, k review.Kind, from int) []review.PageImage {
	t.Helper()
	var got []review.PageImage
	err := s.Split(context.Background(), path, k, from, func(p review.PageImage) error {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Data))
		if err != nil {
			t.Fatalf("page %d: stored image does not decode: %v", p.N, err)
		}
		if cfg.Width != p.Width || cfg.Height != p.Height || format != p.Format {
			t.Fatalf("page %d: recorded %dx%d %s, image is %dx%d %s", p.N, p.Width, p.Height, p.Format, cfg.Width, cfg.Height, format)
		}
		p.Data = nil
		got = append(got, p)
		return nil
	})
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	return got
}

func TestSplit(t *testing.T) {
	var jpegPages []testpdf.Image
	for i := 0; i < 20; i++ {
		jpegPages = append(jpegPages, testpdf.JPEGPage(1654, 2339, i)) // A4 at 200 DPI
	}
	tests := []struct {
		name       string
		kind       review.Kind
		data       []byte
		from       int
		wantPages  int // what Inspect counts
		wantEmit   int // pages emitted from `from` on
		wantFormat string
		wantSource string
		wantDPI    int
		wantW      int
	}{
		{"20-page JPEG scan", review.KindPDF, testpdf.PDF(jpegPages, 0), 1, 20, 20, "jpeg", "embedded", 200, 1654},
		{"resume at page 18", review.KindPDF, testpdf.PDF(jpegPages, 0), 18, 20, 3, "jpeg", "embedded", 200, 1654},
		{"Flate scan", review.KindPDF, testpdf.PDF([]testpdf.Image{testpdf.FlatePage(827, 1170, 1)}, 0), 1, 1, 1, "png", "embedded", 100, 827},
		{"CCITT G4 scan", review.KindPDF, testpdf.PDF([]testpdf.Image{testpdf.CCITTWhitePage(2480, 3508)}, 0), 1, 1, 1, "png", "embedded", 300, 2480},
		{"born-digital page is rendered", review.KindPDF, testpdf.PDF(nil, 1), 1, 1, 1, "png", "rendered", 300, 2481},
		{"multi-page TIFF", review.KindTIFF, testpdf.TIFF(3, 400, 500, 150, 1), 1, 3, 3, "png", "image", 150, 400},
		{"PNG", review.KindPNG, pngBytes(t, 300, 400), 1, 1, 1, "png", "image", 0, 300},
		{"JPEG", review.KindJPEG, testpdf.JPEGPage(320, 200, 0).Data, 1, 1, 1, "jpeg", "image", 0, 320},
	}
	s := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "in", tc.data)
			n, err := s.Inspect(context.Background(), path, tc.kind)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if got, want := n, tc.wantPages; got != want {
				t.Errorf("Inspect pages = %d, want %d", got, want)
			}
			pages := collect(t, s, path, tc.kind, tc.from)
			if got, want := len(pages), tc.wantEmit; got != want {
				t.Fatalf("emitted %d pages, want %d", got, want)
			}
			for i, p := range pages {
				if got, want := p.N, tc.from+i; got != want {
					t.Errorf("page %d numbered %d", want, got)
				}
				if p.Format != tc.wantFormat || p.Source != tc.wantSource || p.DPI != tc.wantDPI || p.Width != tc.wantW {
					t.Errorf("page %d = %s/%s %d DPI width %d, want %s/%s %d DPI width %d", p.N, p.Format, p.Source, p.DPI, p.Width,
						tc.wantFormat, tc.wantSource, tc.wantDPI, tc.wantW)
				}
			}
		})
	}
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testpdf.ScanPage(w, h, 3)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInspectBadInput(t *testing.T) {
	good := testpdf.PDF([]testpdf.Image{testpdf.JPEGPage(200, 280, 0), testpdf.JPEGPage(200, 280, 1)}, 0)
	png := pngBytes(t, 50, 50)
	tests := []struct {
		name     string
		kind     review.Kind
		data     []byte
		wantCode string
	}{
		{"truncated PDF", review.KindPDF, good[:len(good)/2], "corrupt_pdf"},
		{"encrypted PDF", review.KindPDF, testpdf.Encrypted(), "encrypted_pdf"},
		{"PDF with zero pages", review.KindPDF, testpdf.PDF(nil, 0), "no_pages"},
		{"PDF header then garbage", review.KindPDF, []byte("%PDF-1.4\nthis is not a pdf at all\n"), "corrupt_pdf"},
		{"truncated PNG", review.KindPNG, png[:len(png)/2], "corrupt_image"},
		{"JPEG header then garbage", review.KindJPEG, append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("x"), 100)...), "corrupt_image"},
		{"TIFF with JPEG compression", review.KindTIFF, testpdf.TIFF(2, 64, 64, 200, 7), "unsupported_tiff"},
		{"TIFF truncated header", review.KindTIFF, []byte("II*\x00\xff\xff\x00\x00"), "corrupt_tiff"},
		{"BigTIFF", review.KindTIFF, []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00"), "unsupported_tiff"},
	}
	s := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "in", tc.data)
			_, err := s.Inspect(context.Background(), path, tc.kind)
			var ie *review.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Inspect error = %v, want an *review.InputError", err)
			}
			if got, want := ie.Code, tc.wantCode; got != want {
				t.Errorf("code = %q (%v), want %q", got, err, want)
			}
			if ie.Message == "" {
				t.Error("no message for the user")
			}
		})
	}
}

func TestSplitStopsOnCancel(t *testing.T) {
	var pages []testpdf.Image
	for i := 0; i < 5; i++ {
		pages = append(pages, testpdf.JPEGPage(100, 140, i))
	}
	path := writeFile(t, "in.pdf", testpdf.PDF(pages, 0))
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := New().Split(ctx, path, review.KindPDF, 1, func(review.PageImage) error {
		n++
		if n == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n != 2 {
		t.Errorf("emitted %d pages after cancel at 2", n)
	}
}
