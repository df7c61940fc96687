package main

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"papergate/internal/testpdf"
)

func encryptedPDF(t *testing.T) []byte {
	t.Helper()
	in := testpdf.PDF([]testpdf.Image{testpdf.JPEGPage(200, 280, 0)}, 0)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(in), &out, model.NewAESConfiguration("user-secret", "owner-secret", 256)); err != nil {
		t.Fatalf("encrypt: %v", err)
	}
	return out.Bytes()
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testpdf.ScanPage(120, 160, 1)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
