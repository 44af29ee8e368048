package rosterfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cost is what reading a file cost: bytes allocated and time.
type cost struct {
	alloc   uint64
	elapsed time.Duration
}

// readCost reads every row of data with the options and returns the error
// that ended the reading (nil at the end of the file) and what it cost.
func readCost(data []byte, opts Options) (cost, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := readThrough(bytes.NewReader(data), opts)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return cost{alloc: after.TotalAlloc - before.TotalAlloc, elapsed: elapsed}, err
}

func readThrough(r io.Reader, opts Options) error {
	rd, err := NewReader(r, opts)
	if err != nil {
		return err
	}
	defer rd.Close()
	for {
		if _, err := rd.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// refused is what a test expects of a file past a limit: the limit, where
// the error says it is, and a bound on the cost of finding it out.
type refused struct {
	limit    Limit
	row      int
	column   string
	part     string
	message  string
	maxAlloc uint64
	maxTime  time.Duration
}

func (want refused) check(t *testing.T, err error, c cost) {
	t.Helper()
	var fe *FatalError
	var le *LimitError
	if !errors.As(err, &fe) || !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
		t.Fatalf("want a fatal limit error, got %v", err)
	}
	if le.Limit != want.limit || fe.Row != want.row || fe.Column != want.column || !strings.HasPrefix(le.Part, want.part) {
		t.Errorf("got limit %q at row %d column %q part %q; want %q at row %d column %q part %q (%v)",
			le.Limit, fe.Row, fe.Column, le.Part, want.limit, want.row, want.column, want.part, err)
	}
	if !strings.Contains(err.Error(), want.message) {
		t.Errorf("message %q does not say %q", err, want.message)
	}
	if c.alloc > want.maxAlloc || c.elapsed > want.maxTime {
		t.Errorf("finding it out allocated %d bytes in %v; want at most %d bytes and %v", c.alloc, c.elapsed, want.maxAlloc, want.maxTime)
	}
	t.Logf("%v (allocated %.1f MiB in %v)", err, float64(c.alloc)/(1<<20), c.elapsed.Round(time.Millisecond))
}

// header is a roster header with n columns: name, email, then c3, c4, ...
func header(n int) string {
	cols := []string{"name", "email"}
	for i := 3; i <= n; i++ {
		cols = append(cols, "c"+strconv.Itoa(i))
	}
	return strings.Join(cols, ",")
}

func TestCSVLimits(t *testing.T) {
	huge := strings.Repeat("x", 200<<10)
	wide := strings.Repeat("v,", 50_000)
	cases := map[string]struct {
		data string
		lim  Limits
		want refused
	}{
		"a cell over the limit": {"name,email,notes\nA,a@example.com,ok\nB,b@example.com," + huge + "\n", Limits{},
			refused{limit: LimitCellBytes, row: 3, column: "notes", message: "row 3, column `notes`: a cell's text is larger than the limit of 131,072 bytes"}},
		"a quoted cell over the limit": {"name,notes,email\nB,\"" + huge + "\",b@example.com\n", Limits{},
			refused{limit: LimitCellBytes, row: 2, column: "notes", message: "131,072"}},
		"a header cell over a set limit": {"name," + strings.Repeat("h", 5000) + "\n", Limits{MaxCellBytes: 4096},
			refused{limit: LimitCellBytes, row: 1, column: "2", message: "4,096 bytes"}},
		"a 50,000-column header": {header(50_000) + "\nA,a@example.com\n", Limits{},
			refused{limit: LimitColumns, row: 1, message: "row 1: the row has more than the limit of 1,000 columns"}},
		"a 50,000-column row": {"name,email\nA,a@example.com\nB," + wide + "\n", Limits{},
			refused{limit: LimitColumns, row: 3, message: "1,000 columns"}},
		"a line of delimiters": {"name,email\nA," + strings.Repeat(",", 3<<20) + "\n", Limits{},
			refused{limit: LimitRowBytes, row: 2, message: "the row is larger than the limit of 1,048,576 bytes"}},
		"an unclosed quote": {"name,email\nA,\"" + strings.Repeat("word\n", 300_000), Limits{},
			refused{limit: LimitCellBytes, row: 2, column: "email", message: "131,072 bytes (cell size); a quote is probably not closed"}},
		"an unclosed quote, large cells allowed": {"name,email\nA,\"" + strings.Repeat("word\n", 300_000), Limits{MaxCellBytes: 1 << 20},
			refused{limit: LimitRowBytes, row: 2, message: "a quote is probably not closed"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cost, err := readCost([]byte(c.data), Options{Limits: c.lim})
			want := c.want
			want.maxAlloc, want.maxTime = 8<<20, 5*time.Second
			want.check(t, err, cost)
		})
	}
}

// Empty cells beyond the column limit (a spreadsheet's trailing
// delimiters) are ignored, not refused.
func TestCSVTrailingEmptyCellsPastTheColumnLimit(t *testing.T) {
	data := "name,email" + strings.Repeat(",", 5000) + "\nA,a@example.com" + strings.Repeat(",", 5000) + "\n"
	_, rows := readAll(t, strings.NewReader(data), Options{})
	if len(rows) != 1 || rows[0].Person == nil || rows[0].Person.Email != "a@example.com" {
		t.Fatalf("rows %+v", rows)
	}
}

func TestXLSXCellAndColumnLimits(t *testing.T) {
	wide := strings.Builder{}
	for i := range 50_000 {
		wide.WriteString(`<c t="inlineStr"><is><t>v` + strconv.Itoa(i) + `</t></is></c>`)
	}
	head := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`
	strs := `<si><t>name</t></si><si><t>email</t></si><si><t>notes</t></si>`
	cases := map[string]struct {
		data []byte
		lim  Limits
		want refused
	}{
		"a value over the limit": {simpleWorkbook(t, head+`<row r="2"><c r="C2"><v>`+strings.Repeat("9", 200<<10)+`</v></c></row>`, strs), Limits{},
			refused{limit: LimitCellBytes, row: 2, column: "notes", message: "row 2, column `notes`: a cell's text is larger than the limit of 131,072 bytes"}},
		"an inline string over the limit": {simpleWorkbook(t, head+`<row r="5"><c r="B5" t="inlineStr"><is><t>`+strings.Repeat("y", 70<<10)+`</t></is></c></row>`, strs), Limits{MaxCellBytes: 64 << 10},
			refused{limit: LimitCellBytes, row: 5, column: "email", message: "65,536 bytes"}},
		"a header cell over the limit": {simpleWorkbook(t, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="AB1" t="inlineStr"><is><t>`+strings.Repeat("h", 5000)+`</t></is></c></row>`, strs), Limits{MaxCellBytes: 4096},
			refused{limit: LimitCellBytes, row: 1, column: "AB", message: "row 1, column `AB`"}},
		"a row over the limit": {simpleWorkbook(t, head+`<row r="9">`+strings.Repeat(`<c t="inlineStr"><is><t>`+strings.Repeat("w", 100<<10)+`</t></is></c>`, 11)+`</row>`, strs), Limits{MaxCompressionRatio: 1 << 20},
			refused{limit: LimitRowBytes, row: 9, message: "row 9: the row is larger than the limit of 1,048,576 bytes"}},
		"a 50,000-column row": {simpleWorkbook(t, head+`<row r="2">`+wide.String()+`</row>`, strs), Limits{},
			refused{limit: LimitColumns, row: 2, message: "row 2: the row has more than the limit of 1,000 columns"}},
		"a shared string over the limit": {simpleWorkbook(t, head, strs+`<si><r><t>`+strings.Repeat("z", 3000)+`</t></r><r><t>`+strings.Repeat("z", 3000)+`</t></r></si>`), Limits{MaxCellBytes: 4096},
			refused{limit: LimitCellBytes, part: "xl/sharedStrings.xml, shared string 4", message: "xl/sharedStrings.xml, shared string 4: a cell's text is larger"}},
		"a huge attribute": {simpleWorkbook(t, `<row r="1" x="`+strings.Repeat("a", 2<<20)+`"></row>`, strs), Limits{MaxCompressionRatio: 1 << 20},
			refused{limit: LimitCellBytes, part: "xl/worksheets/sheet1.xml", message: "xl/worksheets/sheet1.xml: "}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cost, err := readCost(c.data, Options{Limits: c.lim})
			want := c.want
			want.maxAlloc, want.maxTime = 32<<20, 5*time.Second
			want.check(t, err, cost)
		})
	}
}

