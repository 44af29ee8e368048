package notice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/mail"
)

// Bounce kinds, as the bounces table stores them.
const (
	BounceHard      = "hard"
	BounceSoft      = "soft"
	BounceAutoReply = "auto_reply"
	BounceUnknown   = "unknown"
)

// maxRawBounce is how much of a report is kept as evidence; the rest of a
// larger one (a returned attachment) is cut.
const maxRawBounce = 256 << 10

// BounceResult is what became of a received report.
type BounceResult struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Matched    bool   `json:"matched"`
	Applied    bool   `json:"applied"`
	DeliveryID int64  `json:"delivery_id,omitempty"`
	CampaignID int64  `json:"campaign_id,omitempty"`
	// Status is the delivery's status after the report.
	Status string `json:"status,omitempty"`
	// Note says in words why the report was or was not applied.
	Note string `json:"note"`
}

// ReceiveBounce reads a delivery status notification (RFC 3464) or an
// automatic reply, as a relay or mailbox forwarder posts it, and records
// it. A report is matched to its delivery by the notice's own bounce
// address (VERP) or its Message-ID, and applied only to deliveries of
// organizations where the caller may write; any other report is recorded
// as unmatched, revealing nothing. An operator's bounces apply to every
// organization (one relay serving the installation). A final failure marks the delivery
// bounced (hard or soft), and a person with a postal address gets a letter
// instead; a delay or an automatic reply is recorded, not applied.
func (s *Service) ReceiveBounce(ctx context.Context, c breach.Call, raw io.Reader) (BounceResult, error) {
	if s.isOperator(c.P) {
		return s.receiveBounce(ctx, c, raw, func(int64) bool { return true })
	}
	if len(c.P.OrgIDsWith(auth.Write)) == 0 {
		return BounceResult{}, fmt.Errorf("bounce from a caller who may not write: %w", errs.ErrForbidden)
	}
	return s.receiveBounce(ctx, c, raw, func(orgID int64) bool { return c.P.Require(orgID, auth.Write) == nil })
}

// isOperator reports whether the caller is one of the installation's
// operators, whose relay may post the bounces of every organization.
func (s *Service) isOperator(p *auth.Principal) bool {
	for _, e := range s.opts.Operators {
		if strings.EqualFold(e, p.User.Email) {
			return true
		}
	}
	return false
}

// ReceiveBounceAsOperator is ReceiveBounce with the installation
// operator's authority over every organization (the bounce command a
// relay's pipe runs on the server itself).
func (s *Service) ReceiveBounceAsOperator(ctx context.Context, raw io.Reader) (BounceResult, error) {
	op := breach.Call{P: &auth.Principal{User: auth.User{Email: "cli"}, Via: "cli"}, RequestID: "bounce"}
	return s.receiveBounce(ctx, op, raw, func(int64) bool { return true })
}

func (s *Service) receiveBounce(ctx context.Context, c breach.Call, raw io.Reader, may func(orgID int64) bool) (BounceResult, error) {
	data, err := io.ReadAll(io.LimitReader(raw, mail.MaxDSNSize+1))
	if err != nil {
		return BounceResult{}, fmt.Errorf("read bounce: %w", err)
	}
	rep, err := mail.ParseDSN(data)
	switch {
	case errors.Is(err, mail.ErrDSNTooLarge):
		return BounceResult{}, &errs.Limit{Message: fmt.Sprintf("a delivery report may be at most %d MiB", mail.MaxDSNSize>>20)}
	case errors.Is(err, mail.ErrNotAMessage):
		return BounceResult{}, &errs.Invalid{Message: "the body is not an e-mail message", Fields: map[string]string{"body": "a delivery status notification or an automatic reply, as received (message/rfc822)"}}
	case err != nil:
		return BounceResult{}, &errs.Invalid{Message: "the delivery report cannot be read", Fields: map[string]string{"body": "a delivery status notification or an automatic reply"}}
	}
	var out BounceResult
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		d, cp, by, err := s.matchBounce(ctx, tx, rep)
		if err != nil {
			return err
		}
		if d != nil && !may(cp.OrganizationID) {
			d, cp, by = nil, nil, ""
		}
		b := s.bounceRow(rep, data, d, cp, by)
		out, err = s.applyBounce(ctx, tx, c, &b, rep, d, cp)
		return err
	})
	return out, err
}

