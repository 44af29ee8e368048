// Package rules holds the regulation catalogue (config/regulations) and
// evaluates the facts of a breach into obligations: who must be told, by
// when, why and under which law.
//
// The package is pure: no database, no network, and it never reads the wall
// clock. The current time is a parameter (Options.Now).
package rules

import (
	"fmt"
	"strings"
	"time"
)

// Status values of a rule: how far its content has been checked against the
// official text.
const (
	StatusVerified   = "verified"
	StatusSecondary  = "secondary"
	StatusUnverified = "unverified"
)

// Catalogue is a loaded, validated set of rules plus the vocabulary they use.
type Catalogue struct {
	Vocabulary Vocabulary
	// Profiles describe jurisdictions' statutes (covered data,
	// exemptions, law-enforcement delays); rules refer to them.
	Profiles Profiles
	// Rules holds every rule version in file order.
	Rules []*Rule
	// byKey groups the versions of one (id, part), sorted by EffectiveFrom.
	byKey    map[string][]*Rule
	keys     []string
	profiles map[string]*Profile
	// lang is the language of the catalogue's texts ("en", "fr").
	lang string
	// tr translates texts while the catalogue is loaded; nil after.
	tr *translator
}

// Lang is the language of the catalogue's texts.
func (c *Catalogue) Lang() string { return c.lang }

// Rule is one version of one (regime, recipient) duty.
type Rule struct {
	ID      string `yaml:"id"`
	Part    string `yaml:"part"`
	Version string `yaml:"version"`
	// Kind is KindDuty (default), KindPermitted, KindRetention or KindTarget.
	Kind         string    `yaml:"kind"`
	Family       string    `yaml:"-"`
	Jurisdiction string    `yaml:"jurisdiction"`
	Scope        []string  `yaml:"scope"`
	Recipient    Recipient `yaml:"recipient"`
	AppliesTo    AppliesTo `yaml:"applies_to"`
	Trigger      *Cond     `yaml:"trigger"`
	// Profile names the jurisdiction profile whose definition of covered
	// data, exemptions and law-enforcement delay the rule follows.
	Profile       string `yaml:"profile"`
	Clock         Clock  `yaml:"clock"`
	EffectiveFrom string `yaml:"effective_from"`
	EffectiveTo   string `yaml:"effective_to"`
	// EffectiveNote says what is known of the effective dates when they
	// are not recorded (a statute in force before the catalogue's period).
	EffectiveNote string   `yaml:"effective_note"`
	VersionBy     []string `yaml:"version_by"`
	Citation      string   `yaml:"citation"`
	// Source is the official text; SeeAlso lists secondary sources.
	Source      string          `yaml:"source"`
	SeeAlso     []string        `yaml:"see_also"`
	Status      string          `yaml:"status"`
	StatusNote  string          `yaml:"status_note"`
	Content     []ContentField  `yaml:"content"`
	Questions   []string        `yaml:"questions"`
	Notes       string          `yaml:"notes"`
	Alternative *AlternativeDef `yaml:"alternative"`
	// PerRegion makes one duty per region inside PerRegion.Each that has
	// affected people, each required when its own count passes the test
	// (HIPAA media notice: each State with more than 500 residents).
	// "{region}" in the recipient's name is replaced by the region's name.
	PerRegion *CountCond `yaml:"per_region"`
	// Pending marks a regime announced but not in force (e.g. CIRCIA): it
	// is listed as not required whatever the dates.
	Pending bool `yaml:"pending"`

	from, to time.Time // parsed effective dates (UTC midnight); zero = open
}

// Key identifies the duty across versions: the id, plus "/part" when a
// regime row has several recipients (e.g. US-NY/individuals).
func (r *Rule) Key() string {
	if r.Part == "" {
		return r.ID
	}
	return r.ID + "/" + r.Part
}

// Recipient is who receives the notice or report.
type Recipient struct {
	Kind      string `yaml:"kind" json:"kind"`
	Name      string `yaml:"name" json:"name"`
	HowToFile string `yaml:"how_to_file" json:"how_to_file,omitempty"`
}

// AppliesTo limits a rule to organizations with one of the sectors and one
// of the roles listed (an empty list places no limit).
type AppliesTo struct {
	Sectors []string `yaml:"sectors"`
	Roles   []string `yaml:"roles"`
}

// ContentField is one item a filing or notice must contain.
type ContentField struct {
	ID    string `yaml:"id" json:"id"`
	Label string `yaml:"label" json:"label"`
}

// AlternativeDef is the other reading of a deadline where the law reads two
// ways. When is optional; Clock defaults to the rule's clock with the
// overrides given.
type AlternativeDef struct {
	When  *Cond  `yaml:"when"`
	Basis string `yaml:"basis"`
	Clock *Clock `yaml:"clock"`
}

