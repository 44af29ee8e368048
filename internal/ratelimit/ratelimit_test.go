package ratelimit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/ratelimit"
)

var key = []byte(strings.Repeat("k", 32))

// limiter is a limiter of p on d whose background flushes never come
// during a test (the test flushes), closed at the end.
func limiter(t *testing.T, d *db.DB, p ratelimit.Policy) *ratelimit.Limiter {
	t.Helper()
	p.FlushEvery = time.Hour
	l, err := ratelimit.New(d.Gorm, key, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close(context.Background()) })
	return l
}

func flush(t *testing.T, ls ...*ratelimit.Limiter) {
	t.Helper()
	for _, l := range ls {
		if err := l.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPerClientWindow: each client network has its own count in a fixed
// window; past it the answer says when the window ends; the next window
// starts from zero; ended windows are purged, and nothing stored names an
// address.
func TestPerClientWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a := limiter(t, d, ratelimit.Policy{Name: "test", Window: time.Minute, PerClient: 2, Global: 1000})
		now := time.Date(2026, 12, 1, 10, 0, 20, 0, time.UTC)
		a.SetClock(func() time.Time { return now })
		if !a.Allow("192.0.2.7").Allowed {
			t.Fatal("the first was refused")
		}
		flush(t, a)
		if !a.Allow("192.0.2.7").Allowed {
			t.Fatal("the second was refused")
		}
		got := a.Allow("192.0.2.7")
		if got.Allowed || got.RetryAfter != 40*time.Second {
			t.Fatalf("third from one client: %+v, want refused for 40s", got)
		}
		if !a.Allow("198.51.100.1").Allowed {
			t.Fatal("another client was refused")
		}
		// Addresses of one IPv6 /64 are one client.
		a.Allow("2001:db8::1")
		a.Allow("2001:db8::2")
		if a.Allow("2001:db8::ffff").Allowed {
			t.Fatal("a third address of one /64 was allowed")
		}
		flush(t, a)
		now = now.Add(time.Minute)
		if !a.Allow("192.0.2.7").Allowed {
			t.Fatal("refused in the next window")
		}
		flush(t, a)
		var buckets []string
		d.Gorm.Raw("SELECT bucket FROM rate_windows").Scan(&buckets)
		if len(buckets) == 0 {
			t.Fatal("nothing written")
		}
		for _, bk := range buckets {
			if strings.Contains(bk, "192.0.2") || strings.Contains(bk, "2001:db8") {
				t.Fatalf("a bucket names an address: %s", bk)
			}
		}
		now = now.Add(2 * time.Minute)
		a.Allow("192.0.2.8") // counted in the current window, written by Purge
		if err := a.Purge(context.Background()); err != nil {
			t.Fatal(err)
		}
		var left []int64
		d.Gorm.Raw("SELECT window_start FROM rate_windows").Scan(&left)
		current := now.Truncate(time.Minute).Unix()
		if len(left) != 2 || left[0] != current || left[1] != current {
			t.Fatalf("rows left after the purge: windows %v, want two of the current window %d", left, current)
		}
	})
}

