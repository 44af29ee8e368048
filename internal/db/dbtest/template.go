package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/breachline/breachline/internal/db"
)

// templatePrefix starts the name of every migrated template on the server;
// the schema key and a tag of the owning role follow it.
const templatePrefix = "bl_tmpl_"

// templateLock is the advisory lock (in the database of the server URL)
// that a test binary holds while it builds a template, so that binaries
// started together by `go test ./...` build it once.
const templateLock int64 = 0x626c5f746d706c

// templateMaxAge is how long a template of another schema may go unused
// before the next template build drops it.
const templateMaxAge = 7 * 24 * time.Hour

// templateStamp starts a template's comment; the time it was last used
// follows it.
const templateStamp = "breachline test template, last used "

// pgTemplates remembers, per server URL, the template this binary found
// ready, so that only the first database of a binary looks for it.
var pgTemplates struct {
	sync.Mutex
	ready map[string]string
}

// postgresTemplate returns the migrated template for the current schema on
// the server at base, building it if no test binary has yet.
func postgresTemplate(ctx context.Context, base string) (string, error) {
	pgTemplates.Lock()
	defer pgTemplates.Unlock()
	if name, ok := pgTemplates.ready[base]; ok {
		return name, nil
	}
	name, err := templateName(ctx, base)
	if err != nil {
		return "", err
	}
	if err := ensureTemplate(ctx, base, name); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	if pgTemplates.ready == nil {
		pgTemplates.ready = map[string]string{}
	}
	pgTemplates.ready[base] = name
	return name, nil
}

// templateName names the template of the current schema for the role the
// server URL connects as: a database created from a template keeps the
// template owner's tables, which another role may not be allowed to use.
func templateName(ctx context.Context, base string) (string, error) {
	key, err := schemaKey(db.Postgres)
	if err != nil {
		return "", fmt.Errorf("schema key: %w", err)
	}
	admin, err := adminPool(base)
	if err != nil {
		return "", err
	}
	var role string
	if err := admin.QueryRowContext(ctx, "SELECT current_user").Scan(&role); err != nil {
		return "", fmt.Errorf("test server role: %w", err)
	}
	tag := sha256.Sum256([]byte(role))
	return templatePrefix + key + "_" + hex.EncodeToString(tag[:4]), nil
}

// forgetTemplate makes the next postgresTemplate look for the template
// again (another binary may have dropped it as stale).
func forgetTemplate(base string) {
	pgTemplates.Lock()
	defer pgTemplates.Unlock()
	delete(pgTemplates.ready, base)
}

// ensureTemplate builds the template unless it is ready. A template is
// ready when it is marked IS_TEMPLATE and refuses connections: both are set
// in one statement after the migrations commit, so a build that died half
// way is never mistaken for a finished one.
func ensureTemplate(ctx context.Context, base, name string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	ok, err := templateReady(ctx, conn, name)
	if err != nil {
		return err
	}
	if ok {
		touchTemplate(ctx, conn, name)
		return nil
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", templateLock)
	if ok, err := templateReady(ctx, conn, name); err != nil || ok {
		return err
	}
	if err := buildTemplate(ctx, conn, base, name); err != nil {
		return err
	}
	dropStaleTemplates(ctx, conn, name)
	return nil
}

// templateReady reports whether the template exists and is finished.
func templateReady(ctx context.Context, conn *sql.Conn, name string) (bool, error) {
	var ready bool
	err := conn.QueryRowContext(ctx,
		"SELECT datistemplate AND NOT datallowconn FROM pg_database WHERE datname = $1", name).Scan(&ready)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return ready, err
}

// buildTemplate creates the database, migrates it and marks it finished.
func buildTemplate(ctx context.Context, conn *sql.Conn, base, name string) error {
	// What a build that died half way left behind.
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	if err := migrateURL(ctx, databaseURL(base, name)); err != nil {
		_, _ = conn.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	touchTemplate(ctx, conn, name)
	_, err := conn.ExecContext(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	return err
}

// migrateURL applies every migration to the database at url.
func migrateURL(ctx context.Context, url string) error {
	d, err := db.Open(ctx, db.Options{URL: url})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Migrate(ctx)
}

// touchTemplate records that the template was used now. It is best effort:
// two binaries touching at once may make one of them fail, harmlessly.
func touchTemplate(ctx context.Context, conn *sql.Conn, name string) {
	stamp := templateStamp + time.Now().UTC().Format(time.RFC3339)
	_, _ = conn.ExecContext(ctx, "COMMENT ON DATABASE "+name+" IS '"+stamp+"'")
}

// dropStaleTemplates drops the finished templates of other schemas that no
// binary used for templateMaxAge (old branches, edited migrations), so that
// they do not pile up on a shared server. Unfinished ones may be being built
// by a binary using another database of the server as its URL, which does
// not see this binary's advisory lock: they are left alone.
func dropStaleTemplates(ctx context.Context, conn *sql.Conn, keep string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database
		WHERE datname LIKE 'bl\_tmpl\_%' AND datname <> $1 AND datistemplate AND NOT datallowconn`, keep)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if rows.Scan(&name, &comment) != nil {
			continue
		}
		used, err := time.Parse(time.RFC3339, strings.TrimPrefix(comment, templateStamp))
		if err != nil || time.Since(used) > templateMaxAge {
			stale = append(stale, name)
		}
	}
	_ = rows.Close()
	for _, name := range stale {
		_, _ = conn.ExecContext(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE false")
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
	}
}

// isMissingDatabase reports whether err says a database does not exist.
func isMissingDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "3D000"
}
