package synth

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// pdfPage is one image-only page: a baseline JPEG shown full-page.
type pdfPage struct {
	jpeg []byte
	w, h int // pixels
	gray bool
	dpi  int
}

// writePDF writes a minimal PDF 1.4 file with one DCTDecode image per page,
// each page's MediaBox sized from the image size and resolution. The output
// depends only on its input (no dates, no random ids).
func writePDF(w io.Writer, pages []pdfPage) error {
	if len(pages) == 0 {
		return fmt.Errorf("synth: pdf: no pages")
	}
	var b bytes.Buffer
	var offsets []int // offsets[i] is the byte offset of object i+1
	obj := func(body func()) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", len(offsets))
		body()
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// Objects: 1 catalog, 2 page tree, 3 info, then per page: page, content, image.
	const first = 4
	pageObj := func(i int) int { return first + 3*i }
	obj(func() { b.WriteString("<< /Type /Catalog /Pages 2 0 R >>") })
	obj(func() {
		b.WriteString("<< /Type /Pages /Kids [")
		for i := range pages {
			fmt.Fprintf(&b, " %d 0 R", pageObj(i))
		}
		fmt.Fprintf(&b, " ] /Count %d >>", len(pages))
	})
	obj(func() { b.WriteString("<< /Producer (papergate synth) /Title (synthetic return) >>") })
	for i, p := range pages {
		if p.dpi <= 0 || p.w <= 0 || p.h <= 0 {
			return fmt.Errorf("synth: pdf: page %d: bad size %dx%d at %d dpi", i+1, p.w, p.h, p.dpi)
		}
		pw := float64(p.w) * 72 / float64(p.dpi)
		ph := float64(p.h) * 72 / float64(p.dpi)
		content := fmt.Sprintf("q %s 0 0 %s 0 0 cm /Im0 Do Q\n", num(pw), num(ph))
		obj(func() {
			fmt.Fprintf(&b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>",
				num(pw), num(ph), pageObj(i)+2, pageObj(i)+1)
		})
		obj(func() {
			fmt.Fprintf(&b, "<< /Length %d >>\nstream\n%sendstream", len(content), content)
		})
		obj(func() {
			cs := "/DeviceRGB"
			if p.gray {
				cs = "/DeviceGray"
			}
			fmt.Fprintf(&b, "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n",
				p.w, p.h, cs, len(p.jpeg))
			b.Write(p.jpeg)
			b.WriteString("\nendstream")
		})
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("synth: pdf: %w", err)
	}
	return nil
}

// num formats a PDF real with at most 4 decimals.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 4, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
