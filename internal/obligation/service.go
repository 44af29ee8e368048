package obligation

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/rules"
)

// BreachReader is what the obligations read of breaches (breach.Reader).
type BreachReader interface {
	Load(ctx context.Context, tx *gorm.DB, id int64) (breach.Breach, error)
	Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (breach.Breach, error)
	OfOrganization(ctx context.Context, tx *gorm.DB, orgID int64, withClosed bool) ([]int64, error)
	Summaries(ctx context.Context, tx *gorm.DB, ids []int64) (map[int64]breach.Summary, error)
	CategoryList(ctx context.Context, tx *gorm.DB) ([]breach.Category, error)
}

// OrgReader is what the obligations read of organizations (auth.Reader).
type OrgReader interface {
	OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (auth.Organization, error)
	OrganizationsByIDs(ctx context.Context, tx *gorm.DB, ids []int64) (map[int64]auth.Organization, error)
}

// CountReader gives a breach's affected people per region code, as the
// roster stores them with every import (roster.Reader).
type CountReader interface {
	RegionCounts(ctx context.Context, tx *gorm.DB, breachID int64) (map[string]int64, error)
}

// DocumentReader tells whether a stored document belongs to a breach
// (document.Reader), so a filing cannot cite another breach's document.
type DocumentReader interface {
	OfBreach(ctx context.Context, tx *gorm.DB, documentID, breachID int64) (bool, error)
}

// Deps are the readers the obligations need of the tables other packages
// own, and the installation's operators. Every reader is required.
type Deps struct {
	Breaches  BreachReader
	Orgs      OrgReader
	Counts    CountReader
	Documents DocumentReader
	// Operators are the e-mail addresses allowed to add calendar closures.
	Operators []string
}

// Service keeps the obligations of stored breaches.
type Service struct {
	db    *gorm.DB
	cat   *rules.Catalogue
	cals  *clock.Registry
	deps  Deps
	terms Terms
	// Now is the clock; tests replace it.
	Now func() time.Time

	// closed caches the calendars with the stored closures applied, keyed
	// by the closures it was built from; the closures are read from the
	// database before every evaluation (see calendars).
	closedMu  sync.Mutex
	closedKey string
	closed    *clock.Registry
}

// NewService builds the service on the catalogue and calendars.
func NewService(db *gorm.DB, cat *rules.Catalogue, cals *clock.Registry, d Deps) *Service {
	if d.Breaches == nil || d.Orgs == nil || d.Counts == nil || d.Documents == nil {
		panic("obligation.NewService: the breach, organization, count and document readers are required")
	}
	return &Service{db: db, cat: cat, cals: cals, deps: d, terms: NewTerms(cat), Now: time.Now}
}

// NewTerms is the catalogue's vocabulary as the breach and auth services
// validate with it.
func NewTerms(cat *rules.Catalogue) Terms { return Terms{V: &cat.Vocabulary} }

// Catalogue is the regulation catalogue the service evaluates.
func (s *Service) Catalogue() *rules.Catalogue { return s.cat }

// Calendars is the calendar registry deadlines are counted in, without the
// closures stored at run time.
func (s *Service) Calendars() *clock.Registry { return s.cals }

// BreachChanged re-evaluates a breach inside the transaction of the change
// to its facts (breach.FactsChanged, roster.FactsChanged).
func (s *Service) BreachChanged(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error {
	_, err := s.Reevaluate(ctx, tx, breachID, cause)
	return err
}

// OrganizationChanged re-evaluates the open breaches of an organization
// inside the transaction of the change to its settings (auth.OrgChanged).
func (s *Service) OrganizationChanged(ctx context.Context, tx *gorm.DB, orgID int64, cause string) error {
	_, err := s.ReevaluateOrganization(ctx, tx, orgID, cause)
	return err
}

// options are the evaluation settings for an organization at now.
func options(org auth.Organization, now time.Time, cals rules.Calendars) rules.Options {
	return rules.Options{
		Now:            now,
		InternalTarget: time.Duration(org.InternalTargetHours) * time.Hour,
		Calendars:      cals,
	}
}

// Assess evaluates facts that are not stored (the assessments API and the
// CLI): the same engine and calendars as a stored breach, with the closures
// stored at run time.
func (s *Service) Assess(ctx context.Context, facts rules.Facts, now time.Time) (rules.Result, error) {
	cals, err := s.calendars(ctx, s.db)
	if err != nil {
		return rules.Result{}, err
	}
	return rules.Evaluate(s.cat, facts, rules.Options{Now: now, Calendars: cals}), nil
}

// Terms is the vocabulary validator for the breach and auth services.
func (s *Service) Terms() Terms { return s.terms }
