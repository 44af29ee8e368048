package document

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// BreachReader is what documents read of breaches (breach.Reader).
type BreachReader interface {
	Load(ctx context.Context, tx *gorm.DB, id int64) (breach.Breach, error)
	Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (breach.Breach, error)
	ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]breach.Breach, error)
	CategoryList(ctx context.Context, tx *gorm.DB) ([]breach.Category, error)
}

// OrgReader is what documents read of organizations (auth.Reader).
type OrgReader interface {
	OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (auth.Organization, error)
}

// RosterReader gives the stored counts of affected people (roster.CountReader).
type RosterReader interface {
	Counts(ctx context.Context, tx *gorm.DB, breachID int64) (roster.Totals, error)
	PeopleByBreach(ctx context.Context, tx *gorm.DB, breachIDs []int64) (map[int64]int64, error)
}

// Obligations lists the obligations documents print and marks the one a
// filed document answers (obligation.Service).
type Obligations interface {
	ForBreach(ctx context.Context, tx *gorm.DB, breachID int64) ([]obligation.Obligation, error)
	ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]obligation.Obligation, error)
	// MarkFiled runs inside the transaction that records the document's
	// filing; false means the obligation was already filed.
	MarkFiled(ctx context.Context, tx *gorm.DB, c breach.Call, breachID, id int64, f obligation.Filing) (bool, error)
}

// requirementsOf is what the generic filing asks for under a rule version:
// each content item of the rule, at the document field the catalogue's
// vocabulary maps it to. ok is false when the rule is unknown.
func requirementsOf(cat *rules.Catalogue, key, version string) (string, []report.Requirement, bool) {
	for _, rule := range cat.Versions(key) {
		if version != "" && rule.Version != version {
			continue
		}
		reqs := make([]report.Requirement, len(rule.Content))
		for i, f := range rule.Content {
			field, _ := cat.Vocabulary.ContentField(f.ID) // the catalogue refuses to load an unmapped id
			reqs[i] = report.Requirement{Field: field, Label: f.Label, Citation: rule.Citation}
		}
		return "Breach report to " + rule.Recipient.Name, reqs, true
	}
	return "", nil, false
}

// ObligationRef is an obligation of a breach as a document presents it, with
// its row id so that a filing can be linked to it.
type ObligationRef struct {
	ID       int64
	BreachID int64
	// Kind is the obligation's kind (rules.KindDuty and the others): only
	// a duty to notify makes a breach notifiable; a record to keep, a
	// permitted step or a practice date does not.
	Kind string
	report.Obligation
}

// refOf is the obligation as documents print it.
func refOf(o obligation.Obligation) ObligationRef {
	return ObligationRef{ID: o.ID, BreachID: o.BreachID, Kind: o.Kind, Obligation: report.Obligation{
		RuleID: o.RuleKey, Version: o.RuleVersion, Recipient: o.Recipient.Name, Jurisdiction: o.Jurisdiction,
		Citation: o.Citation, Status: o.Status, Standard: o.Standard, Due: o.DueAt, Target: o.InternalTargetAt,
		Required: o.Required, Explanation: o.Explanation, FiledAt: o.FiledAt, FilingReference: o.FilingReference,
		StatusNote: o.StatusNote, Notes: o.Notes, Kind: o.Kind, Until: o.UntilAt,
	}}
}

func refsOf(list []obligation.Obligation) []ObligationRef {
	out := make([]ObligationRef, len(list))
	for i, o := range list {
		out[i] = refOf(o)
	}
	return out
}

// RosterStats are the breach's affected people as the roster counts them:
// the counts stored when the last import committed, with rows flagged as
// duplicates of another person left out, so a filing states the same number
// as the roster page and the obligations.
func (s *Service) RosterStats(ctx context.Context, tx *gorm.DB, breachID int64) (report.RosterStats, error) {
	t, err := s.deps.Roster.Counts(ctx, tx, breachID)
	if err != nil {
		return report.RosterStats{}, fmt.Errorf("roster counts: %w", err)
	}
	return report.RosterStats{Total: int(t.People), Minors: int(t.Minors),
		ByRegion: ints(t.Regions), ByLanguage: ints(t.Languages), ByChannel: ints(t.Channels)}, nil
}

func ints(m map[string]int64) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = int(v)
	}
	return out
}

// Reader answers other packages' questions about stored documents inside
// their transactions. It holds no state, so the obligations (which the
// document service calls) can be given one before the service exists.
type Reader struct{}

// OfBreach reports whether the document exists and belongs to the breach.
func (Reader) OfBreach(ctx context.Context, tx *gorm.DB, documentID, breachID int64) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Model(&Document{}).Where("id = ? AND breach_id = ?", documentID, breachID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("document %d: %w", documentID, err)
	}
	return n == 1, nil
}
