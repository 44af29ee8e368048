package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestTxCopy: on PostgreSQL the rows a Copier writes are part of the
// transaction (seen inside it, gone when it rolls back, kept when it
// commits); SQLite gets no Copier.
func TestTxCopy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Gorm.Exec("CREATE TABLE copied (id BIGINT, name TEXT)").Error; err != nil {
			t.Fatal(err)
		}
		count := func(tx *gorm.DB) int64 {
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM copied").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		rollback := errors.New("roll back")
		for _, fail := range []bool{true, false} {
			err := d.TxCopy(ctx, func(tx *gorm.DB, copier db.Copier) error {
				if d.Dialect == db.SQLite {
					if copier != nil {
						t.Fatal("a Copier on SQLite")
					}
					return nil
				}
				rows := pgx.CopyFromRows([][]any{{int64(1), "a"}, {int64(2), "b"}})
				if n, err := copier(ctx, "copied", []string{"id", "name"}, rows); err != nil || n != 2 {
					t.Fatalf("copy: %d %v", n, err)
				}
				if n := count(tx); n != 2 {
					t.Fatalf("the transaction sees %d rows", n)
				}
				if fail {
					return rollback
				}
				return nil
			})
			if fail && d.Dialect == db.Postgres && !errors.Is(err, rollback) || !fail && err != nil {
				t.Fatalf("fail=%v: %v", fail, err)
			}
			want := int64(0)
			if !fail && d.Dialect == db.Postgres {
				want = 2
			}
			if n := count(d.Gorm); n != want {
				t.Fatalf("fail=%v: %d rows after the transaction, want %d", fail, n, want)
			}
		}
	})
}
