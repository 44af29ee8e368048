package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// While a transaction holds SQLite's writer, reads and read-only
// transactions answer at once; a write whose wait is bounded gives up with
// ErrWriterBusy at its bound; an unbounded one waits and then succeeds.
func TestSQLiteReadsDoNotWaitForTheWriter(t *testing.T) {
	t.Parallel()
	d := dbtest.OpenEmpty(t, db.SQLite)
	ctx := context.Background()
	if err := d.Gorm.Exec("CREATE TABLE nums (n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec("INSERT INTO nums (n) VALUES (1)").Error; err != nil {
		t.Fatal(err)
	}
	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- d.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO nums (n) VALUES (2)").Error; err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	start := time.Now()
	var n int64
	if err := d.Gorm.Raw("SELECT COUNT(*) FROM nums").Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("read beside the writer: %d, %v", n, err)
	}
	err := d.ReadTx(ctx, func(tx *gorm.DB) error { return tx.Raw("SELECT COUNT(*) FROM nums").Scan(&n).Error })
	if err != nil || n != 1 {
		t.Fatalf("read-only transaction beside the writer: %d, %v", n, err)
	}
	if err := d.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Fatalf("reads waited %v for the writer", took)
	}

	bounded := db.WithWriteWait(ctx, 200*time.Millisecond)
	for name, write := range map[string]func() error{
		"exec": func() error { return d.Gorm.WithContext(bounded).Exec("INSERT INTO nums (n) VALUES (3)").Error },
		"returning": func() error {
			return d.Gorm.WithContext(bounded).Raw("INSERT INTO nums (n) VALUES (3) RETURNING n").Scan(&n).Error
		},
		"transaction": func() error {
			return d.Tx(bounded, func(tx *gorm.DB) error { return tx.Exec("INSERT INTO nums (n) VALUES (3)").Error })
		},
	} {
		start := time.Now()
		err := write()
		took := time.Since(start)
		if !errors.Is(err, db.ErrWriterBusy) || !db.Unavailable(err) || took > 400*time.Millisecond {
			t.Errorf("%s with a bounded wait: %v after %v", name, err, took)
		}
	}

	waited := make(chan error)
	go func() { waited <- d.Gorm.Exec("INSERT INTO nums (n) VALUES (4)").Error }()
	time.Sleep(100 * time.Millisecond)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatalf("an unbounded write after the writer was free: %v", err)
	}
	if err := d.Gorm.Raw("SELECT COUNT(*) FROM nums").Scan(&n).Error; err != nil || n != 3 {
		t.Fatalf("rows %d, %v; want 1, 2 and 4", n, err)
	}
	// The writer free, a bounded write takes it.
	if err := d.Gorm.WithContext(bounded).Exec("INSERT INTO nums (n) VALUES (5)").Error; err != nil {
		t.Fatalf("a bounded write with the writer free: %v", err)
	}
}

// A read-only transaction cannot write, on either database.
func TestReadTxCannotWrite(t *testing.T) {
	eachEmpty(t, func(t *testing.T, d *db.DB) {
		if err := d.Gorm.Exec("CREATE TABLE nums (n INTEGER NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		err := d.ReadTx(context.Background(), func(tx *gorm.DB) error { return tx.Exec("INSERT INTO nums (n) VALUES (1)").Error })
		if err == nil {
			t.Fatal("a read-only transaction wrote")
		}
	})
}
