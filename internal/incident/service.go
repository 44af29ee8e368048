package incident

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
)

// BreachReader checks the caller's access to a breach (breach.Reader).
type BreachReader interface {
	Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (breach.Breach, error)
}

// OrgReader names an organization (auth.Reader).
type OrgReader interface {
	OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (auth.Organization, error)
}

// Service keeps incident pages.
type Service struct {
	db       *gorm.DB
	breaches BreachReader
	orgs     OrgReader
	now      func() time.Time
	// slugs remembers the published addresses; copies on another pool
	// share it (OnPool).
	slugs *slugCache
}

// NewService builds the service on db.
func NewService(db *gorm.DB, breaches BreachReader, orgs OrgReader) *Service {
	if breaches == nil || orgs == nil {
		panic("incident.NewService: the breach and organization readers are required")
	}
	return &Service{db: db, breaches: breaches, orgs: orgs, now: func() time.Time { return time.Now().UTC() }, slugs: newSlugCache()}
}

// OnPool returns the service reading through another handle on the same
// database (the public pages' pool), sharing what it remembers: a page
// published or withdrawn through either is seen by both at once.
func (s *Service) OnPool(db *gorm.DB) *Service {
	c := *s
	c.db = db
	return &c
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }

// maxText bounds one text of a page; maxNumber the call centre's number.
const (
	maxText   = 20000
	maxNumber = 60
)

// slugRe is a chosen address: lower-case letters, digits and dashes, 3 to
// 64 characters, starting and ending with a letter or digit.
var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)

// reservedSlugs would collide with the public routes.
var reservedSlugs = map[string]bool{"org": true}

// ValidSlug reports whether s may name a page or an index.
func ValidSlug(s string) bool { return slugRe.MatchString(s) && !reservedSlugs[s] }

// randomSlug is an unguessable address: 100 random bits.
func randomSlug() (string, error) {
	b := make([]byte, 13)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20], nil
}

// DraftInput is a draft saved by the privacy office. Slug, when given,
// chooses the page's address (only before it is first published); an empty
// slug on a new page gives it a random one.
type DraftInput struct {
	Slug    string
	Content Content
}

// check validates a draft's texts.
func (c Content) check(f errs.Fields) {
	for lang, t := range c.Texts {
		if !contains(Languages, lang) {
			f.Add("texts", "only English and French")
			continue
		}
		for name, v := range map[string]string{"title": t.Title, "what_happened": t.WhatHappened, "what_we_are_doing": t.WhatWeAreDoing,
			"what_you_can_do": t.WhatYouCanDo, "contact": t.Contact, "substitute_notice": t.SubstituteText} {
			if utf8.RuneCountInString(v) > maxText {
				f.Add(name+"_"+lang, fmt.Sprintf("at most %d characters", maxText))
			}
		}
		if utf8.RuneCountInString(t.Title) > 200 {
			f.Add("title_"+lang, "at most 200 characters")
		}
	}
	if utf8.RuneCountInString(c.CallCentre) > maxNumber || strings.ContainsAny(c.CallCentre, "\r\n") {
		f.Add("call_centre", fmt.Sprintf("one line, at most %d characters", maxNumber))
	}
}

// publishable names what a version lacks before it can go public: a
// title, what happened and a contact in every language.
func (c Content) publishable() error {
	f := errs.Fields{}
	for _, lang := range Languages {
		t := c.Texts[lang]
		for name, v := range map[string]string{"title": t.Title, "what_happened": t.WhatHappened, "contact": t.Contact} {
			if strings.TrimSpace(v) == "" {
				f.Add(name+"_"+lang, "required to publish")
			}
		}
	}
	if err := f.Err(); err != nil {
		return &errs.Invalid{Message: "the page needs a title, what happened and a contact in English and in French before it is published",
			Fields: err.(*errs.Invalid).Fields}
	}
	return nil
}

// Manage returns a breach's page for the privacy office: the incident,
// the latest draft, every version and update, the organization's settings.
// Anyone who may read the breach.
func (s *Service) Manage(ctx context.Context, p *auth.Principal, breachID int64) (Management, error) {
	b, err := s.breaches.Access(ctx, s.db, p, breachID, auth.Read)
	if err != nil {
		return Management{}, err
	}
	out := Management{Settings: Settings{OrganizationID: b.OrganizationID}}
	if st, err := s.settings(ctx, s.db, b.OrganizationID); err != nil {
		return Management{}, err
	} else if st != nil {
		out.Settings = *st
	}
	inc, err := s.byBreach(ctx, s.db, breachID)
	if err != nil || inc == nil {
		return out, err
	}
	out.Incident = inc
	q := s.db.WithContext(ctx)
	if err := q.Where("incident_id = ?", inc.ID).Order("version DESC").Find(&out.Versions).Error; err != nil {
		return Management{}, fmt.Errorf("incident versions: %w", err)
	}
	if err := q.Where("incident_id = ?", inc.ID).Order("posted_at DESC, id DESC").Find(&out.Updates).Error; err != nil {
		return Management{}, fmt.Errorf("incident updates: %w", err)
	}
	for _, v := range out.Versions {
		if v.Version == inc.DraftVersion {
			out.Draft = v.Content
		}
	}
	return out, nil
}

