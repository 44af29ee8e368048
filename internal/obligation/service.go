package obligation

import (
	"context"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/errs"
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
	// French is the catalogue with its texts in French; when set, every
	// evaluation also keeps each obligation's words in French.
	French *rules.Catalogue
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

// CatalogueIn is the catalogue with its texts in lang: the French one for
// "fr" when the service has it, else the English one.
func (s *Service) CatalogueIn(lang string) *rules.Catalogue {
	if lang == "fr" && s.deps.French != nil {
		return s.deps.French
	}
	return s.cat
}

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

// DefaultInternalTarget is the internal target of an assessment whose facts
// and organization set none (the organizations' own default).
const DefaultInternalTarget = 72 * time.Hour

// InternalTarget is the target an assessment tracks duties with no fixed
// date against: the facts' own internal_target_hours, else the
// organization's setting (orgHours, 0 when there is none), else 72 hours.
func InternalTarget(f *rules.Facts, orgHours int) time.Duration {
	switch {
	case f.Organization.InternalTargetHours > 0:
		return time.Duration(f.Organization.InternalTargetHours) * time.Hour
	case orgHours > 0:
		return time.Duration(orgHours) * time.Hour
	}
	return DefaultInternalTarget
}

// Assess evaluates facts that are not stored (the assessments API): the
// same engine and calendars as a stored breach, with the closures stored at
// run time. The internal target is the facts', else that of the caller's
// organization named by orgRef (slug or id; "" picks the caller's only
// organization), else 72 hours. An organization the caller is not a member
// of is not found.
func (s *Service) Assess(ctx context.Context, p *auth.Principal, orgRef string, facts rules.Facts, now time.Time) (rules.Result, error) {
	hours, err := s.callerTarget(ctx, p, orgRef)
	if err != nil {
		return rules.Result{}, err
	}
	cals, err := s.calendars(ctx, s.db)
	if err != nil {
		return rules.Result{}, err
	}
	opts := rules.Options{Now: now, Calendars: cals, InternalTarget: InternalTarget(&facts, hours)}
	return rules.Evaluate(s.cat, facts, opts), nil
}

// callerTarget is the internal target (hours) of the caller's organization
// named by ref, or of their only organization; 0 when neither applies.
func (s *Service) callerTarget(ctx context.Context, p *auth.Principal, ref string) (int, error) {
	if p == nil || (ref == "" && len(p.Memberships) != 1) {
		return 0, nil
	}
	orgs, err := s.deps.Orgs.OrganizationsByIDs(ctx, s.db, p.OrgIDs())
	if err != nil {
		return 0, err
	}
	for _, o := range orgs {
		if ref == "" || o.Slug == ref || strconv.FormatInt(o.ID, 10) == ref {
			return o.InternalTargetHours, nil
		}
	}
	return 0, &errs.Invalid{Message: "no such organization", Fields: map[string]string{"organization": "the slug or id of one of your organizations"}}
}

// Terms is the vocabulary validator for the breach and auth services.
func (s *Service) Terms() Terms { return s.terms }
