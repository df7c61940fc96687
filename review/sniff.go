package review

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Sniff decides the kind of an original from its first bytes (at least 8; 512 is
// plenty). It ignores the file name: a name can lie, content cannot.
func Sniff(head []byte) (Kind, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return KindPDF, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return KindPNG, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return KindJPEG, true
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return KindTIFF, true
	}
	// Some PDF writers put junk (up to 1 KiB, per the spec's implementation notes)
	// before the header.
	if i := bytes.Index(head, []byte("%PDF-")); i > 0 && i < 1024 {
		return KindPDF, true
	}
	return "", false
}

// describeContent names what a file that is not an accepted kind looks like, for the
// error message a user sees.
func describeContent(head []byte) string {
	switch {
	case len(head) == 0:
		return "empty"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive or Office document"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "a GIF image"
	case bytes.HasPrefix(head, []byte("BM")):
		return "a BMP image"
	case bytes.HasPrefix(head, []byte("RIFF")) && len(head) >= 12 && string(head[8:12]) == "WEBP":
		return "a WebP image"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "an old Office document"
	case utf8.Valid(head) && !bytes.ContainsRune(head, 0):
		return "text"
	}
	return "not a PDF, TIFF, JPEG or PNG file"
}

// kindFromName is the kind a file name claims, or "" if its extension claims none.
func kindFromName(name string) Kind {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return KindPDF
	case ".png":
		return KindPNG
	case ".jpg", ".jpeg", ".jpe", ".jfif":
		return KindJPEG
	case ".tif", ".tiff":
		return KindTIFF
	}
	return ""
}

// kindLabel is how a kind is named to users.
func kindLabel(k Kind) string {
	switch k {
	case KindPDF:
		return "a PDF"
	case KindPNG:
		return "a PNG image"
	case KindJPEG:
		return "a JPEG image"
	case KindTIFF:
		return "a TIFF image"
	}
	return string(k)
}
