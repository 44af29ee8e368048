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
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
)

// Users keeps the feed tokens' hashes on the users they belong to and
// loads a user's memberships and organizations (auth.Service).
type Users interface {
	UserByCalendarHash(ctx context.Context, tx *gorm.DB, hash string) (auth.User, error)
	SetCalendarHash(ctx context.Context, tx *gorm.DB, userID int64, hash string) error
	Principal(ctx context.Context, u auth.User, via string, tokenID int64) (*auth.Principal, error)
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
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
// obligation of the organizations the user belongs to now, written in the
// user's language. An unknown, revoked or replaced token is
// errs.ErrNotFound.
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
	l := i18n.For(s.language(ctx, p))
	cal := Calendar{Name: l.T("calfeed.name")}
	if s.MaxEvents > 0 && len(rows) > s.MaxEvents {
		rows = rows[1:]
		cal.Description = l.N("calfeed.left_out", int64(s.MaxEvents))
	}
	for _, r := range rows {
		r.Obligation = r.Obligation.In(l.Lang())
		cal.Events = append(cal.Events, s.event(l, r))
	}
	var buf bytes.Buffer
	if err := Write(&buf, cal, s.Now()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// language is the language of the user's feed: their own choice, else the
// default of the first of their organizations (by name) that sets one,
// else the product's default. The organizations are read only when the
// user has not chosen; if they cannot be read, the feed is still served,
// in the product's default.
func (s *Service) language(ctx context.Context, p *auth.Principal) string {
	return i18n.Pick(p.User.Language, s.orgLanguage(ctx, p))
}

// orgLanguage is the default language of the first of the user's
// organizations (by name) that sets one, or "" (also when the user has
// chosen a language, or the organizations cannot be read).
func (s *Service) orgLanguage(ctx context.Context, p *auth.Principal) string {
	if i18n.Normalize(p.User.Language) != "" {
		return ""
	}
	orgs, err := s.users.Organizations(ctx, p)
	if err != nil {
		return ""
	}
	for _, o := range orgs {
		if i18n.Normalize(o.DefaultLanguage) != "" {
			return o.DefaultLanguage
		}
	}
	return ""
}

func (s *Service) host() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "breachline"
}
