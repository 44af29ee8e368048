// Package ratelimit counts requests in fixed windows kept in the database,
// so that every process serving the same database applies one limit: per
// client network and in total. A client is named by a keyed hash of its
// network (never its address), and a window's rows are deleted once it has
// passed, so nothing identifies a visitor beyond the window.
//
// A request is decided in memory, without waiting for the database: each
// process counts its requests and writes them in one statement every
// flush interval (FlushEvery), learning from that statement's answer what
// every process has counted so far. Within one process a limit is exact.
// Across processes a process does not yet see what the others counted
// since their last flush, so in one window a client (or everyone, for the
// total) can be admitted at most the limit plus what the other processes
// admitted during one flush interval — and never more than the limit times
// the number of processes, since each process on its own stops at the
// limit. Counts not yet written when a process dies are lost (the limit is
// then looser by at most one interval's requests); Close writes them.
package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Policy is one limited action: at most PerClient requests from one client
// network and Global requests in total in each Window. Zero limits do not
// limit. FlushEvery is how often counts are written (DefaultFlushEvery
// when zero): the shorter, the less another process can overshoot.
type Policy struct {
	Name       string
	Window     time.Duration
	PerClient  int
	Global     int
	FlushEvery time.Duration
}

// DefaultFlushEvery is the flush interval of a policy that sets none.
const DefaultFlushEvery = 100 * time.Millisecond

// flushRows bounds the rows of one statement (SQLite allows 32,766
// parameters; three a row).
const flushRows = 1000

// Limiter applies a policy.
type Limiter struct {
	db     *gorm.DB
	key    []byte
	policy Policy
	log    *slog.Logger
	global string

	// flushMu makes flushes, purges and resets one at a time.
	flushMu sync.Mutex

	mu     sync.Mutex
	now    func() time.Time
	win    int64 // the window the counts are of (Unix seconds)
	counts map[string]*tally
	// dirty are the buckets with requests not yet written, so that a
	// flush costs what changed, not every client of the window.
	dirty  []string
	loop   *ticker
	closed bool
	// lastPurge is when the ticker last deleted ended windows.
	lastPurge time.Time
}

// tally is one bucket's count in the current window.
type tally struct {
	// known is the database's count when this process last wrote the
	// bucket: its own requests and every other process's written so far.
	known int
	// pending are this process's requests since, not yet written.
	pending int
}

// New returns a limiter of p on g; key (the installation's secret) keys
// the hashes that name clients; log receives failures to write counts.
func New(g *gorm.DB, key []byte, p Policy, log *slog.Logger) (*Limiter, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("ratelimit: the key must be at least 16 bytes")
	}
	if p.Window <= 0 || p.Name == "" {
		return nil, fmt.Errorf("ratelimit: a policy needs a name and a window")
	}
	if p.FlushEvery <= 0 {
		p.FlushEvery = DefaultFlushEvery
	}
	if log == nil {
		log = slog.Default()
	}
	return &Limiter{db: g, key: key, policy: p, log: log, global: p.Name + ":g", now: time.Now,
		counts: map[string]*tally{}}, nil
}

