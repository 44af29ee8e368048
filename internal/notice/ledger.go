package notice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/mail"
)

// claimed is a delivery a worker holds while it sends it.
type claimed struct {
	ID        int64
	PersonID  int64
	Language  string
	MessageID string
	Attempts  int
}

// claim takes up to n deliveries of a campaign in a state to be sent,
// marking them sending by worker and counting the attempt: queued ones, or
// retries whose time has come. On PostgreSQL other workers skip the rows
// one holds (FOR UPDATE SKIP LOCKED), so several processes share a
// campaign without sending anything twice; SQLite has one writer.
//
// Only deliveries with an id above after are taken. Each claim is one
// range of the (campaign, status, id) index read in id order from after:
// a worker passes the last id it claimed, so that a claim costs the same
// at the end of a campaign as at its start. (With both states in one
// condition PostgreSQL sorted the whole queue, or walked every delivery
// already sent, for each chunk.)
func (s *Service) claim(ctx context.Context, campaignID int64, worker string, n int, status string, after int64) ([]claimed, error) {
	now := s.now()
	lock := ""
	if s.db.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	due, args := "", []any{Sending, now, worker, now, campaignID, status, after}
	if status == Retry {
		due = " AND next_at <= ?"
		args = append(args, now)
	}
	q := `UPDATE deliveries SET status = ?, claimed_at = ?, claimed_by = ?, attempts = attempts + 1, updated_at = ?
WHERE id IN (SELECT id FROM deliveries WHERE campaign_id = ? AND status = ? AND id > ?` + due + `
             ORDER BY id LIMIT ?` + lock + `)
RETURNING id, person_id, language, message_id, attempts`
	var out []claimed
	if err := s.db.Gorm.WithContext(ctx).Raw(q, append(args, n)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// heartbeat keeps a worker's claims from being taken back while it is still
// sending them.
func (s *Service) heartbeat(ctx context.Context, worker string, ids []int64) error {
	return s.db.Gorm.WithContext(ctx).Model(&Delivery{}).Where("id IN ? AND status = ? AND claimed_by = ?", ids, Sending, worker).
		Update("claimed_at", s.now()).Error
}

// reclaim puts back in the queue the deliveries of a campaign whose worker
// has not reported within the lease (it died): they will be sent again,
// under the same Message-ID.
func (s *Service) reclaim(ctx context.Context, campaignID int64) (int64, error) {
	res := s.db.Gorm.WithContext(ctx).Model(&Delivery{}).
		Where("campaign_id = ? AND status = ? AND claimed_at < ?", campaignID, Sending, s.now().Add(-s.opts.Lease)).
		Updates(map[string]any{"status": Queued, "claimed_by": "", "updated_at": s.now()})
	if res.Error != nil {
		return 0, fmt.Errorf("reclaim deliveries: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// outcome is what one send did to a delivery.
type outcome struct {
	id     int64
	result mail.Result
	// fallback: the person has a postal address, so a failed e-mail
	// becomes a letter.
	fallback bool
	attempts int
}

// record stores the outcomes of a chunk in one transaction. A delivery is
// sent only when the server accepted it; a temporary refusal is retried
// later (backing off) until the attempts run out; a permanent one is
// failed, or a letter when the person has a postal address. Only the
// worker's own claims are changed, except that a success is always kept.
// The successes, nearly every outcome, are written by one statement.
func (s *Service) record(ctx context.Context, worker string, outs []outcome) error {
	now := s.now()
	ctx = context.WithoutCancel(ctx)
	var sent, refused []outcome
	for _, o := range outs {
		if o.result.Class == mail.Delivered {
			sent = append(sent, o)
		} else {
			refused = append(refused, o)
		}
	}
	if len(refused) == 0 {
		// One statement needs no transaction of its own.
		return recordSent(s.db.Gorm.WithContext(ctx), sent, now)
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		for _, o := range refused {
			q := tx.Model(&Delivery{}).Where("id = ? AND status = ? AND claimed_by = ?", o.id, Sending, worker)
			if err := q.Updates(s.outcomeUpdate(o, now)).Error; err != nil {
				return fmt.Errorf("record delivery %d: %w", o.id, err)
			}
		}
		return recordSent(tx, sent, now)
	})
}

// recordSent marks deliveries sent with each one's reply from the server,
// whoever holds the claim now (a success is never lost). UPDATE … FROM
// (VALUES …) works on PostgreSQL and SQLite alike; the casts give
// PostgreSQL the types of the parameters.
func recordSent(tx *gorm.DB, sent []outcome, now time.Time) error {
	if len(sent) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`UPDATE deliveries SET status = ?, sent_at = ?, smtp_code = v.column2, smtp_reply = v.column3, claimed_by = '', updated_at = ?
FROM (VALUES `)
	args := make([]any, 0, 6+3*len(sent))
	args = append(args, Sent, now, now)
	for i, o := range sent {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT))")
		args = append(args, o.id, o.result.Code, trimTo(replyText(o.result), 1000))
	}
	b.WriteString(") AS v WHERE deliveries.id = v.column1 AND deliveries.status IN (?, ?, ?)")
	args = append(args, Sending, Queued, Retry)
	if err := tx.Exec(b.String(), args...).Error; err != nil {
		return fmt.Errorf("record deliveries sent: %w", err)
	}
	return nil
}

// outcomeUpdate is the change a refusal or a failure to send makes.
func (s *Service) outcomeUpdate(o outcome, now time.Time) map[string]any {
	r := o.result
	reply := trimTo(replyText(r), 1000)
	switch {
	case r.Class == mail.Temporary && o.attempts < s.opts.MaxAttempts:
		return map[string]any{"status": Retry, "next_at": now.Add(backoff(s.opts.RetryBase, o.attempts)), "smtp_code": r.Code,
			"smtp_reply": reply, "claimed_by": "", "updated_at": now}
	case o.fallback:
		return map[string]any{"status": Letter, "channel": ChannelPostal, "email_failure": reply, "smtp_code": r.Code,
			"smtp_reply": reply, "claimed_by": "", "updated_at": now}
	}
	return map[string]any{"status": Failed, "smtp_code": r.Code, "smtp_reply": reply, "claimed_by": "", "updated_at": now}
}

// replyText is the server's reply or the error, as the ledger keeps it.
func replyText(r mail.Result) string {
	switch {
	case r.Reply != "":
		return r.Reply
	case r.Err != nil:
		return r.Err.Error()
	}
	return ""
}

// backoff is the wait before attempt n+1: exponential from base, capped
// at an hour, with up to a fifth of random jitter so that retries of many
// messages do not arrive together.
func backoff(base time.Duration, attempts int) time.Duration {
	d := base << min(attempts-1, 7)
	if d > time.Hour {
		d = time.Hour
	}
	return d + time.Duration(rand.Int64N(int64(d/5)+1)) // #nosec G404 -- jitter for retries, not a secret
}

// Progress is where a campaign's deliveries stand.
type Progress struct {
	CampaignID int64            `json:"campaign_id"`
	Status     string           `json:"status"`
	Total      int              `json:"total"`
	ByStatus   map[string]int64 `json:"by_status"`
	// Done counts deliveries in a final state.
	Done int64 `json:"done"`
	// Rate is messages sent per second over the last minute; ETA the
	// seconds left at that rate (nil when unknown).
	Rate float64 `json:"rate"`
	ETA  *int64  `json:"eta_seconds,omitempty"`
}

// progress counts a campaign's deliveries by status.
func (s *Service) progress(ctx context.Context, tx *gorm.DB, cp *Campaign) (Progress, error) {
	p := Progress{CampaignID: cp.ID, Status: cp.Status, Total: cp.Total, ByStatus: map[string]int64{}}
	var rows []struct {
		Status string
		N      int64
	}
	if err := tx.WithContext(ctx).Model(&Delivery{}).Select("status, COUNT(*) AS n").Where("campaign_id = ?", cp.ID).
		Group("status").Scan(&rows).Error; err != nil {
		return p, fmt.Errorf("campaign progress: %w", err)
	}
	for _, r := range rows {
		p.ByStatus[r.Status] = r.N
		if Final(r.Status) {
			p.Done += r.N
		}
	}
	var recent int64
	if err := tx.WithContext(ctx).Model(&Delivery{}).Where("campaign_id = ? AND status = ? AND sent_at >= ?", cp.ID, Sent,
		s.now().Add(-time.Minute)).Count(&recent).Error; err != nil {
		return p, fmt.Errorf("campaign progress: %w", err)
	}
	p.Rate = float64(recent) / 60
	left := p.ByStatus[Queued] + p.ByStatus[Retry] + p.ByStatus[Sending]
	if p.Rate > 0 && left > 0 {
		eta := int64(float64(left) / p.Rate)
		p.ETA = &eta
	}
	return p, nil
}

// openStatuses are the delivery states that keep a campaign from completing.
var openStatuses = []string{Queued, Sending, Retry, Letter, Printed}

// completeIfDone marks a sending campaign completed once every delivery is
// in a final state.
func (s *Service) completeIfDone(ctx context.Context, campaignID int64) (bool, error) {
	var open int64
	if err := s.db.Gorm.WithContext(ctx).Model(&Delivery{}).Where("campaign_id = ? AND status IN ?", campaignID, openStatuses).
		Count(&open).Error; err != nil {
		return false, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	if open > 0 {
		return false, nil
	}
	now := s.now()
	res := s.db.Gorm.WithContext(ctx).Model(&Campaign{}).Where("id = ? AND status = ?", campaignID, CampaignSending).
		Updates(map[string]any{"status": CampaignCompleted, "completed_at": now, "updated_at": now})
	if res.Error != nil {
		return false, fmt.Errorf("complete campaign %d: %w", campaignID, res.Error)
	}
	return res.RowsAffected == 1, nil
}
