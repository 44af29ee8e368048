package roster

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
)

// peopleWriter stores the accepted rows a producer sends, inside the
// import's transaction, and returns how many it stored.
type peopleWriter func(ctx context.Context, tx *gorm.DB, p *producer) (int64, error)

// copyWriter streams the rows into affected_people with PostgreSQL's COPY on
// the connection that holds the transaction.
func copyWriter(d *db.DB, conn *sql.Conn) peopleWriter {
	return func(ctx context.Context, _ *gorm.DB, p *producer) (int64, error) {
		src := &copySource{in: p.out, p: p, cols: len(personColumns)}
		n, err := d.CopyFrom(ctx, conn, "affected_people", personColumns, src)
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