// TestCapAcrossInstances: two limiters on one database (two processes)
// taking turns. Each decides from what the database told it at its last
// flush: flushed after every request, the per-client and the total caps
// are exceeded by at most the one request the other admitted since; with
// no flush between, each stops at the cap on its own, so together they
// admit at most twice it. Once both have flushed, both refuse. Every
// request is written.
func TestCapAcrossInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, tc := range []struct {
			name     string
			policy   ratelimit.Policy
			client   func(i int) string
			flushing bool
			min, max int
		}{
			{"per client, flushed", ratelimit.Policy{Name: "pc1", Window: time.Hour, PerClient: 5, Global: 1000},
				func(int) string { return "192.0.2.9" }, true, 5, 6},
			{"total, flushed", ratelimit.Policy{Name: "g1", Window: time.Hour, PerClient: 1000, Global: 7},
				func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }, true, 7, 8},
			{"per client, not flushed", ratelimit.Policy{Name: "pc2", Window: time.Hour, PerClient: 5, Global: 1000},
				func(int) string { return "192.0.2.9" }, false, 5, 10},
			{"total, not flushed", ratelimit.Policy{Name: "g2", Window: time.Hour, PerClient: 1000, Global: 7},
				func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }, false, 7, 14},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a, b := limiter(t, d, tc.policy), limiter(t, d, tc.policy)
				allowed := 0
				for i := 0; i < 30; i++ {
					l := a
					if i%2 == 1 {
						l = b
					}
					if l.Allow(tc.client(i)).Allowed {
						allowed++
					}
					if tc.flushing {
						flush(t, l)
					}
				}
				if allowed < tc.min || allowed > tc.max {
					t.Fatalf("%d of 30 allowed, want %d to %d", allowed, tc.min, tc.max)
				}
				flush(t, a, b)
				if a.Allow(tc.client(0)).Allowed || b.Allow(tc.client(1)).Allowed {
					t.Fatal("allowed after both flushed past the cap")
				}
				var hits int64
				d.Gorm.Raw("SELECT COALESCE(SUM(hits), 0) FROM rate_windows WHERE bucket = ?", tc.policy.Name+":g").Scan(&hits)
				if hits != 30 {
					t.Fatalf("the total row holds %d requests, want 30", hits)
				}
			})
		}
	})
}

// TestGlobalLimit: the total holds across clients, exactly within one
// process, and Reset lifts it.
func TestGlobalLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := limiter(t, d, ratelimit.Policy{Name: "g", Window: time.Hour, PerClient: 100, Global: 16})
		allowed := 0
		for i := 0; i < 40; i++ {
			if l.Allow(fmt.Sprintf("203.0.113.%d", i)).Allowed {
				allowed++
			}
			if i%7 == 0 {
				flush(t, l)
			}
		}
		if allowed != 16 {
			t.Fatalf("%d of 40 allowed under a total of 16", allowed)
		}
		if err := l.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !l.Allow("203.0.113.1").Allowed {
			t.Fatal("refused after a reset")
		}
	})
}

// TestBackgroundFlushAndClose: without anyone flushing, the counts reach
// the database within a few intervals, and Close writes the last ones.
func TestBackgroundFlushAndClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, err := ratelimit.New(d.Gorm, key, ratelimit.Policy{Name: "bg", Window: time.Hour, PerClient: 100,
			FlushEvery: 20 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		stored := func() (n int64) {
			d.Gorm.Raw("SELECT COALESCE(SUM(hits), 0) FROM rate_windows WHERE bucket = 'bg:g'").Scan(&n)
			return n
		}
		l.Allow("192.0.2.1")
		l.Allow("192.0.2.2")
		deadline := time.Now().Add(5 * time.Second)
		for stored() != 2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := stored(); got != 2 {
			t.Fatalf("%d requests written by the background flush, want 2", got)
		}
		l.Allow("192.0.2.3")
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := stored(); got != 3 {
			t.Fatalf("%d requests written after Close, want 3", got)
		}
	})
}

// TestFailedFlushKeepsCounts: counts a write could not store are written
// by the next flush, with those counted meanwhile, each once.
func TestFailedFlushKeepsCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := limiter(t, d, ratelimit.Policy{Name: "ff", Window: time.Hour, PerClient: 100})
		for i := 0; i < 5; i++ {
			l.Allow(fmt.Sprintf("192.0.2.%d", i%2))
		}
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.Flush(gone); err == nil {
			t.Fatal("a flush without a database connection succeeded")
		}
		l.Allow("192.0.2.0")
		flush(t, l)
		flush(t, l) // nothing left: writes nothing twice
		var rows []struct {
			Bucket string
			Hits   int
		}
		d.Gorm.Raw("SELECT bucket, hits FROM rate_windows ORDER BY hits").Scan(&rows)
		if len(rows) != 3 || rows[0].Hits != 2 || rows[1].Hits != 4 || rows[2].Hits != 6 || rows[2].Bucket != "ff:g" {
			t.Fatalf("rows %+v, want clients of 2 and 4 requests and a total of 6", rows)
		}
	})
}
