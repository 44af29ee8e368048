package calfeed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// Users keeps the feed tokens' hashes on the users they belong to and
// loads a user's memberships (auth.Service).
type Users interface {
	UserByCalendarHash(ctx context.Context, tx *gorm.DB, hash string) (auth.User, error)
	SetCalendarHash(ctx context.Context, tx *gorm.DB, userID int64, hash string) error
	Principal(ctx context.Context, u auth.User, via string, tokenID int64) (*auth.Principal, error)
}

// Duties lists the dated obligations of organizations (obligation.Service).
type Duties interface {
	Dated(ctx context.Context, orgIDs []int64, limit int) ([]obligation.Deadline, error)
}

// Service issues feed tokens and renders feeds.
type Service struct {
	db     *gorm.DB
	users  Users
	duties Duties
	// BaseURL is the public address; feed URLs, links and UIDs derive from it.
	BaseURL string
	// Leads are the alarm lead times (the reminder settings).
	Leads []time.Duration
	// Now reads the clock.
	Now func() time.Time
	// MaxEvents bounds a feed's events (zero: no bound): the deadlines due
	// latest are kept, and the feed's description says so.
	MaxEvents int
}

// NewService builds the service; users and duties are required.
func NewService(db *gorm.DB, users Users, duties Duties, baseURL string, leads []time.Duration) *Service {
	if users == nil || duties == nil {
		panic("calfeed.NewService: users and duties are required")
	}
	return &Service{db: db, users: users, duties: duties, BaseURL: strings.TrimRight(baseURL, "/"), Leads: leads, Now: time.Now}
}

// Issued is a newly issued feed address; the token is shown only once.
type Issued struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// IssueToken gives the user a new secret feed token, replacing any earlier
// one (whose URL stops working). Only the token's SHA-256 is stored.
func (s *Service) IssueToken(ctx context.Context, p *auth.Principal, requestID string) (Issued, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Issued{}, fmt.Errorf("calendar token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.users.SetCalendarHash(ctx, tx, p.User.ID, hashToken(token)); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, p, requestID, 0, "calendar_token.issue", "user", fmt.Sprint(p.User.ID), nil)
	})
	if err != nil {
		return Issued{}, err
	}
	return Issued{URL: s.BaseURL + "/calendar/" + token + ".ics", Token: token}, nil
}

// RevokeToken stops the user's feed URL from working.
func (s *Service) RevokeToken(ctx context.Context, p *auth.Principal, requestID string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.users.SetCalendarHash(ctx, tx, p.User.ID, ""); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, p, requestID, 0, "calendar_token.revoke", "user", fmt.Sprint(p.User.ID), nil)
	})
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// userByToken finds the enabled user whose feed token this is, with their
// memberships as they are now. The lookup is by the token's hash, so the
// database never sees the token and an index probe reveals nothing about
// it; the final comparison is constant-time.
func (s *Service) userByToken(ctx context.Context, token string) (*auth.Principal, error) {
	if len(token) < 32 || len(token) > 128 {
		return nil, errs.ErrNotFound
	}
	want := hashToken(token)
	u, err := s.users.UserByCalendarHash(ctx, s.db, want)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(u.CalendarTokenHash), []byte(want)) != 1 {
		return nil, errs.ErrNotFound
	}
	return s.users.Principal(ctx, u, "calendar", 0)
}

