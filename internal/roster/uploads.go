package roster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/breachline/breachline/internal/db"
)

// An uploaded roster waits in the database until a worker has imported it,
// so that a worker on any machine can read it: its bytes are stored in
// chunks (roster_upload_chunks), streamed in as they arrive and out as the
// import reads them, never held whole in memory, and removed once the
// import is done or can never be.

// uploadChunk is the size of one stored chunk: big enough that a 2 GiB
// file is two thousand rows, small enough that a chunk in memory is
// nothing.
const uploadChunk = 1 << 20

// uploadDebrisAge is how old an upload never completed, or never imported,
// must be before PurgeUploads removes it.
const uploadDebrisAge = 24 * time.Hour

// UploadStore keeps uploaded roster files in the database.
type UploadStore struct {
	DB *db.DB
}

// uploadRow is a roster_uploads row.
type uploadRow struct {
	ID        int64 `gorm:"primaryKey"`
	Size      int64
	SHA256    string `gorm:"column:sha256"`
	Complete  bool
	CreatedAt time.Time
}

func (uploadRow) TableName() string { return "roster_uploads" }

// UploadWriter streams one file into the store: Write as it arrives, then
// Close to keep it, or Abort to remove what was written.
type UploadWriter struct {
	store *UploadStore
	ctx   context.Context
	id    int64
	seq   int
	buf   []byte
	sum   hash.Hash
	size  int64
	err   error
}

// Create starts a new upload.
func (s *UploadStore) Create(ctx context.Context) (*UploadWriter, error) {
	row := uploadRow{CreatedAt: time.Now().UTC()}
	if err := s.DB.Gorm.WithContext(ctx).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("store the upload: %w", err)
	}
	return &UploadWriter{store: s, ctx: ctx, id: row.ID, buf: make([]byte, 0, uploadChunk), sum: sha256.New()}, nil
}

// ID is the upload's id.
func (w *UploadWriter) ID() int64 { return w.id }

// Write buffers p, storing each full chunk.
func (w *UploadWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), uploadChunk-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == uploadChunk {
			if err := w.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (w *UploadWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.store.DB.Gorm.WithContext(w.ctx).Exec("INSERT INTO roster_upload_chunks (upload_id, seq, data) VALUES (?, ?, ?)",
		w.id, w.seq, w.buf).Error
	if err != nil {
		w.err = fmt.Errorf("store the upload: %w", err)
		return w.err
	}
	w.sum.Write(w.buf)
	w.size += int64(len(w.buf))
	w.seq++
	w.buf = w.buf[:0]
	return nil
}

// Err is the store's error that stopped a Write, if any (as opposed to an
// error reading what is written).
func (w *UploadWriter) Err() error { return w.err }

// Close stores the last chunk and marks the upload complete; it returns
// the file's size and SHA-256.
func (w *UploadWriter) Close() (int64, string, error) {
	if err := w.flush(); err != nil {
		return 0, "", err
	}
	sum := hex.EncodeToString(w.sum.Sum(nil))
	err := w.store.DB.Gorm.WithContext(w.ctx).Model(&uploadRow{}).Where("id = ?", w.id).
		Updates(map[string]any{"size": w.size, "sha256": sum, "complete": true}).Error
	if err != nil {
		return 0, "", fmt.Errorf("store the upload: %w", err)
	}
	return w.size, sum, nil
}

// Abort removes what was written (even when the request was cancelled).
func (w *UploadWriter) Abort() {
	_ = w.store.Delete(context.WithoutCancel(w.ctx), w.id)
}

// Delete removes an upload and its chunks.
func (s *UploadStore) Delete(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	if err := s.DB.Gorm.WithContext(ctx).Exec("DELETE FROM roster_uploads WHERE id = ?", id).Error; err != nil {
		return fmt.Errorf("remove upload %d: %w", id, err)
	}
	return nil
}

// ErrUploadGone is returned by Open when the upload is no longer stored
// (or was never completed).
var ErrUploadGone = errors.New("the uploaded file is no longer available; upload it again")

// Open returns a reader of a complete upload's bytes, which reads one
// chunk at a time.
func (s *UploadStore) Open(ctx context.Context, id int64) (io.Reader, error) {
	var row uploadRow
	err := s.DB.Gorm.WithContext(ctx).Where("id = ? AND complete", id).Take(&row).Error
	if err != nil {
		if db.Unavailable(err) {
			return nil, fmt.Errorf("upload %d: %w", id, err)
		}
		return nil, ErrUploadGone
	}
	return &uploadReader{ctx: ctx, db: s.DB, id: id, size: row.Size}, nil
}

// uploadReader reads an upload's chunks in order.
type uploadReader struct {
	ctx  context.Context
	db   *db.DB
	id   int64
	seq  int
	buf  []byte
	read int64
	size int64
}

func (r *uploadReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.read >= r.size {
			return 0, io.EOF
		}
		var data []byte
		err := r.db.Gorm.WithContext(r.ctx).Raw("SELECT data FROM roster_upload_chunks WHERE upload_id = ? AND seq = ?", r.id, r.seq).
			Row().Scan(&data)
		if err != nil {
			return 0, fmt.Errorf("read upload %d, chunk %d: %w", r.id, r.seq, err)
		}
		r.buf, r.seq = data, r.seq+1
		if len(data) == 0 {
			return 0, fmt.Errorf("read upload %d: chunk %d is empty", r.id, r.seq-1)
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.read += int64(n)
	return n, nil
}

// PurgeUploads removes the uploads no import will read: those of imports
// done; those never completed, or never queued, for a day (a client or a
// process that went away mid-upload); and those of imports failed for a
// week (whose job gave up retrying). It returns how many it removed.
func (s *UploadStore) PurgeUploads(ctx context.Context, now time.Time) (int64, error) {
	debris := now.Add(-uploadDebrisAge)
	res := s.DB.Gorm.WithContext(ctx).Exec(`DELETE FROM roster_uploads WHERE
		id IN (SELECT upload_id FROM imports WHERE upload_id IS NOT NULL AND (status = ? OR status = ? AND finished_at < ?))
		OR created_at < ? AND (NOT complete OR id NOT IN (SELECT upload_id FROM imports WHERE upload_id IS NOT NULL))`,
		StatusDone, StatusFailed, now.Add(-7*uploadDebrisAge), debris)
	if res.Error != nil {
		return 0, fmt.Errorf("purge uploads: %w", res.Error)
	}
	return res.RowsAffected, nil
}
