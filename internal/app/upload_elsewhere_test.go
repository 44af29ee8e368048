package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestUploadImportedByAWorkerElsewhere uploads a roster to one process
// and imports it in another that shares only the PostgreSQL database (each
// has its own data directory, as on two machines): the upload waits in
// the database, the worker reads it from there, and it is removed once
// imported. Nothing is left on the receiving process's disk.
func TestUploadImportedByAWorkerElsewhere(t *testing.T) {
	t.Parallel()
	url := dbtest.CreatePostgres(t)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), db.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	secret := func(c *config.Config) { c.SecretKey = strings.Repeat("e1", 32) }
	serve := apptest.NewWith(t, open(), secret)
	worker := apptest.NewWith(t, open(), secret)
	if serve.App.Cfg.DataDir == worker.App.Cfg.DataDir {
		t.Fatal("the two processes share a data directory")
	}
	po := serve.User("po@acme.example", serve.Org("acme"), auth.RolePrivacyOfficer)
	var b struct{ ID int64 }
	serve.Do("POST", "/api/v1/breaches", po, newBreach).JSON(t, &b)

	// Larger than one stored chunk, so that it is read back in several.
	var csv strings.Builder
	csv.WriteString("name,email,province\n")
	rows := 40_000
	for i := range rows {
		fmt.Fprintf(&csv, "Person %d,person%d@example.org,ON\n", i, i)
	}
	if csv.Len() < 1<<20 {
		t.Fatalf("the file is %d bytes, under one chunk", csv.Len())
	}
	res := uploadRoster(t, serve, po, b.ID, "people.csv", csv.String())
	if res.Status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var queued importView
	res.JSON(t, &queued)
	var chunks int64
	serve.App.DB.Gorm.Raw("SELECT COUNT(*) FROM roster_upload_chunks").Scan(&chunks)
	if chunks < 2 {
		t.Fatalf("%d chunks stored for a file of %d bytes", chunks, csv.Len())
	}
	if left := filesUnder(t, serve.App.Cfg.DataDir); len(left) > 0 {
		t.Fatalf("the upload left files on the receiving process's disk: %v", left)
	}

	startWorkers(t, worker)
	v := waitImport(t, serve, po, queued.ID)
	if v.Status != "done" || v.Accepted != int64(rows) {
		t.Fatalf("import through the other process: %+v", v)
	}
	var uploads int64
	serve.App.DB.Gorm.Raw("SELECT COUNT(*) FROM roster_uploads").Scan(&uploads)
	serve.App.DB.Gorm.Raw("SELECT COUNT(*) FROM roster_upload_chunks").Scan(&chunks)
	if uploads != 0 || chunks != 0 {
		t.Fatalf("after the import: %d uploads and %d chunks still stored", uploads, chunks)
	}
}

// filesUnder lists the regular files under dir.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}
