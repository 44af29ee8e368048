package notice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// Approve records legal's approval of the exact version of a campaign the
// approver reviewed (its content hash). A version with a failing checklist
// item or a field empty for some recipient cannot be approved; any later
// edit of the campaign or its template voids the approval. Legal and
// admins.
func (s *Service) Approve(ctx context.Context, c breach.Call, id int64, hash string) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Approve)
		if err != nil {
			return err
		}
		if cp.Status != CampaignDraft {
			return &errs.Conflict{Message: "only a draft can be approved (this campaign is " + cp.Status + ")"}
		}
		rv, err := s.review(ctx, tx, &cp)
		if err != nil {
			return err
		}
		if strings.TrimSpace(hash) != rv.ContentHash {
			return &errs.Conflict{Message: "the campaign changed since it was reviewed; review it again and approve what you see"}
		}
		if !rv.Ready {
			return &errs.Invalid{Message: "the campaign cannot be approved yet: " + strings.Join(rv.Problems, "; "),
				Fields: map[string]string{"content_hash": strings.Join(rv.Problems, "; ")}}
		}
		now := s.now()
		cp.Status, cp.ApprovedHash, cp.ApprovedBy, cp.ApprovedAt, cp.ContentHash = CampaignApproved, rv.ContentHash, userID(c.P), &now, rv.ContentHash
		if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Updates(map[string]any{"status": cp.Status,
			"approved_hash": cp.ApprovedHash, "approved_by": cp.ApprovedBy, "approved_at": now, "content_hash": cp.ContentHash,
			"updated_at": now}).Error; err != nil {
			return fmt.Errorf("approve campaign: %w", err)
		}
		out = cp
		return s.audit(ctx, tx, c, &cp, "campaign.approve", map[string]any{"content_hash": rv.ContentHash,
			"recipients": rv.Total, "checklist": len(rv.Checklist)})
	})
	return out, err
}

// Send starts an approved campaign: its audience is expanded into one
// delivery per person by a background job, and workers send. Nothing is
// sent unless the current version is the approved one. Privacy officers
// and admins.
func (s *Service) Send(ctx context.Context, c breach.Call, id int64) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if cp.Status != CampaignApproved {
			return &errs.Conflict{Message: "only an approved campaign can be sent (this one is " + cp.Status + ")"}
		}
		h, err := s.contentHash(ctx, tx, &cp)
		if err != nil {
			return err
		}
		if h != cp.ApprovedHash {
			return &errs.Conflict{Message: "the campaign or its template changed since it was approved; it needs approving again"}
		}
		now := s.now()
		res := tx.Model(&Campaign{}).Where("id = ? AND status = ?", cp.ID, CampaignApproved).
			Updates(map[string]any{"status": CampaignPreparing, "started_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("start campaign: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return &errs.Conflict{Message: "the campaign is already being sent"}
		}
		cp.Status, cp.StartedAt = CampaignPreparing, &now
		if err := s.enqueue(ctx, tx, ExpandArgs{CampaignID: cp.ID}); err != nil {
			return err
		}
		out = cp
		return s.audit(ctx, tx, c, &cp, "campaign.send", map[string]any{"approved_hash": cp.ApprovedHash})
	})
	return out, err
}

// enqueue inserts a job in tx.
func (s *Service) enqueue(ctx context.Context, tx *gorm.DB, args river.JobArgs) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("enqueue: not in a transaction")
	}
	if _, err := s.deps.Jobs.InsertTx(ctx, sqlTx, args, nil); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Pause stops a sending campaign; deliveries already claimed finish, no
// new ones are claimed. Privacy officers and admins.
func (s *Service) Pause(ctx context.Context, c breach.Call, id int64, reason string) (Campaign, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "paused by " + c.P.Label()
	}
	return s.transition(ctx, c, id, "campaign.pause", []string{CampaignSending, CampaignPreparing}, CampaignPaused,
		map[string]any{"paused_reason": trimTo(reason, 500)})
}

