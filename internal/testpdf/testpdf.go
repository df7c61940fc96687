// Package testpdf writes the scan files that tests need: image-only PDFs as scanners
// make them (JPEG, Flate or CCITT pages), born-digital text pages, multi-page TIFFs,
// and the broken variants of each. It is for tests and benchmarks only.
package testpdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"image"
	"image/color"
	"image/jpeg"
)

// Image is one page image for PDF: its encoded stream and how it is encoded.
type Image struct {
	W, H   int
	Filter string // DCTDecode, FlateDecode, CCITTFaxDecode
	CS     string // DeviceRGB, DeviceGray
	BPC    int
	Parms  string // DecodeParms dictionary, or ""
	Data   []byte // the encoded stream
}

// PDF writes a minimal image-only PDF, one image per page filling an A4 page,
// plus optional text pages (born-digital pages that must be rendered). It is how a
// scanner writes its PDFs.
func PDF(pages []Image, textPages int) []byte {
	var buf bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) int {
		offsets = append(offsets, buf.Len())
		n := len(offsets)
		fmt.Fprintf(&buf, "%d 0 obj\n%s", n, body)
		if stream != nil {
			buf.WriteString("\nstream\n")
			buf.Write(stream)
			buf.WriteString("\nendstream")
		}
		buf.WriteString("\nendobj\n")
		return n
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	offsets = append(offsets, 0) // 2: pages, written last
	font := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", nil)
	var kids []int
	const pw, ph = 595.28, 841.89
	for _, im := range pages {
		parms := ""
		if im.Parms != "" {
			parms = " /DecodeParms " + im.Parms
		}
		img := obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent %d /Filter /%s%s /Length %d >>",
			im.W, im.H, im.CS, im.BPC, im.Filter, parms, len(im.Data)), im.Data)
		content := []byte(fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph))
		c := obj(fmt.Sprintf("<< /Length %d >>", len(content)), content)
		kids = append(kids, obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", pw, ph, img, c), nil))
	}
	for i := 0; i < textPages; i++ {
		content := []byte(fmt.Sprintf("BT /F1 24 Tf 72 720 Td (Born-digital page %d) Tj ET", i+1))
		c := obj(fmt.Sprintf("<< /Length %d >>", len(content)), content)
		kids = append(kids, obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pw, ph, font, c), nil))
	}
	offsets[1] = buf.Len()
	var refs bytes.Buffer
	for _, k := range kids {
		fmt.Fprintf(&refs, "%d 0 R ", k)
	}
	fmt.Fprintf(&buf, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", refs.String(), len(kids))
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return buf.Bytes()
}

// ScanPage draws a page-like test image: a white sheet with dark bars whose number
// depends on n, so that pages differ.
func ScanPage(w, h, n int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{250, 250, 248, 255})
		}
	}
	for i := 0; i <= n%7; i++ {
		y0 := h/10 + i*h/12
		for y := y0; y < y0+h/60; y++ {
			for x := w / 10; x < w*9/10; x++ {
				img.Set(x, y, color.RGBA{20, 20, 30, 255})
			}
		}
	}
	return img
}

// JPEGPage is a JPEG scan page of w×h pixels; n varies its content.
func JPEGPage(w, h, n int) Image {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, ScanPage(w, h, n), &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return Image{W: w, H: h, Filter: "DCTDecode", CS: "DeviceRGB", BPC: 8, Data: b.Bytes()}
}

// FlatePage is a Flate-compressed RGB scan page.
func FlatePage(w, h, n int) Image {
	img := ScanPage(w, h, n)
	var raw bytes.Buffer
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.RGBAAt(x, y)
			raw.Write([]byte{c.R, c.G, c.B})
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	return Image{W: w, H: h, Filter: "FlateDecode", CS: "DeviceRGB", BPC: 8, Data: z.Bytes()}
}

// CCITTWhitePage is a CCITT Group 4 stream of an all-white page: every row is coded
// "vertical 0" against the (white) reference line, a single 1 bit, then EOFB.
func CCITTWhitePage(w, h int) Image {
	var bits []byte
	for i := 0; i < h; i++ {
		bits = append(bits, 1)
	}
	eofb := "000000000001000000000001"
	for _, c := range eofb {
		bits = append(bits, byte(c-'0'))
	}
	data := make([]byte, (len(bits)+7)/8)
	for i, b := range bits {
		if b == 1 {
			data[i/8] |= 0x80 >> (i % 8)
		}
	}
	return Image{W: w, H: h, Filter: "CCITTFaxDecode", CS: "DeviceGray", BPC: 1,
		Parms: fmt.Sprintf("<< /K -1 /Columns %d /Rows %d /BlackIs1 false >>", w, h), Data: data}
}

// TIFF writes a little-endian multi-page grey TIFF, uncompressed unless
// compression says otherwise (then the strip bytes are left raw: only the tag lies,
// which is all an "unsupported compression" test needs).
func TIFF(pages, w, h, dpi int, compression uint16) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write([]byte("II*\x00"))
	binary.Write(&b, le, uint32(8))
	for p := 0; p < pages; p++ {
		const nTags = 11
		ifd := b.Len()
		stripOff := ifd + 2 + nTags*12 + 4 + 8
		res := stripOff - 8
		next := uint32(0)
		if p < pages-1 {
			next = uint32(stripOff + w*h)
		}
		binary.Write(&b, le, uint16(nTags))
		tag := func(t, typ uint16, count, val uint32) {
			binary.Write(&b, le, t)
			binary.Write(&b, le, typ)
			binary.Write(&b, le, count)
			binary.Write(&b, le, val)
		}
		tag(256, 4, 1, uint32(w))
		tag(257, 4, 1, uint32(h))
		tag(258, 3, 1, 8)
		tag(259, 3, 1, uint32(compression))
		tag(262, 3, 1, 1) // BlackIsZero
		tag(273, 4, 1, uint32(stripOff))
		tag(277, 3, 1, 1)
		tag(278, 4, 1, uint32(h))
		tag(279, 4, 1, uint32(w*h))
		tag(282, 5, 1, uint32(res))
		tag(296, 3, 1, 2)
		binary.Write(&b, le, next)
		binary.Write(&b, le, uint32(dpi))
		binary.Write(&b, le, uint32(1))
		for i := 0; i < w*h; i++ {
			v := byte(240)
			if (i/w+p)%20 == 0 {
				v = 10
			}
			b.WriteByte(v)
		}
	}
	return b.Bytes()
}

// Encrypted is a one-page PDF protected with a user password (AES-256), which
// nobody can open without it.
func Encrypted() []byte {
	in := PDF([]Image{JPEGPage(200, 280, 0)}, 0)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(in), &out, model.NewAESConfiguration("user-secret", "owner-secret", 256)); err != nil {
		panic(fmt.Sprintf("testpdf: encrypt: %v", err)) // only a pdfcpu regression gets here
	}
	return out.Bytes()
}
