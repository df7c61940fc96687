package split

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"golang.org/x/image/tiff"

	"papergate/review"
)

// tiffPage is what the IFD of one TIFF page says.
type tiffPage struct {
	ifd         uint32
	width       int
	height      int
	compression int
	dpi         int
}

// Compressions golang.org/x/image/tiff decodes.
var tiffCompressions = map[int]string{1: "none", 3: "CCITT G3", 4: "CCITT G4", 5: "LZW", 8: "Deflate", 32946: "Deflate", 32773: "PackBits"}

var tiffCompressionNames = map[int]string{2: "CCITT modified Huffman RLE", 6: "old-style JPEG", 7: "JPEG", 34712: "JPEG 2000", 34887: "LERC", 50000: "ZSTD", 50001: "WebP"}

const maxTIFFPages = 10000

// readTIFF walks the IFD chain of a (classic, not Big) TIFF and checks every page.
func readTIFF(path string, maxPixels int64) ([]tiffPage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	defer f.Close()
	corrupt := func(why string) error {
		return review.BadInput("corrupt_tiff", "the TIFF file is damaged or incomplete ("+why+")", nil)
	}
	var hdr [8]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return nil, corrupt("no header")
	}
	var bo binary.ByteOrder
	switch string(hdr[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, corrupt("bad byte order")
	}
	if v := bo.Uint16(hdr[2:]); v == 43 {
		return nil, review.BadInput("unsupported_tiff", "BigTIFF files are not supported; save the scan as a classic TIFF or PDF", nil)
	} else if v != 42 {
		return nil, corrupt("bad magic number")
	}
	off := bo.Uint32(hdr[4:])
	seen := map[uint32]bool{}
	var pages []tiffPage
	for off != 0 {
		if seen[off] || len(pages) >= maxTIFFPages {
			return nil, corrupt("IFD chain loops or is too long")
		}
		seen[off] = true
		p, next, err := readIFD(f, bo, off)
		if err != nil {
			return nil, corrupt(err.Error())
		}
		n := len(pages) + 1
		if _, ok := tiffCompressions[p.compression]; !ok {
			name := tiffCompressionNames[p.compression]
			if name == "" {
				name = fmt.Sprintf("code %d", p.compression)
			}
			return nil, review.BadInput("unsupported_tiff",
				fmt.Sprintf("TIFF page %d uses %s compression, which papergate cannot read; save the scan as PDF, or as TIFF with LZW, Deflate, CCITT G4 or no compression", n, name), nil)
		}
		if err := checkSize(p.width, p.height, maxPixels); err != nil {
			return nil, err
		}
		pages = append(pages, p)
		off = next
	}
	if len(pages) == 0 {
		return nil, review.BadInput("no_pages", "the TIFF file has no pages", nil)
	}
	return pages, nil
}

func readIFD(r io.ReaderAt, bo binary.ByteOrder, off uint32) (tiffPage, uint32, error) {
	var cnt [2]byte
	if _, err := r.ReadAt(cnt[:], int64(off)); err != nil {
		return tiffPage{}, 0, fmt.Errorf("IFD at %d unreadable", off)
	}
	n := int(bo.Uint16(cnt[:]))
	buf := make([]byte, n*12+4)
	if _, err := r.ReadAt(buf, int64(off)+2); err != nil {
		return tiffPage{}, 0, fmt.Errorf("IFD at %d truncated", off)
	}
	p := tiffPage{ifd: off, compression: 1}
	var xres float64
	unit := 2
	for i := 0; i < n; i++ {
		e := buf[i*12:]
		tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
		val := func() int {
			if typ == 3 { // SHORT
				return int(bo.Uint16(e[8:]))
			}
			return int(bo.Uint32(e[8:]))
		}
		switch tag {
		case 256:
			p.width = val()
		case 257:
			p.height = val()
		case 259:
			p.compression = val()
		case 282: // XResolution, RATIONAL at an offset
			var rat [8]byte
			if _, err := r.ReadAt(rat[:], int64(bo.Uint32(e[8:]))); err == nil {
				if den := bo.Uint32(rat[4:]); den != 0 {
					xres = float64(bo.Uint32(rat[:])) / float64(den)
				}
			}
		case 296:
			unit = val()
		}
	}
	switch unit {
	case 2:
		p.dpi = int(xres + 0.5)
	case 3:
		p.dpi = int(xres*2.54 + 0.5)
	}
	return p, bo.Uint32(buf[n*12:]), nil
}

func splitTIFF(ctx context.Context, path string, from int, maxPixels int64, emit func(review.PageImage) error) error {
	pages, err := readTIFF(path, maxPixels)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	var hdr [8]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	for i := from - 1; i < len(pages); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := pages[i]
		img, err := tiff.Decode(&ifdReader{f: f, size: st.Size(), hdr: retarget(hdr, p.ifd)})
		if err != nil {
			return review.BadInput("corrupt_tiff", fmt.Sprintf("TIFF page %d is damaged and cannot be decoded", i+1), err)
		}
		data, err := encodePNG(img)
		if err != nil {
			return err
		}
		b := img.Bounds()
		if err := emit(review.PageImage{N: i + 1, Format: "png", Data: data, Width: b.Dx(), Height: b.Dy(), DPI: p.dpi, Source: "image"}); err != nil {
			return err
		}
	}
	return nil
}

// retarget returns the TIFF header with its first-IFD offset pointing at ifd, so that
// a decoder that reads only the first page reads page ifd instead.
func retarget(hdr [8]byte, ifd uint32) [8]byte {
	if string(hdr[:2]) == "II" {
		binary.LittleEndian.PutUint32(hdr[4:], ifd)
	} else {
		binary.BigEndian.PutUint32(hdr[4:], ifd)
	}
	return hdr
}

// ifdReader serves the file with a replaced 8-byte header.
type ifdReader struct {
	f    *os.File
	size int64
	hdr  [8]byte
	pos  int64
}

func (r *ifdReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.f.ReadAt(p, off)
	for i := int64(0); i < 8; i++ {
		if j := i - off; j >= 0 && j < int64(n) {
			p[j] = r.hdr[i]
		}
	}
	return n, err
}

func (r *ifdReader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}
