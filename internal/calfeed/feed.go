package calfeed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// Service issues feed tokens and renders feeds.
type Service struct {
	DB *gorm.DB
	// BaseURL is the public address; feed URLs, links and UIDs derive from it.
	BaseURL string
	// Leads are the alarm lead times (the reminder settings).
	Leads []time.Duration
	// Now reads the clock.
	Now func() time.Time
}

// NewService builds the service.
func NewService(db *gorm.DB, baseURL string, leads []time.Duration, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{DB: db, BaseURL: strings.TrimRight(baseURL, "/"), Leads: leads, Now: now}
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
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := setHash(tx, p.User.ID, hashToken(token), s.Now()); err != nil {
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
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := setHash(tx, p.User.ID, "", s.Now()); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, p, requestID, 0, "calendar_token.revoke", "user", fmt.Sprint(p.User.ID), nil)
	})
}

func setHash(tx *gorm.DB, userID int64, hash string, now time.Time) error {
	res := tx.Exec("UPDATE users SET calendar_token_hash = ?, updated_at = ? WHERE id = ?", hash, now.UTC(), userID)
	if res.Error != nil {
		return fmt.Errorf("calendar token: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("user %d: %w", userID, errs.ErrNotFound)
	}
	return nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// userByToken finds the enabled user whose feed token this is. The lookup is
// by the token's hash, so the database never sees the token and an index
// probe reveals nothing about it; the final comparison is constant-time.
func (s *Service) userByToken(ctx context.Context, token string) (int64, error) {
	if len(token) < 32 || len(token) > 128 {
		return 0, errs.ErrNotFound
	}
	want := hashToken(token)
	var row struct {
		ID                int64
		CalendarTokenHash string
	}
	err := s.DB.WithContext(ctx).Raw(
		"SELECT id, calendar_token_hash FROM users WHERE calendar_token_hash = ? AND calendar_token_hash <> '' AND disabled_at IS NULL",
		want).Scan(&row).Error
	if err != nil {
		return 0, fmt.Errorf("calendar feed: %w", err)
	}
	if row.ID == 0 || subtle.ConstantTimeCompare([]byte(row.CalendarTokenHash), []byte(want)) != 1 {
		return 0, errs.ErrNotFound
	}
	return row.ID, nil
}

// Feed renders the iCalendar feed of the token's user: every dated
// obligation of the organizations the user belongs to now. An unknown,
// revoked or replaced token is errs.ErrNotFound.
func (s *Service) Feed(ctx context.Context, token string) ([]byte, error) {
	userID, err := s.userByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	rows, err := s.obligations(ctx, userID)
	if err != nil {
		return nil, err
	}
	cal := Calendar{Name: "Breachline deadlines"}
	for _, r := range rows {
		cal.Events = append(cal.Events, s.event(r))
	}
	var buf bytes.Buffer
	if err := Write(&buf, cal, s.Now()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// row is what a feed needs of one obligation.
type row struct {
	ID         int64
	BreachID   int64
	Reference  string
	OrgName    string
	TimeZone   string
	RuleID     string
	Recipient  string
	Required   *bool
	DueAt      time.Time
	Standard   string
	Citation   string
	RuleStatus string
	Status     string
	UpdatedAt  time.Time
	Revisions  int
}

// obligations reads the dated obligations of every organization the user is
// a member of at this moment; membership is checked here, at fetch time, so
// a user removed from an organization stops seeing its deadlines.
func (s *Service) obligations(ctx context.Context, userID int64) ([]row, error) {
	var rows []row
	err := s.DB.WithContext(ctx).Raw(`
SELECT o.id, o.breach_id, b.reference, g.name AS org_name, g.time_zone, o.rule_id, o.recipient,
       o.required, o.due_at, o.standard, o.citation, o.rule_status, o.status, o.updated_at,
       (SELECT COUNT(*) FROM obligation_history h WHERE h.obligation_id = o.id) AS revisions
FROM obligations o
JOIN breaches b ON b.id = o.breach_id
JOIN organizations g ON g.id = o.organization_id
JOIN memberships m ON m.organization_id = o.organization_id AND m.user_id = ?
WHERE o.due_at IS NOT NULL
ORDER BY o.due_at, o.id`, userID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("calendar feed: %w", err)
	}
	return rows, nil
}

func (s *Service) event(r row) Event {
	name := recipientName(r.Recipient)
	e := Event{
		UID:          fmt.Sprintf("obligation-%d@%s", r.ID, s.host()),
		Sequence:     max(r.Revisions-1, 0),
		LastModified: r.UpdatedAt,
		Start:        r.DueAt,
		Summary:      fmt.Sprintf("%s: %s due (%s)", r.Reference, name, r.RuleID),
		URL:          fmt.Sprintf("%s/breaches/%d", s.BaseURL, r.BreachID),
		Status:       "CONFIRMED",
	}
	switch {
	case r.Status == "not_required" || r.Status == "waived" || (r.Required != nil && !*r.Required):
		e.Status = "CANCELLED"
		e.Summary = "Not required: " + e.Summary
	case r.Status == "filed":
		e.Summary = "Filed: " + e.Summary
	case r.Status == "undetermined" || r.Required == nil:
		e.Status = "TENTATIVE"
		e.Alarms = s.Leads
	default:
		e.Alarms = s.Leads
	}
	e.Description = s.describe(r, name, e.URL)
	return e
}

func (s *Service) describe(r row, name, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Breach %s (%s)\n", r.Reference, r.OrgName)
	fmt.Fprintf(&b, "Recipient: %s\n", name)
	fmt.Fprintf(&b, "Due: %s\n", dueText(r.DueAt, r.TimeZone))
	fmt.Fprintf(&b, "Status: %s\n", r.Status)
	if r.Standard != "" {
		fmt.Fprintf(&b, "Standard: %s\n", r.Standard)
	}
	fmt.Fprintf(&b, "Citation: %s\n", r.Citation)
	fmt.Fprintf(&b, "Rule: %s (%s)\n", r.RuleID, r.RuleStatus)
	b.WriteString(link)
	return b.String()
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

// recipientName reads the name from the snapshotted recipient.
func recipientName(raw string) string {
	var r struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil || (r.Name == "" && r.Kind == "") {
		return "recipient"
	}
	if r.Name == "" {
		return r.Kind
	}
	return r.Name
}

func (s *Service) host() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "breachline"
}

// errIsNotFound reports whether err means "no such feed".
func errIsNotFound(err error) bool { return errors.Is(err, errs.ErrNotFound) }
