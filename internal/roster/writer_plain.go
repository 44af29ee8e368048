package roster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// sqliteWriter picks how an import stores its rows in SQLite: in JSONB
// batches (see jsonbWriter) when the engine reads JSONB and the columns fit
// a batch's shape, else with plain INSERT statements.
func (im *Importer) sqliteWriter(ctx context.Context, tx *gorm.DB) peopleWriter {
	if im.plainInsert || len(personColumns) > maxShapeColumns || !readsJSONB(ctx, tx) {
		return plainInsertWriter
	}
	return jsonbWriter
}

// maxShapeColumns is how many columns a batchShape can describe.
const maxShapeColumns = 64

// readsJSONB reports whether the SQLite engine has the JSONB functions the
// batches need (SQLite 3.45 and later).
func readsJSONB(ctx context.Context, tx *gorm.DB) bool {
	var n int64
	err := tx.WithContext(ctx).Raw("SELECT COUNT(*) FROM jsonb_each(jsonb('[1]'))").Row().Scan(&n)
	return err == nil && n == 1
}

// plainRows is how many rows one plain INSERT stores: the pure-Go driver
// binds parameters in time quadratic in their number, so statements stay
// under a thousand of them.
const plainRows = 25

// plainInsertWriter stores the rows with ordinary multi-row INSERT
// statements, a parameter per value: slower than the JSONB batches, and the
// reference they are tested against.
func plainInsertWriter(ctx context.Context, tx *gorm.DB, p *producer) (int64, error) {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return 0, errors.New("insert people: not inside a transaction")
	}
	cols := len(personColumns)
	full := insertSQL("affected_people", personColumns, plainRows)
	var n int64
	for b := range p.out {
		for vals := b.values[:b.rows*cols]; len(vals) > 0; {
			rows := min(plainRows, len(vals)/cols)
			q := full
			if rows < plainRows {
				q = insertSQL("affected_people", personColumns, rows)
			}
			if _, err := sqlTx.ExecContext(ctx, q, vals[:rows*cols]...); err != nil {
				return n, fmt.Errorf("insert people: %w", err)
			}
			vals, n = vals[rows*cols:], n+int64(rows)
		}
		p.recycle(b)
	}
	return n, nil
}
