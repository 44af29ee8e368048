package db

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestUnavailableTellsStoreOutagesFromOtherErrors: a refused connection,
// a terminated backend and SQLite's busy lock are outages; a constraint
// violation, a missing row or a syntax error are not.
func TestUnavailableTellsStoreOutagesFromOtherErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := pgconn.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || !Unavailable(fmt.Errorf("token lookup: %w", err)) {
		t.Errorf("a refused connection: %v", err)
	}
	for _, code := range []string{"57P01", "08006", "53300"} {
		if !Unavailable(&pgconn.PgError{Code: code}) {
			t.Errorf("PostgreSQL %s is an outage", code)
		}
	}
	if !Unavailable(errors.New("database is locked (5) (SQLITE_BUSY)")) {
		t.Error("SQLite busy is an outage")
	}
	for _, err := range []error{&pgconn.PgError{Code: "23505"}, &pgconn.PgError{Code: "42601"}, errors.New("record not found"), nil} {
		if Unavailable(err) {
			t.Errorf("%v is not an outage", err)
		}
	}
}
