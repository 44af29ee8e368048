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

// DeleteEvent removes a mistaken event; the audit log keeps what it was.
func (s *Service) DeleteEvent(ctx context.Context, c Call, id, eventID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.Access(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		var e Event
		if err := tx.Where("id = ? AND breach_id = ?", eventID, id).Take(&e).Error; err != nil {
			return fmt.Errorf("event %d: %w", eventID, errs.ErrNotFound)
		}
		if err := tx.Delete(&e).Error; err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.event.delete", "breach", idString(id), e); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "event deleted: "+e.Kind)
	})
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
