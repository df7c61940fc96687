// Package synth makes synthetic filled returns of the 2006 劳动保障信息系统普查表:
// scanned-looking PDFs of the printed forms with answers written or typed in,
// ticks, an official red seal and a signature, together with their ground truth.
// Recognition tests and benchmarks are fed with them.
//
// # What a return looks like
//
// Answers are drawn at random but valid under the codebook (layout's field
// definitions: when-chains, options, bounds, checks, exclusive codes, T1 with
// 1–5 and T2 with 0–4 system columns, links between existing columns, Q3's
// region code equal to the unit's). Now and then an optional entry cannot be
// normalised (同上 in a fax blank) or holds more than its value (a second phone
// number); it then goes into the truth's issues, as FIELDS.md §3.1 says.
//
// The written form of each value varies like real writing (③ or 3 or 1、3 or
// ①③⑤, 约300, 1.5万, 2001年3月 or 2001.3, (0571)87654321转801, full-width digits
// from a typist's input method …) and always normalises back to the truth with
// layout.Normalize. A few code answers are marked by circling the options in the
// printed list instead, leaving the blank empty.
//
// The blank forms come from layout's paper templates (the cover page 普查表说明
// is printed before the first form in most returns), flowed onto A4 like a word
// processor with a per-return font size (10.5–12 pt), margins, line spacing and
// justification, so line wraps and page breaks differ between returns. Each form
// starts on a new page; tables are ruled grids; systems beyond the three printed
// columns go on a continuation sheet (续表) after the form. Values are written
// on the blanks by hand (AR PL UKai, blue or black, jittered, slanted, shrunk or
// wrapped to fit) or typed; ticks are √, a pen check or ×. The last page of each
// form carries the unit's red seal (multiplied over text and values, sometimes
// faded), a signature and often a date; about 3% of returns have no seal.
//
// Every page is then "scanned": skew up to ±2.5°, shift and slight scale,
// uneven lamp light and sometimes a binding shadow, grain, blur, a copier's white
// clip or not, grey or colour, JPEG quality 60–92, and about 3% of pages upside
// down.
//
// # Files
//
// <id>.pdf has one DCTDecode JPEG per page, its MediaBox A4 at the scan's
// resolution. <id>.truth.json is the return in the shape of FIELDS.md §6 (unit,
// forms with every field of the unit's forms, null for blanks, table cells of
// present columns only, and issues if any) plus "facts", which recognition
// reports besides values:
//
//	"facts": {"seal": {"Q1": true, "Q3": true}, "pages": {"cover": 1, "Q1": 6, "Q3": 4},
//	          "page_forms": ["cover", "Q1", …], "upside_down": [5], "dpi": 250,
//	          "typed": false, "gray": true}
//
// layout's DecodeReturn ignores "facts". <id>.boxes.json lists per page its
// size in pixels, form, skew, whether it is upside down, the affine transform
// from page points to pixels, the seal's box and text, and every blank, area,
// tick box, table cell and circled option with its box in pixels of the page
// image ([x0, y0, x1, y1], the bounding box after skew), the text written there
// and the box of the ink.
//
// # Determinism and speed
//
// Everything is drawn from one math/rand/v2 source seeded from (seed, index): the
// same seed gives byte-identical files. A return of about ten pages takes roughly
// 0.9 s at 200 dpi and 1.8 s at 300 dpi on one core (go test -bench Generate);
// most of it goes into the scanner simulation and JPEG encoding (a planar
// encoder in jpeg.go, about twice as fast as image/jpeg here).
package synth
