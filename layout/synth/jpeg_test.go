package synth

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// TestEncodeJPEG encodes grey and colour planes of awkward sizes and checks
// that image/jpeg decodes them to nearly the same picture.
func TestEncodeJPEG(t *testing.T) {
	tests := []struct {
		name    string
		w, h    int
		gray    bool
		quality int
		minPSNR float64
	}{
		{"gray", 64, 48, true, 90, 38},
		{"gray odd", 37, 29, true, 75, 32},
		{"colour", 64, 64, false, 90, 36},
		{"colour odd", 45, 23, false, 60, 28},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			// A smooth picture with some edges and flat areas.
			y := make([]uint8, tc.w*tc.h)
			for j := range tc.h {
				for i := range tc.w {
					v := 128 + 80*math.Sin(float64(i)/7)*math.Cos(float64(j)/5)
					if i > tc.w/2 && j > tc.h/2 {
						v = 240 // flat block area
					}
					y[j*tc.w+i] = uint8(v + float64(rng.IntN(3)))
				}
			}
			var cb, cr []uint8
			cw, ch := (tc.w+1)/2, (tc.h+1)/2
			if !tc.gray {
				cb, cr = make([]uint8, cw*ch), make([]uint8, cw*ch)
				for i := range cb {
					cb[i], cr[i] = uint8(100+i%40), uint8(160-i%30)
				}
			}
			var buf bytes.Buffer
			encodeJPEG(&buf, y, cb, cr, tc.w, tc.h, tc.quality)
			img, err := jpeg.Decode(&buf)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := img.Bounds(); got != image.Rect(0, 0, tc.w, tc.h) {
				t.Fatalf("bounds %v", got)
			}
			var mse float64
			for j := range tc.h {
				for i := range tc.w {
					var got uint8
					switch m := img.(type) {
					case *image.Gray:
						got = m.GrayAt(i, j).Y
					case *image.YCbCr:
						got = m.YCbCrAt(i, j).Y
					default:
						t.Fatalf("decoded as %T", img)
					}
					d := float64(got) - float64(y[j*tc.w+i])
					mse += d * d
				}
			}
			mse /= float64(tc.w * tc.h)
			psnr := 10 * math.Log10(255*255/math.Max(mse, 1e-9))
			if psnr < tc.minPSNR {
				t.Errorf("PSNR %.1f dB, want ≥ %.0f", psnr, tc.minPSNR)
			}
			if _, isGray := img.(*image.Gray); isGray != tc.gray {
				t.Errorf("decoded as %T, gray=%v", img, tc.gray)
			}
		})
	}
}

// TestFlatBlock checks the shortcut for flat blocks against the full DCT.
func TestFlatBlock(t *testing.T) {
	for _, v := range []int32{0, 1, 127, 128, 200, 255} {
		var b block
		for i := range b {
			b[i] = v
		}
		fdct(&b)
		if got, want := b[0], 64*(v-128); got != want {
			t.Errorf("v=%d: DC %d, shortcut %d", v, got, want)
		}
		for i := 1; i < blockSize; i++ {
			if b[i] != 0 {
				t.Errorf("v=%d: AC[%d] = %d", v, i, b[i])
			}
		}
	}
}