// bounceRow is the report as the bounces table keeps it.
func (s *Service) bounceRow(rep mail.Report, data []byte, d *Delivery, cp *Campaign, by string) Bounce {
	if len(data) > maxRawBounce {
		data = data[:maxRawBounce]
	}
	b := Bounce{ReceivedAt: s.now(), Kind: bounceKind(rep.Class), MatchedBy: by, MessageID: trimTo(rep.MessageID, 500),
		Diagnostic: trimTo(rep.Reason, 1000), Raw: data}
	if len(rep.Recipients) > 0 {
		r := rep.Recipients[0]
		b.Recipient, b.Status = trimTo(r.FinalRecipient, 320), trimTo(r.Status, 20)
		if r.DiagnosticCode != "" {
			b.Diagnostic = trimTo(r.DiagnosticCode, 1000)
		}
	}
	if d != nil {
		b.OrganizationID, b.CampaignID, b.DeliveryID = &cp.OrganizationID, &cp.ID, &d.ID
	}
	return b
}

// matchBounce finds the delivery a report is about: by the bounce address
// it was sent to (which names campaign and person, with a tag only this
// installation can make), else by the Message-ID it quotes (which carries
// such a tag too). by says which matched.
func (s *Service) matchBounce(ctx context.Context, tx *gorm.DB, rep mail.Report) (*Delivery, *Campaign, string, error) {
	q := tx.WithContext(ctx)
	var d Delivery
	for _, addr := range rep.ToAll {
		cid, pid, ok := s.keys.ParseBounceAddress(addr)
		if !ok {
			continue
		}
		err := q.Where("campaign_id = ? AND person_id = ?", cid, pid).Take(&d).Error
		if err == nil {
			return s.withCampaign(ctx, tx, &d, "bounce_address")
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, "", fmt.Errorf("match bounce: %w", err)
		}
	}
	// The Message-ID names the campaign and person too, so no index of
	// Message-IDs is kept (migration 00820).
	cid, pid, ok := s.keys.ParseMessageID(rep.MessageID)
	if !ok {
		return nil, nil, "", nil
	}
	err := q.Where("campaign_id = ? AND person_id = ?", cid, pid).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, "", nil
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("match bounce: %w", err)
	}
	return s.withCampaign(ctx, tx, &d, "message_id")
}

func (s *Service) withCampaign(ctx context.Context, tx *gorm.DB, d *Delivery, by string) (*Delivery, *Campaign, string, error) {
	var cp Campaign
	if err := tx.WithContext(ctx).Take(&cp, d.CampaignID).Error; err != nil {
		return nil, nil, "", fmt.Errorf("campaign of delivery %d: %w", d.ID, err)
	}
	return d, &cp, by, nil
}

// applyBounce stores the report and, for a final failure of a sent
// e-mail, changes its delivery.
func (s *Service) applyBounce(ctx context.Context, tx *gorm.DB, c breach.Call, b *Bounce, rep mail.Report, d *Delivery, cp *Campaign) (BounceResult, error) {
	status, note, err := s.bounceOutcome(ctx, tx, b, rep, d, cp)
	if err != nil {
		return BounceResult{}, err
	}
	b.Note = note
	b.Applied = d != nil && status != d.Status
	if err := tx.WithContext(ctx).Create(b).Error; err != nil {
		return BounceResult{}, fmt.Errorf("record bounce: %w", err)
	}
	out := BounceResult{ID: b.ID, Kind: b.Kind, Matched: d != nil, Applied: b.Applied, Note: note}
	if d == nil {
		return out, nil
	}
	out.DeliveryID, out.CampaignID, out.Status = d.ID, cp.ID, status
	if !b.Applied {
		return out, nil
	}
	set := map[string]any{"status": status, "bounce_id": b.ID, "email_failure": trimTo(b.Diagnostic, 1000), "updated_at": s.now()}
	if status == Letter {
		set["channel"] = ChannelPostal
	}
	res := tx.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status = ?", d.ID, Sent).Updates(set)
	if res.Error != nil {
		return BounceResult{}, fmt.Errorf("apply bounce to delivery %d: %w", d.ID, res.Error)
	}
	if err := s.reopenIfDone(ctx, tx, cp); err != nil {
		return BounceResult{}, err
	}
	return out, s.audit(ctx, tx, c, cp, "delivery.bounced", map[string]any{"delivery_id": d.ID, "bounce_id": b.ID,
		"kind": b.Kind, "status": status})
}

