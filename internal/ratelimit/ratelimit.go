// Package ratelimit counts requests in fixed windows kept in the database,
// so that every process serving the same database applies one limit: per
// client network and in total. A client is named by a keyed hash of its
// network (never its address), and a window's rows are deleted once it has
// passed, so nothing identifies a visitor beyond the window.
package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Policy is one limited action: at most PerClient requests from one client
// network and Global requests in total in each Window. Zero limits do not
// limit.
type Policy struct {
	Name      string
	Window    time.Duration
	PerClient int
	Global    int
}

// globalShards spreads the total count over a few rows: requests arriving
// together update different rows instead of queueing on one. Each shard
// admits its share of the total, so the total holds to within a shard's
// share.
const globalShards = 8

// Limiter applies a policy.
type Limiter struct {
	db     *gorm.DB
	key    []byte
	policy Policy
	now    func() time.Time

	mu        sync.Mutex
	lastPurge time.Time
}

// New returns a limiter of p on g; key (the installation's secret) keys
// the hashes that name clients.
func New(g *gorm.DB, key []byte, p Policy) (*Limiter, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("ratelimit: the key must be at least 16 bytes")
	}
	if p.Window <= 0 || p.Name == "" {
		return nil, fmt.Errorf("ratelimit: a policy needs a name and a window")
	}
	return &Limiter{db: g, key: key, policy: p, now: time.Now}, nil
}

// SetClock replaces the clock (tests).
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Policy is the limiter's policy.
func (l *Limiter) Policy() Policy { return l.policy }

// Decision is the answer to one request.
type Decision struct {
	Allowed bool
	// RetryAfter is how long until the window that refused ends.
	RetryAfter time.Duration
}

// Allow counts a request from the client address ip and says whether it
// is within the limits. The request is counted even when refused, so a
// client that keeps asking stays refused until the window ends.
func (l *Limiter) Allow(ctx context.Context, ip string) (Decision, error) {
	now := l.now()
	start := now.Truncate(l.policy.Window)
	win := start.Unix()
	client := l.policy.Name + ":c:" + l.clientKey(ip)
	global := l.policy.Name + ":g:" + strconv.Itoa(rand.IntN(globalShards)) // #nosec G404 -- a shard, not a secret
	hits, err := l.count(ctx, win, client, global)
	if err != nil {
		return Decision{}, err
	}
	l.purgeSometimes(ctx, now)
	retry := start.Add(l.policy.Window).Sub(now)
	if l.policy.PerClient > 0 && hits[client] > l.policy.PerClient {
		return Decision{RetryAfter: retry}, nil
	}
	if l.policy.Global > 0 && hits[global] > (l.policy.Global+globalShards-1)/globalShards {
		return Decision{RetryAfter: retry}, nil
	}
	return Decision{Allowed: true}, nil
}

// count adds one to each bucket's row of the window, in one statement
// (upserts in the same order for every request), and returns the counts.
func (l *Limiter) count(ctx context.Context, win int64, buckets ...string) (map[string]int, error) {
	var rows []struct {
		Bucket string
		Hits   int
	}
	q := `INSERT INTO rate_windows (bucket, window_start, hits) VALUES (?, ?, 1), (?, ?, 1)
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING bucket, hits`
	if err := l.db.WithContext(ctx).Raw(q, buckets[0], win, buckets[1], win).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Bucket] = r.Hits
	}
	return out, nil
}

// Reset forgets the counts of the current window (an operator lifting a
// limit, and tests).
func (l *Limiter) Reset(ctx context.Context) error {
	return l.db.WithContext(ctx).Exec("DELETE FROM rate_windows WHERE bucket LIKE ?", l.policy.Name+":%").Error
}

// purgeSometimes deletes the rows of windows that have ended, at most once
// a window per process: a client's hash is kept no longer than its window
// (and one more, until a request comes).
func (l *Limiter) purgeSometimes(ctx context.Context, now time.Time) {
	l.mu.Lock()
	due := now.Sub(l.lastPurge) >= l.policy.Window
	if due {
		l.lastPurge = now
	}
	l.mu.Unlock()
	if !due {
		return
	}
	_ = l.Purge(ctx) // the next purge removes what this one could not
}

// Purge deletes the counts of every window that has ended.
func (l *Limiter) Purge(ctx context.Context) error {
	current := l.now().Truncate(l.policy.Window).Unix()
	return l.db.WithContext(ctx).Exec("DELETE FROM rate_windows WHERE window_start < ? AND bucket LIKE ?",
		current, l.policy.Name+":%").Error
}

// clientKey names the client's network (its IPv4 address, or its IPv6
// /64, where one client holds many addresses) by a keyed hash.
func (l *Limiter) clientKey(ip string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte("ratelimit client\x00" + Network(ip)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Network is the client network an address counts in.
func Network(ip string) string {
	a := net.ParseIP(strings.TrimSpace(ip))
	switch {
	case a == nil:
		return "unknown"
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
