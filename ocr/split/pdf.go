package split

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"papergate/review"
)

const maxEmbeddedImage = 256 << 20

var disableConfigDir sync.Once

func pdfConfig() *model.Configuration {
	// pdfcpu would otherwise create and read ~/.config/pdfcpu (user fonts, a YAML
	// config) on first use: state the splitter neither needs nor should depend on.
	disableConfigDir.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// readPDF parses a PDF with pdfcpu and turns its failures into errors for users.
func readPDF(path string) (*model.Context, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	defer f.Close()
	ctx, err := api.ReadValidateAndOptimize(f, pdfConfig())
	if err != nil {
		return nil, pdfError(err)
	}
	if ctx.PageCount == 0 {
		return nil, review.BadInput("no_pages", "the PDF has no pages", nil)
	}
	return ctx, nil
}

func pdfError(err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(msg, "password") || strings.Contains(msg, "encrypt"):
		return review.BadInput("encrypted_pdf", "the PDF is password-protected; save it without a password and upload it again", err)
	default:
		return review.BadInput("corrupt_pdf", "the PDF is damaged or incomplete (was the upload or scan cut off?) and cannot be read", err)
	}
}

func (s *Splitter) inspectPDF(path string) (int, error) {
	ctx, err := readPDF(path)
	if err != nil {
		return 0, err
	}
	return ctx.PageCount, nil
}

func (s *Splitter) splitPDF(ctx context.Context, path string, from int, emit func(review.PageImage) error) error {
	pdf, err := readPDF(path)
	if err != nil {
		return err
	}
	dims, err := pdf.PageDims()
	if err != nil {
		return review.BadInput("corrupt_pdf", "the PDF's page sizes cannot be read", err)
	}
	for n := from; n <= pdf.PageCount; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		img, ok, err := embeddedScan(pdf, n, dims[n-1].Width, s.maxPixels())
		if err != nil {
			return err
		}
		if !ok {
			if img, err = s.render(ctx, path, n); err != nil {
				return err
			}
		}
		img.N = n
		if err := emit(img); err != nil {
			return err
		}
	}
	return nil
}

// embeddedScan returns the page's scan image if the page is exactly one image that
// covers it, with no text drawn on top, in a format we keep without loss (JPEG as it
// is; Flate and CCITT images as PNG). ok=false means: render the page instead.
func embeddedScan(pdf *model.Context, n int, widthPt float64, maxPixels int64) (review.PageImage, bool, error) {
	if hasText(pdf, n) {
		return review.PageImage{}, false, nil
	}
	stubs, err := pdfcpu.ExtractPageImages(pdf, n, true)
	if err != nil || countPageImages(stubs) != 1 {
		return review.PageImage{}, false, nil
	}
	for _, st := range stubs {
		if st.Thumb {
			continue
		}
		if st.IsImgMask || st.HasImgMask || st.HasSMask {
			return review.PageImage{}, false, nil
		}
		if err := checkSize(st.Width, st.Height, maxPixels); err != nil {
			return review.PageImage{}, false, err // refuse before decoding a bomb
		}
		last := st.Filter
		if i := strings.LastIndex(last, ","); i >= 0 {
			last = last[i+1:]
		}
		if last != "DCTDecode" && last != "FlateDecode" && last != "CCITTFaxDecode" {
			return review.PageImage{}, false, nil // JBIG2, JPX, ...: let poppler render it
		}
	}
	imgs, err := pdfcpu.ExtractPageImages(pdf, n, false)
	if err != nil {
		return review.PageImage{}, false, nil
	}
	for _, im := range imgs {
		if im.Thumb {
			continue
		}
		data, err := readAll(im, maxEmbeddedImage)
		if err != nil {
			return review.PageImage{}, false, nil
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return review.PageImage{}, false, nil
		}
		if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
			return review.PageImage{}, false, err
		}
		out := review.PageImage{Width: cfg.Width, Height: cfg.Height, Source: "embedded"}
		if widthPt > 0 {
			out.DPI = int(math.Round(float64(cfg.Width) / (widthPt / 72)))
		}
		switch format {
		case "jpeg":
			out.Format, out.Data = "jpeg", data
		case "png":
			out.Format, out.Data = "png", data
		default: // tiff (CCITT) and the like: decode and keep losslessly as PNG
			decoded, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return review.PageImage{}, false, nil
			}
			if out.Data, err = encodePNG(decoded); err != nil {
				return review.PageImage{}, false, err
			}
			out.Format = "png"
		}
		return out, true, nil
	}
	return review.PageImage{}, false, nil
}

func countPageImages(m map[int]model.Image) int {
	n := 0
	for _, im := range m {
		if !im.Thumb {
			n++
		}
	}
	return n
}

// hasText reports whether the page draws text (a born-digital or OCRed page whose
// look is not the embedded image alone).
func hasText(pdf *model.Context, n int) bool {
	d, _, _, err := pdf.PageDict(n, false)
	if err != nil {
		return true
	}
	content, err := pdf.PageContent(d, n)
	if err != nil {
		return false // no content stream we can read: decide by images
	}
	for _, tok := range bytes.Fields(content) {
		if bytes.Equal(tok, []byte("BT")) {
			return true
		}
	}
	return false
}

// render draws page n with pdftoppm at RenderDPI, in colour (the seal is red).
func (s *Splitter) render(ctx context.Context, path string, n int) (review.PageImage, error) {
	dir, err := os.MkdirTemp(s.TempDir, "papergate-render-*")
	if err != nil {
		return review.PageImage{}, fmt.Errorf("split: render: %w", err)
	}
	defer os.RemoveAll(dir)
	bin := s.Pdftoppm
	if bin == "" {
		bin = "pdftoppm"
	}
	out := filepath.Join(dir, "page")
	cmd := exec.CommandContext(ctx, bin, "-r", strconv.Itoa(RenderDPI), "-f", strconv.Itoa(n), "-l", strconv.Itoa(n),
		"-png", "-singlefile", path, out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return review.PageImage{}, fmt.Errorf("split: render page %d: pdftoppm is not installed (Debian package poppler-utils; scripts/setup.sh installs it): %w", n, err)
		}
		return review.PageImage{}, fmt.Errorf("split: render page %d: %w: %s", n, err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(out + ".png")
	if err != nil {
		return review.PageImage{}, fmt.Errorf("split: render page %d: %w", n, err)
	}
	cfg, err := pngConfig(data)
	if err != nil {
		return review.PageImage{}, fmt.Errorf("split: render page %d: %w", n, err)
	}
	return review.PageImage{Format: "png", Data: data, Width: cfg.Width, Height: cfg.Height, DPI: RenderDPI, Source: "rendered"}, nil
}

func pngConfig(data []byte) (image.Config, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return cfg, err
}