// SetClock replaces the clock (tests).
func (l *Limiter) SetClock(now func() time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = now
}

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
// client that keeps asking stays refused until the window ends. It never
// waits for the database.
func (l *Limiter) Allow(ip string) Decision {
	client := l.policy.Name + ":c:" + l.clientKey(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	start := now.Truncate(l.policy.Window)
	l.turn(start.Unix())
	if l.loop == nil && !l.closed {
		l.loop = startTicker(l.policy.FlushEvery, l.tick)
	}
	c, g := l.add(client), l.add(l.global)
	retry := start.Add(l.policy.Window).Sub(now)
	if l.policy.PerClient > 0 && c > l.policy.PerClient {
		return Decision{RetryAfter: retry}
	}
	if l.policy.Global > 0 && g > l.policy.Global {
		return Decision{RetryAfter: retry}
	}
	return Decision{Allowed: true}
}

// turn starts window win, forgetting the counts of the one that ended
// (they decide nothing any more, and are not written). l.mu is held.
func (l *Limiter) turn(win int64) {
	if win != l.win {
		l.win, l.counts, l.dirty = win, map[string]*tally{}, nil
	}
}

// add counts one request in bucket and returns the bucket's count as this
// process knows it. l.mu is held.
func (l *Limiter) add(bucket string) int {
	t := l.counts[bucket]
	if t == nil {
		t = &tally{}
		l.counts[bucket] = t
	}
	if t.pending == 0 {
		l.dirty = append(l.dirty, bucket)
	}
	t.pending++
	return t.known + t.pending
}

// Flush writes the counts not yet written, in one statement per thousand
// buckets, and takes each bucket's total from the answer.
func (l *Limiter) Flush(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	return l.flush(ctx)
}

func (l *Limiter) flush(ctx context.Context) error {
	l.mu.Lock()
	l.turn(l.now().Truncate(l.policy.Window).Unix())
	win := l.win
	batch := make([]written, 0, len(l.dirty))
	for _, b := range l.dirty {
		if t := l.counts[b]; t != nil && t.pending > 0 {
			batch = append(batch, written{b, t.pending})
		}
	}
	l.dirty = nil
	l.mu.Unlock()
	for len(batch) > 0 {
		n := min(len(batch), flushRows)
		totals, err := l.write(ctx, win, batch[:n])
		if err != nil {
			l.learn(win, batch, nil) // all still pending, written next time
			return err
		}
		l.learn(win, batch[:n], totals)
		batch = batch[n:]
	}
	return nil
}

// written is a bucket's requests in one flush.
type written struct {
	bucket string
	n      int
}

// write adds each bucket's requests to its row of the window and returns
// the rows' totals. Rows are written in the order of their buckets, the
// same in every process, so two flushes never deadlock.
func (l *Limiter) write(ctx context.Context, win int64, batch []written) (map[string]int, error) {
	sortWritten(batch)
	var q strings.Builder
	q.WriteString("INSERT INTO rate_windows (bucket, window_start, hits) VALUES ")
	args := make([]any, 0, 3*len(batch))
	for i, w := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, w.bucket, win, w.n)
	}
	q.WriteString(" ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + excluded.hits RETURNING bucket, hits")
	var rows []struct {
		Bucket string
		Hits   int
	}
	if err := l.db.WithContext(ctx).Raw(q.String(), args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Bucket] = r.Hits
	}
	return out, nil
}

// learn records what a write of window win stored: those requests are no
// longer pending, and each bucket's total is what the database answered.
// Requests counted during the write, and those not stored, stay pending
// and are written by the next flush.
func (l *Limiter) learn(win int64, batch []written, totals map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.win != win {
		return // the window ended meanwhile
	}
	for _, w := range batch {
		t, ok := l.counts[w.bucket]
		if !ok {
			continue // reset meanwhile
		}
		if total, stored := totals[w.bucket]; stored {
			t.pending -= w.n
			t.known = total
		}
		if t.pending > 0 {
			l.dirty = append(l.dirty, w.bucket)
		}
	}
}

// tick is the background work of one flush interval: write the counts,
// and once a window delete the rows of windows that have ended (a
// client's hash is kept no longer than its window, and one more).
func (l *Limiter) tick(ctx context.Context) {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	if err := l.flush(ctx); err != nil {
		l.log.Warn("rate limit counts not written; retried at the next flush", slog.String("policy", l.policy.Name),
			slog.String("error", err.Error()))
	}
	l.mu.Lock()
	now := l.now()
	due := now.Sub(l.lastPurge) >= l.policy.Window
	if due {
		l.lastPurge = now
	}
	l.mu.Unlock()
	if due {
		_ = l.purge(ctx) // the next purge removes what this one could not
	}
}

// Close stops the background flushes and writes the counts not yet
// written; the limiter still decides afterwards, but writes nothing more
// unless flushed.
func (l *Limiter) Close(ctx context.Context) error {
	l.mu.Lock()
	loop := l.loop
	l.loop, l.closed = nil, true
	l.mu.Unlock()
	loop.stop()
	return l.Flush(ctx)
}

// Reset forgets the counts of the current window (an operator lifting a
// limit, and tests). Other processes learn it at their next flush.
func (l *Limiter) Reset(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	l.counts, l.dirty = map[string]*tally{}, nil
	l.mu.Unlock()
	return l.db.WithContext(ctx).Exec("DELETE FROM rate_windows WHERE bucket LIKE ?", l.policy.Name+":%").Error
}

// Purge writes the pending counts, then deletes the counts of every window
// that has ended.
func (l *Limiter) Purge(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	if err := l.flush(ctx); err != nil {
		return err
	}
	return l.purge(ctx)
}

func (l *Limiter) purge(ctx context.Context) error {
	l.mu.Lock()
	current := l.now().Truncate(l.policy.Window).Unix()
	l.mu.Unlock()
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

// sortWritten orders a batch by bucket.
func sortWritten(b []written) {
	slices.SortFunc(b, func(x, y written) int { return strings.Compare(x.bucket, y.bucket) })
}
