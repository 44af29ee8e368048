package dbtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/migrations"
)

// templateFormat changes when the way templates are built changes, so that
// templates built by an older dbtest are not reused.
const templateFormat = "breachline-dbtest-1"

// schemaKeys caches the key of each dialect for the life of the test binary.
var schemaKeys sync.Map // db.Dialect -> string

// schemaKey returns a short hash of everything the migrations of the dialect
// install: the embedded goose SQL files (names and contents), the SQL of
// River's own migrations, and the source of internal/db/migrate.go, which
// says which River version each goose step installs. Equal keys mean equal
// migrated schemas, so a migrated template or file can be shared between
// test binaries and runs; a changed or added migration gives a new key and
// a new template.
func schemaKey(dialect db.Dialect) (string, error) {
	if k, ok := schemaKeys.Load(dialect); ok {
		return k.(string), nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", templateFormat, dialect)
	fsys, dir := fs.FS(migrations.SQLite), "sqlite"
	if dialect == db.Postgres {
		fsys, dir = migrations.Postgres, "postgres"
	}
	if err := hashMigrationFiles(h, fsys, dir); err != nil {
		return "", err
	}
	if err := hashRiverMigrations(h, dialect); err != nil {
		return "", err
	}
	hashGoSteps(h)
	k := hex.EncodeToString(h.Sum(nil))[:16]
	schemaKeys.Store(dialect, k)
	return k, nil
}

// hashMigrationFiles writes the name and content of every SQL migration
// in dir of fsys to h, in name order.
func hashMigrationFiles(h hash.Hash, fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(body))
		h.Write(body)
	}
	return nil
}

// hashRiverMigrations writes River's migrations for the dialect to h: they
// run as Go steps inside goose, so the SQL files alone do not show a River
// upgrade.
func hashRiverMigrations(h hash.Hash, dialect db.Dialect) error {
	var all []rivermigrate.Migration
	if dialect == db.Postgres {
		m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
		if err != nil {
			return err
		}
		all = m.AllVersions()
	} else {
		m, err := rivermigrate.New(riversqlite.New(nil), nil)
		if err != nil {
			return err
		}
		all = m.AllVersions()
	}
	for _, m := range all {
		fmt.Fprintf(h, "river %d\x00%s\x00%s\x00", m.Version, m.SQLUp, m.SQLDown)
	}
	return nil
}

// hashGoSteps writes internal/db/migrate.go to h: its goose steps written in
// Go (River's schema versions) are part of the schema too. The file is found
// beside this package's source; in a binary built with -trimpath it cannot
// be, and only a River upgrade or a changed SQL file renews the template.
func hashGoSteps(h hash.Hash) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return
	}
	if src, err := os.ReadFile(filepath.Join(filepath.Dir(self), "..", "migrate.go")); err == nil {
		fmt.Fprintf(h, "go steps\x00%d\x00", len(src))
		h.Write(src)
	}
}
