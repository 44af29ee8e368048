package notice

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/db"
)

// budgetRow is the shared sending budget of one relay.
type budgetRow struct {
	Relay       string `gorm:"primaryKey"`
	SecondStart time.Time
	SecondCount int
	HourStart   time.Time
	HourCount   int
}

func (budgetRow) TableName() string { return "send_budget" }

// grantTicket is budget taken: how much, and the windows it counts in;
// before is what the second had granted before it.
type grantTicket struct {
	n            int
	before       int
	second, hour time.Time
}

// take reserves up to want messages of the relay's budget for the current
// second and hour, across every worker of every process (the row is locked
// while it is read and written). It returns what it granted and, when
// nothing, how long until the budget opens again.
func (s *Service) take(ctx context.Context, want int) (grantTicket, time.Duration, error) {
	if s.opts.PerSecond <= 0 && s.opts.PerHour <= 0 {
		return grantTicket{n: want}, 0, nil
	}
	now := s.now()
	var g grantTicket
	var wait time.Duration
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		row, err := s.budgetRow(ctx, tx, now)
		if err != nil {
			return err
		}
		g.n, wait = s.grant(&row, now, want)
		g.before = row.SecondCount - g.n
		g.second, g.hour = row.SecondStart, row.HourStart
		return tx.Model(&budgetRow{}).Where("relay = ?", row.Relay).Updates(map[string]any{
			"second_start": row.SecondStart, "second_count": row.SecondCount,
			"hour_start": row.HourStart, "hour_count": row.HourCount}).Error
	})
	if err != nil {
		return grantTicket{}, 0, fmt.Errorf("sending budget: %w", err)
	}
	return g, wait, nil
}

// paceDelay is how long to wait before sending a grant so that a second's
// budget goes out evenly over the second, in the order it was granted,
// rather than in one burst at its start: a burst of hundreds of messages
// takes the processor from everything else on the machine for a moment
// every second (the public pages' answers wait behind it).
func (s *Service) paceDelay(g grantTicket, now time.Time) time.Duration {
	if s.opts.PerSecond <= 0 || g.n == 0 {
		return 0
	}
	return g.second.Add(time.Duration(g.before) * time.Second / time.Duration(s.opts.PerSecond)).Sub(now)
}

// giveBack returns n of a grant not used (fewer deliveries were due) to
// the windows it was taken from, if they are still the current ones: a
// return never adds to a later window's budget.
func (s *Service) giveBack(ctx context.Context, g grantTicket, n int) error {
	if n <= 0 || (s.opts.PerSecond <= 0 && s.opts.PerHour <= 0) {
		return nil
	}
	q := s.db.Gorm.WithContext(ctx).Model(&budgetRow{}).Where("relay = ?", s.opts.Relay)
	if err := q.Where("second_start = ?", g.second).Update("second_count",
		gorm.Expr("CASE WHEN second_count >= ? THEN second_count - ? ELSE 0 END", n, n)).Error; err != nil {
		return err
	}
	return s.db.Gorm.WithContext(ctx).Model(&budgetRow{}).Where("relay = ? AND hour_start = ?", s.opts.Relay, g.hour).
		Update("hour_count", gorm.Expr("CASE WHEN hour_count >= ? THEN hour_count - ? ELSE 0 END", n, n)).Error
}

// budgetRow reads the relay's row for update, creating it on first use.
func (s *Service) budgetRow(ctx context.Context, tx *gorm.DB, now time.Time) (budgetRow, error) {
	init := budgetRow{Relay: s.opts.Relay, SecondStart: now.Truncate(time.Second), HourStart: now.Truncate(time.Hour)}
	if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&init).Error; err != nil {
		return budgetRow{}, err
	}
	q := tx.WithContext(ctx)
	if s.db.Dialect == db.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row budgetRow
	err := q.Where("relay = ?", s.opts.Relay).Take(&row).Error
	return row, err
}

// grant rolls the windows forward to now and grants what both allow.
func (s *Service) grant(row *budgetRow, now time.Time, want int) (int, time.Duration) {
	if sec := now.Truncate(time.Second); row.SecondStart.Before(sec) {
		row.SecondStart, row.SecondCount = sec, 0
	}
	if hour := now.Truncate(time.Hour); row.HourStart.Before(hour) {
		row.HourStart, row.HourCount = hour, 0
	}
	n := want
	var wait time.Duration
	if s.opts.PerSecond > 0 {
		if left := s.opts.PerSecond - row.SecondCount; left < n {
			n = max(left, 0)
			wait = row.SecondStart.Add(time.Second).Sub(now)
		}
	}
	if s.opts.PerHour > 0 {
		if left := s.opts.PerHour - row.HourCount; left < n {
			n = max(left, 0)
			wait = max(wait, row.HourStart.Add(time.Hour).Sub(now))
		}
	}
	row.SecondCount += n
	row.HourCount += n
	return n, wait
}
