package roster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// peopleWriter stores the accepted rows a producer sends, inside the
// import's transaction, and returns how many it stored.
type peopleWriter func(ctx context.Context, tx *gorm.DB, p *producer) (int64, error)

// copyWriter streams the rows into affected_people with PostgreSQL's COPY on
// the connection that holds the transaction.
func copyWriter(conn *sql.Conn) peopleWriter {
	return func(ctx context.Context, _ *gorm.DB, p *producer) (int64, error) {
		var n int64
		err := conn.Raw(func(dc any) error {
			sc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy: driver connection is %T, not pgx", dc)
			}
			src := &copySource{in: p.out, p: p, cols: len(personColumns)}
			var err error
			n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{"affected_people"}, personColumns, src)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("copy people: %w", err)
		}
		return n, nil
	}
}

// copySource feeds COPY from the producer's batches.
type copySource struct {
	in   <-chan *batch
	p    *producer
	cur  *batch
	i    int
	cols int
}

// Next advances to the next row, waiting for the next batch when needed.
func (s *copySource) Next() bool {
	if s.cur != nil && s.i+1 < s.cur.rows {
		s.i++
		return true
	}
	if s.cur != nil {
		s.p.recycle(s.cur)
		s.cur = nil
	}
	b, ok := <-s.in
	if !ok {
		return false
	}
	s.cur, s.i = b, 0
	return true
}

// Values are the current row's values.
func (s *copySource) Values() ([]any, error) {
	return s.cur.values[s.i*s.cols : (s.i+1)*s.cols], nil
}

// Err is always nil: the producer's error is checked after the copy.
func (s *copySource) Err() error { return nil }

// insertWriter stores the rows in SQLite. Each batch travels as ONE JSON
// parameter that json_each unpacks inside SQLite: the pure-Go driver
// re-parses a statement on every execution and binds parameters in time
// quadratic in their number, so a statement with a parameter per value
// would cost far more than the JSON round trip.
func insertWriter(ctx context.Context, tx *gorm.DB, p *producer) (int64, error) {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return 0, errors.New("insert people: not inside a transaction")
	}
	q := jsonInsertSQL()
	var n int64
	var buf []byte
	cols := len(personColumns)
	for b := range p.out {
		buf = appendJSONRows(buf[:0], b.values, cols)
		if _, err := sqlTx.ExecContext(ctx, q, string(buf), p.meta.now); err != nil {
			return n, fmt.Errorf("insert people: %w", err)
		}
		n += int64(b.rows)
		p.recycle(b)
	}
	return n, nil
}

// jsonInsertSQL inserts the rows of a JSON array of arrays (?1), each in
// personColumns order; created_at comes from ?2 so that the driver formats
// the time as it does everywhere else.
func jsonInsertSQL() string {
	var b strings.Builder
	b.WriteString("INSERT INTO affected_people (")
	b.WriteString(strings.Join(personColumns, ", "))
	b.WriteString(") SELECT ")
	for i, c := range personColumns {
		if i > 0 {
			b.WriteString(", ")
		}
		if c == "created_at" {
			b.WriteString("?2")
			continue
		}
		fmt.Fprintf(&b, "value ->> %d", i)
	}
	b.WriteString(" FROM jsonb_each(?1)")
	return b.String()
}

// appendJSONRows encodes rows of values (strings, int64, bool; time values
// are skipped as null) as a JSON array of arrays.
func appendJSONRows(buf []byte, values []any, cols int) []byte {
	buf = append(buf, '[')
	for i, v := range values {
		switch {
		case i%cols == 0:
			if i > 0 {
				buf = append(buf, "],"...)
			}
			buf = append(buf, '[')
		default:
			buf = append(buf, ',')
		}
		switch x := v.(type) {
		case string:
			buf = appendJSONString(buf, x)
		case int64:
			buf = strconv.AppendInt(buf, x, 10)
		case bool:
			buf = strconv.AppendBool(buf, x)
		default:
			buf = append(buf, "null"...)
		}
	}
	if len(values) > 0 {
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// insertSQL builds INSERT INTO table (cols) VALUES (?, …), … for rows rows.
func insertSQL(table string, cols []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// rejectColumns are the import_rejects columns.
var rejectColumns = []string{"import_id", "row_number", "column_name", "reason", "value"}

// writeRejects stores the spooled rejects in import_rejects.
func writeRejects(ctx context.Context, tx *gorm.DB, importID int64, spool *rejectSpool) error {
	const per = 200
	vals := make([]any, 0, per*len(rejectColumns))
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		q := insertSQL("import_rejects", rejectColumns, len(vals)/len(rejectColumns))
		if err := tx.WithContext(ctx).Exec(q, vals...).Error; err != nil {
			return fmt.Errorf("store rejects: %w", err)
		}
		vals = vals[:0]
		return nil
	}
	err := spool.each(func(r Reject) error {
		vals = append(vals, importID, int64(r.Row), r.Column, r.Reason, r.Value)
		if len(vals) == cap(vals) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
