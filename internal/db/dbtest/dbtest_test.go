package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/breachline/breachline/internal/db"
)

// TestOpenIsMigratedAndPrivate checks that each database Open returns is
// at the newest migration and shares no rows with another one.
func TestOpenIsMigratedAndPrivate(t *testing.T) {
	t.Parallel()
	EachParallel(t, func(t *testing.T, first *db.DB) {
		ctx := context.Background()
		second := Open(t, first.Dialect)
		cur, latest, err := first.MigrationStatus(ctx)
		if err != nil || cur != latest || cur == 0 {
			t.Fatalf("status of a copied database: %d of %d, %v", cur, latest, err)
		}
		err = first.Gorm.Exec(`INSERT INTO audit_log (at, actor, action, seq, scheme, prev_hash, hash) VALUES (CURRENT_TIMESTAMP, 'test', 'x', 1, 2, '', 'h1')`).Error
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := second.Gorm.Raw("SELECT count(*) FROM audit_log").Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("second database sees %d audit rows of the first (%v)", n, err)
		}
	})
}

// TestOpenEmptyIsUnmigrated checks that OpenEmpty still gives a database
// with no migration applied.
func TestOpenEmptyIsUnmigrated(t *testing.T) {
	t.Parallel()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			d := OpenEmpty(t, dialect)
			var n int64
			err := d.Gorm.Raw("SELECT count(*) FROM audit_log").Scan(&n).Error
			if err == nil {
				t.Fatal("an empty database has the audit_log table")
			}
		})
	}
}

// TestSchemaKeyFollowsMigrations checks that editing, adding or renaming a
// migration changes the hash the template is named after.
func TestSchemaKeyFollowsMigrations(t *testing.T) {
	t.Parallel()
	base := fstest.MapFS{
		"m/00001_a.sql": {Data: []byte("CREATE TABLE a (id int);")},
		"m/00002_b.sql": {Data: []byte("CREATE TABLE b (id int);")},
	}
	sum := func(fsys fstest.MapFS) string {
		h := sha256.New()
		if err := hashMigrationFiles(h, fsys, "m"); err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	edited, added, renamed := fstest.MapFS{}, fstest.MapFS{}, fstest.MapFS{}
	for k, v := range base {
		edited[k], added[k], renamed[k] = v, v, v
	}
	edited["m/00002_b.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE b (id bigint);")}
	added["m/00003_c.sql"] = &fstest.MapFile{Data: []byte("CREATE INDEX c ON b (id);")}
	delete(renamed, "m/00002_b.sql")
	renamed["m/00003_b.sql"] = base["m/00002_b.sql"]
	want := sum(base)
	if sum(base) != want {
		t.Fatal("the hash is not stable")
	}
	for name, fsys := range map[string]fstest.MapFS{"edited": edited, "added": added, "renamed": renamed} {
		if sum(fsys) == want {
			t.Errorf("%s migration: same hash", name)
		}
	}
	withSteps := sha256.New()
	hashGoSteps(withSteps)
	if hex.EncodeToString(withSteps.Sum(nil)) == hex.EncodeToString(sha256.New().Sum(nil)) {
		t.Error("internal/db/migrate.go was not found: its Go steps are not in the key")
	}
	pg, err := schemaKey(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := schemaKey(db.SQLite)
	if err != nil || pg == lite {
		t.Fatalf("dialect keys %q and %q (%v)", pg, lite, err)
	}
}

// TestTemplateBuiltOnceByConcurrentBinaries has several goroutines (standing
// for test binaries started together) ask for one new template at once, on
// top of what a build that died half way left: all of them get the finished
// template, and databases created from it are migrated. It migrates a
// template from scratch, so -short skips it.
func TestTemplateBuiltOnceByConcurrentBinaries(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a template from scratch: skipped under -short")
	}
	base := PostgresURL(t)
	ctx := context.Background()
	name := templatePrefix + "test_" + randomSuffix()
	t.Cleanup(func() { dropTemplate(base, name) })
	if err := createDatabase(base, name, ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = ensureTemplate(ctx, base, name) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("binary %d: %v", i, err)
		}
	}
	clone := newDatabaseName()
	if err := createDatabase(base, clone, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropDatabase(base, clone) })
	d := open(t, db.Options{URL: databaseURL(base, clone)})
	if cur, latest, err := d.MigrationStatus(ctx); err != nil || cur != latest || cur == 0 {
		t.Fatalf("database from the template: %d of %d, %v", cur, latest, err)
	}
}

// TestStaleTemplatesAreDropped checks that a template unused for longer
// than templateMaxAge is dropped and a recent one is kept.
func TestStaleTemplatesAreDropped(t *testing.T) {
	t.Parallel()
	base := PostgresURL(t)
	ctx := context.Background()
	stale, fresh := templatePrefix+"test_"+randomSuffix(), templatePrefix+"test_"+randomSuffix()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for name, used := range map[string]string{stale: "2001-01-01T00:00:00Z", fresh: ""} {
		t.Cleanup(func() { dropTemplate(base, name) })
		if err := createDatabase(base, name, ""); err != nil {
			t.Fatal(err)
		}
		conn, err := admin.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		touchTemplate(ctx, conn, name)
		if used != "" {
			conn.ExecContext(ctx, "COMMENT ON DATABASE "+name+" IS '"+templateStamp+used+"'")
		}
		conn.ExecContext(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
		conn.Close()
	}
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dropStaleTemplates(ctx, conn, "")
	for name, want := range map[string]bool{stale: false, fresh: true} {
		if ok, err := templateReady(ctx, conn, name); err != nil || ok != want {
			t.Errorf("template %s present %v, want %v (%v)", name, ok, want, err)
		}
	}
}

// TestMigratedSQLiteFileIsSelfContained checks that the migrated file has
// no write-ahead log beside it, so a copy of it is the whole database.
func TestMigratedSQLiteFileIsSelfContained(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sqlite-test.db")
	if err := buildSQLite(context.Background(), dir, path); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 1 || left[0] != path {
		t.Fatalf("the build left %v", left)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := copyFile(path, dst); err != nil {
		t.Fatal(err)
	}
	d := open(t, db.Options{SQLitePath: dst})
	if cur, latest, err := d.MigrationStatus(context.Background()); err != nil || cur != latest || cur == 0 {
		t.Fatalf("copied file: %d of %d, %v", cur, latest, err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the migrated file has a write-ahead log")
	}
}

// dropTemplate drops a template database the test made.
func dropTemplate(base, name string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer admin.Close()
	admin.Exec("ALTER DATABASE " + name + " WITH IS_TEMPLATE false")
	admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
}
