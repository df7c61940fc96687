package main

import (
	"bytes"
	"image/png"
	"testing"

	"papergate/internal/testpdf"
)

func testPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testpdf.ScanPage(120, 160, 1)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
