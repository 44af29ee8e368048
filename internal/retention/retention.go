// Package retention removes affected people's contact data once it is no
// longer needed: the breach is closed, its notice campaigns are over, and
// the organization's retention period has passed since (unless the
// organization holds everything). It keeps what the law requires of the
// breach itself (the record PIPEDA s.10.3 keeps for 24 months after the
// determination, the register Québec keeps for five years, and the rest of
// the catalogue's record-keeping duties) and the counts: the breach, its
// events, obligations, documents and audit trail are never touched, nor
// whether, how and when each person was told. Each package removes what it
// owns; this one decides when, and records each removal in the audit log.
package retention

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/roster"
)

// Orgs lists the organizations with their retention settings (auth.Reader).
type Orgs interface {
	AllOrganizations(ctx context.Context, tx *gorm.DB) ([]auth.Organization, error)
}

// Breaches lists an organization's breaches with their events (breach.Reader).
type Breaches interface {
	ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]breach.Breach, error)
}

// Notices tells where a breach's campaigns stand and removes the contact
// data of its notice records (notice.Retention).
type Notices interface {
	Campaigns(ctx context.Context, tx *gorm.DB, breachID int64) (notice.CampaignsState, error)
	PurgeContacts(ctx context.Context, tx *gorm.DB, breachID int64, dryRun bool) (notice.NoticePurge, error)
}

// People removes the contact data of a breach's people (roster.Retention).
type People interface {
	PurgeContacts(ctx context.Context, tx *gorm.DB, breachID int64, now time.Time, dryRun bool) (roster.PeoplePurge, error)
}

// Records lists a breach's record-keeping duties and how long each keeps
// the breach's record (the obligations of kind retention).
type Records interface {
	KeptRecords(ctx context.Context, tx *gorm.DB, breachID int64) ([]KeptRecord, error)
}

// KeptRecord is a duty to keep the breach's record, which the purge leaves
// whole.
type KeptRecord struct {
	Rule     string     `json:"rule"`
	Citation string     `json:"citation"`
	Until    *time.Time `json:"until,omitempty"`
	Standard string     `json:"standard,omitempty"`
}

// Deps are what the purge reads and calls; every one is required.
type Deps struct {
	Orgs     Orgs
	Breaches Breaches
	Notices  Notices
	People   People
	Records  Records
}

