package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err means the database could not be reached
// or is refusing work for now (connection refused or dropped, server
// shutting down or starting, too many connections, SQLite busy past its
// timeout): a condition to answer with "try again shortly", never with a
// refusal that blames the request.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	var connect *pgconn.ConnectError
	var pg *pgconn.PgError
	switch {
	case errors.Is(err, ErrWriterBusy):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &connect), errors.As(err, &op):
		return true
	case errors.As(err, &pg):
		// Class 08: connection exception; 57P01-03: shutdown, crash
		// recovery, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300"
	}
	msg := err.Error()
	// SQLite reports a lock held past the busy timeout only in words.
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") ||
		strings.Contains(msg, "conn closed") || strings.Contains(msg, "failed to connect")
}
