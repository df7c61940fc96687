package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// pagePNG decodes a page JPEG and returns it as a PNG scaled to width pixels
// wide, for previews and documentation.
func pagePNG(page []byte, width int) ([]byte, error) {
	img, err := jpeg.Decode(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("synth: decode page: %w", err)
	}
	b := img.Bounds()
	h := b.Dy() * width / b.Dx()
	var dst draw.Image
	if _, gray := img.(*image.Gray); gray {
		dst = image.NewGray(image.Rect(0, 0, width, h))
	} else {
		dst = image.NewRGBA(image.Rect(0, 0, width, h))
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("synth: encode png: %w", err)
	}
	return out.Bytes(), nil
}
