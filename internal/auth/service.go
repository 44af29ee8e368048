package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/errs"
	sender "github.com/breachline/breachline/internal/mail"
)

// Service stores and checks users, memberships, tokens and sessions.
type Service struct {
	Reader
	db *gorm.DB
	// BcryptCost is the password hashing cost; tests lower it.
	BcryptCost int
	terms      OrgTerms
	changed    OrgChanged
	mail       sender.Sender
	baseURL    string
	now        func() time.Time
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
// invitations and the public address their links start with.
type Deps struct {
	Terms   OrgTerms
	Changed OrgChanged
	Mail    sender.Sender
	BaseURL string
}

// OrgTerms is the closed vocabulary of organization sectors and roles (the
// regulation catalogue's), supplied by the application.
type OrgTerms interface {
	Sector(id string) bool
	Role(id string) bool
	SectorIDs() []string
	RoleIDs() []string
}

// NewService returns a Service on db; every dependency is required.
func NewService(db *gorm.DB, d Deps) *Service {
	if d.Terms == nil || d.Changed == nil || d.Mail == nil || d.BaseURL == "" {
		panic("auth.NewService: terms, changed, mail and base URL are required")
	}
	return &Service{db: db, BcryptCost: 12, terms: d.Terms, changed: d.Changed, mail: d.Mail, baseURL: d.BaseURL,
		now: func() time.Time { return time.Now().UTC() }}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

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
		if u.PasswordHash, err = s.hashPassword(password); err != nil {
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

func (s *Service) hashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLength {
		return "", &errs.Invalid{Message: "password too short", Fields: map[string]string{"password": fmt.Sprintf("at least %d characters", MinPasswordLength)}}
	}
	if len(password) > 72 {
		return "", &errs.Invalid{Message: "password too long", Fields: map[string]string{"password": "at most 72 bytes"}} // #nosec G101 -- a message about a password's length, not a credential
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// ResetPassword replaces a user's password as the installation's operator
// does: every session of the user ends and every token is revoked, so that
// whoever knew the old password (or signed in with it) is shut out.
func (s *Service) ResetPassword(ctx context.Context, tx *gorm.DB, userID int64, password string) error {
	h, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	tx = tx.WithContext(ctx)
	if err := tx.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": h, "updated_at": s.now()}).Error; err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	_, _, err = s.endOtherAccess(tx, userID, "")
	return err
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
// current one. Every other session of theirs ends, and every token not
// created in the session they are using is revoked.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, requestID, current, next string) (PasswordChange, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return PasswordChange{}, fmt.Errorf("user: %w", err)
	}
	if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		return PasswordChange{}, &errs.Invalid{Message: "the current password is not right", Fields: map[string]string{"current_password": "not right"}}
	}
	h, err := s.hashPassword(next)
	if err != nil {
		return PasswordChange{}, err
	}
	var out PasswordChange
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": h, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("set password: %w", err)
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

// dummyHash makes a sign-in for an unknown address take as long as one for a
// known address, so response times do not reveal which addresses exist. It
// is computed on first use: hashing at package init would cost every
// command of the binary a few hundred milliseconds.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("breachline-timing-equaliser"), 12)
	return h
})

// Authenticate checks an e-mail and password.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return User{}, errs.ErrUnauthorized
	}
	if u.DisabledAt != nil || u.PasswordHash == "" ||
		bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return User{}, errs.ErrUnauthorized
	}
	return u, nil
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

// Members lists an organization's users with their roles.
func (s *Service) Members(ctx context.Context, orgID int64) ([]MemberView, error) {
	var out []MemberView
	err := s.db.WithContext(ctx).Table("memberships m").
		Select("u.id AS user_id, u.email, u.name, m.role, m.created_at").
		Joins("JOIN users u ON u.id = m.user_id").
		Where("m.organization_id = ?", orgID).Order("u.email").Scan(&out).Error
	return out, err
}

