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

func allow(t *testing.T, l *ratelimit.Limiter, ip string) ratelimit.Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), ip)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPerClientWindow: each client network has its own count in a fixed
// window; past it the answer says when the window ends; the next window
// starts from zero; two limiters on one database (two processes) share the
// counts; ended windows are purged, and nothing stored names an address.
func TestPerClientWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := ratelimit.Policy{Name: "test", Window: time.Minute, PerClient: 2, Global: 1000}
		a, err := ratelimit.New(d.Gorm, key, p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := ratelimit.New(d.Gorm, key, p)
		now := time.Date(2026, 12, 1, 10, 0, 20, 0, time.UTC)
		clock := func() time.Time { return now }
		a.SetClock(clock)
		b.SetClock(clock)
		if !allow(t, a, "192.0.2.7").Allowed || !allow(t, b, "192.0.2.7").Allowed {
			t.Fatal("the first two were refused")
		}
		got := allow(t, a, "192.0.2.7")
		if got.Allowed || got.RetryAfter != 40*time.Second {
			t.Fatalf("third from one client: %+v, want refused for 40s", got)
		}
		if !allow(t, b, "198.51.100.1").Allowed {
			t.Fatal("another client was refused")
		}
		// Addresses of one IPv6 /64 are one client.
		allow(t, a, "2001:db8::1")
		allow(t, a, "2001:db8::2")
		if allow(t, a, "2001:db8::ffff").Allowed {
			t.Fatal("a third address of one /64 was allowed")
		}
		now = now.Add(time.Minute)
		if !allow(t, a, "192.0.2.7").Allowed {
			t.Fatal("refused in the next window")
		}
		var buckets []string
		d.Gorm.Raw("SELECT bucket FROM rate_windows").Scan(&buckets)
		for _, bk := range buckets {
			if strings.Contains(bk, "192.0.2") || strings.Contains(bk, "2001:db8") {
				t.Fatalf("a bucket names an address: %s", bk)
			}
		}
		now = now.Add(2 * time.Minute)
		if err := a.Purge(context.Background()); err != nil {
			t.Fatal(err)
		}
		var left int64
		d.Gorm.Raw("SELECT count(*) FROM rate_windows").Scan(&left)
		if left != 0 {
			t.Fatalf("%d rows of ended windows kept", left)
		}
	})
}

// TestGlobalLimit: the total holds across clients, to within a shard's
// share, and Reset lifts it.
func TestGlobalLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, err := ratelimit.New(d.Gorm, key, ratelimit.Policy{Name: "g", Window: time.Hour, PerClient: 100, Global: 16})
		if err != nil {
			t.Fatal(err)
		}
		allowed := 0
		for i := 0; i < 40; i++ {
			if allow(t, l, fmt.Sprintf("203.0.113.%d", i)).Allowed {
				allowed++
			}
		}
		if allowed > 16 || allowed < 8 {
			t.Fatalf("%d of 40 allowed under a total of 16", allowed)
		}
		if err := l.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !allow(t, l, "203.0.113.1").Allowed {
			t.Fatal("refused after a reset")
		}
	})
}
