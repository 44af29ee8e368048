package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/breachline/breachline/migrations"
)

// riverSteps maps goose versions to the River schema version each installs.
// Pinning River's versions keeps each migration meaning the same thing
// forever; a River upgrade with new tables gets a new goose migration. River's
// schema 6 uses an enum value that schema 4 adds, which PostgreSQL allows only
// after a commit, hence two goose migrations.
var riverSteps = []struct{ goose, river int }{{2, 5}, {3, 6}}

func (d *DB) provider() (*goose.Provider, error) { return d.providerOn(d.SQL) }

// providerOn is the migrations' provider on the pool conn.
func (d *DB) providerOn(conn *sql.DB) (*goose.Provider, error) {
	var (
		dialect goose.Dialect
		fsys    fs.FS
		err     error
		opts    []goose.ProviderOption
	)
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	down := -1 // River's "all the way down" for the first step
	for _, step := range riverSteps {
		opts = append(opts, goose.WithGoMigrations(goose.NewGoMigration(int64(step.goose),
			&goose.GoFunc{RunTx: d.riverTo(rivermigrate.DirectionUp, step.river)},
			&goose.GoFunc{RunTx: d.riverTo(rivermigrate.DirectionDown, down)})))
		down = step.river
	}
	switch d.Dialect {
	case Postgres:
		dialect = goose.DialectPostgres
		fsys, err = fs.Sub(migrations.Postgres, "postgres")
		// Poll for the lock every second: a second process starting at the
		// same time should not wait the default five.
		locker, lerr := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if lerr != nil {
			return nil, lerr
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		dialect = goose.DialectSQLite3
		fsys, err = fs.Sub(migrations.SQLite, "sqlite")
	}
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, conn, fsys, opts...)
}

// Migrate applies every pending migration. On PostgreSQL it holds goose's
// session lock, so several processes starting at once apply each migration once.
// The provider is deliberately not closed: Close would close the shared pool.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrateTo applies the pending migrations up to and including version
// (tests of a migration on data written before it).
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrateDownAll rolls every migration back (tests and disaster drills;
// there is no command for it, on purpose).
func (d *DB) MigrateDownAll(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, 0)
	return err
}

// MigrationStatus returns the applied version and the newest known version.
func (d *DB) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, err := d.providerOn(d.readPool())
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	return current, latest, err
}

func (d *DB) riverTo(dir rivermigrate.Direction, target int) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error { return d.riverMigrate(ctx, tx, dir, target) }
}

func (d *DB) riverMigrate(ctx context.Context, tx *sql.Tx, dir rivermigrate.Direction, target int) error {
	opts := &rivermigrate.MigrateOpts{TargetVersion: target}
	var err error
	if d.Dialect == Postgres {
		var m *rivermigrate.Migrator[*sql.Tx]
		m, err = rivermigrate.New(riverdatabasesql.New(d.SQL), nil)
		if err == nil {
			//lint:ignore SA1019 each River step runs inside goose's transaction on purpose: the pinned River versions batch safely, and goose records the step in the same transaction
			_, err = m.MigrateTx(ctx, tx, dir, opts)
		}
	} else {
		var m *rivermigrate.Migrator[*sql.Tx]
		m, err = rivermigrate.New(riversqlite.New(d.SQL), nil)
		if err == nil {
			//lint:ignore SA1019 each River step runs inside goose's transaction on purpose: the pinned River versions batch safely, and goose records the step in the same transaction
			_, err = m.MigrateTx(ctx, tx, dir, opts)
		}
	}
	if err != nil {
		return fmt.Errorf("river schema: %w", err)
	}
	return nil
}