// bounceOutcome decides the delivery's status after the report and says
// why in words.
func (s *Service) bounceOutcome(ctx context.Context, tx *gorm.DB, b *Bounce, rep mail.Report, d *Delivery, cp *Campaign) (string, string, error) {
	switch {
	case d == nil:
		return "", "No notice of an organization you may act for matches this report: it is kept, not applied.", nil
	case b.Kind == BounceAutoReply:
		return d.Status, "An automatic reply (such as an out-of-office message): the notice was delivered.", nil
	case b.Kind == BounceUnknown:
		return d.Status, "The report says nothing about delivery: it is kept, not applied.", nil
	case !finalFailure(rep):
		return d.Status, "The relay is still trying (delivery delayed): nothing changes until it gives up.", nil
	case d.Status != Sent:
		return d.Status, "The delivery is " + d.Status + ", not sent: the report is kept, nothing changes.", nil
	}
	people, err := s.deps.People.ByIDs(ctx, tx, cp.BreachID, []int64{d.PersonID})
	if err != nil {
		return "", "", err
	}
	p, ok := people[d.PersonID]
	if ok && channelOf(reach{Address1: p.Address1, PostalCode: p.PostalCode}) == ChannelPostal {
		return Letter, "The e-mail bounced (" + b.Kind + "); the person has a postal address, so a letter is due.", nil
	}
	return Bounced, "The e-mail bounced (" + b.Kind + "); the person has no postal address: the substitute notice covers them.", nil
}

// finalFailure reports whether the relay gave up: a recipient failed, or a
// report with no delivery status (a plain-text bounce) that reads as a
// failure.
func finalFailure(rep mail.Report) bool {
	if len(rep.Recipients) == 0 {
		return rep.Class == mail.BounceHard || rep.Class == mail.BounceSoft
	}
	for _, r := range rep.Recipients {
		if strings.EqualFold(r.Action, "failed") {
			return true
		}
	}
	return false
}

// bounceKind names a report's class as the bounces table does.
func bounceKind(c mail.BounceClass) string {
	switch c {
	case mail.BounceHard:
		return BounceHard
	case mail.BounceSoft:
		return BounceSoft
	case mail.BounceAutoReply:
		return BounceAutoReply
	}
	return BounceUnknown
}

// Bounces lists the reports matched to a campaign, newest first, with the
// recipient addresses they name: the export permission, audited.
func (s *Service) Bounces(ctx context.Context, c breach.Call, campaignID int64, limit int) ([]Bounce, error) {
	var out []Bounce
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, campaignID, auth.ExportPersonalData)
		if err != nil {
			return err
		}
		if limit <= 0 || limit > 500 {
			limit = 100
		}
		if err := tx.WithContext(ctx).Omit("raw").Where("campaign_id = ?", cp.ID).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
			return fmt.Errorf("bounces of campaign %d: %w", cp.ID, err)
		}
		return s.audit(ctx, tx, c, &cp, "campaign.bounces_read", map[string]any{"rows": len(out)})
	})
	return out, err
}

// reopenIfDone returns a completed campaign to sending when a bounce gives
// it a letter to send: it is not complete while anyone is still owed a
// notice.
func (s *Service) reopenIfDone(ctx context.Context, tx *gorm.DB, cp *Campaign) error {
	err := tx.WithContext(ctx).Model(&Campaign{}).Where("id = ? AND status = ?", cp.ID, CampaignCompleted).
		Where("EXISTS (SELECT 1 FROM deliveries WHERE campaign_id = ? AND status IN ?)", cp.ID, openStatuses).
		Updates(map[string]any{"status": CampaignSending, "completed_at": nil, "updated_at": s.now()}).Error
	if err != nil {
		return fmt.Errorf("reopen campaign %d: %w", cp.ID, err)
	}
	return nil
}
