package layout

import (
	"slices"
	"testing"
)

func TestLetterColumns(t *testing.T) {
	tests := []struct {
		i  int
		id string
	}{{0, "A"}, {1, "B"}, {2, "C"}, {25, "Z"}, {26, "AA"}, {27, "AB"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"}, {702, "AAA"}}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if got := LetterColumn(tc.i); got != tc.id {
				t.Errorf("LetterColumn(%d) = %q, want %q", tc.i, got, tc.id)
			}
			i, ok := LetterIndex(tc.id)
			if !ok || i != tc.i {
				t.Errorf("LetterIndex(%q) = %d, %v, want %d", tc.id, i, ok, tc.i)
			}
		})
	}
	for _, bad := range []string{"", "a", "A1", "Ⅱ", "A B"} {
		if _, ok := LetterIndex(bad); ok {
			t.Errorf("LetterIndex(%q) accepted", bad)
		}
	}
	if got := LetterColumn(-1); got != "" {
		t.Errorf("LetterColumn(-1) = %q", got)
	}
}

func TestRomanColumns(t *testing.T) {
	tests := []struct {
		i             int
		id, numeral   string
		written       string
		writtenParsed string
	}{
		{0, "I", "Ⅰ", "Ⅰ", "I"},
		{1, "II", "Ⅱ", "ⅱ", "II"},
		{2, "III", "Ⅲ", "iii", "III"},
		{3, "IV", "Ⅳ", "IV", "IV"},
		{8, "IX", "Ⅸ", "Ⅸ", "IX"},
		{11, "XII", "Ⅻ", "Ⅻ", "XII"},
		{12, "XIII", "XIII", "XIII", "XIII"},
		{38, "XXXIX", "XXXIX", "xxxix", "XXXIX"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if got := RomanColumn(tc.i); got != tc.id {
				t.Errorf("RomanColumn(%d) = %q, want %q", tc.i, got, tc.id)
			}
			if i, ok := RomanIndex(tc.id); !ok || i != tc.i {
				t.Errorf("RomanIndex(%q) = %d, %v, want %d", tc.id, i, ok, tc.i)
			}
			if got := RomanNumeral(tc.id); got != tc.numeral {
				t.Errorf("RomanNumeral(%q) = %q, want %q", tc.id, got, tc.numeral)
			}
			if got, ok := ParseRomanNumeral(tc.written); !ok || got != tc.writtenParsed {
				t.Errorf("ParseRomanNumeral(%q) = %q, %v, want %q", tc.written, got, ok, tc.writtenParsed)
			}
		})
	}
	for _, bad := range []string{"", "IIII", "VV", "IL", "A", "ii", "I I"} {
		if _, ok := RomanIndex(bad); ok {
			t.Errorf("RomanIndex(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "IIII", "Ⅱ Ⅲ", "B"} {
		if _, ok := ParseRomanNumeral(bad); ok {
			t.Errorf("ParseRomanNumeral(%q) accepted", bad)
		}
	}
}

func TestTableColumns(t *testing.T) {
	c := Default()
	t1, _ := c.Table("T1")
	t2, _ := c.Table("T2")
	if got, want := t1.ColumnLabel("C"), "系统C"; got != want {
		t.Errorf("T1 ColumnLabel(C) = %q, want %q", got, want)
	}
	if got, want := t2.ColumnLabel("II"), "系统Ⅱ"; got != want {
		t.Errorf("T2 ColumnLabel(II) = %q, want %q", got, want)
	}
	for i, col := range t1.Printed {
		if got := t1.Column(i); got != col {
			t.Errorf("T1 column %d = %s, printed %s", i, got, col)
		}
	}
	cols := []string{"AA", "C", "A", "Z", "B"}
	t1.SortColumns(cols)
	if want := []string{"A", "B", "C", "Z", "AA"}; !slices.Equal(cols, want) {
		t.Errorf("T1 SortColumns = %v, want %v", cols, want)
	}
	cols = []string{"IV", "II", "X", "I", "IX"}
	t2.SortColumns(cols)
	if want := []string{"I", "II", "IV", "IX", "X"}; !slices.Equal(cols, want) {
		t.Errorf("T2 SortColumns = %v, want %v", cols, want)
	}
	tests := []struct {
		t        *Table
		id       string
		col, row string
		ok       bool
	}{
		{t1, "Q3.T1.B.13.version", "B", "13.version", true},
		{t1, "Q3.T1.AA.1", "AA", "1", true},
		{t1, "Q3.T1.b.1", "", "", false},
		{t1, "Q3.T2.I.1", "", "", false},
		{t2, "Q3.T2.IV.9", "IV", "9", true},
		{t2, "Q3.T2.B.9", "", "", false},
	}
	for _, tc := range tests {
		col, rest, ok := tc.t.ParseCellID(tc.id)
		if col != tc.col || rest != tc.row || ok != tc.ok {
			t.Errorf("%s.ParseCellID(%q) = %q, %q, %v, want %q, %q, %v", tc.t.ID, tc.id, col, rest, ok, tc.col, tc.row, tc.ok)
		}
	}
}
