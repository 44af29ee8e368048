package obligation

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/rules"
)

// BreachLoader loads a breach with its events and answers inside a
// transaction, without a permission check (*breach.Service satisfies it).
type BreachLoader interface {
	Load(ctx context.Context, tx *gorm.DB, id int64) (breach.Breach, error)
}

// Service keeps the obligations of stored breaches.
type Service struct {
	db       *gorm.DB
	cat      *rules.Catalogue
	cals     *clock.Registry
	breaches BreachLoader
	terms    Terms
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Operators are the e-mail addresses allowed to add calendar closures.
	Operators []string
}

// NewService builds the service on the catalogue and calendars.
func NewService(db *gorm.DB, cat *rules.Catalogue, cals *clock.Registry, breaches BreachLoader) *Service {
	return &Service{db: db, cat: cat, cals: cals, breaches: breaches, terms: Terms{V: &cat.Vocabulary}, Now: time.Now}
}

// Terms is the vocabulary validator for the breach and auth services.
func (s *Service) Terms() Terms { return s.terms }

// Catalogue is the regulation catalogue the service evaluates.
func (s *Service) Catalogue() *rules.Catalogue { return s.cat }

// Calendars is the calendar registry deadlines are counted in.
func (s *Service) Calendars() *clock.Registry { return s.cals }

// options are the evaluation settings for an organization at now.
func (s *Service) options(org auth.Organization, now time.Time) rules.Options {
	return rules.Options{
		Now:            now,
		InternalTarget: time.Duration(org.InternalTargetHours) * time.Hour,
		Calendars:      s.cals,
	}
}

// Assess evaluates facts that are not stored (the assessments API and the
// CLI): the same engine, calendars and options as a stored breach.
func Assess(cat *rules.Catalogue, cals rules.Calendars, facts rules.Facts, now time.Time) rules.Result {
	return rules.Evaluate(cat, facts, rules.Options{Now: now, Calendars: cals})
}