// The workbooks of the reliability report, built here: 512 KB on disk with
// one shared string of 512 MiB, and 3.6 MB expanding to a gibibyte of sheet
// XML. Each is refused before anything is expanded, for its compression
// ratio, or for its size when the ratio is allowed; with both allowed, the
// shared string is refused once a cell's worth of it has been read.
func TestXLSXBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds workbooks that expand to 1.5 GiB")
	}
	bigString := zipParts(t, workbookParts(text("xl/worksheets/sheet1.xml", sheetHead+`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`+sheetTail),
		repeat("xl/sharedStrings.xml", sstHead+`<si><t>`, "a", 512<<20, `</t></si>`+sstTail))...)
	row := `<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c><c><v>12345</v></c></row>`
	bigSheet := zipParts(t, workbookParts(repeat("xl/worksheets/sheet1.xml", sheetHead, row, (1<<30)/len(row), sheetTail),
		text("xl/sharedStrings.xml", sstHead+`<si><t>name</t></si>`+sstTail))...)
	t.Logf("workbooks of %d and %d bytes", len(bigString), len(bigSheet))
	if len(bigString) > 1<<20 || len(bigSheet) > 5<<20 {
		t.Fatalf("the workbooks should be small on disk: %d and %d bytes", len(bigString), len(bigSheet))
	}
	allowed := Limits{MaxCompressionRatio: 1 << 20}
	cases := map[string]struct {
		data []byte
		lim  Limits
		want refused
	}{
		"512 MiB string, ratio": {bigString, Limits{},
			refused{limit: LimitCompressionRatio, part: "xl/sharedStrings.xml", message: "xl/sharedStrings.xml: expands 1,0"}},
		"512 MiB string, size": {bigString, Limits{MaxCompressionRatio: 1 << 20, MaxExpandedBytes: 256 << 20},
			refused{limit: LimitExpandedBytes, message: "the workbook expands to 536,87"}},
		"512 MiB string, cell": {bigString, Limits{MaxCompressionRatio: 1 << 20, MaxExpandedBytes: 1 << 30},
			refused{limit: LimitCellBytes, part: "xl/sharedStrings.xml, shared string 1", message: "131,072 bytes"}},
		"1 GiB sheet, ratio": {bigSheet, Limits{},
			refused{limit: LimitCompressionRatio, part: "xl/worksheets/sheet1.xml", message: "more than the limit of 100 times"}},
		"1 GiB sheet, size": {bigSheet, allowed,
			refused{limit: LimitExpandedBytes, message: "more than the limit of 536,870,912"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cost, err := readCost(c.data, Options{Limits: c.lim})
			want := c.want
			want.maxAlloc, want.maxTime = 32<<20, 5*time.Second
			want.check(t, err, cost)
		})
	}
}

