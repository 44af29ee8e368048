package obligation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// StatusInput is a person's decision on an obligation.
type StatusInput struct {
	// Status: filed, waived, not_required, or pending to undo a decision
	// (the duty returns to what evaluation says).
	Status string `json:"status"`
	// FiledAt (RFC 3339) is when it was filed; default now.
	FiledAt    string `json:"filed_at"`
	Reference  string `json:"reference"`
	DocumentID *int64 `json:"document_id"`
	Rationale  string `json:"rationale"`
}

// maxRationale bounds the free text of a decision.
const maxRationale = 20000

// SetStatus records a decision: filed needs the Write permission; waived,
// not_required and undoing a decision need Approve (legal or admin) and
// waived/not_required a rationale. Filing re-evaluates the breach, since
// later stages count from the actual filing.
func (s *Service) SetStatus(ctx context.Context, c breach.Call, breachID, id int64, in StatusInput) (Obligation, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := s.setStatus(ctx, tx, c, breachID, id, in, nil)
		return err
	})
	if err != nil {
		return Obligation{}, err
	}
	return s.Get(ctx, c.P, breachID, id)
}

// setStatus applies a decision inside tx; at, when not nil, is the filing
// time (typed callers), else in.FiledAt is parsed.
func (s *Service) setStatus(ctx context.Context, tx *gorm.DB, c breach.Call, breachID, id int64, in StatusInput, at *time.Time) (Obligation, error) {
	o, err := s.find(ctx, tx, c.P, breachID, id, auth.Read)
	if err != nil {
		return Obligation{}, err
	}
	if err := c.P.Require(o.OrganizationID, permissionFor(in.Status)); err != nil {
		return Obligation{}, err
	}
	if err := s.checkDocument(ctx, tx, breachID, in.DocumentID); err != nil {
		return Obligation{}, err
	}
	before := o.snapshot()
	if err := s.decide(&o, c.P, in, at); err != nil {
		return Obligation{}, err
	}
	if err := s.saveDecision(ctx, tx, c, &o, before); err != nil {
		return Obligation{}, err
	}
	if in.Status == StatusFiled || before.Status == StatusFiled {
		_, err = s.Reevaluate(ctx, tx, breachID, "obligation "+o.RuleKey+" "+in.Status)
	}
	return o, err
}

// checkDocument refuses a document that is not one of the breach's (of
// another organization, another breach, or none at all).
func (s *Service) checkDocument(ctx context.Context, tx *gorm.DB, breachID int64, id *int64) error {
	if id == nil {
		return nil
	}
	ok, err := s.deps.Documents.OfBreach(ctx, tx, *id, breachID)
	if err != nil {
		return err
	}
	if !ok {
		return &errs.Invalid{Message: "no such document for this breach", Fields: map[string]string{"document_id": "a document of this breach"}}
	}
	return nil
}

// Filing is a document filed with a regulator that answers an obligation.
type Filing struct {
	// DocumentID is the filed document; 0 for a duty done another way (a
	// notice campaign, whose reference names it).
	DocumentID int64
	FiledAt    time.Time
	// Reference is the regulator's reference for the filing.
	Reference string
}

// MarkFiled marks an obligation filed with a document's filing, inside the
// transaction that records the filing (document.ObligationFiler), and
// re-evaluates the breach there. An obligation already filed is left as it
// is and reported with false; any other refusal is an error, and the
// document's filing rolls back with it.
func (s *Service) MarkFiled(ctx context.Context, tx *gorm.DB, c breach.Call, breachID, id int64, f Filing) (bool, error) {
	o, err := s.find(ctx, tx, c.P, breachID, id, auth.Read)
	if err != nil {
		return false, err
	}
	if o.Status == StatusFiled {
		return false, nil
	}
	in := StatusInput{Status: StatusFiled, Reference: f.Reference}
	if f.DocumentID != 0 {
		docID := f.DocumentID
		in.DocumentID = &docID
	}
	at := f.FiledAt.UTC()
	_, err = s.setStatus(ctx, tx, c, breachID, id, in, &at)
	return err == nil, err
}

func permissionFor(status string) auth.Permission {
	if status == StatusFiled {
		return auth.Write
	}
	return auth.Approve
}