// byBreach is a breach's incident, nil when it has none yet.
func (s *Service) byBreach(ctx context.Context, tx *gorm.DB, breachID int64) (*Incident, error) {
	var list []Incident
	if err := tx.WithContext(ctx).Where("breach_id = ?", breachID).Limit(1).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("incident of breach %d: %w", breachID, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return &list[0], nil
}

// SaveDraft stores a new version of a breach's page, creating the page on
// the first draft. Privacy officers and admins.
func (s *Service) SaveDraft(ctx context.Context, c breach.Call, breachID int64, in DraftInput) (Incident, error) {
	f := errs.Fields{}
	in.Content.check(f)
	in.Slug = strings.TrimSpace(in.Slug)
	if in.Slug != "" && !ValidSlug(in.Slug) {
		f.Add("slug", "3 to 64 lower-case letters, digits and dashes, starting and ending with a letter or digit")
	}
	if err := f.Err(); err != nil {
		return Incident{}, err
	}
	var out Incident
	err := s.tx(ctx, func(tx *gorm.DB) error {
		b, err := s.breaches.Access(ctx, tx, c.P, breachID, auth.Write)
		if err != nil {
			return err
		}
		inc, err := s.pageFor(ctx, tx, b, in.Slug)
		if err != nil {
			return err
		}
		now := s.now()
		v := Version{IncidentID: inc.ID, Version: inc.DraftVersion + 1, Content: in.Content, CreatedBy: userID(c.P), CreatedAt: now}
		if err := tx.Create(&v).Error; err != nil {
			return fmt.Errorf("incident version: %w", err)
		}
		inc.DraftVersion, inc.UpdatedAt = v.Version, now
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Updates(map[string]any{"draft_version": v.Version, "slug": inc.Slug,
			"updated_at": now}).Error; err != nil {
			return saveErr(err)
		}
		out = *inc
		return s.audit(ctx, tx, c, inc, "incident.draft", map[string]any{"version": v.Version, "slug": inc.Slug})
	})
	return out, err
}

// pageFor is the breach's page, created with the chosen or a random slug
// if it has none; a chosen slug replaces the current one only while the
// page has never been published (its address must stay stable).
func (s *Service) pageFor(ctx context.Context, tx *gorm.DB, b breach.Breach, slug string) (*Incident, error) {
	inc, err := s.byBreach(ctx, tx, b.ID)
	if err != nil {
		return nil, err
	}
	if inc != nil {
		if slug != "" && slug != inc.Slug {
			if inc.FirstPublishedAt != nil {
				return nil, &errs.Invalid{Message: "the address of a page that was published cannot change",
					Fields: map[string]string{"slug": "fixed once published"}}
			}
			inc.Slug = slug
		}
		return inc, nil
	}
	if slug == "" {
		if slug, err = randomSlug(); err != nil {
			return nil, err
		}
	}
	now := s.now()
	inc = &Incident{OrganizationID: b.OrganizationID, BreachID: b.ID, Slug: slug, Status: Draft, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(inc).Error; err != nil {
		return nil, saveErr(err)
	}
	return inc, nil
}

// saveErr makes a taken slug a field error.
func saveErr(err error) error {
	if db.IsUniqueViolation(err) {
		return &errs.Invalid{Message: "this address is taken", Fields: map[string]string{"slug": "taken by another page"}}
	}
	return fmt.Errorf("incident: %w", err)
}

// Publish makes the latest draft the public page (again, after a
// withdrawal). Privacy officers and admins.
func (s *Service) Publish(ctx context.Context, c breach.Call, breachID int64, version int) (Incident, error) {
	var out Incident
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inc, err := s.writable(ctx, tx, c, breachID)
		if err != nil {
			return err
		}
		if version != inc.DraftVersion {
			return &errs.Conflict{Message: "the draft changed since you looked at it; preview it again and publish what you see"}
		}
		var v Version
		if err := tx.Where("incident_id = ? AND version = ?", inc.ID, version).Take(&v).Error; err != nil {
			return fmt.Errorf("incident version: %w", err)
		}
		if err := v.Content.publishable(); err != nil {
			return err
		}
		now := s.now()
		set := map[string]any{"status": Published, "published_version": version, "published_at": now, "withdrawn_at": nil, "updated_at": now}
		if inc.FirstPublishedAt == nil {
			set["first_published_at"] = now
			inc.FirstPublishedAt = &now
		}
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Updates(set).Error; err != nil {
			return fmt.Errorf("publish incident: %w", err)
		}
		inc.Status, inc.PublishedVersion, inc.PublishedAt, inc.WithdrawnAt = Published, version, &now, nil
		out = *inc
		return s.audit(ctx, tx, c, inc, "incident.publish", map[string]any{"version": version, "slug": inc.Slug})
	})
	s.slugs.forget(breachID)
	return out, err
}