// Feed renders the iCalendar feed of the token's user: every dated
// obligation of the organizations the user belongs to now. An unknown,
// revoked or replaced token is errs.ErrNotFound.
func (s *Service) Feed(ctx context.Context, token string) ([]byte, error) {
	p, err := s.userByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	limit := 0
	if s.MaxEvents > 0 {
		limit = s.MaxEvents + 1 // one more tells that some were left out
	}
	rows, err := s.duties.Dated(ctx, p.OrgIDs(), limit)
	if err != nil {
		return nil, fmt.Errorf("calendar feed: %w", err)
	}
	cal := Calendar{Name: "Breachline deadlines"}
	if s.MaxEvents > 0 && len(rows) > s.MaxEvents {
		rows = rows[1:]
		cal.Description = fmt.Sprintf("The %d deadlines due latest; earlier ones are left out (BREACHLINE_CALENDAR_MAX_EVENTS).", s.MaxEvents)
	}
	for _, r := range rows {
		cal.Events = append(cal.Events, s.event(r))
	}
	var buf bytes.Buffer
	if err := Write(&buf, cal, s.Now()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// event is one obligation as a calendar event. Membership is checked when
// the feed is fetched, so a user removed from an organization stops seeing
// its deadlines.
//
// The event sits on the obligation's one date: a duty's deadline; for a
// duty the law gives no fixed date, the internal target (the law's words
// are in the description); a regulator's practice date; a record's
// keep-until date; the end of a permitted step's window. Alarms ring only
// before a date someone must act by (a duty's deadline or target, a
// practice date), never for a record to keep or a permitted step.
func (s *Service) event(r obligation.Deadline) Event {
	name := recipientName(r.Recipient)
	what := whatOn(&r.Obligation)
	e := Event{
		UID:          fmt.Sprintf("obligation-%d@%s", r.ID, s.host()),
		Sequence:     max(r.Revisions-1, 0),
		LastModified: r.UpdatedAt,
		Start:        r.Date(),
		Summary:      fmt.Sprintf("%s: %s %s (%s)", breachName(r), name, what, ruleName(&r.Obligation)),
		URL:          fmt.Sprintf("%s/breaches/%d", s.BaseURL, r.BreachID),
		Status:       "CONFIRMED",
	}
	alarms := s.Leads
	if !r.Duty() && r.Kind != rules.KindTarget {
		alarms = nil
	}
	switch {
	case r.Kind == rules.KindPermitted && (r.Applies != nil && !*r.Applies || r.Status == "not_required"):
		e.Status = "CANCELLED"
		e.Summary = "Does not apply: " + e.Summary
	case r.Status == "not_required" || r.Status == "waived" || (r.Required != nil && !*r.Required && r.Kind != rules.KindPermitted):
		e.Status = "CANCELLED"
		e.Summary = "Not required: " + e.Summary
	case r.Status == "filed":
		e.Summary = "Filed: " + e.Summary
	case r.Status == "undetermined" || r.Applies == nil && r.Required == nil:
		e.Status = "TENTATIVE"
		e.Alarms = alarms
	default:
		e.Alarms = alarms
	}
	e.Description = s.describe(r, name, e.URL)
	return e
}

// whatOn says what the event's date is.
func whatOn(o *obligation.Obligation) string {
	switch {
	case o.DueAt != nil && o.Duty():
		return "due"
	case o.Kind == rules.KindTarget:
		return "regulator's practice date (not a statutory deadline)"
	case o.Kind == rules.KindRetention:
		return "kept until"
	case o.Kind == rules.KindPermitted:
		return "may be done until"
	}
	return "internal target, no statutory date"
}

// breachName names the breach in an event's title with its organization:
// every organization numbers its breaches alike (each has a BR-2026-0001),
// and one calendar shows the deadlines of all the user's organizations.
func breachName(r obligation.Deadline) string {
	if r.OrganizationName == "" {
		return r.BreachReference
	}
	return r.BreachReference + " (" + r.OrganizationName + ")"
}

// ruleName names the duty as its key does: RULE, RULE/part, RULE@REGION.
func ruleName(o *obligation.Obligation) string {
	k := o.RuleID
	if o.RulePart != "" {
		k += "/" + o.RulePart
	}
	if o.Region != "" {
		k += "@" + o.Region
	}
	return k
}

func (s *Service) describe(r obligation.Deadline, name, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Breach %s (%s)\n", r.BreachReference, r.OrganizationName)
	fmt.Fprintf(&b, "Recipient: %s\n", name)
	if r.Region != "" && r.Count != nil {
		fmt.Fprintf(&b, "Region: %s (%d affected)\n", r.RegionName, *r.Count)
	}
	writeDates(&b, &r.Obligation, r.TimeZone)
	fmt.Fprintf(&b, "Status: %s\n", r.Status)
	if r.Standard != "" {
		fmt.Fprintf(&b, "Standard: %s\n", r.Standard)
	}
	for _, a := range r.Alternatives {
		fmt.Fprintf(&b, "Other reading: %s\n", alternativeText(a, r.TimeZone))
	}
	fmt.Fprintf(&b, "Citation: %s\n", r.Citation)
	fmt.Fprintf(&b, "Rule: %s (%s)\n", ruleName(&r.Obligation), r.RuleStatus)
	if in := rules.InForceText(r.EffectiveFrom, r.EffectiveTo, r.EffectiveNote); in != "" {
		fmt.Fprintf(&b, "In force: %s\n", in)
	}
	if r.StatusNote != "" {
		fmt.Fprintf(&b, "Unverified: %s\n", r.StatusNote)
	}
	if r.Notes != "" {
		fmt.Fprintf(&b, "Notes: %s\n", r.Notes)
	}
	b.WriteString(link)
	return b.String()
}

// writeDates writes the obligation's dates, each named for what it is.
func writeDates(b *strings.Builder, o *obligation.Obligation, zone string) {
	if o.DueAt != nil && o.Duty() {
		fmt.Fprintf(b, "Due: %s\n", dueText(*o.DueAt, zone))
	}
	if o.InternalTargetAt != nil {
		label := "Internal target (not a statutory deadline)"
		if o.Kind == rules.KindTarget {
			label = "Regulator's practice date (not a statutory deadline)"
		}
		fmt.Fprintf(b, "%s: %s\n", label, dueText(*o.InternalTargetAt, zone))
	}
	if o.UntilAt != nil {
		label := "Keep the record until (never overdue)"
		if o.Kind == rules.KindPermitted {
			label = "May be done until (never required)"
		}
		fmt.Fprintf(b, "%s: %s\n", label, dueText(*o.UntilAt, zone))
	}
}

// alternativeText writes another reading: its date, or what it changes,
// and its basis.
func alternativeText(a rules.Alternative, zone string) string {
	var what string
	switch {
	case a.Due != nil:
		what = dueText(*a.Due, zone)
	case a.SatisfiedBy != "":
		what = "satisfied by " + a.SatisfiedBy
	case a.Required != nil && !*a.Required:
		what = "not required"
	default:
		what = "no date"
	}
	if a.Basis == "" {
		return what
	}
	return what + " (" + a.Basis + ")"
}

// dueText shows an instant in the organization's zone and in UTC.
func dueText(at time.Time, zone string) string {
	utc := at.UTC().Format("2006-01-02 15:04 UTC")
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" || zone == "UTC" {
		return utc
	}
	return at.In(loc).Format("2006-01-02 15:04 MST") + " (" + zone + "), " + utc
}

// recipientName names the duty's recipient.
func recipientName(r rules.Recipient) string {
	switch {
	case r.Name != "":
		return r.Name
	case r.Kind != "":
		return r.Kind
	}
	return "recipient"
}

func (s *Service) host() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "breachline"
}