// Resume sends a paused campaign again.
func (s *Service) Resume(ctx context.Context, c breach.Call, id int64) (Campaign, error) {
	cp, err := s.transition(ctx, c, id, "campaign.resume", []string{CampaignPaused}, CampaignSending, map[string]any{"paused_reason": ""})
	if err != nil {
		return cp, err
	}
	if cp.Total == 0 {
		// Paused before its audience was expanded: expand now.
		return s.transition(ctx, c, id, "campaign.prepare", []string{CampaignSending}, CampaignPreparing, nil)
	}
	return cp, s.kick(ctx, cp.ID)
}

// Cancel stops a campaign for good: deliveries not yet sent are cancelled
// (a delivery being sent at this moment still ends as its server says).
func (s *Service) Cancel(ctx context.Context, c breach.Call, id int64) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if cp.Status == CampaignCancelled || cp.Status == CampaignCompleted {
			return &errs.Conflict{Message: "the campaign is already " + cp.Status}
		}
		now := s.now()
		res := tx.Model(&Delivery{}).Where("campaign_id = ? AND status IN ?", cp.ID, []string{Queued, Retry, Letter}).
			Updates(map[string]any{"status": Cancelled, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("cancel deliveries: %w", res.Error)
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Updates(map[string]any{"status": CampaignCancelled,
			"completed_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("cancel campaign: %w", err)
		}
		cp.Status, cp.CompletedAt = CampaignCancelled, &now
		out = cp
		return s.audit(ctx, tx, c, &cp, "campaign.cancel", map[string]any{"deliveries_cancelled": res.RowsAffected})
	})
	return out, err
}

// RetryFailed queues again the e-mails that failed or bounced, and only
// those, with their attempts reset; a completed campaign is sending again
// until they end. Privacy officers and admins.
func (s *Service) RetryFailed(ctx context.Context, c breach.Call, id int64) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if cp.Status == CampaignDraft || cp.Status == CampaignApproved || cp.Status == CampaignCancelled {
			return &errs.Conflict{Message: "only a campaign that has been sent has failed deliveries to retry"}
		}
		now := s.now()
		res := tx.Model(&Delivery{}).Where("campaign_id = ? AND channel = ? AND status IN ?", cp.ID, ChannelEmail, []string{Failed, Bounced}).
			Updates(map[string]any{"status": Queued, "attempts": 0, "next_at": nil, "claimed_by": "", "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("retry failed deliveries: %w", res.Error)
		}
		n = res.RowsAffected
		if n > 0 && (cp.Status == CampaignCompleted || cp.Status == CampaignPaused) {
			if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Updates(map[string]any{"status": CampaignSending,
				"completed_at": nil, "paused_reason": "", "updated_at": now}).Error; err != nil {
				return fmt.Errorf("reopen campaign: %w", err)
			}
		}
		return s.audit(ctx, tx, c, &cp, "campaign.retry_failed", map[string]any{"deliveries": n})
	})
	if err == nil && n > 0 {
		err = s.kick(ctx, id)
	}
	return n, err
}

// transition moves a campaign from one of the states from to state to.
func (s *Service) transition(ctx context.Context, c breach.Call, id int64, action string, from []string, to string, set map[string]any) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if !contains(from, cp.Status) {
			return &errs.Conflict{Message: fmt.Sprintf("the campaign is %s; this needs it %s", cp.Status, strings.Join(from, " or "))}
		}
		now := s.now()
		upd := map[string]any{"status": to, "updated_at": now}
		for k, v := range set {
			upd[k] = v
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		if to == CampaignPreparing {
			if err := s.enqueue(ctx, tx, ExpandArgs{CampaignID: cp.ID}); err != nil {
				return err
			}
		}
		if err := tx.Take(&cp, cp.ID).Error; err != nil {
			return err
		}
		out = cp
		return s.audit(ctx, tx, c, &cp, action, set)
	})
	return out, err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
