package breach

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

func errsIs(err, target error) bool { return errors.Is(err, target) }

// AddEvent records a timeline event on a breach.
func (s *Service) AddEvent(ctx context.Context, c Call, id int64, in EventInput) (Event, error) {
	var e Event
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.Access(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		e = parseEvent(in, vocab{s.terms}, "event", f)
		if err := f.Err(); err != nil {
			return err
		}
		uid := c.P.User.ID
		e.BreachID, e.CreatedBy = id, &uid
		if err := tx.Create(&e).Error; err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.event.add", "breach", idString(id), e); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "event added: "+e.Kind)
	})
	return e, err
}

// DeleteEvent removes a mistaken event; the audit log and the event's
// history keep what it was.
func (s *Service) DeleteEvent(ctx context.Context, c Call, id, eventID int64) error {
	return s.removeEvent(ctx, c, id, eventID, "", false)
}

// MaxReason bounds the reason given for correcting or deleting an event.
const MaxReason = 2000

// RemoveEvent deletes an event for a reason (required); the event's
// history keeps what it was, who removed it, when and why.
func (s *Service) RemoveEvent(ctx context.Context, c Call, id, eventID int64, reason string) error {
	return s.removeEvent(ctx, c, id, eventID, reason, true)
}

func (s *Service) removeEvent(ctx context.Context, c Call, id, eventID int64, reason string, needReason bool) error {
	reason = strings.TrimSpace(reason)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, e, err := s.event(ctx, tx, c, id, eventID)
		if err != nil {
			return err
		}
		if (needReason && reason == "") || len(reason) > MaxReason {
			return &errs.Invalid{Message: "say why the event is deleted", Fields: map[string]string{"reason": fmt.Sprintf("required, at most %d characters", MaxReason)}}
		}
		if err := tx.Delete(&e).Error; err != nil {
			return err
		}
		if err := s.keepChange(tx, c, e, nil, "deleted", reason); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.event.delete", "breach", idString(id),
			map[string]any{"event": e, "reason": reason}); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "event deleted: "+e.Kind)
	})
}

// CorrectEvent replaces an event's kind, time, zone and note for a reason
// (required); the event's history keeps the version it replaced.
func (s *Service) CorrectEvent(ctx context.Context, c Call, id, eventID int64, in EventInput, reason string) (Event, error) {
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	fixed := parseEvent(in, vocab{s.terms}, "event", f)
	if reason == "" || len(reason) > MaxReason {
		f.Add("reason", fmt.Sprintf("required, at most %d characters", MaxReason))
	}
	var e Event
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, cur, err := s.event(ctx, tx, c, id, eventID)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		e = cur
		e.Kind, e.At, e.Zone, e.Note = fixed.Kind, fixed.At, fixed.Zone, fixed.Note
		if err := tx.Model(&e).Select("kind", "at", "zone", "note").Updates(&e).Error; err != nil {
			return fmt.Errorf("correct event: %w", err)
		}
		if err := s.keepChange(tx, c, cur, &e, "corrected", reason); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.event.correct", "breach", idString(id),
			map[string]any{"before": cur, "after": e, "reason": reason}); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "event corrected: "+e.Kind)
	})
	return e, err
}

// event loads one event of a breach the caller may write.
func (s *Service) event(ctx context.Context, tx *gorm.DB, c Call, id, eventID int64) (Breach, Event, error) {
	b, err := s.Access(ctx, tx, c.P, id, auth.Write)
	if err != nil {
		return Breach{}, Event{}, err
	}
	var e Event
	if err := tx.Where("id = ? AND breach_id = ?", eventID, id).Take(&e).Error; err != nil {
		return Breach{}, Event{}, fmt.Errorf("event %d: %w", eventID, errs.ErrNotFound)
	}
	return b, e, nil
}

// keepChange appends one correction or deletion to the event's history.
func (s *Service) keepChange(tx *gorm.DB, c Call, before Event, after *Event, action, reason string) error {
	uid := c.P.User.ID
	ch := EventChange{BreachID: before.BreachID, EventID: before.ID, Action: action, Before: &before, After: after,
		Reason: reason, ChangedBy: &uid, ChangedAt: time.Now().UTC()}
	if err := tx.Create(&ch).Error; err != nil {
		return fmt.Errorf("event history: %w", err)
	}
	return nil
}

// EventHistory lists the corrections and deletions of a breach's events,
// oldest first.
func (s *Service) EventHistory(ctx context.Context, p *auth.Principal, id int64) ([]EventChange, error) {
	if _, err := s.Access(ctx, s.db, p, id, auth.Read); err != nil {
		return nil, err
	}
	out := []EventChange{}
	err := s.db.WithContext(ctx).Where("breach_id = ?", id).Order("changed_at, id").Find(&out).Error
	return out, err
}

var questionRe = regexp.MustCompile(`^[a-z][a-z0-9_.]{1,80}$`)

// AnswerInput answers one assessment question.
type AnswerInput struct {
	Value     string `json:"value"`
	Rationale string `json:"rationale"`
}

// SetAnswer records (or replaces) the answer to an assessment question.
func (s *Service) SetAnswer(ctx context.Context, c Call, id int64, question string, in AnswerInput) (Answer, error) {
	f := errs.Fields{}
	if !questionRe.MatchString(question) || !(vocab{s.terms}).question(question) {
		f.Add("question_id", "a question id from the regulation catalogue (GET /api/v1/questions)")
	}
	in.Value = strings.TrimSpace(in.Value)
	if in.Value == "" || len(in.Value) > MaxDescription {
		f.Add("value", fmt.Sprintf("required, at most %d characters", MaxDescription))
	} else if why := (vocab{s.terms}).answer(question, in.Value); why != "" && f["question_id"] == "" {
		f.Add("value", why)
	}
	if len(in.Rationale) > MaxDescription {
		f.Add("rationale", fmt.Sprintf("at most %d characters", MaxDescription))
	}
	if err := f.Err(); err != nil {
		return Answer{}, err
	}
	var a Answer
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.Access(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		uid := c.P.User.ID
		a = Answer{BreachID: id, QuestionID: question, Value: in.Value, Rationale: strings.TrimSpace(in.Rationale), AnsweredBy: &uid, AnsweredAt: time.Now().UTC()}
		if err := tx.Save(&a).Error; err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.answer", "breach", idString(id), a); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "answer to "+question)
	})
	return a, err
}
