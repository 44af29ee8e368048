package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/breachline/breachline/internal/db"
)

// sqliteFiles remembers the migrated file this binary found or built.
var sqliteFiles struct {
	sync.Mutex
	path string
}

// sqliteCacheDir holds the migrated SQLite files, one per schema key,
// shared by test binaries and runs.
func sqliteCacheDir() string { return filepath.Join(os.TempDir(), "breachline-dbtest") }

// migratedSQLite returns the path of a migrated SQLite file for the current
// schema, building it if no binary has yet. The file is only ever copied.
func migratedSQLite(ctx context.Context) (string, error) {
	sqliteFiles.Lock()
	defer sqliteFiles.Unlock()
	if sqliteFiles.path != "" {
		return sqliteFiles.path, nil
	}
	key, err := schemaKey(db.SQLite)
	if err != nil {
		return "", fmt.Errorf("schema key: %w", err)
	}
	dir := sqliteCacheDir()
	path := filepath.Join(dir, "sqlite-"+key+".db")
	if _, err := os.Stat(path); err != nil {
		if err := buildSQLite(ctx, dir, path); err != nil {
			return "", fmt.Errorf("migrated SQLite file: %w", err)
		}
		removeStaleSQLite(dir)
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // marks it used, for removeStaleSQLite
	sqliteFiles.path = path
	return path, nil
}

// buildSQLite migrates a new file beside path and renames it into place.
// Binaries building at once each rename a complete file over the other's;
// the rename is atomic, so a reader never sees half a file.
func buildSQLite(ctx context.Context, dir, path string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	built := filepath.Join(tmp, "migrated.db")
	if err := migrateSQLiteFile(ctx, built); err != nil {
		return err
	}
	return os.Rename(built, path)
}

// migrateSQLiteFile migrates the file and leaves it self-contained: the
// write-ahead log folded in and the journal mode back to DELETE, so that a
// copy of the one file is the whole database.
func migrateSQLiteFile(ctx context.Context, path string) error {
	d, err := db.Open(ctx, db.Options{SQLitePath: path})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	if err := d.Close(); err != nil {
		return err
	}
	// The journal mode changes only on the file's last connection.
	one, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer one.Close()
	for _, pragma := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode=DELETE"} {
		if _, err := one.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("%s: %w", pragma, err)
		}
	}
	return one.Close()
}

// removeStaleSQLite removes migrated files of other schemas unused for
// templateMaxAge.
func removeStaleSQLite(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "sqlite-*.db"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > templateMaxAge {
			_ = os.Remove(p)
		}
	}
}

// copyFile copies src to a new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src) // #nosec G304 -- a path in the test cache this package made
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a path in the test cache this package made
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// forgetSQLite makes the next migratedSQLite look for the file again.
func forgetSQLite() {
	sqliteFiles.Lock()
	defer sqliteFiles.Unlock()
	sqliteFiles.path = ""
}