// decide applies the transition to o, validating the input.
func (s *Service) decide(o *Obligation, p *auth.Principal, in StatusInput, filedAt *time.Time) error {
	f := errs.Fields{}
	now := s.Now().UTC()
	uid := p.User.ID
	rationale := strings.TrimSpace(in.Rationale)
	if len(rationale) > maxRationale {
		f.Add("rationale", fmt.Sprintf("at most %d characters", maxRationale))
	}
	switch in.Status {
	case StatusFiled:
		if o.Status == StatusFiled {
			return &errs.Conflict{Message: "the obligation is already filed; set it back to pending first"}
		}
		at := now
		if filedAt != nil {
			at = filedAt.UTC()
		} else if strings.TrimSpace(in.FiledAt) != "" {
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(in.FiledAt))
			switch {
			case err != nil:
				f.Add("filed_at", "an RFC 3339 time with offset")
			case t.After(now.Add(5 * time.Minute)):
				f.Add("filed_at", "must not be in the future")
			}
			at = t.UTC()
		}
		if len(in.Reference) > 200 {
			f.Add("reference", "at most 200 characters")
		}
		o.FiledAt, o.FilingReference, o.DocumentID = &at, strings.TrimSpace(in.Reference), in.DocumentID
		o.ApprovedBy = nil
	case StatusWaived, StatusNotRequired:
		if rationale == "" {
			f.Add("rationale", "required: why the duty is "+strings.ReplaceAll(in.Status, "_", " "))
		}
		o.ApprovedBy, o.FiledAt, o.FilingReference, o.DocumentID = &uid, nil, "", nil
	case StatusPending:
		if o.DecidedAt == nil {
			return &errs.Conflict{Message: "nobody has decided on this obligation; there is nothing to undo"}
		}
	case StatusUndetermined:
		f.Add("status", "undetermined is set by evaluation while questions are unanswered")
	default:
		f.Add("status", "one of filed, waived, not_required, pending")
	}
	if err := f.Err(); err != nil {
		return err
	}
	o.Rationale = rationale
	if in.Status == StatusPending {
		o.Status, o.DecidedAt, o.DecidedBy, o.ApprovedBy = StatusNotRequired, nil, nil, nil
		if o.Considered {
			o.Status = autoStatus(o)
		}
		o.FiledAt, o.FilingReference, o.DocumentID = nil, "", nil
		return nil
	}
	o.Status, o.DecidedAt, o.DecidedBy = in.Status, &now, &uid
	return nil
}

func (s *Service) saveDecision(ctx context.Context, tx *gorm.DB, c breach.Call, o *Obligation, before *Snapshot) error {
	now := s.Now().UTC()
	o.UpdatedAt = now
	if err := tx.WithContext(ctx).Save(o).Error; err != nil {
		return fmt.Errorf("save obligation: %w", err)
	}
	h := History{ObligationID: o.ID, At: now, Change: "status", Before: before, After: o.snapshot(), Actor: c.P.Label(), Cause: "decision: " + o.Status}
	if err := tx.WithContext(ctx).Create(&h).Error; err != nil {
		return fmt.Errorf("obligation history: %w", err)
	}
	return auth.Audit(ctx, tx, c.P, c.RequestID, o.OrganizationID, "obligation.status", "obligation", strconv.FormatInt(o.ID, 10),
		map[string]any{"breach_id": o.BreachID, "rule": o.RuleKey, "from": before.Status, "to": o.Status,
			"filed_at": o.FiledAt, "reference": o.FilingReference, "document_id": o.DocumentID, "rationale": o.Rationale})
}

// find loads an obligation of a breach and checks perm; another
// organization's obligation is not found.
func (s *Service) find(ctx context.Context, tx *gorm.DB, p *auth.Principal, breachID, id int64, perm auth.Permission) (Obligation, error) {
	var o Obligation
	err := tx.WithContext(ctx).Where("id = ? AND breach_id = ?", id, breachID).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Obligation{}, fmt.Errorf("obligation %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Obligation{}, err
	}
	if err := p.Require(o.OrganizationID, perm); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return Obligation{}, fmt.Errorf("obligation %d: %w", id, errs.ErrNotFound)
		}
		return Obligation{}, err
	}
	return o, nil
}
