package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// ErrNoCopy is returned by CopyFrom on a database without COPY (SQLite).
var ErrNoCopy = errors.New("COPY needs PostgreSQL")

// CopySource yields the rows CopyFrom streams: Next advances to the next
// row, Values returns it, Err reports why Next stopped early (nil at the
// end of the rows).
type CopySource interface {
	Next() bool
	Values() ([]any, error)
	Err() error
}

// SupportsCopy reports whether CopyFrom works on this database.
func (d *DB) SupportsCopy() bool { return d.Dialect == Postgres }

// TxOnConn runs fn in a transaction pinned to one connection of the pool,
// committing when fn returns nil. Statements sent on conn, such as
// CopyFrom's, run inside the transaction.
func (d *DB) TxOnConn(ctx context.Context, fn func(tx *gorm.DB, conn *sql.Conn) error) error {
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("pin a connection: %w", err)
	}
	defer conn.Close()
	g := d.Gorm.WithContext(ctx).Session(&gorm.Session{NewDB: true})
	g.Statement.ConnPool = conn
	return g.Transaction(func(tx *gorm.DB) error { return fn(tx, conn) })
}

// CopyFrom streams src's rows into table's cols with PostgreSQL's COPY on
// conn (inside the transaction conn holds, see TxOnConn) and returns how
// many rows were stored.
func (d *DB) CopyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, src CopySource) (int64, error) {
	if !d.SupportsCopy() {
		return 0, ErrNoCopy
	}
	var n int64
	err := conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		var err error
		n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("copy into %s: %w", table, err)
	}
	return n, nil
}
