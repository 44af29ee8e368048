package auth

import (
	"context"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/errs"
)

// ThrottlePolicy paces sign-in attempts, per account (its address, whether
// or not an account has it) and per client network. The counts live in the
// database, so every process sharing it applies the same limits. An
// attempt is counted before the password is checked, so that attempts made
// at the same moment are held back as surely as attempts made one by one.
type ThrottlePolicy struct {
	// AccountFree attempts on one address, and ClientFree from one client
	// network, are made without waiting; each further attempt waits Base,
	// doubling, at most Max.
	AccountFree, ClientFree int
	Base, Max               time.Duration
	// LockAfter failed attempts lock the account until the link e-mailed to
	// it is used, or LockFor has passed.
	LockAfter int
	LockFor   time.Duration
	// Forget: a count not added to for this long starts again from zero.
	Forget time.Duration
}

// DefaultThrottle: five attempts per address and twenty per client
// network without waiting, then 1 s, 2 s, 4 s… (at most 15 minutes); ten
// failures lock the account for an hour or until its owner unlocks it.
var DefaultThrottle = ThrottlePolicy{AccountFree: 5, ClientFree: 20, Base: time.Second, Max: 15 * time.Minute,
	LockAfter: 10, LockFor: time.Hour, Forget: 24 * time.Hour}

func (p ThrottlePolicy) withDefaults() ThrottlePolicy {
	d := DefaultThrottle
	if p.AccountFree > 0 {
		d.AccountFree = p.AccountFree
	}
	if p.ClientFree > 0 {
		d.ClientFree = p.ClientFree
	}
	if p.Base > 0 {
		d.Base = p.Base
	}
	if p.Max > 0 {
		d.Max = p.Max
	}
	if p.LockAfter > 0 {
		d.LockAfter = p.LockAfter
	}
	if p.LockFor > 0 {
		d.LockFor = p.LockFor
	}
	if p.Forget > 0 {
		d.Forget = p.Forget
	}
	return d
}

// wait is how long to hold the next attempt after the n-th one.
func (p ThrottlePolicy) wait(n, free int) time.Duration {
	if n < free {
		return 0
	}
	shift := n - free
	if shift > 30 {
		return p.Max
	}
	return min(p.Base*time.Duration(1<<shift), p.Max)
}

// throttleRow is one bucket of attempts.
type throttleRow struct {
	Bucket        string `gorm:"primaryKey"`
	Attempts      int
	LastAttemptAt time.Time
	BlockedUntil  *time.Time
	LockedAt      *time.Time
}

// TableName is the throttle table.
func (throttleRow) TableName() string { return "signin_throttle" }

// bucket is a key of attempts and how many are free.
type bucket struct {
	key     string
	free    int
	account bool
}

// accountBucket keys an address's attempts by its hash: the table holds
// no address that has no account.
func accountBucket(email string) string {
	return "account:" + sha(strings.ToLower(strings.TrimSpace(email)))
}

// clientNetwork is the client's address, or its /64 for IPv6 (where one
// client holds many addresses).
func clientNetwork(ip string) string {
	a := net.ParseIP(strings.TrimSpace(ip))
	switch {
	case a == nil:
		return "unknown"
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func (s *Service) buckets(email, ip string) []bucket {
	t := s.opts.Throttle
	return []bucket{{key: accountBucket(email), free: t.AccountFree, account: true}, {key: "client:" + clientNetwork(ip), free: t.ClientFree}}
}

// errThrottled is the answer while a bucket waits.
func errThrottled(wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &errs.TooMany{Message: fmt.Sprintf("too many sign-in attempts; try again in %d seconds", secs), RetryAfter: time.Duration(secs) * time.Second}
}

// reserve counts an attempt in every bucket, or refuses it (errs.TooMany)
// when a bucket is waiting. The rows are locked in the same order by every
// attempt, so concurrent attempts queue instead of deadlocking.
func (s *Service) reserve(ctx context.Context, bs []bucket) error {
	t := s.opts.Throttle
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		rows := make([]throttleRow, len(bs))
		for i, b := range bs {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&throttleRow{Bucket: b.key, LastAttemptAt: now}).Error; err != nil {
				return fmt.Errorf("throttle: %w", err)
			}
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("bucket = ?", b.key).Take(&rows[i]).Error; err != nil {
				return fmt.Errorf("throttle: %w", err)
			}
			r := &rows[i]
			if r.BlockedUntil != nil && now.Before(*r.BlockedUntil) {
				return errThrottled(r.BlockedUntil.Sub(now))
			}
			if r.LockedAt != nil {
				r.LockedAt = nil // the lock is over; the count goes on
			}
			if now.Sub(r.LastAttemptAt) >= t.Forget {
				r.Attempts = 0
			}
		}
		for i, b := range bs {
			r := &rows[i]
			r.Attempts++
			r.LastAttemptAt, r.BlockedUntil = now, nil
			if w := t.wait(r.Attempts, b.free); w > 0 {
				until := now.Add(w)
				r.BlockedUntil = &until
			}
			err := tx.Model(&throttleRow{}).Where("bucket = ?", b.key).Updates(map[string]any{
				"attempts": r.Attempts, "last_attempt_at": now, "blocked_until": r.BlockedUntil, "locked_at": r.LockedAt}).Error
			if err != nil {
				return fmt.Errorf("throttle: %w", err)
			}
		}
		return nil
	})
}

// failed records that an attempt on the address failed and reports
// whether this failure locked the account (exactly one failure does, even
// when several fail at once).
func (s *Service) failed(ctx context.Context, email string) (bool, error) {
	t := s.opts.Throttle
	now := s.now()
	res := s.db.WithContext(ctx).Model(&throttleRow{}).
		Where("bucket = ? AND attempts >= ? AND locked_at IS NULL", accountBucket(email), t.LockAfter).
		Updates(map[string]any{"locked_at": now, "blocked_until": now.Add(t.LockFor)})
	if res.Error != nil {
		return false, fmt.Errorf("throttle: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// succeeded forgets the address's attempts, and takes back the client's
// count for this attempt (a client's failures are not forgiven by its
// successes, but a success is not held against it).
func (s *Service) succeeded(ctx context.Context, email, ip string) error {
	db := s.db.WithContext(ctx)
	if err := db.Where("bucket = ?", accountBucket(email)).Delete(&throttleRow{}).Error; err != nil {
		return fmt.Errorf("throttle: %w", err)
	}
	client := "client:" + clientNetwork(ip)
	if err := db.Model(&throttleRow{}).Where("bucket = ? AND attempts > 0", client).
		Update("attempts", gorm.Expr("attempts - 1")).Error; err != nil {
		return fmt.Errorf("throttle: %w", err)
	}
	return db.Model(&throttleRow{}).Where("bucket = ? AND attempts < ?", client, s.opts.Throttle.ClientFree).
		Update("blocked_until", nil).Error
}

// unlockAccount forgets the address's attempts and lock.
func (s *Service) unlockAccount(tx *gorm.DB, email string) error {
	return tx.Where("bucket = ?", accountBucket(email)).Delete(&throttleRow{}).Error
}
