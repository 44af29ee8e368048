package breach

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// Reader reads breaches inside a caller's transaction. It holds no state,
// so the packages the breach service calls back through its change seam
// (the obligations) can be given one before the service exists. Every
// other package reads the breach tables only through these methods.
type Reader struct{}

// Access loads the breach row (without events and answers) and checks that
// p may do perm in its organization. It is the one "is this breach yours?"
// check: a breach of another organization, like one that does not exist,
// is not found; a role without perm is forbidden; a database failure is
// returned as itself.
func (Reader) Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (Breach, error) {
	var b Breach
	if err := tx.WithContext(ctx).Take(&b, id).Error; err != nil {
		if isNotFound(err) {
			return Breach{}, notFound(id)
		}
		return Breach{}, fmt.Errorf("breach %d: %w", id, err)
	}
	if err := p.Require(b.OrganizationID, perm); err != nil {
		return Breach{}, notFoundIfOutside(err, id)
	}
	return b, nil
}

// Load returns a breach with its events and answers, without a permission
// check, for callers that have already been authorised (workers, the
// obligations evaluating a breach, the command line).
func (Reader) Load(ctx context.Context, tx *gorm.DB, id int64) (Breach, error) {
	var b Breach
	if err := tx.WithContext(ctx).Take(&b, id).Error; err != nil {
		if isNotFound(err) {
			return Breach{}, notFound(id)
		}
		return Breach{}, fmt.Errorf("breach %d: %w", id, err)
	}
	b.Events, b.Answers = []Event{}, []Answer{}
	if err := tx.WithContext(ctx).Where("breach_id = ?", id).Order("at, id").Find(&b.Events).Error; err != nil {
		return Breach{}, fmt.Errorf("events of breach %d: %w", id, err)
	}
	if err := tx.WithContext(ctx).Where("breach_id = ?", id).Order("question_id").Find(&b.Answers).Error; err != nil {
		return Breach{}, fmt.Errorf("answers of breach %d: %w", id, err)
	}
	est, err := loadEstimates(ctx, tx, id)
	if err != nil {
		return Breach{}, err
	}
	if len(est) > 0 {
		b.Estimates = est
	}
	return b, nil
}

// HoldForImport reads the breach row and, on PostgreSQL, locks it against
// deletion until tx ends (FOR KEY SHARE): the affected people imported in
// tx have no per-row foreign key there (migration 00060), so this lock is
// what keeps their breach in place until they are committed.
func (Reader) HoldForImport(ctx context.Context, tx *gorm.DB, d db.Dialect, id int64) (Breach, error) {
	q := tx.WithContext(ctx)
	if d == db.Postgres {
		q = q.Clauses(clause.Locking{Strength: "KEY SHARE"})
	}
	var b Breach
	if err := q.Take(&b, id).Error; err != nil {
		if isNotFound(err) {
			return Breach{}, notFound(id)
		}
		return Breach{}, fmt.Errorf("breach %d: %w", id, err)
	}
	return b, nil
}

// OfOrganization lists the ids of an organization's breaches, oldest
// first; closed ones only when withClosed.
func (Reader) OfOrganization(ctx context.Context, tx *gorm.DB, orgID int64, withClosed bool) ([]int64, error) {
	q := tx.WithContext(ctx).Model(&Breach{}).Where("organization_id = ?", orgID)
	if !withClosed {
		q = q.Where("status <> ?", "closed")
	}
	var ids []int64
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("breaches of organization %d: %w", orgID, err)
	}
	return ids, nil
}

// Summary is what lists that name a breach beside something else (a duty,
// a reminder, a calendar entry) show of it.
type Summary struct {
	ID             int64
	OrganizationID int64
	Reference      string
	Title          string
	Status         string
}

// Summaries returns the summaries of the breaches with these ids.
func (Reader) Summaries(ctx context.Context, tx *gorm.DB, ids []int64) (map[int64]Summary, error) {
	out := make(map[int64]Summary, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Summary
	err := tx.WithContext(ctx).Model(&Breach{}).Select("id", "organization_id", "reference", "title", "status").
		Where("id IN ?", ids).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("breach summaries: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// ForOrganization returns every breach of an organization with its events
// and answers, oldest first, in a fixed number of queries whatever their
// number (the breach register).
func (Reader) ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]Breach, error) {
	tx = tx.WithContext(ctx)
	var bs []Breach
	if err := tx.Where("organization_id = ?", orgID).Order("id").Find(&bs).Error; err != nil {
		return nil, fmt.Errorf("breaches of organization %d: %w", orgID, err)
	}
	ofOrg := "breach_id IN (SELECT id FROM breaches WHERE organization_id = ?)"
	var events []Event
	if err := tx.Where(ofOrg, orgID).Order("breach_id, at, id").Find(&events).Error; err != nil {
		return nil, fmt.Errorf("events of organization %d: %w", orgID, err)
	}
	var answers []Answer
	if err := tx.Where(ofOrg, orgID).Order("breach_id, question_id").Find(&answers).Error; err != nil {
		return nil, fmt.Errorf("answers of organization %d: %w", orgID, err)
	}
	byID := make(map[int64]*Breach, len(bs))
	for i := range bs {
		bs[i].Events, bs[i].Answers = []Event{}, []Answer{}
		byID[bs[i].ID] = &bs[i]
	}
	for _, e := range events {
		if b := byID[e.BreachID]; b != nil {
			b.Events = append(b.Events, e)
		}
	}
	for _, a := range answers {
		if b := byID[a.BreachID]; b != nil {
			b.Answers = append(b.Answers, a)
		}
	}
	return bs, nil
}

// ByReference finds breaches by id ("42") or reference ("BR-2025-0007"),
// within the organizations given (all of them when orgIDs is empty). A
// reference is unique only inside an organization, so several may match.
func (Reader) ByReference(ctx context.Context, tx *gorm.DB, ref string, orgIDs []int64) ([]Breach, error) {
	q := tx.WithContext(ctx).Model(&Breach{})
	ref = strings.TrimSpace(ref)
	if id, err := parseID(ref); err == nil {
		q = q.Where("id = ?", id)
	} else {
		q = q.Where("reference = ?", strings.ToUpper(ref))
	}
	if len(orgIDs) > 0 {
		q = q.Where("organization_id IN ?", orgIDs)
	}
	var out []Breach
	if err := q.Order("organization_id, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("breach %s: %w", ref, err)
	}
	return out, nil
}

// CategoryList lists the data categories.
func (Reader) CategoryList(ctx context.Context, tx *gorm.DB) ([]Category, error) {
	var out []Category
	if err := tx.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("data categories: %w", err)
	}
	return out, nil
}
