package document

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/rules"
)

// registerEntries loads every breach of an organization as a register entry,
// in a fixed number of queries whatever the number of breaches.
func (s *Service) registerEntries(ctx context.Context, tx *gorm.DB, orgID int64) ([]report.RegisterEntry, error) {
	bs, err := s.deps.Breaches.ForOrganization(ctx, tx, orgID)
	if err != nil {
		return nil, fmt.Errorf("register breaches: %w", err)
	}
	ids := make([]int64, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	affected, err := s.deps.Roster.PeopleByBreach(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	list, err := s.deps.Obligations.ForOrganization(ctx, tx, orgID)
	if err != nil {
		return nil, err
	}
	obs := map[int64][]ObligationRef{}
	for _, o := range list {
		obs[o.BreachID] = append(obs[o.BreachID], refOf(o))
	}
	filed, err := firstFilings(tx, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]report.RegisterEntry, len(bs))
	for i, b := range bs {
		out[i] = registerEntry(b, int(affected[b.ID]), obs[b.ID], filed[b.ID])
	}
	return out, nil
}

// firstFilings gives, per breach, when a document of it was first filed.
func firstFilings(tx *gorm.DB, orgID int64) (map[int64]time.Time, error) {
	var docs []Document
	err := tx.Select("breach_id", "filed_at").
		Where("organization_id = ? AND breach_id IS NOT NULL AND filed_at IS NOT NULL", orgID).Find(&docs).Error
	if err != nil {
		return nil, fmt.Errorf("register filings: %w", err)
	}
	out := map[int64]time.Time{}
	for _, d := range docs {
		if first, ok := out[*d.BreachID]; !ok || d.FiledAt.Before(first) {
			out[*d.BreachID] = *d.FiledAt
		}
	}
	return out, nil
}

// registerEntry is one breach as the register prints it.
func registerEntry(b breach.Breach, affected int, obs []ObligationRef, filed time.Time) report.RegisterEntry {
	rb := reportBreach(b)
	e := report.RegisterEntry{Breach: rb, Affected: affected}
	if affected == 0 {
		e.Affected = rb.AffectedEstimate
	}
	e.Notifiable = notifiable(obs, rb.Answers)
	e.RiskAssessment = riskRationale(b.Answers)
	e.ReportedAt = firstEvent(b.Events, "regulator_notified")
	if e.ReportedAt == nil && !filed.IsZero() {
		e.ReportedAt = &filed
	}
	e.NotifiedAt = firstEvent(b.Events, "individuals_notified")
	e.PublicNotice = firstNonBlank(rb.Answers[report.AnswerMediaNotice], rb.Answers[report.AnswerSubstituteNotice])
	return e
}

// riskQuestions are the harm-threshold questions whose answer decides whether
// a breach is notifiable, in the order the register prefers them.
func riskQuestions() []string {
	return []string{"rrosh", "risk_of_harm", "significant_harm", "qc_serious_injury_risk", "gdpr_risk", "au_eligible_breach"}
}

// notifiable is true when a duty of the breach is required, false when
// every duty evaluated is not, else the answer to the first harm-threshold
// question; nil while undetermined. Records to keep (required of every
// breach), permitted steps and regulators' practice dates are not duties
// to notify and do not count.
func notifiable(all []ObligationRef, answers map[string]string) *bool {
	yes, no := true, false
	decided := 0
	var obs []ObligationRef
	for _, o := range all {
		if o.Kind == "" || o.Kind == rules.KindDuty {
			obs = append(obs, o)
		}
	}
	for _, o := range obs {
		if o.Required != nil && *o.Required && o.Status != "not_required" {
			return &yes
		}
		if (o.Required != nil && !*o.Required) || o.Status == "not_required" {
			decided++
		}
	}
	if len(obs) > 0 && decided == len(obs) {
		return &no
	}
	for _, q := range riskQuestions() {
		switch strings.ToLower(strings.TrimSpace(answers[q])) {
		case "true", "yes", "risk", "high_risk":
			return &yes
		case "false", "no", "unlikely":
			return &no
		}
	}
	return nil
}

func riskRationale(answers []breach.Answer) string {
	for _, q := range riskQuestions() {
		for _, a := range answers {
			if a.QuestionID == q && strings.TrimSpace(a.Rationale) != "" {
				return a.Rationale
			}
		}
	}
	return ""
}

func firstEvent(events []breach.Event, kind string) *time.Time {
	var first *time.Time
	for _, e := range events {
		if e.Kind == kind && (first == nil || e.At.Before(*first)) {
			at := e.At.UTC()
			first = &at
		}
	}
	return first
}

func firstNonBlank(items ...string) string {
	for _, s := range items {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
