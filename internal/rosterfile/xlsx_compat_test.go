package rosterfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The workbook reader gives the rows excelize gave before it (row numbers,
// and cells read raw, up to the row's last value), for workbooks written
// by excelize and for hand-written parts that use what excelize does not
// write: inline strings, phonetic guides, escapes, cells and rows without
// references.
func TestXLSXReadsAsExcelizeDid(t *testing.T) {
	books := map[string][]byte{
		"corpus":     buildWorkbook(t),
		"kinds":      kindsWorkbook(t),
		"hand-made":  simpleWorkbook(t, handRows, handStrings),
		"many rows":  manyRowsWorkbook(t, 3000),
		"empty data": simpleWorkbook(t, "", ""),
	}
	for name, data := range books {
		t.Run(name, func(t *testing.T) {
			for _, sheet := range sheetsOf(t, data) {
				want := excelizeRecords(t, data, sheet)
				got := ourRecords(t, data, sheet)
				if len(got) != len(want) {
					t.Fatalf("sheet %s: %d rows, excelize %d:\n%v\n%v", sheet, len(got), len(want), got, want)
				}
				for i := range want {
					if got[i].row != want[i].row || !slices.Equal(got[i].cells, want[i].cells) {
						t.Errorf("sheet %s, record %d: got row %d %q, excelize row %d %q", sheet, i, got[i].row, got[i].cells, want[i].row, want[i].cells)
					}
				}
			}
		})
	}
}

// handRows and handStrings are sheet data and shared strings as other
// spreadsheet programs write them.
const (
	handRows = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Note</t></is></c></row>` +
		`<row r="3" spans="1:4"><c r="A3" t="s"><v> 2 </v></c><c t="inlineStr"><is><r><t>Ré</t></r><r><rPr><b/></rPr><t xml:space="preserve">my </t></r><rPh sb="0" eb="1"><t>れみ</t></rPh></is></c><c t="str"><f>A3&amp;"x"</f><v>Lx</v></c><c r="E3" t="b"><v>1</v></c></row>` +
		`<row><c r="A4" t="e"><v>#N/A</v></c><c r="C4" s="2"><v>41000</v></c><c r="D4"><f>1/0</f></c></row>` +
		`<row r="6"><c r="B6" t="s"><v>3</v></c><c r="F6"><v>1.5E+20</v></c></row>` +
		`<row r="7"><c r="A7" t="s"/><c r="B7" t="inlineStr"><is><t>a_x000D_b _x005F_x0041_ &lt;&amp;&gt; _x0041_</t></is></c></row>`
	handStrings = `<si><t>Name</t></si><si><r><t>E</t></r><r><rPr><i/></rPr><t>mail</t></r></si>` +
		`<si><t xml:space="preserve"> Léa </t><rPh sb="0" eb="1"><t>レア</t></rPh></si><si><t>line_x000D_
next</t></si>`
)

// kindsWorkbook has every kind of value excelize writes, on two sheets.
func kindsWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"name", "count", "ok", "when", "ratio"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"  spaced  ", 12, true, time.Date(2011, 3, 4, 0, 0, 0, 0, time.UTC), 0.125}))
	must(f.SetSheetRow("Sheet1", "A5", &[]any{"_x0041_ literal", int64(1234567890123), false, "", -3.5}))
	must(f.SetCellFormula("Sheet1", "B6", "B2*2"))
	must(f.SetCellValue("Sheet1", "H6", "far right"))
	must(f.SetCellRichText("Sheet1", "A7", []excelize.RichTextRun{{Text: "bold "}, {Text: "and plain", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellStr("Sheet1", "C7", "line\r\nbreak"))
	_, err := f.NewSheet("Other")
	must(err)
	must(f.SetSheetRow("Other", "B2", &[]any{"second", "sheet"}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

// manyRowsWorkbook writes rows people with excelize's stream writer.
func manyRowsWorkbook(t *testing.T, people int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "name", "email", "province"}); err != nil {
		t.Fatal(err)
	}
	for i := range people {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{i, fmt.Sprintf("Person %d", i), fmt.Sprintf("p%d@example.com", i), "ON"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetsOf(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetSheetList()
}

// excelizeRecords reads a sheet the way the reader did with excelize.
func excelizeRecords(t *testing.T, data []byte, sheet string) []record {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []record
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !allBlank(cells) {
			out = append(out, record{row: n, cells: trimEmpty(cells)})
		}
	}
	return out
}

func ourRecords(t *testing.T, data []byte, sheet string) []record {
	t.Helper()
	src, err := newXLSXSource(bytes.NewReader(data), sheet, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	var out []record
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.cells = trimEmpty(rec.cells)
		out = append(out, rec)
	}
}

// trimEmpty drops trailing empty cells, which no reader of the rows sees.
func trimEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return cells[:n]
}
