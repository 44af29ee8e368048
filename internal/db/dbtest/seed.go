package dbtest

import (
	"encoding/json"
	"testing"
	"time"

	"gorm.io/gorm"
)

// Seed inserts the rows that tests below the application start from —
// organizations, members, breaches and obligations — as the owning
// packages' tables define them. It is the one place such rows are made by
// hand: tests that can run the whole application use apptest, which goes
// through the services; tests of one package, which cannot import the
// application, use Seed. Every method fails the test on an error.
type Seed struct {
	t   testing.TB
	g   *gorm.DB
	Now time.Time // created_at and updated_at of every row
}

// NewSeed seeds the database g, with rows created now.
func NewSeed(t testing.TB, g *gorm.DB) *Seed {
	return &Seed{t: t, g: g, Now: time.Now().UTC().Truncate(time.Second)}
}

// OrgRow is an organization. Name defaults to the slug; Zone, when empty,
// is left to the column's default; Home is the home jurisdiction.
type OrgRow struct {
	Slug, Name, Zone, Home string
}

// BreachRow is a breach. Title defaults to "Lost laptop"; Categories are
// its data categories.
type BreachRow struct {
	Reference, Title string
	Categories       []string
}

// ObligationRow is a stored obligation with its "created" history entry.
// RuleID defaults to RuleKey, Version to "1", Jurisdiction to "CA-ON", Status to
// "pending"; Recipient is the JSON of the recipient.
type ObligationRow struct {
	RuleKey, RuleID, Version, Jurisdiction, Recipient, Citation, Status string
	Required                                                            bool
	Due                                                                 *time.Time
}

// Org inserts an organization and returns its id.
func (s *Seed) Org(o OrgRow) int64 {
	s.t.Helper()
	if o.Name == "" {
		o.Name = o.Slug
	}
	s.exec("INSERT INTO organizations (slug, name, home_jurisdiction, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		o.Slug, o.Name, o.Home, s.Now, s.Now)
	id := s.id("SELECT id FROM organizations WHERE slug = ?", o.Slug)
	if o.Zone != "" {
		s.exec("UPDATE organizations SET time_zone = ? WHERE id = ?", o.Zone, id)
	}
	return id
}

// User returns the id of the user with this address, creating it with
// the name the first time.
func (s *Seed) User(email, name string) int64 {
	s.t.Helper()
	var uid int64
	if err := s.g.Raw("SELECT id FROM users WHERE email = ?", email).Scan(&uid).Error; err != nil {
		s.t.Fatal(err)
	}
	if uid == 0 {
		s.exec("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, ?, ?, ?)", email, name, s.Now, s.Now)
		uid = s.id("SELECT id FROM users WHERE email = ?", email)
	}
	return uid
}

// Member adds the user with this address (created as "Name <email>" when
// new) to the organization with the role, and returns the user's id.
func (s *Seed) Member(org int64, email, role string) int64 {
	s.t.Helper()
	uid := s.User(email, "Name "+email)
	s.exec("INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)", uid, org, role, s.Now)
	return uid
}

// Breach inserts a breach of the organization and returns its id.
func (s *Seed) Breach(org int64, b BreachRow) int64 {
	s.t.Helper()
	if b.Title == "" {
		b.Title = "Lost laptop"
	}
	cats, err := json.Marshal(append([]string{}, b.Categories...))
	if err != nil {
		s.t.Fatal(err)
	}
	s.exec("INSERT INTO breaches (organization_id, reference, title, data_categories, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		org, b.Reference, b.Title, string(cats), s.Now, s.Now)
	return s.id("SELECT id FROM breaches WHERE organization_id = ? AND reference = ?", org, b.Reference)
}

// Obligation inserts an obligation of the breach, with its "created"
// history entry, and returns its id.
func (s *Seed) Obligation(breach int64, o ObligationRow) int64 {
	s.t.Helper()
	if o.RuleID == "" {
		o.RuleID = o.RuleKey
	}
	if o.Jurisdiction == "" {
		o.Jurisdiction = "CA-ON"
	}
	if o.Version == "" {
		o.Version = "1"
	}
	if o.Status == "" {
		o.Status = "pending"
	}
	if o.Recipient == "" {
		o.Recipient = "{}"
	}
	var due any
	if o.Due != nil {
		due = o.Due.UTC()
	}
	s.exec(`INSERT INTO obligations (breach_id, organization_id, rule_key, rule_id, rule_version, jurisdiction, recipient,
		required, due_at, citation, rule_status, status, evaluated_at, created_at, updated_at)
		SELECT id, organization_id, ?, ?, ?, ?, ?, ?, ?, ?, 'verified', ?, ?, ?, ? FROM breaches WHERE id = ?`,
		o.RuleKey, o.RuleID, o.Version, o.Jurisdiction, o.Recipient, o.Required, due, o.Citation, o.Status, s.Now, s.Now, s.Now, breach)
	id := s.id("SELECT id FROM obligations WHERE breach_id = ? AND rule_key = ?", breach, o.RuleKey)
	s.exec("INSERT INTO obligation_history (obligation_id, at, change) VALUES (?, ?, 'created')", id, s.Now)
	return id
}

func (s *Seed) exec(q string, args ...any) {
	s.t.Helper()
	if err := s.g.Exec(q, args...).Error; err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

func (s *Seed) id(q string, args ...any) int64 {
	s.t.Helper()
	var id int64
	if err := s.g.Raw(q, args...).Scan(&id).Error; err != nil || id == 0 {
		s.t.Fatalf("%s: id %d, %v", q, id, err)
	}
	return id
}
