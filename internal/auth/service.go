package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/errs"
	sender "github.com/breachline/breachline/internal/mail"
)

// Service stores and checks users, memberships, tokens and sessions.
type Service struct {
	Reader
	db      *gorm.DB
	terms   OrgTerms
	changed OrgChanged
	mail    sender.Sender
	baseURL string
	opts    Options
	hasher  *passwordHasher
	// totpKey encrypts TOTP secrets at rest (derived from the
	// installation's secret key).
	totpKey []byte
	now     func() time.Time
	logger  *slog.Logger
	// background holds the e-mails sent after an answer was given, so that
	// the answer's timing does not depend on whether an account exists.
	background sync.WaitGroup
}

// OrgChanged is told, inside the transaction of every change to an
// organization's settings, which organization changed: its sectors, roles,
// home and zone are facts of every obligation of its breaches, which the
// obligations service re-evaluates there.
type OrgChanged interface {
	OrganizationChanged(ctx context.Context, tx *gorm.DB, orgID int64, cause string) error
}

// Deps are what the auth service needs: the catalogue's vocabulary for
// organization sectors and roles, the change seam, the mail sender for
// invitations and account links, the public address their links start
// with, the installation's secret key and the account settings.
type Deps struct {
	Terms   OrgTerms
	Changed OrgChanged
	Mail    sender.Sender
	BaseURL string
	Secret  []byte
	Options Options
	// Log receives what cannot be told to the caller (a sign-in failure
	// that could not be audited); nil is slog's default.
	Log *slog.Logger
}

// Options are the account settings; zero values take the defaults.
type Options struct {
	// Argon2 is the cost of password hashes (DefaultArgon2).
	Argon2 Argon2Params
	// SessionIdle ends a session after this long without a request
	// (DefaultSessionIdle).
	SessionIdle time.Duration
	// TokenMaxTTL is the longest an API token created in a session may
	// last, and how long it lasts when no expiry is asked
	// (DefaultTokenMaxTTL).
	TokenMaxTTL time.Duration
	// Throttle paces sign-in attempts (DefaultThrottle).
	Throttle ThrottlePolicy
}

// Defaults of the account settings.
const (
	DefaultSessionIdle = 30 * time.Minute
	DefaultTokenMaxTTL = 90 * 24 * time.Hour
)

func (o Options) withDefaults() Options {
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = DefaultSessionIdle
	}
	if o.TokenMaxTTL <= 0 {
		o.TokenMaxTTL = DefaultTokenMaxTTL
	}
	o.Throttle = o.Throttle.withDefaults()
	return o
}

// OrgTerms is the closed vocabulary of organization sectors and roles (the
// regulation catalogue's), supplied by the application.
type OrgTerms interface {
	Sector(id string) bool
	Role(id string) bool
	SectorIDs() []string
	RoleIDs() []string
}

// NewService returns a Service on db; every dependency but the options is
// required.
func NewService(db *gorm.DB, d Deps) *Service {
	if d.Terms == nil || d.Changed == nil || d.Mail == nil || d.BaseURL == "" || len(d.Secret) == 0 {
		panic("auth.NewService: terms, changed, mail, base URL and secret are required")
	}
	opts := d.Options.withDefaults()
	return &Service{db: db, terms: d.Terms, changed: d.Changed, mail: d.Mail, baseURL: d.BaseURL,
		opts: opts, hasher: newPasswordHasher(opts.Argon2), totpKey: deriveKey(d.Secret, "breachline totp secret v1"),
		now: func() time.Time { return time.Now().UTC() }, logger: d.Log}
}

// SetClock replaces the service's clock (tests move time forward).
func (s *Service) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC() }
}

// Wait waits for the e-mails the service is still sending in the
// background (the application does before closing).
func (s *Service) Wait() { s.background.Wait() }

// log is the service's logger.
func (s *Service) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return slog.Default()
}

// inBackground runs fn after the answer, with its own deadline.
func (s *Service) inBackground(ctx context.Context, fn func(ctx context.Context)) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		fn(ctx)
	}()
}

// TokenPrefix starts every API token, so that leaked tokens are recognisable.
const TokenPrefix = "blt_"

// NormalizeEmail lower-cases and checks an address.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return "", &errs.Invalid{Message: "invalid e-mail address", Fields: map[string]string{"email": "not a valid e-mail address"}}
	}
	return email, nil
}

