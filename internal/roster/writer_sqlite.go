package roster

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// jsonbWriter stores the rows in SQLite. Each batch travels as ONE JSON
// parameter, in SQLite's binary JSONB form so that SQLite need not parse
// it, that jsonb_each unpacks inside SQLite: the pure-Go driver
// re-parses a statement on every execution and binds parameters in time
// quadratic in their number, so a statement with a parameter per value
// would cost far more than the JSON round trip. Extracting a value from
// the JSON is most of SQLite's work, so the values every row shares (the
// breach, the import, the time) are parameters, and a column that is at
// its default in every row of a batch is left to the default. The JSONB is
// encoded on its own goroutine, so that SQLite only ever waits for rows
// when the reader is behind.
func jsonbWriter(ctx context.Context, tx *gorm.DB, p *producer) (int64, error) {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return 0, errors.New("insert people: not inside a transaction")
	}
	stop := make(chan struct{})
	defer close(stop)
	batches := make(chan jsonBatch, 2)
	go encodeBatches(p, batches, stop)
	var n int64
	for b := range batches {
		args := append([]any{b.rows, p.meta.now, p.meta.breachID, p.meta.importID}, b.fixed...)
		if _, err := sqlTx.ExecContext(ctx, b.query, args...); err != nil {
			return n, fmt.Errorf("insert people: %w", err)
		}
		n += int64(b.n)
	}
	return n, nil
}

// jsonBatch is one batch ready for SQLite: the statement, its rows and
// the values of its fixed columns.
type jsonBatch struct {
	query string
	rows  []byte
	fixed []any
	n     int
}

// encodeBatches turns the producer's batches into jsonBatches until the
// producer is done or stop is closed.
func encodeBatches(p *producer, out chan<- jsonBatch, stop <-chan struct{}) {
	defer close(out)
	var buf []byte
	cols := len(personColumns)
	stmts := map[batchShape]string{}
	for b := range p.out {
		shape := shapeOf(b.values, cols)
		q, ok := stmts[shape]
		if !ok {
			q = jsonInsertSQL(shape)
			stmts[shape] = q
		}
		buf = appendJSONBRows(buf[:0], b.values, cols, shape.json)
		jb := jsonBatch{query: q, rows: bytes.Clone(buf), fixed: shape.fixedValues(b.values), n: b.rows}
		p.recycle(b)
		select {
		case out <- jb:
		case <-stop:
			for range p.out {
			}
			return
		}
	}
}

// sharedColumns are the personColumns whose value is the same for every
// row of an import, bound as parameters ?2 to ?4 instead of travelling in
// the JSON.
var sharedColumns = map[string]string{"created_at": "?2", "breach_id": "?3", "import_id": "?4"}

// columnDefault is the value an affected_people column takes when an
// insert leaves it out, for the columns that may be left out.
func columnDefault(name string) (any, bool) {
	switch name {
	case "breach_id", "import_id", "row_number", "created_at", "channel":
		return nil, false
	case "minor":
		return false, true
	case "data_categories":
		return "[]", true
	case "attributes":
		return "{}", true
	}
	return "", true
}

// defaults holds columnDefault for each of personColumns.
var defaults = func() []any {
	out := make([]any, len(personColumns))
	for i, c := range personColumns {
		if v, ok := columnDefault(c); ok {
			out[i] = v
		}
	}
	return out
}()

// batchShape says how each of personColumns (by index) reaches SQLite in
// one batch: in the JSON (json), as a parameter because every row has the
// same value (fixed), or, in neither set, left to the column's default
// because every row is at it. Shared columns are in neither set.
type batchShape struct {
	json, fixed uint64
	// copyOf[i] is 1 + the index of an earlier JSON column that holds the
	// same value as column i in every row, or 0; such a column is read
	// from the JSON once and stored twice.
	copyOf [64]uint8
}

// shapeOf returns the shape of a batch of values, cols per row.
func shapeOf(values []any, cols int) batchShape {
	var s batchShape
	for i, c := range personColumns {
		if _, shared := sharedColumns[c]; shared {
			continue
		}
		if len(values) < cols || !sameInEveryRow(values, cols, i) {
			if k, ok := s.copiedColumn(values, cols, i); ok {
				s.copyOf[i] = uint8(k + 1) // #nosec G115 -- k is a column index, below the 64 columns of a row
				continue
			}
			s.json |= 1 << i
			continue
		}
		if def := defaults[i]; def == nil || values[i] != def {
			s.fixed |= 1 << i
		}
	}
	return s
}

// copiedColumn finds an earlier JSON column holding the same value as
// column i in every row.
func (s *batchShape) copiedColumn(values []any, cols, i int) (int, bool) {
	if len(values) < cols {
		return 0, false
	}
	for k := range i {
		if s.json&(1<<k) == 0 || values[k] != values[i] {
			continue
		}
		same := true
		for r := cols; r < len(values); r += cols {
			if values[r+k] != values[r+i] {
				same = false
				break
			}
		}
		if same {
			return k, true
		}
	}
	return 0, false
}

// sameInEveryRow reports whether column i holds the same text, integer
// or boolean in every row.
func sameInEveryRow(values []any, cols, i int) bool {
	first := values[i]
	switch first.(type) {
	case string, int64, bool:
	default:
		return false
	}
	for r := i + cols; r < len(values); r += cols {
		if values[r] != first {
			return false
		}
	}
	return true
}

