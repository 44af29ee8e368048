package rosterfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"testing"
)

// Parts of a minimal workbook with one sheet, "Roster", and shared strings,
// as a spreadsheet program writes them.
const (
	contentTypesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	sstHead   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	sstTail = `</sst>`
)

// part is one part of a workbook built by a test: its content streams from
// write, so that a part can be far larger than the test's memory.
type part struct {
	name  string
	write func(w io.Writer) error
}

// text is a part with fixed content.
func text(name, content string) part {
	return part{name: name, write: func(w io.Writer) error {
		_, err := io.WriteString(w, content)
		return err
	}}
}

// workbookParts are the parts of the minimal workbook around a sheet and
// shared strings.
func workbookParts(sheet, sst part) []part {
	return []part{text("[Content_Types].xml", contentTypesXML), text("_rels/.rels", rootRelsXML),
		text("xl/workbook.xml", workbookXML), text("xl/_rels/workbook.xml.rels", workbookRelsXML), sheet, sst}
}

// zipParts writes the parts as a zip archive, compressed as hard as deflate
// can, and returns its bytes.
func zipParts(t testing.TB, parts ...part) []byte {
	t.Helper()
	return zipWith(t, zip.Deflate, parts...)
}

// zipWith writes the parts as a zip archive with the method given.
func zipWith(t testing.TB, method uint16, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.write(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// simpleWorkbook builds a workbook from the XML inside <sheetData> and
// inside <sst>.
func simpleWorkbook(t testing.TB, rows, strings string) []byte {
	t.Helper()
	return zipParts(t, workbookParts(text("xl/worksheets/sheet1.xml", sheetHead+rows+sheetTail),
		text("xl/sharedStrings.xml", sstHead+strings+sstTail))...)
}

// repeat is a part made of head, then body written n times, then tail.
func repeat(name, head, body string, n int, tail string) part {
	return part{name: name, write: func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		chunk := bytes.Repeat([]byte(body), max(1, (64<<10)/len(body)))
		per := len(chunk) / len(body)
		for left := n; left > 0; left -= per {
			k := min(per, left)
			if _, err := w.Write(chunk[:k*len(body)]); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, tail)
		return err
	}}
}