// Clock says when a duty falls due. Exactly one of the period fields (Hours,
// CalendarDays, BusinessDays, Months, Annual, None, EarliestOf) is set,
// unless Cases chooses a clock by condition.
type Clock struct {
	// Anchor is the event that starts the clock: an event id from the
	// vocabulary, or "completed:<rule key>" for another duty's actual filing.
	Anchor string `yaml:"anchor"`
	// Fallback lists events used, in order, when Anchor is not recorded.
	Fallback []string `yaml:"fallback"`
	// AnchorAt "year_end" moves the anchor to 31 December of its year.
	AnchorAt string `yaml:"anchor_at"`

	Hours        *int         `yaml:"hours"`
	CalendarDays *int         `yaml:"calendar_days"`
	BusinessDays *int         `yaml:"business_days"`
	Months       *int         `yaml:"months"`
	Annual       *AnnualDate  `yaml:"annual"`
	None         bool         `yaml:"none"`
	EarliestOf   *EarliestOf  `yaml:"earliest_of"`
	Cases        []ClockCase  `yaml:"cases"`
	RollForward  *RollForward `yaml:"roll_forward"`

	// Calendar names the business-day calendar ("@home" = the calendar of
	// the organization's home country).
	Calendar string `yaml:"calendar"`
	// CountFrom "same_day" makes the anchor's own date day 1 (Japan);
	// default "next_day".
	CountFrom string `yaml:"count_from"`
	// At is the local time of day a day-based deadline ends ("17:30");
	// default 23:59:59. For months: "wall_clock" keeps the anchor's time.
	At string `yaml:"at"`
	// Zone overrides the zone a day-based deadline is computed in.
	Zone string `yaml:"zone"`
	// Standard is the statutory wording shown with the duty.
	Standard string `yaml:"standard"`
}

// AnnualDate is a fixed yearly due date: Month/Day of the anchor's year plus
// YearOffset.
type AnnualDate struct {
	Month      int `yaml:"month"`
	Day        int `yaml:"day"`
	YearOffset int `yaml:"year_offset"`
}

// EarliestOf takes the earliest of several clocks. Candidates already past
// at the IgnorePassedAt event are dropped (DORA: a major classification made
// after the 24h cap runs on its own 4h clock).
type EarliestOf struct {
	Clocks         []Clock `yaml:"clocks"`
	IgnorePassedAt string  `yaml:"ignore_passed_at"`
}

// ClockCase selects a clock when a condition holds; the first true case wins.
type ClockCase struct {
	When  *Cond  `yaml:"when"`
	Note  string `yaml:"note"`
	Clock Clock  `yaml:"clock"`
}

// RollForward moves a deadline that falls on a non-working day.
type RollForward struct {
	Calendar string `yaml:"calendar"`
	// Skip is "holidays" (named holidays only, e.g. Ontario Legislation Act
	// s.89 where Saturday is not a holiday) or "non_business_days".
	Skip string `yaml:"skip"`
	// At sets the local time of day on the rolled date ("12:00").
	At string `yaml:"at"`
	// When limits the relief to organizations that qualify.
	When *Cond `yaml:"when"`
	// Basis, when set, reports the unrolled instant as the alternative.
	Basis string `yaml:"basis"`
	// Conservative keeps the unrolled date as the due date and reports the
	// rolled one as the alternative (with Basis): for deadlines the
	// roll-forward may not be granted to.
	Conservative bool `yaml:"conservative"`
}

// kind names the single period a clock uses.
func (c *Clock) kind() string {
	switch {
	case len(c.Cases) > 0:
		return "cases"
	case c.Hours != nil:
		return "hours"
	case c.CalendarDays != nil:
		return "calendar_days"
	case c.BusinessDays != nil:
		return "business_days"
	case c.Months != nil:
		return "months"
	case c.Annual != nil:
		return "annual"
	case c.EarliestOf != nil:
		return "earliest_of"
	case c.None:
		return "none"
	}
	return ""
}

// periods counts how many period fields are set (validation wants one).
func (c *Clock) periods() int {
	n := 0
	for _, set := range []bool{c.Hours != nil, c.CalendarDays != nil, c.BusinessDays != nil,
		c.Months != nil, c.Annual != nil, c.None, c.EarliestOf != nil, len(c.Cases) > 0} {
		if set {
			n++
		}
	}
	return n
}

// Keys lists the duty keys (id or id/part) in catalogue order.
func (c *Catalogue) Keys() []string { return append([]string(nil), c.keys...) }

// Versions returns the versions of one duty key, oldest first. The key of a
// per-region obligation (KEY@REGION) gives the versions of KEY.
func (c *Catalogue) Versions(key string) []*Rule {
	key, _, _ = strings.Cut(key, "@")
	return c.byKey[key]
}

// HasID reports whether any rule carries this regime id.
func (c *Catalogue) HasID(id string) bool {
	for _, r := range c.Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Rule returns the version of key in force on date d (a civil date), or an
// error naming the key when there is none.
func (c *Catalogue) Rule(key string, d time.Time) (*Rule, error) {
	for _, r := range c.byKey[key] {
		if r.inForce(d) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("rules: no version of %s in force on %s", key, d.Format(time.DateOnly))
}

// inForce reports whether civil date d (UTC midnight) is inside the rule's
// effective period; EffectiveTo is inclusive.
func (r *Rule) inForce(d time.Time) bool {
	if !r.from.IsZero() && d.Before(r.from) {
		return false
	}
	return r.to.IsZero() || !d.After(r.to)
}

// kind returns the rule's kind, KindDuty when not set.
func (r *Rule) kind() string {
	if r.Kind == "" {
		return KindDuty
	}
	return r.Kind
}