// fixedValues returns the values of the fixed columns, in column order,
// from the batch's first row.
func (s batchShape) fixedValues(values []any) []any {
	var out []any
	for i := range personColumns {
		if s.fixed&(1<<i) != 0 {
			out = append(out, values[i])
		}
	}
	return out
}

// jsonInsertSQL inserts the rows of a JSON array of arrays (?1), each
// holding the values of the shape's JSON columns in personColumns order;
// the shared columns come from ?2 to ?4 (so that the driver formats the
// time as it does everywhere else), and the fixed columns from ?5 on. A
// column that copies another is read from a subquery that extracts each
// value once; OFFSET 0 keeps SQLite from folding the subquery into the
// insert, which would extract the value again for the copy.
func jsonInsertSQL(shape batchShape) string {
	var names, exprs, inner []string
	j, param := 0, 5
	copies := false
	for i, c := range personColumns {
		switch p, shared := sharedColumns[c]; {
		case shared:
			names, exprs = append(names, c), append(exprs, p)
		case shape.fixed&(1<<i) != 0:
			names, exprs = append(names, c), append(exprs, "?"+strconv.Itoa(param))
			param++
		case shape.json&(1<<i) != 0:
			path := "'$[" + strconv.Itoa(j/jsonGroup) + "][" + strconv.Itoa(j%jsonGroup) + "]'"
			inner = append(inner, "value ->> "+path+" AS c"+strconv.Itoa(i))
			names, exprs = append(names, c), append(exprs, "c"+strconv.Itoa(i))
			j++
		case shape.copyOf[i] != 0:
			names, exprs = append(names, c), append(exprs, "c"+strconv.Itoa(int(shape.copyOf[i])-1))
			copies = true
		}
	}
	from := "(SELECT " + strings.Join(inner, ", ") + " FROM jsonb_each(?1) LIMIT -1 OFFSET 0)"
	if !copies {
		from = "(SELECT " + strings.Join(inner, ", ") + " FROM jsonb_each(?1))"
	}
	if len(inner) == 0 {
		from = "jsonb_each(?1)"
	}
	return "INSERT INTO affected_people (" + strings.Join(names, ", ") + ") SELECT " +
		strings.Join(exprs, ", ") + " FROM " + from
}

// jsonGroup is how many values of a row travel in each inner array: a
// lookup in SQLite's JSON walks the elements before the one it wants, so
// a row of arrays of jsonGroup values costs a few steps per value where a
// flat row costs half the row's length.
const jsonGroup = 6

// appendJSONBRows encodes the values of the columns in mask (strings,
// int64, bool) in SQLite's binary JSON (JSONB) as an array of arrays, one
// array per row, each holding the row's values in arrays of jsonGroup.
// SQLite reads JSONB as it is, where JSON text is first translated into
// it, and JSONB stores text verbatim, so nothing needs escaping.
func appendJSONBRows(buf []byte, values []any, cols int, mask uint64) []byte {
	outer := len(buf)
	buf = appendContainer(buf)
	for r := 0; r+cols <= len(values); r += cols {
		row := len(buf)
		buf = appendContainer(buf)
		group := len(buf)
		buf = appendContainer(buf)
		j := 0
		for i, v := range values[r : r+cols] {
			if mask&(1<<i) == 0 {
				continue
			}
			if j > 0 && j%jsonGroup == 0 {
				closeContainer(buf, group)
				group = len(buf)
				buf = appendContainer(buf)
			}
			j++
			buf = appendJSONBValue(buf, v)
		}
		closeContainer(buf, group)
		closeContainer(buf, row)
	}
	closeContainer(buf, outer)
	return buf
}

// JSONB element types (the low four bits of an element's first byte).
const (
	jsonbNull    = 0
	jsonbTrue    = 1
	jsonbFalse   = 2
	jsonbInt     = 3
	jsonbTextRaw = 10
	jsonbArray   = 11
)

// appendContainer starts an array whose payload size closeContainer fills
// in: a header of the type and a four-byte size (size code 14).
func appendContainer(buf []byte) []byte {
	return append(buf, 0xe0|jsonbArray, 0, 0, 0, 0)
}

// closeContainer sets the size of the array started at start to the bytes
// appended since.
func closeContainer(buf []byte, start int) {
	binary.BigEndian.PutUint32(buf[start+1:], uint32(len(buf)-start-5)) // #nosec G115 -- a JSONB container is far below 4 GiB
}

// appendJSONBHeader appends the header of an element of type typ whose
// payload is n bytes, in the fewest bytes.
func appendJSONBHeader(buf []byte, typ byte, n int) []byte {
	switch {
	case n <= 11:
		return append(buf, byte(n)<<4|typ) // #nosec G115 -- n <= 11 in this case
	case n <= 0xff:
		return append(buf, 0xc0|typ, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(buf, 0xd0|typ), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(buf, 0xe0|typ), uint32(n)) // #nosec G115 -- a JSONB element is far below 4 GiB
}

func appendJSONBValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return append(appendJSONBHeader(buf, jsonbTextRaw, len(x)), x...)
	case int64:
		var digits [20]byte
		d := strconv.AppendInt(digits[:0], x, 10)
		return append(appendJSONBHeader(buf, jsonbInt, len(d)), d...)
	case bool:
		if x {
			return append(buf, jsonbTrue)
		}
		return append(buf, jsonbFalse)
	}
	return append(buf, jsonbNull)
}
