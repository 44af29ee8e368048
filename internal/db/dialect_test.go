package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// eachEmpty runs fn once per dialect on a fresh database without the
// migrations, which these tests do not need.
func eachEmpty(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) { fn(t, dbtest.OpenEmpty(t, dialect)) })
	}
}

func TestOfNamesTheDialectOfATransaction(t *testing.T) {
	eachEmpty(t, func(t *testing.T, d *db.DB) {
		err := d.Tx(context.Background(), func(tx *gorm.DB) error {
			if got := db.Of(tx); got != d.Dialect {
				t.Errorf("Of(tx) = %s, want %s", got, d.Dialect)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if d.SingleWriter() != (d.Dialect == db.SQLite) || d.SupportsCopy() != (d.Dialect == db.Postgres) {
			t.Errorf("%s: single connection %v, copy %v", d.Dialect, d.SingleWriter(), d.SupportsCopy())
		}
	})
}

// A second transaction asking for a held lock waits for the holder (here:
// gives up after its lock timeout); another key, or the same key after the
// holder commits, is granted at once.
func TestAdvisoryXactLockExcludesUntilCommit(t *testing.T) {
	d := dbtest.OpenEmpty(t, db.Postgres)
	ctx := context.Background()
	holder := d.Gorm.WithContext(ctx).Begin()
	if err := db.AdvisoryXactLock(ctx, holder, 77, 1); err != nil {
		t.Fatal(err)
	}
	try := func(class int32, id int64) error {
		return d.Tx(ctx, func(tx *gorm.DB) error {
			if err := db.SetLocal(ctx, tx, "lock_timeout", "'200ms'"); err != nil {
				return err
			}
			return db.AdvisoryXactLock(ctx, tx, class, id)
		})
	}
	if err := try(77, 1); err == nil {
		t.Fatal("a held lock was granted to a second transaction")
	}
	if err := try(77, 1+1<<32); err == nil {
		t.Fatal("an id with the same low 32 bits must share the lock")
	}
	if err := try(77, 2); err != nil {
		t.Fatalf("another id: %v", err)
	}
	if err := holder.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if err := try(77, 1); err != nil {
		t.Fatalf("after the holder committed: %v", err)
	}
}

func TestAdvisoryXactLockIsANoOpOnSQLite(t *testing.T) {
	d := dbtest.OpenEmpty(t, db.SQLite)
	err := d.Tx(context.Background(), func(tx *gorm.DB) error {
		return db.AdvisoryXactLock(context.Background(), tx, 77, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSetLocalLastsUntilTheTransactionEnds(t *testing.T) {
	d := dbtest.OpenEmpty(t, db.Postgres)
	ctx := context.Background()
	var before, inside, after string
	d.Gorm.Raw("SELECT current_setting('work_mem')").Scan(&before)
	err := d.TxOnConn(ctx, func(tx *gorm.DB, _ *sql.Conn) error {
		if err := db.SetLocal(ctx, tx, "work_mem", "'64MB'"); err != nil {
			return err
		}
		return tx.Raw("SELECT current_setting('work_mem')").Scan(&inside).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Gorm.Raw("SELECT current_setting('work_mem')").Scan(&after)
	if inside != "64MB" || after != before {
		t.Fatalf("work_mem before %s, inside %s, after %s", before, inside, after)
	}
}

// A temporary table can be created twice in one transaction and is gone
// once the transaction and drop are done; on SQLite its join columns are
// indexed, on PostgreSQL it has statistics.
func TestTempTableLifecycle(t *testing.T) {
	eachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Gorm.Exec("CREATE TABLE nums (n INTEGER NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec("INSERT INTO nums (n) VALUES (1), (2), (3), (4)").Error; err != nil {
			t.Fatal(err)
		}
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			for _, min := range []int{1, 3} {
				drop, err := db.CreateTempTableAs(ctx, tx, "big_nums", "SELECT n FROM nums WHERE n > ?", min)
				if err != nil {
					return err
				}
				defer drop()
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM big_nums").Row().Scan(&n); err != nil || n != 1 {
				t.Errorf("rows %d, %v", n, err)
			}
			if err := db.PrepareTempJoin(ctx, tx, "big_nums", "n"); err != nil {
				return err
			}
			return checkPrepared(tx, d.Dialect)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec("SELECT 1 FROM big_nums").Error; err == nil {
			t.Fatal("the temporary table outlived its transaction")
		}
	})
}

func checkPrepared(tx *gorm.DB, d db.Dialect) error {
	var n float64
	q := "SELECT reltuples FROM pg_class WHERE oid = 'big_nums'::regclass"
	if d == db.SQLite {
		q = "SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'index' AND tbl_name = 'big_nums'"
	}
	if err := tx.Raw(q).Row().Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return errors.New("the temporary table was not prepared for the join")
	}
	return nil
}

// Statistics are refreshed inside the transaction that wrote many rows, and
// left alone after a write too small to matter.
func TestAnalyzeAfterBulkWrite(t *testing.T) {
	d := dbtest.OpenEmpty(t, db.Postgres)
	ctx := context.Background()
	if err := d.Gorm.Exec("CREATE TABLE nums (n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	reltuples := func(tx *gorm.DB) float64 {
		var n float64
		if err := tx.Raw("SELECT reltuples FROM pg_class WHERE oid = 'nums'::regclass").Row().Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	write := func(rows int64) float64 {
		var got float64
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO nums SELECT generate_series(1, ?)", rows).Error; err != nil {
				return err
			}
			if err := db.AnalyzeAfterBulkWrite(ctx, tx, "nums", rows); err != nil {
				return err
			}
			got = reltuples(tx)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := write(20_000); got != 20_000 {
		t.Fatalf("after a bulk write into a table never analyzed: reltuples %v", got)
	}
	if got := write(1_000); got != 20_000 {
		t.Fatalf("a write of 1,000 rows into 20,000 re-analyzed the table: reltuples %v", got)
	}
	if got := write(5_000); got != 26_000 {
		t.Fatalf("a write of 5,000 rows into 21,000: reltuples %v", got)
	}
}

func TestCopyFrom(t *testing.T) {
	eachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Gorm.Exec("CREATE TABLE pairs (a INTEGER NOT NULL, b TEXT NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.SQLite {
			conn, err := d.SQL.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := d.CopyFrom(ctx, conn, "pairs", []string{"a", "b"}, &rows{}); !errors.Is(err, db.ErrNoCopy) {
				t.Fatalf("copy on SQLite: %v", err)
			}
			return
		}
		src := &rows{values: [][]any{{int64(1), "one"}, {int64(2), "two"}, {int64(3), "three"}}}
		err := d.TxOnConn(ctx, func(tx *gorm.DB, conn *sql.Conn) error {
			n, err := d.CopyFrom(ctx, conn, "pairs", []string{"a", "b"}, src)
			if err != nil || n != 3 {
				t.Errorf("copied %d: %v", n, err)
			}
			var seen int64
			return tx.Raw("SELECT COUNT(*) FROM pairs").Row().Scan(&seen)
		})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		d.Gorm.Raw("SELECT SUM(a) FROM pairs").Scan(&sum)
		if sum != 6 {
			t.Fatalf("sum %d after commit", sum)
		}
	})
}

// rows is a CopySource over a slice.
type rows struct {
	values [][]any
	i      int
}

func (r *rows) Next() bool {
	r.i++
	return r.i <= len(r.values)
}

func (r *rows) Values() ([]any, error) { return r.values[r.i-1], nil }

func (r *rows) Err() error { return nil }
