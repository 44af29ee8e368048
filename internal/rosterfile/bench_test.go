package rosterfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchCSV builds a realistic roster: names, email, phone, address, province, postal code,
// language and one unmapped column.
func benchCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("id,first name,last name,email,phone,address,city,province,postal code,language,member since\n")
	provs := []string{"ON", "Ontario", "QC", "Québec", "BC", "AB", "NS", "MB"}
	posts := []string{"K1A 0B1", "M5V 2T6", "H2X 1Y4", "G1R 4P5", "V6B 1A1", "T2P 1J9", "B3H 1A1", "R3C 0V8"}
	for i := range rows {
		k := i % len(provs)
		fmt.Fprintf(&b, "%d,Jean%d,Tremblay%d,jean.tremblay%d@example.com,(416) 555-%04d,%d rue Principale,Ville%d,%s,%s,%s,2019-01-01\n",
			i, i, i%997, i, i%10000, i%500, i%300, provs[k], posts[k], []string{"en", "fr"}[i%2])
	}
	return b.Bytes()
}

func BenchmarkReaderCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(data), Options{DefaultCountry: "CA"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if row.Person == nil {
				b.Fatalf("row %d rejected: %v", row.Number, row.Rejects)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows", n)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(0, "ns/op")
}

// benchWorkbook writes the rows of benchCSV as a workbook, text as shared
// strings, as a spreadsheet program saves them.
func benchWorkbook(b *testing.B, rows int) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(benchCSV(rows)), []byte("\n"))
	for i, line := range lines {
		var cells []any
		for _, c := range bytes.Split(line, []byte(",")) {
			cells = append(cells, string(c))
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkWorkbookRows reads the raw rows of a 100,000-row workbook with
// the reader's own workbook source, and, as the baseline, with excelize's
// row iterator, which the reader used before.
func BenchmarkWorkbookRows(b *testing.B) {
	const rows = 100_000
	data := benchWorkbook(b, rows)
	b.Run("rosterfile", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			src, err := newXLSXSource(bytes.NewReader(data), "", DefaultLimits())
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for ; ; n++ {
				if _, err := src.next(); err != nil {
					if !errors.Is(err, io.EOF) {
						b.Fatal(err)
					}
					break
				}
			}
			src.close()
			if n != rows+1 {
				b.Fatalf("read %d rows", n)
			}
		}
		b.ReportMetric(float64((rows+1)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("excelize", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			it, err := f.Rows("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for ; it.Next(); n++ {
				if _, err := it.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
			}
			it.Close()
			f.Close()
			if n != rows+1 {
				b.Fatalf("read %d rows", n)
			}
		}
		b.ReportMetric(float64((rows+1)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
