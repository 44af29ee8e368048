package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := d.Tx(ctx, func(tx *gorm.DB) error {
					return audit.Record(ctx, tx, audit.Actor{UserID: int64(i + 1), Label: "u"}, 5, "breach.create", "breach", "1", map[string]int{"i": i})
				})
				if err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		n, err := audit.Verify(ctx, d.Gorm, 5)
		if err != nil || n != 8 {
			t.Fatalf("verify: n=%d err=%v", n, err)
		}
		// Forge an entry that skips the chain: verification must fail.
		d.Gorm.Exec(`INSERT INTO audit_log (at, actor, organization_id, action, prev_hash, hash) VALUES (CURRENT_TIMESTAMP, 'forger', 5, 'x', 'nope', 'forged')`)
		if _, err := audit.Verify(ctx, d.Gorm, 5); !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("forged entry not detected: %v", err)
		}
	})
}
