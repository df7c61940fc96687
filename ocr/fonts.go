package ocr

import (
	"fmt"
	"os"

	"golang.org/x/image/font/sfnt"

	"papergate/internal/cjkfont"
)

// loadFace finds and parses the first font of a font file in the usual
// Debian font directories.
func loadFace(file string) (*sfnt.Font, error) {
	path := cjkfont.Find(cjkfont.Dirs, file)
	if path == "" {
		return nil, os.ErrNotExist
	}
	f, err := cjkfont.Load(path, 0)
	if err != nil {
		return nil, fmt.Errorf("ocr: font %s: %w", file, err)
	}
	return f, nil
}