// MemberView is a member as listed to an administrator.
type MemberView struct {
	UserID    int64     `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
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

// CreateToken issues an API token for a user, recording in the audit log
// that by did (nil: the system). The plaintext is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, by *Principal, requestID string, userID int64, name string, expires *time.Time) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, &errs.Invalid{Message: "invalid token", Fields: map[string]string{"name": "required, at most 100 characters"}}
	}
	plain := TokenPrefix + randomToken(32)
	t := Token{UserID: userID, Name: name, Prefix: plain[:len(TokenPrefix)+6], Hash: sha(plain), ExpiresAt: expires}
	if by != nil {
		t.SessionHash = by.Session
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return Audit(ctx, tx, by, requestID, 0, "api_token.create", "api_token", strconv.FormatInt(t.ID, 10),
			map[string]any{"user_id": userID, "name": name, "prefix": t.Prefix, "expires_at": expires})
	})
	if err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

// Tokens lists a user's tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	var out []Token
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
	return out, err
}

// RevokeToken revokes one of a user's tokens, recording in the audit log
// that by did.
func (s *Service) RevokeToken(ctx context.Context, by *Principal, requestID string, userID, tokenID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Token{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("token %d: %w", tokenID, errs.ErrNotFound)
		}
		return Audit(ctx, tx, by, requestID, 0, "api_token.revoke", "api_token", strconv.FormatInt(tokenID, 10),
			map[string]any{"user_id": userID})
	})
}

// PrincipalFromToken authenticates a bearer token.
func (s *Service) PrincipalFromToken(ctx context.Context, plain string) (*Principal, error) {
	if !strings.HasPrefix(plain, TokenPrefix) {
		return nil, errs.ErrUnauthorized
	}
	var t Token
	err := s.db.WithContext(ctx).Where("hash = ?", sha(plain)).Take(&t).Error
	now := s.now()
	if err != nil || t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) {
		return nil, errs.ErrUnauthorized
	}
	var u User
	if err := s.db.WithContext(ctx).Take(&u, t.UserID).Error; err != nil || u.DisabledAt != nil {
		return nil, errs.ErrUnauthorized
	}
	// Record use at most once a minute to keep reads from becoming writes.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		s.db.WithContext(ctx).Model(&Token{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	p, err := s.Principal(ctx, u, "token", t.ID)
	if p != nil {
		p.Session = t.SessionHash
	}
	return p, err
}

// CreateSession signs a user in; it returns the cookie value and CSRF token.
func (s *Service) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (cookie, csrf string, err error) {
	cookie, csrf = randomToken(32), randomToken(24)
	now := s.now()
	sess := Session{Hash: sha(cookie), UserID: userID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", "", fmt.Errorf("create session: %w", err)
	}
	s.db.WithContext(ctx).Where("expires_at < ?", now).Delete(&Session{})
	return cookie, csrf, nil
}

// PrincipalFromSession authenticates a session cookie, returning its CSRF token.
func (s *Service) PrincipalFromSession(ctx context.Context, cookie string) (*Principal, string, error) {
	var sess Session
	if err := s.db.WithContext(ctx).Where("hash = ?", sha(cookie)).Take(&sess).Error; err != nil || s.now().After(sess.ExpiresAt) {
		return nil, "", errs.ErrUnauthorized
	}
	var u User
	if err := s.db.WithContext(ctx).Take(&u, sess.UserID).Error; err != nil || u.DisabledAt != nil {
		return nil, "", errs.ErrUnauthorized
	}
	p, err := s.Principal(ctx, u, "session", 0)
	if p != nil {
		p.Session = sess.Hash
	}
	return p, sess.CSRF, err
}

// DeleteSession signs a browser out.
func (s *Service) DeleteSession(ctx context.Context, cookie string) error {
	return s.db.WithContext(ctx).Where("hash = ?", sha(cookie)).Delete(&Session{}).Error
}

// Audit records an action by p in tx.
func Audit(ctx context.Context, tx *gorm.DB, p *Principal, requestID string, orgID int64, action, objType, objID string, details any) error {
	who := audit.Actor{Label: "system", RequestID: requestID}
	if p != nil {
		who.UserID, who.Label = p.User.ID, p.Label()
	}
	return audit.Record(ctx, tx, who, orgID, action, objType, objID, details)
}
