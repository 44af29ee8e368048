// Package db opens Breachline's database (PostgreSQL in production, pure-Go
// SQLite as the embedded default) through gorm, applies the embedded goose
// migrations and offers the few dialect-specific fast paths.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The two supported engines.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is an open database: gorm for ordinary queries, the underlying *sql.DB
// for migrations, River and bulk paths (on SQLite, the writer).
type DB struct {
	Gorm    *gorm.DB
	SQL     *sql.DB
	Dialect Dialect
	// sqlite holds SQLite's writer and readers; nil on PostgreSQL.
	sqlite *sqlitePools
}

// Options selects the database: a postgres:// URL, or else an SQLite file.
type Options struct {
	URL        string
	SQLitePath string
	Logger     *slog.Logger
}

// Open connects to the database described by opts and checks it answers.
func Open(ctx context.Context, opts Options) (*DB, error) {
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
	if opts.URL == "" {
		return openSQLite(ctx, opts.SQLitePath, gcfg)
	}
	gdb, err := gorm.Open(postgres.Open(opts.URL), gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", Postgres, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", Postgres, err)
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("reach %s database: %w", Postgres, err)
	}
	return &DB{Gorm: gdb, SQL: sqlDB, Dialect: Postgres}, nil
}

// openSQLite opens the embedded database: one writer connection and a few
// readers (see sqlitePools).
func openSQLite(ctx context.Context, path string, gcfg *gorm.Config) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create the data directory: %w", err)
	}
	pools, err := openSQLitePools(path)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", SQLite, err)
	}
	gdb, err := gorm.Open(&sqlite.Dialector{Conn: pools}, gcfg)
	if err != nil {
		_ = pools.close()
		return nil, fmt.Errorf("open %s database: %w", SQLite, err)
	}
	if err := pools.read.PingContext(ctx); err != nil {
		_ = pools.close()
		return nil, fmt.Errorf("reach %s database: %w", SQLite, err)
	}
	return &DB{Gorm: gdb, SQL: pools.write, Dialect: SQLite, sqlite: pools}, nil
}

// Close releases the connection pools.
func (d *DB) Close() error {
	if d.sqlite != nil {
		return d.sqlite.close()
	}
	return d.SQL.Close()
}

// Ping reports whether the database answers (on SQLite, a reader: the
// writer may be busy with a long transaction).
func (d *DB) Ping(ctx context.Context) error { return d.readPool().PingContext(ctx) }

// readPool is the pool statements that only read may use.
func (d *DB) readPool() *sql.DB {
	if d.sqlite != nil {
		return d.sqlite.read
	}
	return d.SQL
}

// Tx runs fn in a transaction, committing when it returns nil. On SQLite
// it holds the one writer from its start (see WithWriteWait).
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.Gorm.WithContext(ctx).Transaction(fn)
}

// ReadTx runs fn in a read-only transaction: one consistent view of the
// database that never waits for a writer (on SQLite, on a reader
// connection). fn cannot write.
func (d *DB) ReadTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.Gorm.WithContext(ctx).Transaction(fn, &sql.TxOptions{ReadOnly: true})
}

// IsUniqueViolation reports whether err is a unique-constraint failure,
// from gorm or from a COPY (which gorm does not see).
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.Is(err, gorm.ErrDuplicatedKey) || errors.As(err, &pg) && pg.Code == "23505"
}
