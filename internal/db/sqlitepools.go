package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// SQLite lets one connection write at a time, and in WAL mode a reader
// never waits for a writer. So the embedded database is reached through two
// pools: one connection for every write and every write transaction, in
// the order they ask for it, and a few read-only connections for the
// statements that only read. A page that only reads is answered while an
// import holds the writer for its whole transaction.

// sqliteReaders is how many read connections the process keeps.
func sqliteReaders() int { return max(4, runtime.NumCPU()) }

// ErrWriterBusy is returned by a write whose context bounds its wait for
// the writer (WithWriteWait) when another transaction held the writer past
// that bound: an import is being stored. It means "try again shortly"
// (Unavailable reports it).
var ErrWriterBusy = errors.New("the database is busy storing another change (an import); try again in a few seconds")

type writeWaitKey struct{}

// WithWriteWait bounds how long the writes made with ctx wait for SQLite's
// one writer before failing with ErrWriterBusy: all of them together, from
// now, so a request with several writes on the side waits once. Only the
// waits are bounded, not the writes. Requests that read, and write only on
// the side (the time a session was last seen, an audit record of a read),
// use it so that they never queue behind an import's transaction.
// PostgreSQL writes do not queue for one connection, and there it does
// nothing.
func WithWriteWait(ctx context.Context, wait time.Duration) context.Context {
	return context.WithValue(ctx, writeWaitKey{}, time.Now().Add(wait))
}

// minWriteWait is the least wait left to a write of a bounded request,
// once its bound is spent: time enough to take a free writer.
const minWriteWait = 20 * time.Millisecond

func writeWait(ctx context.Context) (time.Duration, bool) {
	until, ok := ctx.Value(writeWaitKey{}).(time.Time)
	if !ok {
		return 0, false
	}
	return max(time.Until(until), minWriteWait), true
}

// sqlitePools is the gorm connection pool of an SQLite database: reads
// outside a transaction, and read-only transactions, go to the readers;
// everything else to the writer.
type sqlitePools struct {
	write, read *sql.DB
}

func openSQLitePools(path string) (*sqlitePools, error) {
	write, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	// The writer connection is opened (and the file put in WAL mode) before
	// any reader connects.
	write.SetMaxOpenConns(1)
	if err := write.Ping(); err != nil {
		_ = write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", sqliteReaderDSN(path))
	if err != nil {
		_ = write.Close()
		return nil, err
	}
	n := sqliteReaders()
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(5 * time.Minute)
	return &sqlitePools{write: write, read: read}, nil
}

// sqliteDSN turns on WAL, foreign keys and a busy timeout so that a second
// process (a worker, the CLI) waits instead of failing; a transaction takes
// the write lock when it begins, so two never deadlock upgrading.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// sqliteReaderDSN opens a connection that can only read.
func sqliteReaderDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=foreign_keys(1)"
}

func (p *sqlitePools) close() error {
	return errors.Join(p.read.Close(), p.write.Close())
}

// isRead reports whether query only reads: a SELECT. Anything else (a
// write, a statement with RETURNING, a WITH that may write, a PRAGMA)
// goes to the writer.
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// writer reserves the writer connection within ctx's write wait, when it
// has one; the caller closes the returned connection when its work on it
// is done (sql.Conn.Close waits for a transaction or rows begun on it).
func (p *sqlitePools) writer(ctx context.Context) (*sql.Conn, bool, error) {
	wait, ok := writeWait(ctx)
	if !ok {
		return nil, false, nil
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	c, err := p.write.Conn(wctx)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, true, fmt.Errorf("waited %v for the writer: %w", wait, ErrWriterBusy)
		}
		return nil, true, err
	}
	return c, true, nil
}

// PrepareContext prepares on the writer (gorm prepares nothing unless asked).
func (p *sqlitePools) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.write.PrepareContext(ctx, query)
}

// ExecContext runs a statement on the writer.
func (p *sqlitePools) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c, bounded, err := p.writer(ctx)
	if !bounded {
		return p.write.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ExecContext(ctx, query, args...)
}

// QueryContext runs a SELECT on a reader, anything else on the writer.
func (p *sqlitePools) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if isRead(query) {
		return p.read.QueryContext(ctx, query, args...)
	}
	c, bounded, err := p.writer(ctx)
	if !bounded {
		return p.write.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, query, args...)
	go c.Close() // returns the writer once rows is closed
	return rows, err
}

// QueryRowContext runs a SELECT on a reader, anything else on the writer.
func (p *sqlitePools) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if isRead(query) {
		return p.read.QueryRowContext(ctx, query, args...)
	}
	c, bounded, err := p.writer(ctx)
	if !bounded {
		return p.write.QueryRowContext(ctx, query, args...)
	}
	if err != nil {
		// A *sql.Row carries its error only when made by database/sql: ask
		// a context that is already over, so that Scan reports the wait.
		dead, cancel := context.WithCancelCause(ctx)
		cancel(err)
		return p.write.QueryRowContext(dead, query, args...)
	}
	row := c.QueryRowContext(ctx, query, args...)
	go c.Close()
	return row
}

// BeginTx begins a read-only transaction on a reader, and any other on the
// writer (BEGIN IMMEDIATE: it holds the write lock from the start).
func (p *sqlitePools) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if opts != nil && opts.ReadOnly {
		return p.read.BeginTx(ctx, opts)
	}
	c, bounded, err := p.writer(ctx)
	if !bounded {
		return p.write.BeginTx(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	tx, err := c.BeginTx(ctx, opts)
	go c.Close() // returns the writer once tx ends
	return tx, err
}

// GetDBConn is the writer pool, for migrations, the job queue and gorm's DB().
func (p *sqlitePools) GetDBConn() (*sql.DB, error) { return p.write, nil }
