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
// for migrations, River and bulk paths.
type DB struct {
	Gorm    *gorm.DB
	SQL     *sql.DB
	Dialect Dialect
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
	var (
		gdb     *gorm.DB
		err     error
		dialect Dialect
	)
	if opts.URL != "" {
		dialect = Postgres
		gdb, err = gorm.Open(postgres.Open(opts.URL), gcfg)
	} else {
		dialect = SQLite
		if err := os.MkdirAll(filepath.Dir(opts.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("create the data directory: %w", err)
		}
		gdb, err = gorm.Open(sqlite.Open(sqliteDSN(opts.SQLitePath)), gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	configurePool(sqlDB, dialect)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("reach %s database: %w", dialect, err)
	}
	return &DB{Gorm: gdb, SQL: sqlDB, Dialect: dialect}, nil
}

// sqliteDSN turns on WAL, foreign keys and a busy timeout so that a second
// process (a worker, the CLI) waits instead of failing.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func configurePool(sqlDB *sql.DB, d Dialect) {
	if d == SQLite {
		// One writer at a time is SQLite's model; one connection keeps
		// transactions from ever waiting on each other inside this process.
		sqlDB.SetMaxOpenConns(1)
		return
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
}

// Close releases the connection pool.
func (d *DB) Close() error { return d.SQL.Close() }

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// Tx runs fn in a transaction, committing when it returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.Gorm.WithContext(ctx).Transaction(fn)
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}