// CountUsers returns how many users exist (zero on a fresh install).
func (s *Service) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// CreateUser adds a user with a password (empty: none, sign-in disabled).
func (s *Service) CreateUser(ctx context.Context, tx *gorm.DB, email, name, password string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	u := User{Email: email, Name: strings.TrimSpace(name)}
	if password != "" {
		if u.PasswordHash, err = s.hashPassword(password, email, u.Name); err != nil {
			return User{}, err
		}
	}
	if err := tx.WithContext(ctx).Create(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return User{}, &errs.Conflict{Message: "a user with this e-mail already exists"}
		}
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// hashPassword applies the password policy (with the person's own
// address and name as words to avoid) and hashes the password.
func (s *Service) hashPassword(password string, personal ...string) (string, error) {
	if err := CheckPassword(password, personal...); err != nil {
		return "", err
	}
	h, err := s.hasher.hash(password)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// ResetPassword replaces a user's password as the installation's operator
// does: every session of the user ends and every token is revoked, so that
// whoever knew the old password (or signed in with it) is shut out.
func (s *Service) ResetPassword(ctx context.Context, tx *gorm.DB, userID int64, password string) error {
	tx = tx.WithContext(ctx)
	var u User
	if err := tx.Take(&u, userID).Error; err != nil {
		return fmt.Errorf("user %d: %w", userID, errs.ErrNotFound)
	}
	h, err := s.hashPassword(password, u.Email, u.Name)
	if err != nil {
		return err
	}
	if err := s.setPasswordHash(tx, userID, h); err != nil {
		return err
	}
	_, _, err = s.endOtherAccess(tx, userID, "")
	return err
}

// setPasswordHash stores a new hash; the account's unused password-reset
// links stop working with the password they were sent to replace.
func (s *Service) setPasswordHash(tx *gorm.DB, userID int64, hash string) error {
	if err := tx.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error; err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return s.expireLinks(tx, userID, linkPasswordReset)
}

// endOtherAccess deletes the user's sessions other than keep and revokes
// their tokens not created in keep (all of them when keep is empty). It
// returns how many of each it ended.
func (s *Service) endOtherAccess(tx *gorm.DB, userID int64, keep string) (sessions, tokens int64, err error) {
	res := tx.Where("user_id = ? AND hash <> ?", userID, keep).Delete(&Session{})
	if res.Error != nil {
		return 0, 0, fmt.Errorf("end sessions: %w", res.Error)
	}
	sessions = res.RowsAffected
	q := tx.Model(&Token{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if keep != "" {
		q = q.Where("session_hash <> ?", keep)
	}
	res = q.Update("revoked_at", s.now())
	if res.Error != nil {
		return 0, 0, fmt.Errorf("revoke tokens: %w", res.Error)
	}
	return sessions, res.RowsAffected, nil
}

// PasswordChange reports what changing a password ended.
type PasswordChange struct {
	SessionsEnded int64 `json:"sessions_ended"`
	TokensRevoked int64 `json:"tokens_revoked"`
}

// ChangePassword replaces the caller's own password after checking the
// current one (a wrong one counts as a failed sign-in, from ip). Every
// other session of theirs ends, and every token not created in the session
// they are using is revoked.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, requestID, ip, current, next string) (PasswordChange, error) {
	u, err := s.user(ctx, p.User.ID)
	if err != nil {
		return PasswordChange{}, err
	}
	if err := CheckPassword(next, u.Email, u.Name); err != nil {
		return PasswordChange{}, err
	}
	if err := s.checkPassword(ctx, u, current, ip, requestID); err != nil {
		return PasswordChange{}, err
	}
	h, err := s.hashPassword(next, u.Email, u.Name)
	if err != nil {
		return PasswordChange{}, err
	}
	var out PasswordChange
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.setPasswordHash(tx, u.ID, h); err != nil {
			return err
		}
		var err error
		if out.SessionsEnded, out.TokensRevoked, err = s.endOtherAccess(tx, u.ID, p.Session); err != nil {
			return err
		}
		return Audit(ctx, tx, p, requestID, 0, "user.password_change", "user", strconv.FormatInt(u.ID, 10),
			map[string]any{"sessions_ended": out.SessionsEnded, "tokens_revoked": out.TokensRevoked})
	})
	return out, err
}

// SetDisabled disables a user (every session ends and every token is
// revoked; they cannot sign in) or enables them again. The operator's tool.
func (s *Service) SetDisabled(ctx context.Context, tx *gorm.DB, userID int64, disabled bool) error {
	tx = tx.WithContext(ctx)
	var at *time.Time
	if disabled {
		now := s.now()
		at = &now
	}
	res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"disabled_at": at, "updated_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("disable user: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("user %d: %w", userID, errs.ErrNotFound)
	}
	if !disabled {
		return nil
	}
	_, _, err := s.endOtherAccess(tx, userID, "")
	return err
}

// UserByEmail finds a user.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, fmt.Errorf("user %s: %w", email, errs.ErrNotFound)
	}
	return u, err
}

// Authenticate checks an e-mail and password, taking as long whether or
// not the address has an account, and whether or not the account has a
// password or is disabled. It neither throttles nor audits: sign-in pages
// call SignIn. A hash from before the current parameters (or bcrypt) is
// replaced after a match.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		if !errors.Is(err, errs.ErrNotFound) {
			return User{}, err
		}
		s.hasher.burn(password)
		return User{}, errs.ErrUnauthorized
	}
	ok, rehash := s.hasher.verify(u.PasswordHash, password)
	if !ok || u.DisabledAt != nil {
		return User{}, errs.ErrUnauthorized
	}
	if rehash {
		s.rehash(ctx, u.ID, u.PasswordHash, password)
	}
	return u, nil
}

