// This file is a planar baseline JPEG encoder adapted from Go's image/jpeg
// writer and forward DCT:
//
// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file of the Go distribution.
//
// Changes: it reads luminance and 4:2:0 chroma planes directly (no per-pixel
// colour conversion or interface calls), skips the DCT of flat blocks (blank
// paper after a copier's white clip) and quantizes by reciprocal multiplication.
// A scanned page takes about half the time it takes image/jpeg.

package synth

import (
	"bytes"
)

const blockSize = 64

type block [blockSize]int32

// unzig maps zig-zag order to natural order.
var unzig = [blockSize]int{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// unscaledQuant are the quantization tables of the JPEG spec, section K.1, in
// zig-zag order: luminance, then chrominance.
var unscaledQuant = [2][blockSize]byte{
	{
		16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
		26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
		56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
		95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
	},
	{
		17, 18, 18, 24, 21, 24, 47, 26, 26, 47, 99, 66, 56, 66, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// huffmanSpec is a Huffman table: count[i] codes of length i+1, then values.
type huffmanSpec struct {
	count [16]byte
	value []byte
}

// huffmanSpecs are the tables of the JPEG spec, section K.3: luminance DC and
// AC, chrominance DC and AC.
var huffmanSpecs = [4]huffmanSpec{
	{[16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{[16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125}, []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}},
	{[16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{[16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119}, []byte{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}},
}

// jpegEncoder writes one baseline JPEG.
type jpegEncoder struct {
	out   *bytes.Buffer
	bits  uint32
	nBits uint32
	quant [2][blockSize]byte  // zig-zag order, as written in DQT
	recip [2][blockSize]int64 // natural order: 2^20 / (8*quant), for quantizing
	huff  [4][256]uint32      // size<<24 | code
}

// encodeJPEG encodes a w×h image given as a luminance plane and, for colour,
// 4:2:0 chroma planes of ((w+1)/2)×((h+1)/2) (cb == nil for grey).
func encodeJPEG(out *bytes.Buffer, y, cb, cr []uint8, w, h, quality int) {
	e := &jpegEncoder{out: out}
	quality = max(1, min(100, quality))
	scale := 200 - quality*2
	if quality < 50 {
		scale = 5000 / quality
	}
	for i := range e.quant {
		for j := range e.quant[i] {
			x := (int(unscaledQuant[i][j])*scale + 50) / 100
			x = max(1, min(255, x))
			e.quant[i][j] = uint8(x)
			e.recip[i][unzig[j]] = (1 << 20) / int64(8*x)
		}
	}
	for i, s := range huffmanSpecs {
		code, k := uint32(0), 0
		for n := range 16 {
			for range s.count[n] {
				e.huff[i][s.value[k]] = uint32(n+1)<<24 | code
				code++
				k++
			}
			code <<= 1
		}
	}
	nComp := 3
	if cb == nil {
		nComp = 1
	}
	out.Write([]byte{0xff, 0xd8})
	// DQT.
	out.Write([]byte{0xff, 0xdb, 0, 2 + 2*65})
	for i := range e.quant {
		out.WriteByte(uint8(i))
		out.Write(e.quant[i][:])
	}
	// SOF0.
	out.Write([]byte{0xff, 0xc0, 0, byte(8 + 3*nComp), 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(nComp)})
	if nComp == 1 {
		out.Write([]byte{1, 0x11, 0})
	} else {
		out.Write([]byte{1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1})
	}
	// DHT.
	specs := huffmanSpecs[:]
	if nComp == 1 {
		specs = specs[:2]
	}
	n := 2
	for _, s := range specs {
		n += 17 + len(s.value)
	}
	out.Write([]byte{0xff, 0xc4, byte(n >> 8), byte(n)})
	for i, s := range specs {
		out.WriteByte("\x00\x10\x01\x11"[i])
		out.Write(s.count[:])
		out.Write(s.value)
	}
	// SOS.
	if nComp == 1 {
		out.Write([]byte{0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 0x3f, 0})
	} else {
		out.Write([]byte{0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3f, 0})
	}
	var b block
	if nComp == 1 {
		var prev int32
		for by := 0; by < h; by += 8 {
			for bx := 0; bx < w; bx += 8 {
				flat := fetch(&b, y, w, h, bx, by)
				prev = e.writeBlock(&b, 0, prev, flat)
			}
		}
	} else {
		cw, ch := (w+1)/2, (h+1)/2
		var prevY, prevCb, prevCr int32
		for by := 0; by < h; by += 16 {
			for bx := 0; bx < w; bx += 16 {
				for i := range 4 {
					flat := fetch(&b, y, w, h, bx+(i&1)*8, by+(i>>1)*8)
					prevY = e.writeBlock(&b, 0, prevY, flat)
				}
				flat := fetch(&b, cb, cw, ch, bx/2, by/2)
				prevCb = e.writeBlock(&b, 1, prevCb, flat)
				flat = fetch(&b, cr, cw, ch, bx/2, by/2)
				prevCr = e.writeBlock(&b, 1, prevCr, flat)
			}
		}
	}
	e.emit(0x7f, 7) // pad the last byte with 1s
	out.Write([]byte{0xff, 0xd9})
}

// fetch copies the 8×8 block at (x0, y0) of a w×h plane into b, repeating the
// last row and column past the edges. It reports whether the block is flat.
func fetch(b *block, p []uint8, w, h, x0, y0 int) bool {
	first := p[min(y0, h-1)*w+min(x0, w-1)]
	var diff uint8
	for j := range 8 {
		row := p[min(y0+j, h-1)*w:]
		dst := b[8*j : 8*j+8 : 8*j+8]
		if x0+8 <= w {
			r := row[x0 : x0+8 : x0+8]
			for i, v := range r {
				dst[i] = int32(v)
				diff |= v ^ first
			}
			continue
		}
		for i := range dst {
			v := row[min(x0+i, w-1)]
			dst[i] = int32(v)
			diff |= v ^ first
		}
	}
	return diff == 0
}

// emit writes the low nBits bits of bits (nBits ≤ 16), stuffing 0x00 after 0xff.
func (e *jpegEncoder) emit(bits, nBits uint32) {
	nBits += e.nBits
	bits <<= 32 - nBits
	bits |= e.bits
	for nBits >= 8 {
		c := uint8(bits >> 24)
		e.out.WriteByte(c)
		if c == 0xff {
			e.out.WriteByte(0)
		}
		bits <<= 8
		nBits -= 8
	}
	e.bits, e.nBits = bits, nBits
}

func (e *jpegEncoder) emitHuff(h int, v int32) {
	x := e.huff[h][v]
	e.emit(x&(1<<24-1), x>>24)
}

// emitHuffRLE emits a run of zeros followed by value.
func (e *jpegEncoder) emitHuffRLE(h int, run, value int32) {
	a, b := value, value
	if a < 0 {
		a, b = -value, value-1
	}
	var nBits uint32
	for a > 0 {
		nBits++
		a >>= 1
	}
	e.emitHuff(h, run<<4|int32(nBits))
	if nBits > 0 {
		e.emit(uint32(b)&(1<<nBits-1), nBits)
	}
}

// quantize divides a DCT coefficient by its step, rounding to nearest.
func quantize(a int32, recip int64) int32 {
	if a >= 0 {
		return int32((int64(a)*recip + 1<<19) >> 20)
	}
	return -int32((int64(-a)*recip + 1<<19) >> 20)
}

// writeBlock transforms, quantizes and entropy-codes one block and returns its
// quantized DC coefficient.
func (e *jpegEncoder) writeBlock(b *block, q int, prevDC int32, flat bool) int32 {
	if flat {
		// A flat block's transform is its DC term alone.
		dc := quantize(64*(b[0]-128), e.recip[q][0])
		e.emitHuffRLE(2*q, 0, dc-prevDC)
		e.emitHuff(2*q+1, 0x00)
		return dc
	}
	fdct(b)
	dc := quantize(b[0], e.recip[q][0])
	e.emitHuffRLE(2*q, 0, dc-prevDC)
	h, run := 2*q+1, int32(0)
	for zig := 1; zig < blockSize; zig++ {
		n := unzig[zig]
		ac := quantize(b[n], e.recip[q][n])
		if ac == 0 {
			run++
			continue
		}
		for run > 15 {
			e.emitHuff(h, 0xf0)
			run -= 16
		}
		e.emitHuffRLE(h, run, ac)
		run = 0
	}
	if run > 0 {
		e.emitHuff(h, 0x00)
	}
	return dc
}

// The forward DCT below is Go's image/jpeg fdct: exact integer arithmetic,
// output scaled by 8.

func dctBox(x0, x1, kcos, ksin int32) (y0, y1 int32) {
	ksum := kcos * (x0 + x1)
	y0 = ksum + (ksin-kcos)*x1
	y1 = ksum - (kcos+ksin)*x0
	return y0, y1
}

const (
	cos1       = 1130768441178740757 // fix cos 1*pi/16
	sin1       = 224923827593068887  // fix sin 1*pi/16
	cos3       = 958619196450722178  // fix cos 3*pi/16
	sin3       = 640528868967736374  // fix sin 3*pi/16
	sqrt2      = 1630477228166597777 // fix sqrt 2
	sqrt2_cos6 = 623956622067911264  // fix (sqrt 2)*cos 6*pi/16
	sqrt2_sin6 = 1506364539328854985 // fix (sqrt 2)*sin 6*pi/16
)

func c(x uint64, bits int) int32 {
	return int32((x + (1 << (59 - bits))) >> (60 - bits))
}

func fdct(b *block) {
	fdctCols(b)
	fdctRows(b)
}

func fdctCols(b *block) {
	for i := range 8 {
		x0, x1, x2, x3 := b[0*8+i], b[1*8+i], b[2*8+i], b[3*8+i]
		x4, x5, x6, x7 := b[4*8+i], b[5*8+i], b[6*8+i], b[7*8+i]
		x0, x7 = x0+x7, x0-x7
		x1, x6 = x1+x6, x1-x6
		x2, x5 = x2+x5, x2-x5
		x3, x4 = x3+x4, x3-x4
		x4, x7 = dctBox(x4, x7, c(cos3, 18), c(sin3, 18))
		x5, x6 = dctBox(x5, x6, c(cos1, 18), c(sin1, 18))
		x0, x3 = x0+x3, x0-x3
		x1, x2 = x1+x2, x1-x2
		x2, x3 = dctBox(x2, x3, c(sqrt2_cos6, 18), c(sqrt2_sin6, 18))
		x0, x1 = x0+x1, x0-x1
		b[0*8+i] = (x0 - 128*8) << 18
		b[4*8+i] = x1 << 18
		b[2*8+i] = x2
		b[6*8+i] = x3
		x4, x6 = x4+x6, x4-x6
		x7, x5 = x7+x5, x7-x5
		x5 = (x5 >> 12) * c(sqrt2, 12)
		x6 = (x6 >> 12) * c(sqrt2, 12)
		x7, x4 = x7+x4, x7-x4
		b[1*8+i] = x7
		b[3*8+i] = x5
		b[5*8+i] = x6
		b[7*8+i] = x4
	}
}

func fdctRows(b *block) {
	for i := range 8 {
		x := b[8*i : 8*i+8 : 8*i+8]
		x0, x1, x2, x3, x4, x5, x6, x7 := x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
		x0, x7 = x0+x7, x0-x7
		x1, x6 = x1+x6, x1-x6
		x2, x5 = x2+x5, x2-x5
		x3, x4 = x3+x4, x3-x4
		x4, x7 = dctBox(x4>>14, x7>>14, c(cos3, 14), c(sin3, 14))
		x5, x6 = dctBox(x5>>14, x6>>14, c(cos1, 14), c(sin1, 14))
		x0, x3 = x0+x3, x0-x3
		x1, x2 = x1+x2, x1-x2
		x2, x3 = dctBox(x2>>14, x3>>14, c(sqrt2_cos6, 14), c(sqrt2_sin6, 14))
		x0, x1 = x0+x1, x0-x1
		x4, x6 = x4+x6, x4-x6
		x7, x5 = x7+x5, x7-x5
		x5 = (x5 >> 14) * c(sqrt2, 14)
		x6 = (x6 >> 14) * c(sqrt2, 14)
		x7, x4 = x7+x4, x7-x4
		x0 = (x0 + 1<<17) >> 18
		x1 = (x1 + 1<<17) >> 18
		x2 = (x2 + 1<<17) >> 18
		x3 = (x3 + 1<<17) >> 18
		x4 = (x4 + 1<<17) >> 18
		x5 = (x5 + 1<<17) >> 18
		x6 = (x6 + 1<<17) >> 18
		x7 = (x7 + 1<<17) >> 18
		x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7] = x0, x7, x2, x5, x1, x6, x3, x4
	}
}
