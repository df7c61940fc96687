// Package cjkfont finds the Debian CJK fonts papergate draws and matches with (AR PL
// UMing and UKai, WenQuanYi Zen Hei) and parses them with golang.org/x/image's sfnt,
// which rejects the collections as Debian ships them: their tables are not 4-byte
// aligned, so each font is first copied into an aligned file in memory.
package cjkfont

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font/sfnt"
)

// Dirs are the directories Debian's font packages install into, in search order.
var Dirs = []string{
	"/usr/share/fonts/truetype/arphic",
	"/usr/share/fonts/truetype/arphic-uming",
	"/usr/share/fonts/truetype/arphic-ukai",
	"/usr/share/fonts/truetype/wqy",
	"/usr/share/fonts/opentype/arphic",
	"/usr/share/fonts/truetype",
	"/usr/local/share/fonts",
	"/usr/share/fonts",
}

// Find returns the path of the file name in the first of dirs that has it, or "".
func Find(dirs []string, name string) string {
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// Load parses font index of a .ttf/.otf file or a .ttc collection.
func Load(path string, index int) (*sfnt.Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cjkfont: %w", err)
	}
	f, err := Parse(b, index)
	if err != nil {
		return nil, fmt.Errorf("cjkfont: %s: %w", path, err)
	}
	return f, nil
}

// Parse parses font index of the font file or collection in b.
func Parse(b []byte, index int) (*sfnt.Font, error) {
	var err error
	if len(b) >= 4 && string(b[:4]) == "ttcf" {
		b, err = extractTTC(b, index)
	} else {
		b, err = realign(b, 0)
	}
	if err != nil {
		return nil, err
	}
	return sfnt.Parse(b)
}

// extractTTC returns font i of a TrueType collection as a stand-alone, aligned font file.
func extractTTC(b []byte, i int) ([]byte, error) {
	be := binary.BigEndian
	if len(b) < 12 {
		return nil, errors.New("short collection header")
	}
	n := int(be.Uint32(b[8:]))
	if i < 0 || i >= n || len(b) < 12+4*n {
		return nil, fmt.Errorf("font index %d not in collection of %d", i, n)
	}
	return realign(b, int(be.Uint32(b[12+4*i:])))
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
	size := hdr
	for k := range nt {
		size += int(be.Uint32(b[off+12+16*k+12:])) + 3
	}
	out := make([]byte, hdr, size)
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
