package ocr

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// PG_DEBUG_FIELD=<field id> makes recognition print how that field was read
// and save its crops under $TMPDIR (a development aid).
var debugField = os.Getenv("PG_DEBUG_FIELD")

func debugOn(id string) bool { return debugField != "" && debugField == id }

func debugf(id, format string, args ...any) {
	if debugOn(id) {
		fmt.Fprintf(os.Stderr, "DEBUG %s: "+format+"\n", append([]any{id}, args...)...)
	}
}

func debugImage(id, name string, g image.Image) {
	if !debugOn(id) {
		return
	}
	f, err := os.CreateTemp("", "pg-"+id+"-"+name+"-*.png")
	if err != nil {
		return
	}
	defer f.Close()
	_ = png.Encode(f, g)
	fmt.Fprintf(os.Stderr, "DEBUG %s: %s saved to %s\n", id, name, filepath.Clean(f.Name()))
}
