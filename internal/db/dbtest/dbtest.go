// Package dbtest gives tests a fresh, migrated database of each dialect:
// SQLite always, PostgreSQL when BREACHLINE_TEST_DATABASE_URL is set. With
// BREACHLINE_TEST_REQUIRE_POSTGRES=1 (as CI sets it) a missing PostgreSQL fails
// the test instead of skipping it.
//
// Every database is the test's own, so tests using it may call t.Parallel.
// The migrations run once per schema, not once per test: a PostgreSQL test
// database is created from a migrated template (bl_tmpl_<hash of the
// migrations>), and an SQLite one is a copy of a migrated file in
// $TMPDIR/breachline-dbtest. OpenEmpty and Options still give an
// unmigrated database, for tests of the migrations themselves.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// EachParallel is Each with the subtests marked parallel: the dialects run
// at the same time, and with other parallel tests. Like any parallel
// subtest, fn runs after the calling test function has returned, so the
// caller must not do anything after EachParallel (its t.Cleanup functions
// wait for the subtests) and fn must not call t.Setenv.
func EachParallel(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh migrated database of the dialect, removed at cleanup.
// It is a copy of a database migrated once per schema (see MigratedOptions),
// so it costs a file copy or a CREATE DATABASE, not a migration.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	return open(t, MigratedOptions(t, dialect))
}

// OpenEmpty returns a fresh database with no migrations applied.
func OpenEmpty(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	return open(t, Options(t, dialect))
}

func open(t testing.TB, opts db.Options) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open test database: %v", err)
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

// MigratedOptions creates a fresh migrated database of the dialect and
// returns how to open it, for tests that open it themselves (several
// processes, the command line); the database is dropped at cleanup.
//
// The migrations run once per schema: on PostgreSQL into a template database
// named after a hash of the migrations, which each test database is created
// from; on SQLite into a file in the temporary directory, which each test
// copies. Test binaries running at once share the template (its build holds
// an advisory lock), and a changed migration changes the hash, so a stale
// template is never used.
func MigratedOptions(t testing.TB, dialect db.Dialect) db.Options {
	t.Helper()
	if dialect == db.SQLite {
		return db.Options{SQLitePath: copyMigratedSQLite(t)}
	}
	return db.Options{URL: createFromTemplate(t)}
}

// copyMigratedSQLite copies the migrated SQLite file into the test's
// temporary directory and returns the copy's path.
func copyMigratedSQLite(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "test.db")
	for attempt := 0; ; attempt++ {
		src, err := migratedSQLite(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		err = copyFile(src, dst)
		if err == nil {
			return dst
		}
		// Removed since this binary found it: build it again, once.
		_ = os.Remove(dst)
		forgetSQLite()
		if attempt > 0 || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("copy migrated SQLite file: %v", err)
		}
	}
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

// CreatePostgres creates a uniquely named empty database on the test server
// and returns its URL; it is dropped when the test ends.
func CreatePostgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	name := newDatabaseName()
	if err := createDatabase(base, name, ""); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(base, name) })
	return databaseURL(base, name)
}

// createFromTemplate creates a uniquely named database from the migrated
// template and returns its URL; it is dropped when the test ends.
func createFromTemplate(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	name := newDatabaseName()
	for attempt := 0; ; attempt++ {
		tmpl, err := postgresTemplate(context.Background(), base)
		if err != nil {
			t.Fatal(err)
		}
		err = createDatabase(base, name, tmpl)
		if err == nil {
			break
		}
		// Dropped as stale since this binary found it: build it again, once.
		forgetTemplate(base)
		if attempt > 0 || !isMissingDatabase(err) {
			t.Fatalf("create test database from %s: %v", tmpl, err)
		}
	}
	t.Cleanup(func() { dropDatabase(base, name) })
	return databaseURL(base, name)
}

// createDatabase creates the database on the server at base, as a copy of
// template when one is named.
func createDatabase(base, name, template string) error {
	admin, err := adminPool(base)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stmt := "CREATE DATABASE " + name // #nosec G202 -- the name is made by this package from [a-z0-9_]
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	_, err = admin.ExecContext(ctx, stmt)
	return err
}

// databaseURL is the server URL base pointing at the database name.
func databaseURL(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("parse %s: %v", EnvURL, err))
	}
	u.Path = "/" + name
	return u.String()
}

// adminPools holds one connection pool per server URL for the CREATE and
// DROP DATABASE statements of the whole test binary, so that each test
// database does not cost two more server connections. The pools live as
// long as the binary.
var adminPools sync.Map // base URL -> *sql.DB

func adminPool(base string) (*sql.DB, error) {
	if p, ok := adminPools.Load(base); ok {
		return p.(*sql.DB), nil
	}
	p, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	p.SetMaxIdleConns(4)
	if prev, loaded := adminPools.LoadOrStore(base, p); loaded {
		_ = p.Close()
		return prev.(*sql.DB), nil
	}
	return p, nil
}

func newDatabaseName() string { return "bl_test_" + randomSuffix() }

func dropDatabase(base, name string) {
	admin, err := adminPool(base)
	if err != nil {
		return
	}
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
