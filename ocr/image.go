package ocr

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"sort"
	"strconv"
)

// ink is the grey level below which a pixel of a prepared page counts as ink.
const inkLevel = 190

// toGray converts a decoded page to luminance, turning red-dominant pixels (the
// official seal's ink) into background so that black and blue ink under a seal
// stay readable. It also returns the red pixels as a mask (nil for grey scans).
func toGray(img image.Image) (*image.Gray, *image.Alpha) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	switch src := img.(type) {
	case *image.Gray:
		for y := range h {
			copy(g.Pix[y*g.Stride:y*g.Stride+w], src.Pix[(y+b.Min.Y-src.Rect.Min.Y)*src.Stride+(b.Min.X-src.Rect.Min.X):])
		}
		return g, nil
	case *image.YCbCr:
		red := image.NewAlpha(g.Rect)
		any := false
		for y := range h {
			for x := range w {
				yi := src.YOffset(x+b.Min.X, y+b.Min.Y)
				ci := src.COffset(x+b.Min.X, y+b.Min.Y)
				r, gg, bb := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				v, isRed := clean(r, gg, bb)
				g.Pix[y*g.Stride+x] = v
				if isRed {
					red.Pix[y*red.Stride+x] = 255
					any = true
				}
			}
		}
		if !any && grayish(src) {
			return g, nil
		}
		return g, red
	}
	red := image.NewAlpha(g.Rect)
	colored := false
	for y := range h {
		for x := range w {
			r16, g16, b16, _ := img.At(x+b.Min.X, y+b.Min.Y).RGBA()
			r, gg, bb := uint8(r16>>8), uint8(g16>>8), uint8(b16>>8)
			if r != gg || gg != bb {
				colored = true
			}
			v, isRed := clean(r, gg, bb)
			g.Pix[y*g.Stride+x] = v
			if isRed {
				red.Pix[y*red.Stride+x] = 255
			}
		}
	}
	if !colored {
		return g, nil
	}
	return g, red
}

// grayish reports whether a YCbCr image carries no colour (a grey scan saved as colour).
func grayish(src *image.YCbCr) bool {
	n := 0
	for i := 0; i < len(src.Cb); i += 97 {
		if d := int(src.Cb[i]) - 128; d > 6 || d < -6 {
			n++
		}
	}
	return n == 0
}

// clean maps one colour pixel to the grey level OCR sees: luminance, except that
// seal-red pixels become as light as their red channel.
func clean(r, g, b uint8) (uint8, bool) {
	lum := uint8((uint32(r)*77 + uint32(g)*150 + uint32(b)*29) >> 8)
	if int(r)-int(g) > 45 && int(r)-int(b) > 35 && r > 110 {
		return max(r, lum), true
	}
	return lum, false
}

// flatten divides out uneven lighting: each pixel is scaled so that the local
// paper level (a high percentile over blocks) becomes white.
func flatten(g *image.Gray) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	const bs = 64
	bw, bh := (w+bs-1)/bs, (h+bs-1)/bs
	bg := make([]float64, bw*bh)
	var hist [256]int
	for by := range bh {
		for bx := range bw {
			hist = [256]int{}
			n := 0
			for y := by * bs; y < min(h, by*bs+bs); y += 2 {
				row := g.Pix[y*g.Stride:]
				for x := bx * bs; x < min(w, bx*bs+bs); x += 2 {
					hist[row[x]]++
					n++
				}
			}
			// The 80th percentile: paper in all but the densest blocks.
			k, acc := 255, 0
			for ; k > 0; k-- {
				acc += hist[k]
				if acc*5 >= n {
					break
				}
			}
			bg[by*bw+bx] = float64(max(k, 60))
		}
	}
	// Smooth the block levels a little so a block full of ink borrows its neighbours' paper.
	sm := make([]float64, len(bg))
	for by := range bh {
		for bx := range bw {
			best := bg[by*bw+bx]
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := bx+dx, by+dy
					if x >= 0 && y >= 0 && x < bw && y < bh && bg[y*bw+x] > best {
						best = (best + bg[y*bw+x]) / 2
					}
				}
			}
			sm[by*bw+bx] = best
		}
	}
	var lut [256]uint8
	rowGain := make([]int32, w)
	for y := range h {
		fy := (float64(y)+0.5)/bs - 0.5
		y0 := int(math.Floor(fy))
		ty := fy - float64(y0)
		y0c, y1c := clampI(y0, 0, bh-1), clampI(y0+1, 0, bh-1)
		for x := range w {
			fx := (float64(x)+0.5)/bs - 0.5
			x0 := int(math.Floor(fx))
			tx := fx - float64(x0)
			x0c, x1c := clampI(x0, 0, bw-1), clampI(x0+1, 0, bw-1)
			v := (sm[y0c*bw+x0c]*(1-tx)+sm[y0c*bw+x1c]*tx)*(1-ty) + (sm[y1c*bw+x0c]*(1-tx)+sm[y1c*bw+x1c]*tx)*ty
			rowGain[x] = int32(245 * 256 / v)
		}
		_ = lut
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, p := range row {
			v := int32(p) * rowGain[x] >> 8
			if v > 255 {
				v = 255
			}
			row[x] = uint8(v)
		}
	}
}