// Service decides and carries out the removal of contact data.
type Service struct {
	db   *gorm.DB
	deps Deps
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// NewService returns the retention service.
func NewService(db *gorm.DB, d Deps) *Service {
	if d.Orgs == nil || d.Breaches == nil || d.Notices == nil || d.People == nil || d.Records == nil {
		panic("retention.NewService: every dependency is required")
	}
	return &Service{db: db, deps: d}
}

// Breach is one breach whose people's contact data is still held.
type Breach struct {
	OrganizationID int64  `json:"organization_id"`
	Organization   string `json:"organization"`
	BreachID       int64  `json:"breach_id"`
	Reference      string `json:"reference"`
	Status         string `json:"status"`
	// Due says whether the contact data goes now; Reason says why not,
	// and RemovableFrom when it will (when that is known).
	Due           bool       `json:"due"`
	Reason        string     `json:"reason,omitempty"`
	RemovableFrom *time.Time `json:"removable_from,omitempty"`
	RetentionDays int        `json:"retention_days"`
	// People and Notices are what goes (or went).
	People  roster.PeoplePurge `json:"people"`
	Notices notice.NoticePurge `json:"notices"`
	// Kept are the breach's record-keeping duties, which stay whole.
	Kept []KeptRecord `json:"kept"`
	// Removed is set once the data is gone.
	Removed bool `json:"removed"`
}

// Report is one run of the purge.
type Report struct {
	DryRun   bool      `json:"dry_run"`
	At       time.Time `json:"at"`
	Breaches []Breach  `json:"breaches"`
}

// Removed counts the breaches whose contact data this run removed.
func (r Report) Removed() int {
	n := 0
	for _, b := range r.Breaches {
		if b.Removed {
			n++
		}
	}
	return n
}

// Run looks at every breach of every organization (or of orgID alone) and
// removes the contact data that is due, one breach per transaction, each
// removal audited as by who; with dryRun it removes nothing and says what
// would go and what would not, and why.
func (s *Service) Run(ctx context.Context, who *auth.Principal, orgID int64, dryRun bool) (Report, error) {
	now := s.now()
	rep := Report{DryRun: dryRun, At: now, Breaches: []Breach{}}
	orgs, err := s.deps.Orgs.AllOrganizations(ctx, s.db)
	if err != nil {
		return rep, err
	}
	for _, o := range orgs {
		if orgID != 0 && o.ID != orgID {
			continue
		}
		breaches, err := s.deps.Breaches.ForOrganization(ctx, s.db, o.ID)
		if err != nil {
			return rep, err
		}
		for i := range breaches {
			b, err := s.breach(ctx, who, o, &breaches[i], now, dryRun)
			if err != nil {
				return rep, err
			}
			if b != nil {
				rep.Breaches = append(rep.Breaches, *b)
			}
		}
	}
	return rep, nil
}

// breach handles one breach in a transaction of its own; nil when nothing
// of its people's contact data is left.
func (s *Service) breach(ctx context.Context, who *auth.Principal, o auth.Organization, b *breach.Breach, now time.Time, dryRun bool) (*Breach, error) {
	var out *Breach
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r := &Breach{OrganizationID: o.ID, Organization: o.Slug, BreachID: b.ID, Reference: b.Reference, Status: b.Status,
			RetentionDays: o.ContactRetentionDays}
		st, err := s.deps.Notices.Campaigns(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		s.decide(r, o, b, st, now)
		remove := r.Due && !dryRun
		if r.People, err = s.deps.People.PurgeContacts(ctx, tx, b.ID, now, !remove); err != nil {
			return err
		}
		if r.Notices, err = s.deps.Notices.PurgeContacts(ctx, tx, b.ID, !remove); err != nil {
			return err
		}
		if r.People == (roster.PeoplePurge{}) && r.Notices == (notice.NoticePurge{}) {
			return nil // nothing held: nothing to say
		}
		if r.Kept, err = s.deps.Records.KeptRecords(ctx, tx, b.ID); err != nil {
			return err
		}
		out = r
		if !remove {
			return nil
		}
		r.Removed = true
		return auth.Audit(ctx, tx, who, "", o.ID, "retention.purge", "breach", strconv.FormatInt(b.ID, 10), map[string]any{
			"reference": b.Reference, "retention_days": o.ContactRetentionDays, "people": r.People, "notices": r.Notices,
			"kept": r.Kept,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("retention of breach %d: %w", b.ID, err)
	}
	return out, nil
}

// decide sets whether the breach's contact data is due for removal.
func (s *Service) decide(r *Breach, o auth.Organization, b *breach.Breach, st notice.CampaignsState, now time.Time) {
	switch {
	case o.RetentionHold:
		r.Reason = "the organization holds all contact data (retention hold)"
		return
	case b.Status != "closed":
		r.Reason = "the breach is " + b.Status + ", not closed"
		return
	case st.Open > 0:
		r.Reason = fmt.Sprintf("%d notice campaign(s) not completed or cancelled", st.Open)
		return
	}
	from := closedAt(b)
	if st.LastClosed != nil && st.LastClosed.After(from) {
		from = *st.LastClosed
	}
	from = from.AddDate(0, 0, o.ContactRetentionDays).UTC()
	r.RemovableFrom = &from
	if now.Before(from) {
		r.Reason = fmt.Sprintf("kept %d days after the breach closed and its notices ended", o.ContactRetentionDays)
		return
	}
	r.Due = true
}

// closedAt is when the breach was closed: its "closed" event, else its last
// change.
func closedAt(b *breach.Breach) time.Time {
	var at time.Time
	for _, e := range b.Events {
		if e.Kind == "closed" && e.At.After(at) {
			at = e.At
		}
	}
	if at.IsZero() {
		at = b.UpdatedAt
	}
	return at.UTC()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