// rehash replaces a matched hash made with older parameters (or bcrypt)
// by an argon2id hash of the current ones, unless it changed meanwhile. A
// failure leaves the old hash, which still verifies.
func (s *Service) rehash(ctx context.Context, userID int64, old, password string) {
	h, err := s.hasher.hash(password)
	if err != nil {
		return
	}
	s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND password_hash = ?", userID, old).Update("password_hash", h)
}

// SetMembership gives a user a role in an organization (replacing any other).
func (s *Service) SetMembership(ctx context.Context, tx *gorm.DB, userID, orgID int64, role Role) error {
	if !role.Valid() {
		return &errs.Invalid{Message: "unknown role", Fields: map[string]string{"role": "one of admin, privacy_officer, legal, viewer"}}
	}
	tx = tx.WithContext(ctx)
	res := tx.Model(&Membership{}).Where("user_id = ? AND organization_id = ?", userID, orgID).Update("role", role)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected > 0 {
		return nil
	}
	return tx.Create(&Membership{UserID: userID, OrganizationID: orgID, Role: role, CreatedAt: s.now()}).Error
}

// RemoveMembership takes a user out of an organization. The last admin
// cannot be removed: an organization nobody can administer is stuck.
func (s *Service) RemoveMembership(ctx context.Context, tx *gorm.DB, userID, orgID int64) error {
	return tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var admins int64
		tx.Model(&Membership{}).Where("organization_id = ? AND role = ? AND user_id <> ?", orgID, RoleAdmin, userID).Count(&admins)
		var m Membership
		if err := tx.Where("user_id = ? AND organization_id = ?", userID, orgID).Take(&m).Error; err != nil {
			return fmt.Errorf("membership: %w", errs.ErrNotFound)
		}
		if m.Role == RoleAdmin && admins == 0 {
			return &errs.Conflict{Message: "cannot remove the organization's last admin"}
		}
		return tx.Delete(&m).Error
	})
}

// Members lists an organization's users with their roles, addresses and
// whether they use a second factor, unchecked (for the application).
func (s *Service) Members(ctx context.Context, orgID int64) ([]MemberView, error) {
	var rows []struct {
		MemberView
		TOTPEnabledAt *time.Time `gorm:"column:totp_enabled_at"`
	}
	err := s.db.WithContext(ctx).Table("memberships m").
		Select("u.id AS user_id, u.email, u.name, m.role, m.created_at, u.totp_enabled_at").
		Joins("JOIN users u ON u.id = m.user_id").
		Where("m.organization_id = ?", orgID).Order("u.email").Scan(&rows).Error
	out := make([]MemberView, len(rows))
	for i, r := range rows {
		out[i] = r.MemberView
		on := r.TOTPEnabledAt != nil
		out[i].TwoStep = &on
	}
	return out, err
}

// MembersFor lists an organization's members as the caller may see them:
// administrators see each member's address and whether they use two-step
// sign-in; other members see names and roles only.
func (s *Service) MembersFor(ctx context.Context, p *Principal, orgID int64) ([]MemberView, error) {
	if err := p.Require(orgID, Read); err != nil {
		return nil, err
	}
	list, err := s.Members(ctx, orgID)
	if err != nil || p.Require(orgID, Administer) == nil {
		return list, err
	}
	for i := range list {
		list[i].Email, list[i].TwoStep = "", nil
	}
	return list, nil
}

// MemberView is a member of an organization. Email and TwoStep are shown
// to administrators only.
type MemberView struct {
	UserID    int64     `json:"user_id"`
	Email     string    `json:"email,omitempty"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// TwoStep: the member signs in with a second factor.
	TwoStep *bool `json:"two_step,omitempty" gorm:"-"`
}

// Principal loads a user's memberships into a Principal.
func (s *Service) Principal(ctx context.Context, u User, via string, tokenID int64) (*Principal, error) {
	var ms []Membership
	if err := s.db.WithContext(ctx).Where("user_id = ?", u.ID).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	p := &Principal{User: u, Memberships: make(map[int64]Role, len(ms)), Via: via, TokenID: tokenID}
	for _, m := range ms {
		p.Memberships[m.OrganizationID] = m.Role
	}
	return p, nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Audit records an action by p in tx.
func Audit(ctx context.Context, tx *gorm.DB, p *Principal, requestID string, orgID int64, action, objType, objID string, details any) error {
	who := audit.Actor{Label: "system", RequestID: requestID}
	if p != nil {
		who.UserID, who.Label = p.User.ID, p.Label()
	}
	return audit.Record(ctx, tx, who, orgID, action, objType, objID, details)
}
