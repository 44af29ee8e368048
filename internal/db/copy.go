package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Copier streams rows into a table with PostgreSQL's COPY, inside the
// transaction it was handed out with, and returns how many it wrote.
type Copier func(ctx context.Context, table string, cols []string, rows pgx.CopyFromSource) (int64, error)

// TxCopy runs fn in a transaction, committing when it returns nil. On
// PostgreSQL the transaction is pinned to one connection and fn gets a
// Copier that writes on it; on SQLite the Copier is nil (multi-row INSERTs
// are its fast path).
func (d *DB) TxCopy(ctx context.Context, fn func(tx *gorm.DB, copy Copier) error) error {
	if d.Dialect != Postgres {
		return d.Tx(ctx, func(tx *gorm.DB) error { return fn(tx, nil) })
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("transaction: %w", err)
	}
	defer conn.Close()
	g := d.Gorm.WithContext(ctx).Session(&gorm.Session{NewDB: true})
	g.Statement.ConnPool = conn
	copier := func(ctx context.Context, table string, cols []string, rows pgx.CopyFromSource) (int64, error) {
		var n int64
		err := conn.Raw(func(dc any) error {
			sc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy: driver connection is %T, not pgx", dc)
			}
			var err error
			n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("copy into %s: %w", table, err)
		}
		return n, nil
	}
	return g.Transaction(func(tx *gorm.DB) error { return fn(tx, copier) })
}
