package layout

import (
	"slices"
	"strconv"
	"strings"
)

// Table is a grid on a form (Q3 T1, T2): numbered rows (栏) declared once, and
// any number of system columns. A cell's field id is
// <form>.<table>.<column>.<row>[.<part>] (FIELDS.md §5).
type Table struct {
	ID      string       // T1
	Form    string       // Q3
	Number  int          // the printed question number: 1 → “1．劳动保障统一软件实施情况表”
	Label   string       // 劳动保障统一软件实施情况表
	Scheme  ColumnScheme // how columns are numbered
	Printed []string     // column ids printed on the paper (A, B, C)
	Headers []string     // printed column headings of those columns (系统A, 系统B, ……)
	Notes   []Note       // the printed fill-in notes, numbered as printed
	Rows    []*Row

	templates map[int]map[string]*Field // row → part → template field
}

// Note is one numbered fill-in note printed under a table.
type Note struct {
	Number int
	Text   string
}

// Row is one numbered row (栏) of a table.
type Row struct {
	Number  int
	Section string // T1's section column: 项目情况, 前台技术支持商情况, …; "" for T2
	Label   string // 调查项目 as printed, without the *
	Starred bool   // printed with *: the row takes option codes
	Note    string
	Fields  []*Field // the row's fields with {col}: the main value first, then parts
}

// PrintedLabel is the row label as printed in the grid, with its * if starred.
func (r *Row) PrintedLabel() string {
	if r.Starred {
		return "*" + r.Label
	}
	return r.Label
}

// Column returns the id of the column at 0-based position i (A, B, …; I, II, …).
func (t *Table) Column(i int) string { return t.Scheme.ID(i) }

// ColumnIndex returns the 0-based position of column id col, and false if col is
// not a valid column id of the table.
func (t *Table) ColumnIndex(col string) (int, bool) { return t.Scheme.Index(col) }

// ColumnLabel is the heading of column col as printed or written on a
// continuation sheet: 系统A, 系统Ⅱ.
func (t *Table) ColumnLabel(col string) string {
	if t.Scheme == Roman {
		return "系统" + RomanNumeral(col)
	}
	return "系统" + col
}

// SortColumns sorts column ids by position (A < B < … < Z < AA; I < II < … < IV).
func (t *Table) SortColumns(cols []string) {
	slices.SortFunc(cols, func(a, b string) int { return compareColumns(t.Scheme, a, b) })
}

// prefix is the id prefix shared by every cell: Q3.T1.
func (t *Table) prefix() string { return t.Form + "." + t.ID + "." }

// ParseCellID splits a cell id of this table into its column and the rest of the
// id after the column (row and part, e.g. "13.version"). ok is false if id does
// not start with the table's prefix or the column is not a valid column id.
func (t *Table) ParseCellID(id string) (col, rest string, ok bool) {
	s, found := strings.CutPrefix(id, t.prefix())
	if !found {
		return "", "", false
	}
	col, rest, found = strings.Cut(s, ".")
	if !found {
		return "", "", false
	}
	if _, valid := t.ColumnIndex(col); !valid {
		return "", "", false
	}
	return col, rest, true
}

// cellQuestion names a cell for reviewers: 表1 系统A 第5栏.
func (t *Table) cellQuestion(row int, col string) string {
	if col == "" {
		return "表" + strconv.Itoa(t.Number) + " 第" + strconv.Itoa(row) + "栏"
	}
	return "表" + strconv.Itoa(t.Number) + " " + t.ColumnLabel(col) + " 第" + strconv.Itoa(row) + "栏"
}

// Cells returns the fields of column col in export order (row by row, each
// row's main value before its parts), bound to col.
func (t *Table) Cells(col string) []*Field {
	var out []*Field
	for _, r := range t.Rows {
		for _, f := range r.Fields {
			out = append(out, f.Bind(col))
		}
	}
	return out
}