// PostUpdate adds a dated update, in English and French, to a published
// page. Privacy officers and admins.
func (s *Service) PostUpdate(ctx context.Context, c breach.Call, breachID int64, en, fr string) (Update, error) {
	f := errs.Fields{}
	for name, v := range map[string]string{"update_en": en, "update_fr": fr} {
		switch n := utf8.RuneCountInString(strings.TrimSpace(v)); {
		case n == 0:
			f.Add(name, "required")
		case n > maxText:
			f.Add(name, fmt.Sprintf("at most %d characters", maxText))
		}
	}
	if err := f.Err(); err != nil {
		return Update{}, err
	}
	var out Update
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inc, err := s.writable(ctx, tx, c, breachID)
		if err != nil {
			return err
		}
		if inc.Status != Published {
			return &errs.Conflict{Message: "updates are posted on a published page"}
		}
		out = Update{IncidentID: inc.ID, PostedAt: s.now(), TextEN: strings.TrimSpace(en), TextFR: strings.TrimSpace(fr), CreatedBy: userID(c.P)}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("incident update: %w", err)
		}
		return s.audit(ctx, tx, c, inc, "incident.update", map[string]any{"update": out.ID})
	})
	return out, err
}

// Withdraw takes a page down: its address answers that it was withdrawn.
// Privacy officers and admins.
func (s *Service) Withdraw(ctx context.Context, c breach.Call, breachID int64) (Incident, error) {
	var out Incident
	err := s.tx(ctx, func(tx *gorm.DB) error {
		inc, err := s.writable(ctx, tx, c, breachID)
		if err != nil {
			return err
		}
		if inc.Status != Published {
			return &errs.Conflict{Message: "only a published page can be withdrawn"}
		}
		now := s.now()
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Updates(map[string]any{"status": Withdrawn, "withdrawn_at": now,
			"updated_at": now}).Error; err != nil {
			return fmt.Errorf("withdraw incident: %w", err)
		}
		inc.Status, inc.WithdrawnAt = Withdrawn, &now
		out = *inc
		return s.audit(ctx, tx, c, inc, "incident.withdraw", map[string]any{"slug": inc.Slug})
	})
	s.slugs.forget(breachID)
	return out, err
}

// writable is the breach's page, for a caller who may change it.
func (s *Service) writable(ctx context.Context, tx *gorm.DB, c breach.Call, breachID int64) (*Incident, error) {
	if _, err := s.breaches.Access(ctx, tx, c.P, breachID, auth.Write); err != nil {
		return nil, err
	}
	inc, err := s.byBreach(ctx, tx, breachID)
	if err != nil {
		return nil, err
	}
	if inc == nil {
		return nil, &errs.Conflict{Message: "save a draft of the page first"}
	}
	return inc, nil
}

// SetIndex turns the organization's index of published pages on or off;
// it is listed at /incidents/org/<the organization's slug>. Privacy
// officers and admins of the organization.
func (s *Service) SetIndex(ctx context.Context, c breach.Call, breachID int64, on bool) (Settings, error) {
	var out Settings
	err := s.tx(ctx, func(tx *gorm.DB) error {
		b, err := s.breaches.Access(ctx, tx, c.P, breachID, auth.Write)
		if err != nil {
			return err
		}
		org, err := s.orgs.OrganizationByID(ctx, tx, b.OrganizationID)
		if err != nil {
			return err
		}
		out = Settings{OrganizationID: org.ID, PublicIndex: on, IndexSlug: org.Slug, UpdatedAt: s.now()}
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "organization_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"public_index", "index_slug", "updated_at"})}).Create(&out).Error
		if err != nil {
			return fmt.Errorf("incident settings: %w", err)
		}
		return auth.Audit(ctx, tx, c.P, c.RequestID, org.ID, "incident.index", "organization", strconv.FormatInt(org.ID, 10),
			map[string]any{"public_index": on})
	})
	return out, err
}

func (s *Service) settings(ctx context.Context, tx *gorm.DB, orgID int64) (*Settings, error) {
	var list []Settings
	if err := tx.WithContext(ctx).Where("organization_id = ?", orgID).Limit(1).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("incident settings: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return &list[0], nil
}

func (s *Service) audit(ctx context.Context, tx *gorm.DB, c breach.Call, inc *Incident, action string, details any) error {
	return auth.Audit(ctx, tx, c.P, c.RequestID, inc.OrganizationID, action, "incident", strconv.FormatInt(inc.ID, 10), details)
}

func (s *Service) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

func userID(p *auth.Principal) *int64 {
	if p == nil || p.User.ID == 0 {
		return nil
	}
	id := p.User.ID
	return &id
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
