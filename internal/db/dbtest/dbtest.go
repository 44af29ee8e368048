// Package dbtest gives tests a fresh, migrated database of each dialect:
// SQLite always, PostgreSQL when BREACHLINE_TEST_DATABASE_URL is set. With
// BREACHLINE_TEST_REQUIRE_POSTGRES=1 (as CI sets it) a missing PostgreSQL fails
// the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for admin statements

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/db"
)

// EnvURL names the variable holding the PostgreSQL server for tests.
const EnvURL = "BREACHLINE_TEST_DATABASE_URL"

// EnvRequire makes a missing PostgreSQL a failure rather than a skip.
const EnvRequire = "BREACHLINE_TEST_REQUIRE_POSTGRES"

// AuditKey is the audit secret of every test database; applications built
// on one by apptest use it too, as every process of an installation must.
const AuditKey = "test-audit-key-test-audit-key-test-audit-key"

// Dialects lists the engines every store test runs against.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// Each runs fn as a subtest once per dialect, with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh migrated database of the dialect, removed at cleanup.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	d := OpenEmpty(t, dialect)
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// OpenEmpty returns a fresh database with no migrations applied.
func OpenEmpty(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	opts := Options(t, dialect)
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	key, err := audit.NewKey([]byte(AuditKey))
	if err == nil {
		err = audit.UseKey(d.Gorm, key)
	}
	if err != nil {
		t.Fatalf("audit key: %v", err)
	}
	return d
}

// Options creates a fresh empty database of the dialect and returns how to
// open it; the database is dropped at cleanup.
func Options(t testing.TB, dialect db.Dialect) db.Options {
	t.Helper()
	if dialect == db.SQLite {
		return db.Options{SQLitePath: filepath.Join(t.TempDir(), "test.db")}
	}
	return db.Options{URL: CreatePostgres(t)}
}

// PostgresURL returns the server URL for tests, skipping (or failing, when
// required) if none is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s is not set but %s=1: PostgreSQL tests must run", EnvURL, EnvRequire)
		}
		t.Skipf("PostgreSQL tests skipped: set %s", EnvURL)
	}
	return base
}

// CreatePostgres creates a uniquely named database on the test server and
// returns its URL; it is dropped when the test ends.
func CreatePostgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres admin: %v", err)
	}
	defer admin.Close()
	name := "bl_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(base, name) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

func dropDatabase(base, name string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

// Describe names a database for messages.
func Describe(d *db.DB) string { return fmt.Sprintf("%s database", d.Dialect) }
