package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// This file holds the statements whose text or need differs between the
// two engines, so that callers state what they want and never branch on
// the dialect themselves.

// Of returns the dialect behind a gorm handle, a transaction included.
func Of(g *gorm.DB) Dialect {
	if g.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

// SingleWriter reports whether the process writes to the database through
// one connection (SQLite), so that a write outside an open write
// transaction waits until that transaction ends. Reads do not wait.
func (d *DB) SingleWriter() bool { return d.Dialect == SQLite }

// AdvisoryXactLock takes the advisory lock (class, id) and holds it until
// tx ends, on PostgreSQL; another transaction asking for the same lock
// waits. On SQLite it does nothing: a write transaction there already
// excludes every other writer. An id beyond 32 bits shares its lock with
// the id of the same low 32 bits, which only makes them wait for each
// other.
func AdvisoryXactLock(ctx context.Context, tx *gorm.DB, class int32, id int64) error {
	if Of(tx) != Postgres {
		return nil
	}
	if err := tx.WithContext(ctx).Exec("SELECT pg_advisory_xact_lock(?, ?)", class, int32(id)).Error; err != nil { // #nosec G115 -- documented above: ids beyond 32 bits share a lock with their low 32 bits
		return fmt.Errorf("advisory lock %d/%d: %w", class, id, err)
	}
	return nil
}

// SetLocal sets a PostgreSQL run-time parameter until tx ends (SET LOCAL).
// SQLite has no such parameters and it does nothing there. name and value
// become SQL text: pass constants only.
func SetLocal(ctx context.Context, tx *gorm.DB, name, value string) error {
	if Of(tx) != Postgres {
		return nil
	}
	if err := tx.WithContext(ctx).Exec("SET LOCAL " + name + " = " + value).Error; err != nil {
		return fmt.Errorf("set %s: %w", name, err)
	}
	return nil
}

// CreateTempTableAs creates the temporary table name from query, replacing
// one left by an earlier statement of the same connection, and returns drop,
// which removes it. On PostgreSQL the table also goes when tx commits (ON
// COMMIT DROP); SQLite has no such clause, so callers defer drop. name and
// query become SQL text: pass constants only, values as args.
func CreateTempTableAs(ctx context.Context, tx *gorm.DB, name, query string, args ...any) (drop func(), err error) {
	tx = tx.WithContext(ctx)
	drop = func() { _ = tx.Exec("DROP TABLE IF EXISTS " + name).Error }
	if err := tx.Exec("DROP TABLE IF EXISTS " + name).Error; err != nil {
		return func() {}, fmt.Errorf("temporary table %s: %w", name, err)
	}
	create := "CREATE TEMPORARY TABLE " + name + " AS "
	if Of(tx) == Postgres {
		create = "CREATE TEMPORARY TABLE " + name + " ON COMMIT DROP AS "
		drop = func() {}
	}
	if err := tx.Exec(create+query, args...).Error; err != nil {
		return func() {}, fmt.Errorf("temporary table %s: %w", name, err)
	}
	return drop, nil
}

// PrepareTempJoin readies a freshly filled temporary table for joins on
// cols. PostgreSQL gathers the table's statistics: a temporary table has
// none until then, and a plan made for an empty table joins a million rows
// in nested loops. SQLite joins only in nested loops, so each column gets
// an index instead.
func PrepareTempJoin(ctx context.Context, tx *gorm.DB, table string, cols ...string) error {
	tx = tx.WithContext(ctx)
	if Of(tx) == Postgres {
		if err := tx.Exec("ANALYZE " + table).Error; err != nil {
			return fmt.Errorf("analyze %s: %w", table, err)
		}
		return nil
	}
	for _, c := range cols {
		q := "CREATE INDEX temp." + table + "_" + c + " ON " + table + " (" + c + ")"
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("index %s (%s): %w", table, c, err)
		}
	}
	return nil
}

// Analyze refreshes the planner's statistics of table on PostgreSQL, inside
// tx, where they count the rows tx wrote. On SQLite it does nothing: its
// planner uses no statistics until ANALYZE has run once and stale ones
// after, so the queries there rely on indexes instead.
func Analyze(ctx context.Context, tx *gorm.DB, table string) error {
	if Of(tx) != Postgres {
		return nil
	}
	if err := tx.WithContext(ctx).Exec("ANALYZE " + table).Error; err != nil {
		return fmt.Errorf("analyze %s: %w", table, err)
	}
	return nil
}

// AnalyzeAfterBulkWrite refreshes table's statistics, as Analyze, when tx
// has just added rows rows to it and they are more than the planner's last
// count of the table can absorb: fifty rows plus a tenth of the table, the
// threshold autovacuum uses, but applied at once. Autovacuum would act only
// after the commit and at its next round, and meanwhile the next bulk
// write into the table is planned for the table as it was: a nested loop
// over rows the planner believes are a few hundred.
func AnalyzeAfterBulkWrite(ctx context.Context, tx *gorm.DB, table string, rows int64) error {
	if Of(tx) != Postgres || rows <= 0 {
		return nil
	}
	var reltuples float64
	err := tx.WithContext(ctx).Raw("SELECT reltuples FROM pg_class WHERE oid = ?::regclass", table).Row().Scan(&reltuples)
	if err != nil {
		return fmt.Errorf("statistics of %s: %w", table, err)
	}
	// reltuples is -1 for a table never analyzed.
	if reltuples >= 0 && float64(rows) <= 50+reltuples/10 {
		return nil
	}
	return Analyze(ctx, tx, table)
}
