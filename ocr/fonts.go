package ocr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font/sfnt"
)

// loadFace finds and parses the first font of a font file in the usual
// Debian font directories.
func loadFace(file string) (*sfnt.Font, error) {
	for _, d := range fontDirs {
		b, err := os.ReadFile(filepath.Join(d, file))
		if err != nil {
			continue
		}
		// sfnt rejects tables that do not start on a 4-byte boundary, which the
		// Debian CJK collections have: copy the font into an aligned file first.
		off := 0
		if len(b) >= 16 && string(b[:4]) == "ttcf" {
			off = int(binary.BigEndian.Uint32(b[12:]))
		}
		a, err := realign(b, off)
		if err != nil {
			return nil, fmt.Errorf("ocr: font %s: %w", file, err)
		}
		return sfnt.Parse(a)
	}
	return nil, os.ErrNotExist
}

// realign copies the sfnt whose offset table starts at off into a new file with
// every table 4-byte aligned.
func realign(b []byte, off int) ([]byte, error) {
	be := binary.BigEndian
	if off < 0 || off+12 > len(b) {
		return nil, errors.New("bad offset table")
	}
	nt := int(be.Uint16(b[off+4:]))
	hdr := 12 + 16*nt
	if off+hdr > len(b) {
		return nil, errors.New("bad table directory")
	}
	out := make([]byte, hdr)
	copy(out, b[off:off+12])
	for k := range nt {
		r := b[off+12+16*k : off+12+16*k+16]
		o, l := int(be.Uint32(r[8:])), int(be.Uint32(r[12:]))
		if o < 0 || l < 0 || o+l > len(b) {
			return nil, fmt.Errorf("table %q out of range", r[:4])
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		copy(out[12+16*k:], r[:8])
		be.PutUint32(out[12+16*k+8:], uint32(len(out)))
		be.PutUint32(out[12+16*k+12:], uint32(l))
		out = append(out, b[o:o+l]...)
	}
	return out, nil
}
