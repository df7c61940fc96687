package layout

import (
	"strings"
)

// ColumnScheme is how a table numbers its system columns.
type ColumnScheme string

const (
	// Letters numbers columns A, B, …, Z, AA, AB, … (T1).
	Letters ColumnScheme = "letters"
	// Roman numbers columns I, II, III, IV, … in ASCII (T2); the paper prints Ⅰ Ⅱ Ⅲ.
	Roman ColumnScheme = "roman"
)

// ID returns the id of the column at 0-based position i, or "" if i < 0.
func (s ColumnScheme) ID(i int) string {
	switch s {
	case Letters:
		return LetterColumn(i)
	case Roman:
		return RomanColumn(i)
	}
	return ""
}

// Index returns the 0-based position of column id, and false if id is not a
// canonical column id of the scheme.
func (s ColumnScheme) Index(id string) (int, bool) {
	switch s {
	case Letters:
		return LetterIndex(id)
	case Roman:
		return RomanIndex(id)
	}
	return 0, false
}

// LetterColumn returns the letter column id at 0-based position i: 0 → A,
// 25 → Z, 26 → AA, 27 → AB, … It returns "" for i < 0.
func LetterColumn(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// LetterIndex is the inverse of LetterColumn: "A" → 0, "AA" → 26. It reports
// false for anything but upper-case ASCII letters.
func LetterIndex(id string) (int, bool) {
	if id == "" || len(id) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 'A' || c > 'Z' {
			return 0, false
		}
		n = n*26 + int(c-'A'+1)
	}
	return n - 1, true
}

var romanTable = []struct {
	v int
	s string
}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}

// RomanColumn returns the ASCII Roman column id at 0-based position i: 0 → I,
// 3 → IV, 11 → XII. It returns "" for i < 0 or i ≥ 3999.
func RomanColumn(i int) string {
	n := i + 1
	if n <= 0 || n >= 4000 {
		return ""
	}
	var b strings.Builder
	for _, r := range romanTable {
		for n >= r.v {
			b.WriteString(r.s)
			n -= r.v
		}
	}
	return b.String()
}

// RomanIndex is the inverse of RomanColumn: "I" → 0, "IV" → 3. Only canonical
// upper-case ASCII numerals are accepted ("IIII" is not).
func RomanIndex(id string) (int, bool) {
	if id == "" || len(id) > 15 {
		return 0, false
	}
	n := 0
	rest := id
	for _, r := range romanTable {
		for strings.HasPrefix(rest, r.s) {
			n += r.v
			rest = rest[len(r.s):]
		}
	}
	if rest != "" || n == 0 || RomanColumn(n-1) != id {
		return 0, false
	}
	return n - 1, true
}

// romanGlyphs are the single-character Roman numerals Ⅰ (U+2160) … Ⅻ (U+216B).
var romanGlyphs = []string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ", "Ⅷ", "Ⅸ", "Ⅹ", "Ⅺ", "Ⅻ"}

// RomanNumeral returns how the paper prints Roman column id: "II" → "Ⅱ". Ids
// beyond XII, which have no single glyph, are returned unchanged.
func RomanNumeral(id string) string {
	if i, ok := RomanIndex(id); ok && i < len(romanGlyphs) {
		return romanGlyphs[i]
	}
	return id
}

// ParseRomanNumeral reads a printed or written Roman numeral as an ASCII column
// id: "Ⅱ" → "II", "ⅱ" → "II", "iv" → "IV", "IV" → "IV". It reports false if s
// is not a canonical Roman numeral.
func ParseRomanNumeral(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'Ⅰ' && r <= 'Ⅻ':
			b.WriteString(RomanColumn(int(r - 'Ⅰ')))
		case r >= 'ⅰ' && r <= 'ⅻ':
			b.WriteString(RomanColumn(int(r - 'ⅰ')))
		case r == 'i' || r == 'v' || r == 'x' || r == 'I' || r == 'V' || r == 'X' || r == 'l' || r == 'L' || r == 'c' || r == 'C':
			b.WriteString(strings.ToUpper(string(r)))
		default:
			return "", false
		}
	}
	id := b.String()
	if _, ok := RomanIndex(id); !ok {
		return "", false
	}
	return id, true
}

// compareColumns orders column ids of one scheme by position; ids that are not
// valid in the scheme sort after valid ones, by code point.
func compareColumns(s ColumnScheme, a, b string) int {
	ia, oka := s.Index(a)
	ib, okb := s.Index(b)
	switch {
	case oka && okb:
		return ia - ib
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}
