package notice

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestLookupTallyCounts: checks counted in memory by two processes reach
// the database without anyone asking, within a few flush intervals, and
// Close writes the last ones: every check is counted once, genuine ones by
// campaign, the others together.
func TestLookupTallyCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		stored := func() (counts map[int64]lookupCount) {
			var rows []struct {
				CampaignID, Genuine, NotGenuine int64
			}
			d.Gorm.Raw("SELECT campaign_id, SUM(genuine) AS genuine, SUM(not_genuine) AS not_genuine FROM verify_lookups GROUP BY campaign_id").Scan(&rows)
			counts = map[int64]lookupCount{}
			for _, r := range rows {
				counts[r.CampaignID] = lookupCount{r.Genuine, r.NotGenuine}
			}
			return counts
		}
		a, b := newLookupTally(d, slog.Default()), newLookupTally(d, slog.Default())
		a.every, b.every = 20*time.Millisecond, 20*time.Millisecond
		var wg sync.WaitGroup
		for _, tl := range []*lookupTally{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 300; i++ {
					tl.add(7, true)
					if i%3 == 0 {
						tl.add(0, false)
					}
					if i%10 == 0 {
						tl.add(9, true)
					}
				}
			}()
		}
		wg.Wait()
		want := map[int64]lookupCount{7: {600, 0}, 0: {0, 200}, 9: {60, 0}}
		deadline := time.Now().Add(5 * time.Second)
		for !sameCounts(stored(), want) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := stored(); !sameCounts(got, want) {
			t.Fatalf("written in the background: %v, want %v", got, want)
		}
		a.add(7, true)
		b.add(0, false)
		for _, tl := range []*lookupTally{a, b} {
			if err := tl.close(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		want[7], want[0] = lookupCount{601, 0}, lookupCount{0, 201}
		if got := stored(); !sameCounts(got, want) {
			t.Fatalf("after Close: %v, want %v", got, want)
		}
	})
}

func sameCounts(a, b map[int64]lookupCount) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
