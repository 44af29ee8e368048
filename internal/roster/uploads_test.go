package roster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// An upload is stored in chunks as it is written, in pieces of any size,
// and read back whole, one chunk at a time; its size and SHA-256 are those
// of the bytes written.
func TestUploadStoreRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &UploadStore{DB: d}
		for _, size := range []int{1, uploadChunk - 1, uploadChunk, 2*uploadChunk + 12345} {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(i*7 + i/uploadChunk)
			}
			w, err := s.Create(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Written in uneven pieces, as a request body arrives.
			if _, err := io.Copy(w, iotest.OneByteReader(bytes.NewReader(data[:min(size, 1000)]))); err != nil {
				t.Fatal(err)
			}
			if size > 1000 {
				if _, err := w.Write(data[1000:]); err != nil {
					t.Fatal(err)
				}
			}
			n, sum, err := w.Close()
			want := sha256.Sum256(data)
			if err != nil || n != int64(size) || sum != hex.EncodeToString(want[:]) {
				t.Fatalf("%d bytes: stored %d, %s, %v", size, n, sum, err)
			}
			r, err := s.Open(ctx, w.ID())
			if err != nil {
				t.Fatal(err)
			}
			if err := iotest.TestReader(r, data); err != nil {
				t.Fatalf("%d bytes read back: %v", size, err)
			}
			var chunks int64
			d.Gorm.Raw("SELECT COUNT(*) FROM roster_upload_chunks WHERE upload_id = ?", w.ID()).Scan(&chunks)
			if chunks != int64((size+uploadChunk-1)/uploadChunk) {
				t.Fatalf("%d bytes in %d chunks", size, chunks)
			}
		}
	})
}

// An aborted upload, and one never completed, cannot be opened; an
// aborted one is gone at once.
func TestUploadStoreAbort(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &UploadStore{DB: d}
		w, _ := s.Create(ctx)
		w.Write(make([]byte, uploadChunk+1))
		if _, err := s.Open(ctx, w.ID()); !errors.Is(err, ErrUploadGone) {
			t.Fatalf("an upload not yet complete opened: %v", err)
		}
		w.Abort()
		var n int64
		d.Gorm.Raw("SELECT COUNT(*) FROM roster_upload_chunks").Scan(&n)
		if n != 0 {
			t.Fatalf("%d chunks left after an abort", n)
		}
	})
}

// PurgeUploads removes the uploads of done imports and the day-old debris,
// and keeps those a queued, running or recently failed import will read.
func TestPurgeUploads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &UploadStore{DB: d}
		b := seedBreach(t, d, "acme")
		now := time.Now().UTC()
		upload := func(complete bool, age time.Duration) int64 {
			w, err := s.Create(ctx)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("name\nA\n"))
			if complete {
				if _, _, err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			d.Gorm.Exec("UPDATE roster_uploads SET created_at = ? WHERE id = ?", now.Add(-age), w.ID())
			return w.ID()
		}
		withImport := func(id int64, status string, finished time.Duration) {
			imp := Import{BreachID: b, FileName: "f.csv", Status: status, UploadID: &id, CreatedAt: now}
			if status == StatusFailed {
				at := now.Add(-finished)
				imp.FinishedAt = &at
			}
			if err := d.Gorm.Create(&imp).Error; err != nil {
				t.Fatal(err)
			}
		}
		keep := map[int64]string{}
		gone := map[int64]string{}
		id := upload(true, time.Minute)
		withImport(id, StatusDone, 0)
		gone[id] = "of a done import"
		id = upload(true, 48*time.Hour)
		withImport(id, StatusQueued, 0)
		keep[id] = "of a queued import, two days old"
		id = upload(true, 48*time.Hour)
		withImport(id, StatusFailed, time.Hour)
		keep[id] = "of an import failed an hour ago"
		id = upload(true, 10*24*time.Hour)
		withImport(id, StatusFailed, 8*24*time.Hour)
		gone[id] = "of an import failed eight days ago"
		keep[upload(false, time.Minute)] = "being uploaded"
		gone[upload(false, 48*time.Hour)] = "never completed, two days old"
		keep[upload(true, time.Minute)] = "just received, not yet queued"
		gone[upload(true, 48*time.Hour)] = "never queued, two days old"

		n, err := s.PurgeUploads(ctx, now)
		if err != nil || n != int64(len(gone)) {
			t.Errorf("purged %d, %v; want %d", n, err, len(gone))
		}
		for id, what := range keep {
			var c int64
			d.Gorm.Raw("SELECT COUNT(*) FROM roster_uploads WHERE id = ?", id).Scan(&c)
			if c != 1 {
				t.Errorf("the upload %s was removed", what)
			}
		}
		for id, what := range gone {
			var c int64
			d.Gorm.Raw("SELECT COUNT(*) FROM roster_upload_chunks WHERE upload_id = ?", id).Scan(&c)
			if c != 0 {
				t.Errorf("the upload %s was kept", what)
			}
		}
	})
}
