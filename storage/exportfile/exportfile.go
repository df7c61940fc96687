// Package exportfile writes verified returns as files analysts open in Excel: CSV
// in the column order of FIELDS.md §6 (UTF-8 with a byte-order mark, so that Excel
// reads the Chinese right) and XLSX with one sheet per form, a row of field ids and a
// row of labels, and a dictionary sheet with every field's options. It implements
// review.FileWriter.
package exportfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"papergate/layout"
	"papergate/review"
)

// BOM is the UTF-8 byte-order mark a CSV file starts with.
const BOM = "\uFEFF"

// Unit columns that come first in every export (FIELDS.md §6).
const (
	ColRegionCode = "unit.region_code"
	ColLevel      = "unit.level"
)

// Writer writes returns as CSV or XLSX.
type Writer struct {
	Catalog *layout.Catalog // nil for layout.Default()
}

var _ review.FileWriter = Writer{}

func (w Writer) cat() *layout.Catalog {
	if w.Catalog == nil {
		return layout.Default()
	}
	return w.Catalog
}

// WriteReturns writes returns in format "csv" or "xlsx".
func (w Writer) WriteReturns(out io.Writer, format string, rets []review.ExportReturn) error {
	switch format {
	case "csv":
		return w.CSV(out, rets)
	case "xlsx":
		return w.XLSX(out, rets)
	}
	return fmt.Errorf("exportfile: unknown format %q", format)
}

// CSV writes one row per return: unit.region_code, unit.level, then every field id
// of every form in codebook order, table cells column by column for the columns
// present in any return (FIELDS.md §6). A null is an empty cell; codes and links are
// joined with ";". Lines end in CRLF, as RFC 4180 and Excel expect.
func (w Writer) CSV(out io.Writer, rets []review.ExportReturn) error {
	cat := w.cat()
	fields := cat.ExportFields(review.TableColumns(cat, rets))
	if _, err := io.WriteString(out, BOM); err != nil {
		return fmt.Errorf("exportfile: csv: %w", err)
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true
	header := make([]string, 0, len(fields)+2)
	header = append(header, ColRegionCode, ColLevel)
	for _, f := range fields {
		header = append(header, f.ID)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("exportfile: csv: %w", err)
	}
	row := make([]string, len(header))
	for i := range rets {
		ret := rets[i].Return(cat)
		row[0], row[1] = ret.Unit.RegionCode, string(ret.Unit.Level)
		for j, f := range fields {
			row[j+2] = layout.FormatValue(ret.Value(f.ID))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("exportfile: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("exportfile: csv: %w", err)
	}
	return nil
}

// XLSX writes a workbook: one sheet per form (Q1, Q2, Q3) holding the returns that
// filled it in, with a row of field ids (the CSV header) and a row of labels above
// the data; numbers are numeric cells. A 字典 sheet lists every field with its
// type, unit and option labels, so that codes can be read.
func (w Writer) XLSX(out io.Writer, rets []review.ExportReturn) error {
	cat := w.cat()
	cols := review.TableColumns(cat, rets)
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	grey, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "555555"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	returns := make([]layout.Return, len(rets))
	for i := range rets {
		returns[i] = rets[i].Return(cat)
	}
	for i, form := range cat.Forms() {
		name := form.ID
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("exportfile: xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		fields := form.ExportFields(cols)
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		ids := []any{excelize.Cell{StyleID: bold, Value: ColRegionCode}, excelize.Cell{StyleID: bold, Value: ColLevel}}
		labels := []any{excelize.Cell{StyleID: grey, Value: "行政区划代码"}, excelize.Cell{StyleID: grey, Value: "单位级别"}}
		for _, fd := range fields {
			ids = append(ids, excelize.Cell{StyleID: bold, Value: fd.ID})
			labels = append(labels, excelize.Cell{StyleID: grey, Value: fd.Question() + " " + fd.Label})
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"}); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		if err := sw.SetColWidth(1, len(ids), 16); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		if err := sw.SetRow("A1", ids); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		if err := sw.SetRow("A2", labels, excelize.RowOpts{Height: 60}); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
		n := 3
		for _, ret := range returns {
			if _, ok := ret.Forms[form.ID]; !ok {
				continue
			}
			row := []any{ret.Unit.RegionCode, string(ret.Unit.Level)}
			for _, fd := range fields {
				row = append(row, cellValue(ret.Value(fd.ID)))
			}
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, row); err != nil {
				return fmt.Errorf("exportfile: xlsx: %w", err)
			}
			n++
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("exportfile: xlsx: %w", err)
		}
	}
	if err := writeDictionary(f, cat, bold); err != nil {
		return err
	}
	if _, err := f.WriteTo(out); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	return nil
}

// DictionarySheet is the name of the XLSX sheet with the codebook.
const DictionarySheet = "字典"

func writeDictionary(f *excelize.File, cat *layout.Catalog, bold int) error {
	if _, err := f.NewSheet(DictionarySheet); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(DictionarySheet)
	if err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	head := []any{}
	for _, h := range []string{"字段编号 id", "问卷 form", "题目 question", "标签 label", "类型 type", "单位 unit", "选项 options", "条件 when"} {
		head = append(head, excelize.Cell{StyleID: bold, Value: h})
	}
	if err := sw.SetColWidth(1, 1, 24); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	if err := sw.SetColWidth(3, 7, 30); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	n := 2
	for _, form := range cat.Forms() {
		for _, fd := range form.Definitions() {
			var opts []string
			for _, o := range fd.Options {
				opts = append(opts, fmt.Sprintf("%d %s", o.Code, o.Label))
			}
			when := ""
			if fd.When != nil {
				when = fd.When.String()
			}
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, []any{fd.ID, form.ID, fd.Question(), fd.Label, string(fd.Type), fd.Unit,
				strings.Join(opts, "; "), when}); err != nil {
				return fmt.Errorf("exportfile: xlsx: %w", err)
			}
			n++
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("exportfile: xlsx: %w", err)
	}
	return nil
}

// cellValue is a typed value as an XLSX cell: numbers stay numbers, lists are
// joined with ";" as in the CSV, null is an empty cell.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64, float64:
		return x
	case string:
		return x
	}
	return layout.FormatValue(v)
}
