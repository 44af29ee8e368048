package roster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/errs"
)

// A file is "already imported" only once an import of it has committed:
// while one is queued or running (perhaps on a worker that died), or after
// one failed, the same file is queued again. Of two imports of one file,
// the first to commit stores it and the other fails as a repeat, storing
// nothing.
func TestQueueRefusesOnlyACommittedFile(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := seedBreach(t, d, "acme")
		raw, err := os.ReadFile(corpus("bad_emails.csv"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		up := Upload{FileName: "bad_emails.csv", SHA256: hex.EncodeToString(sum[:])}
		first, err := Queue(ctx, d.Gorm, nil, b, up)
		if err != nil {
			t.Fatal(err)
		}
		for _, status := range []string{StatusQueued, StatusRunning, StatusFailed, StatusCancelled} {
			if err := d.Gorm.Model(&Import{}).Where("id = ?", first.ID).Update("status", status).Error; err != nil {
				t.Fatal(err)
			}
			if _, err := Queue(ctx, d.Gorm, nil, b, up); err != nil {
				t.Fatalf("the file refused while its first import is %s: %v", status, err)
			}
		}
		var queued []Import
		d.Gorm.Where("breach_id = ? AND status = ?", b, StatusQueued).Order("id").Find(&queued)
		if len(queued) != 4 {
			t.Fatalf("%d imports queued, want 4", len(queued))
		}
		im := newImporter(t, d)
		if _, err := im.Run(ctx, &queued[1], strings.NewReader(string(raw)), RunOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err = im.Run(ctx, &queued[0], strings.NewReader(string(raw)), RunOptions{})
		if !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "already been imported") {
			t.Fatalf("a second import of a committed file: %v", err)
		}
		var later Import
		d.Gorm.Take(&later, queued[0].ID)
		if later.Status != StatusFailed || !strings.Contains(later.Error, "already been imported") {
			t.Fatalf("the later import: %s %q", later.Status, later.Error)
		}
		if n := peopleCount(t, d, b); n != 2 {
			t.Fatalf("%d people: the file must be stored once", n)
		}
		if _, err := Queue(ctx, d.Gorm, nil, b, up); !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "already been imported") {
			t.Fatalf("queueing a committed file: %v", err)
		}
	})
}
