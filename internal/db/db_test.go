package db_test

import (
	"context"
	"sync"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

func TestMigrateFromEmpty(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			d := dbtest.OpenEmpty(t, dialect)
			ctx := context.Background()
			if err := d.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			cur, latest, err := d.MigrationStatus(ctx)
			if err != nil || cur != latest || cur < 3 {
				t.Fatalf("status cur=%d latest=%d err=%v", cur, latest, err)
			}
			// River's tables are there, installed by the goose migration.
			var n int64
			if err := d.Gorm.Raw("SELECT count(*) FROM river_job").Scan(&n).Error; err != nil {
				t.Fatalf("river_job missing: %v", err)
			}
			// Migrating again is a no-op.
			if err := d.Migrate(ctx); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
		})
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		err := d.Gorm.Exec(`INSERT INTO audit_log (at, actor, action, seq, scheme, prev_hash, hash) VALUES (CURRENT_TIMESTAMP, 'test', 'x', 1, 2, '', 'h1')`).Error
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec(`UPDATE audit_log SET action = 'y'`).Error; err == nil {
			t.Fatal("update of audit_log succeeded")
		}
		if err := d.Gorm.Exec(`DELETE FROM audit_log`).Error; err == nil {
			t.Fatal("delete from audit_log succeeded")
		}
	})
}

func TestConcurrentMigratePostgres(t *testing.T) {
	t.Parallel()
	opts := dbtest.Options(t, db.Postgres)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d, err := db.Open(ctx, opts)
			if err != nil {
				errs[i] = err
				return
			}
			defer d.Close()
			errs[i] = d.Migrate(ctx)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	d, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var applied int64
	d.Gorm.Raw("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied)
	_, latest, _ := d.MigrationStatus(ctx)
	var distinct int64
	d.Gorm.Raw("SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&distinct)
	if applied != distinct {
		t.Fatalf("a migration was applied twice: %d rows for %d versions", applied, distinct)
	}
	if distinct == 0 || latest == 0 {
		t.Fatalf("nothing applied")
	}
}

// TestMigrateDownAndUp rolls every migration back and applies them again,
// so each Down really undoes its Up (River's steps included).
func TestMigrateDownAndUp(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			d := dbtest.Open(t, dialect)
			ctx := context.Background()
			if err := d.MigrateDownAll(ctx); err != nil {
				t.Fatalf("down: %v", err)
			}
			cur, _, err := d.MigrationStatus(ctx)
			if err != nil || cur != 0 {
				t.Fatalf("after down: version %d, %v", cur, err)
			}
			if err := d.Migrate(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
		})
	}
}