// A part whose directory entry claims fewer bytes than it holds is cut off
// at the claimed size by the zip reader: the claim is what the limits are
// checked against, and the rest is never read.
func TestXLSXPartLargerThanDeclared(t *testing.T) {
	data := simpleWorkbook(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`+strings.Repeat(`<row><c><v>1</v></c></row>`, 100_000), `<si><t>name</t></si>`)
	central := centralEntry(data, "xl/worksheets/sheet1.xml")
	if central < 0 {
		t.Fatal("no directory entry for the sheet")
	}
	// Uncompressed size, at offset 24 of the central directory entry.
	copy(data[central+24:], []byte{0x00, 0x10, 0x00, 0x00})
	c, err := readCost(data, Options{})
	var fe *FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "xl/worksheets/sheet1.xml") {
		t.Fatalf("want the part refused, got %v", err)
	}
	if c.alloc > 16<<20 {
		t.Errorf("allocated %d bytes", c.alloc)
	}
}

// centralEntry finds the zip directory entry of the part named name.
func centralEntry(data []byte, name string) int {
	for i := 0; ; i += 4 {
		j := bytes.Index(data[i:], []byte("PK\x01\x02"))
		if j < 0 {
			return -1
		}
		i += j
		n := int(binary.LittleEndian.Uint16(data[i+28:]))
		if string(data[i+46:i+46+n]) == name {
			return i
		}
	}
}

// A workbook file larger than it may expand to is refused while read.
func TestXLSXFileLargerThanTheExpandedLimit(t *testing.T) {
	data := simpleWorkbook(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, `<si><t>name</t></si>`)
	data = append(data, make([]byte, 2<<20)...)
	_, err := readCost(data, Options{Limits: Limits{MaxExpandedBytes: 1 << 20}})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitExpandedBytes || !strings.Contains(err.Error(), "the workbook is larger than the limit of 1,048,576 bytes") {
		t.Fatalf("got %v", err)
	}
}
