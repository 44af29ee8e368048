package notice

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// lookupFlushEvery is how often the checks counted in memory are written.
const lookupFlushEvery = time.Second

// lookupShards spreads a campaign's count over a few rows (see migration
// 00802): processes writing together do not queue on one row.
const lookupShards = 8

// lookupRows bounds the rows of one statement (four parameters a row).
const lookupRows = 1000

// lookupTally counts code checks in memory, by campaign, and writes them
// in one statement every lookupFlushEvery: a check costs no write of its
// own, so it never queues behind a campaign's sending writes. Close (at
// shutdown) and LookupCounts write what is pending; a process that dies
// loses at most its last interval's counts.
type lookupTally struct {
	db    *db.DB
	log   *slog.Logger
	every time.Duration

	flushMu sync.Mutex // one write at a time

	mu      sync.Mutex
	pending map[int64]lookupCount
	quit    chan struct{}
	done    chan struct{}
	closed  bool
}

// lookupCount is a campaign's checks not yet written (campaign 0: codes
// that were not genuine).
type lookupCount struct{ genuine, notGenuine int64 }

func newLookupTally(d *db.DB, log *slog.Logger) *lookupTally {
	return &lookupTally{db: d, log: log, every: lookupFlushEvery, pending: map[int64]lookupCount{}}
}

// add counts one check, starting the background writes on the first.
func (t *lookupTally) add(campaignID int64, genuine bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.pending[campaignID]
	if genuine {
		c.genuine++
	} else {
		c.notGenuine++
	}
	t.pending[campaignID] = c
	if t.quit == nil && !t.closed {
		t.quit, t.done = make(chan struct{}), make(chan struct{})
		go t.loop(t.quit, t.done)
	}
}

// loop writes the counts every interval until quit is closed.
func (t *lookupTally) loop(quit, done chan struct{}) {
	defer close(done)
	tk := time.NewTicker(t.every)
	defer tk.Stop()
	for {
		select {
		case <-quit:
			return
		case <-tk.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := t.flush(ctx); err != nil {
				t.log.Warn("code check counts not written; retried at the next flush", slog.String("error", err.Error()))
			}
			cancel()
		}
	}
}

// flush writes the pending counts; on failure they stay pending.
func (t *lookupTally) flush(ctx context.Context) error {
	t.flushMu.Lock()
	defer t.flushMu.Unlock()
	t.mu.Lock()
	batch := t.pending
	t.pending = map[int64]lookupCount{}
	t.mu.Unlock()
	ids := make([]int64, 0, len(batch))
	for id := range batch {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the same row order in every process
	for len(ids) > 0 {
		n := min(len(ids), lookupRows)
		if err := t.write(ctx, ids[:n], batch); err != nil {
			t.restore(ids, batch)
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// write adds the counts of the campaigns ids to one shard's rows.
func (t *lookupTally) write(ctx context.Context, ids []int64, batch map[int64]lookupCount) error {
	shard := rand.IntN(lookupShards) // #nosec G404 -- a shard, not a secret
	var q strings.Builder
	q.WriteString("INSERT INTO verify_lookups (campaign_id, shard, genuine, not_genuine) VALUES ")
	args := make([]any, 0, 4*len(ids))
	for i, id := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
		args = append(args, id, shard, batch[id].genuine, batch[id].notGenuine)
	}
	q.WriteString(` ON CONFLICT (campaign_id, shard) DO UPDATE SET genuine = verify_lookups.genuine + excluded.genuine,
		not_genuine = verify_lookups.not_genuine + excluded.not_genuine`)
	if err := t.db.Gorm.WithContext(ctx).Exec(q.String(), args...).Error; err != nil {
		return fmt.Errorf("count lookups: %w", err)
	}
	return nil
}

// restore puts back the counts of the campaigns ids, not written.
func (t *lookupTally) restore(ids []int64, batch map[int64]lookupCount) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		c := t.pending[id]
		c.genuine += batch[id].genuine
		c.notGenuine += batch[id].notGenuine
		t.pending[id] = c
	}
}

// close stops the background writes and writes what is pending.
func (t *lookupTally) close(ctx context.Context) error {
	t.mu.Lock()
	quit, done := t.quit, t.done
	t.quit, t.closed = nil, true
	t.mu.Unlock()
	if quit != nil {
		close(quit)
		<-done
	}
	return t.flush(ctx)
}

// Close writes the code checks counted and not yet written, and stops
// writing them in the background (at shutdown).
func (s *Service) Close(ctx context.Context) error { return s.lookups.close(ctx) }

// FlushLookups writes the code checks counted and not yet written.
func (s *Service) FlushLookups(ctx context.Context) error { return s.lookups.flush(ctx) }

// LookupCounts are the checks of a campaign's codes: genuine ones, and the
// codes typed anywhere that were not genuine (they name no campaign).
type LookupCounts struct {
	Genuine    int64 `json:"genuine"`
	NotGenuine int64 `json:"not_genuine_all_campaigns"`
}

// LookupCounts returns how often people checked the campaign's codes,
// with this process's checks not yet written; other processes' arrive
// within their flush interval. Anyone who may read the campaign.
func (s *Service) LookupCounts(ctx context.Context, p *auth.Principal, id int64) (LookupCounts, error) {
	if _, err := s.campaign(ctx, s.db.Gorm, p, id, auth.Read); err != nil {
		return LookupCounts{}, err
	}
	if err := s.lookups.flush(ctx); err != nil {
		return LookupCounts{}, err
	}
	var out LookupCounts
	err := s.db.Gorm.WithContext(ctx).Raw(`SELECT
		COALESCE(SUM(CASE WHEN campaign_id = ? THEN genuine ELSE 0 END), 0) AS genuine,
		COALESCE(SUM(CASE WHEN campaign_id = 0 THEN not_genuine ELSE 0 END), 0) AS not_genuine
		FROM verify_lookups WHERE campaign_id IN (?, 0)`, id, id).Scan(&out).Error
	if err != nil {
		return LookupCounts{}, fmt.Errorf("lookup counts: %w", err)
	}
	return out, nil
}