func clampI(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// rotateGray rotates g by deg degrees (positive turns the content clockwise
// on screen, as y points down) about its centre, bilinearly, filling with white.
func rotateGray(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	s, c := math.Sincos(-deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := range h {
		dy := float64(y) - cy
		orow := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range w {
			dx := float64(x) - cx
			sx := c*dx - s*dy + cx
			sy := s*dx + c*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			if x0 < 0 || y0 < 0 || x0+1 >= w || y0+1 >= h {
				orow[x] = 255
				continue
			}
			fx, fy := sx-float64(x0), sy-float64(y0)
			i := y0*g.Stride + x0
			a := float64(g.Pix[i])*(1-fx) + float64(g.Pix[i+1])*fx
			b := float64(g.Pix[i+g.Stride])*(1-fx) + float64(g.Pix[i+g.Stride+1])*fx
			orow[x] = uint8(a*(1-fy) + b*fy + 0.5)
		}
	}
	return out
}

// rotate180 turns g upside down.
func rotate180(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		dst := out.Pix[(h-1-y)*out.Stride:]
		for x, v := range src {
			dst[w-1-x] = v
		}
	}
	return out
}

// rotate90 turns g a quarter clockwise.
func rotate90(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			out.Pix[x*out.Stride+(h-1-y)] = g.Pix[y*g.Stride+x]
		}
	}
	return out
}

// pgm encodes the r part of g as a binary PGM, which Leptonica reads without a codec.
func pgm(g *image.Gray, r image.Rectangle) []byte {
	r = r.Intersect(g.Rect)
	var buf bytes.Buffer
	buf.Grow(r.Dx()*r.Dy() + 32)
	buf.WriteString("P5\n" + strconv.Itoa(r.Dx()) + " " + strconv.Itoa(r.Dy()) + "\n255\n")
	for y := r.Min.Y; y < r.Max.Y; y++ {
		buf.Write(g.Pix[y*g.Stride+r.Min.X : y*g.Stride+r.Max.X])
	}
	return buf.Bytes()
}

// pngDPI encodes g as a PNG that records its resolution (a pHYs chunk), so
// that Tesseract need not guess it from the text.
func pngDPI(g *image.Gray, dpi int) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	enc.Encode(&buf, g)
	b := buf.Bytes()
	const ihdrEnd = 8 + 8 + 13 + 4
	ppm := uint32(float64(dpi)/0.0254 + 0.5)
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk[0:], 9)
	copy(chunk[4:], "pHYs")
	binary.BigEndian.PutUint32(chunk[8:], ppm)
	binary.BigEndian.PutUint32(chunk[12:], ppm)
	chunk[16] = 1
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	out := make([]byte, 0, len(b)+len(chunk))
	out = append(out, b[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, b[ihdrEnd:]...)
}

// crop copies the r part of g (clipped) into a new image at origin 0,0.
func crop(g *image.Gray, r image.Rectangle) *image.Gray {
	r = r.Intersect(g.Rect)
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(out.Pix[(y-r.Min.Y)*out.Stride:], g.Pix[y*g.Stride+r.Min.X:y*g.Stride+r.Max.X])
	}
	return out
}

// pad surrounds g with a white border of p pixels (Tesseract reads text touching
// the edge badly).
func pad(g *image.Gray, p int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w+2*p, h+2*p))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := range h {
		copy(out.Pix[(y+p)*out.Stride+p:], g.Pix[y*g.Stride:y*g.Stride+w])
	}
	return out
}

// fillRect paints r of g with v.
func fillRect(g *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(g.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[y*g.Stride+r.Min.X : y*g.Stride+r.Max.X]
		for i := range row {
			row[i] = v
		}
	}
}

// inkCount counts the ink pixels of g inside r.
func inkCount(g *image.Gray, r image.Rectangle) int {
	r = r.Intersect(g.Rect)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for _, v := range g.Pix[y*g.Stride+r.Min.X : y*g.Stride+r.Max.X] {
			if v < inkLevel {
				n++
			}
		}
	}
	return n
}

// inkBounds is the bounding box of the ink in r, empty if none.
func inkBounds(g *image.Gray, r image.Rectangle) image.Rectangle {
	r = r.Intersect(g.Rect)
	out := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[y*g.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] < inkLevel {
				out = out.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return out
}

// median returns the median of xs (0 for none); xs is reordered.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[len(xs)/2]
}
