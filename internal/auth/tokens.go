package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// Scope limits what an API token may call, within its user's roles.
type Scope string

// The scopes. A route declares the scope it needs (by default read for
// reading routes and write for the others); see Covers.
const (
	// ScopeRead reads: only GET routes.
	ScopeRead Scope = "read"
	// ScopeWrite has the user's full authority: every route.
	ScopeWrite Scope = "write"
	// ScopeBounce only reports bounced notices: the routes that declare it.
	ScopeBounce Scope = "bounce"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeBounce}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool {
	return s == ScopeRead || s == ScopeWrite || s == ScopeBounce
}

// Covers reports whether a token of scope s may call a route that needs
// scope need: write covers every scope, read and bounce only themselves.
// (The web layer also keeps read tokens to reading methods.)
func (s Scope) Covers(need Scope) bool {
	return s == ScopeWrite || (s.Valid() && s == need)
}

// TokenInput asks for an API token. An empty scope is write; no expiry is
// the longest allowed (see IssueToken).
type TokenInput struct {
	Name      string     `json:"name"`
	Scope     Scope      `json:"scope"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// CreateToken issues a write token for a user with an optional expiry,
// recording in the audit log that by did (nil: the system). The plaintext
// is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, by *Principal, requestID string, userID int64, name string, expires *time.Time) (string, Token, error) {
	return s.IssueToken(ctx, by, requestID, userID, TokenInput{Name: name, Scope: ScopeWrite, ExpiresAt: expires})
}

// IssueToken issues an API token for a user. A token created with another
// token has at most that token's scope and never outlives it; one created
// in a session (or with a token) lasts at most the TokenMaxTTL setting,
// which is also its expiry when none is asked. The operator (by nil or a
// command-line principal) may issue tokens that never expire. The
// plaintext is returned once and never stored.
func (s *Service) IssueToken(ctx context.Context, by *Principal, requestID string, userID int64, in TokenInput) (string, Token, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Scope == "" {
		in.Scope = ScopeWrite
	}
	f := errs.Fields{}
	if in.Name == "" || len(in.Name) > 100 {
		f.Add("name", "required, at most 100 characters")
	}
	if !in.Scope.Valid() {
		f.Add("scope", "one of read, write, bounce")
	}
	if err := f.Err(); err != nil {
		return "", Token{}, err
	}
	plain := TokenPrefix + randomToken(32)
	t := Token{UserID: userID, Name: in.Name, Scope: in.Scope, Prefix: plain[:len(TokenPrefix)+6], Hash: sha(plain),
		ExpiresAt: in.ExpiresAt, CreatedAt: s.now()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.limitToken(tx, by, &t); err != nil {
			return err
		}
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return Audit(ctx, tx, by, requestID, 0, "api_token.create", "api_token", strconv.FormatInt(t.ID, 10),
			map[string]any{"user_id": userID, "name": t.Name, "prefix": t.Prefix, "scope": t.Scope, "expires_at": t.ExpiresAt, "parent_id": t.ParentID})
	})
	if err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

// limitToken applies the creator's limits to a new token: its session, its
// parent token's scope and expiry, and the longest a token may last.
func (s *Service) limitToken(tx *gorm.DB, by *Principal, t *Token) error {
	if by == nil || (by.Via != "session" && by.Via != "token") {
		return nil // the operator
	}
	now := s.now()
	t.SessionHash = by.Session
	limit := now.Add(s.opts.TokenMaxTTL)
	if by.Via == "token" {
		var parent Token
		if err := tx.Take(&parent, by.TokenID).Error; err != nil {
			return fmt.Errorf("token %d: %w", by.TokenID, errs.ErrUnauthorized)
		}
		if !parent.Scope.Covers(t.Scope) {
			return &errs.Invalid{Message: "invalid token", Fields: map[string]string{"scope": "at most the scope of the token that creates it (" + string(parent.Scope) + ")"}}
		}
		if parent.ExpiresAt != nil && parent.ExpiresAt.Before(limit) {
			limit = *parent.ExpiresAt
		}
		id := parent.ID
		t.ParentID = &id
	}
	switch {
	case t.ExpiresAt == nil:
		t.ExpiresAt = &limit
	case !t.ExpiresAt.After(now):
		return &errs.Invalid{Message: "invalid token", Fields: map[string]string{"expires_at": "must be in the future"}}
	case t.ExpiresAt.After(limit):
		return &errs.Invalid{Message: "invalid token", Fields: map[string]string{"expires_at": "at most " + limit.UTC().Format(time.RFC3339) +
			" (a token never outlives the token that creates it, nor the longest a token may last)"}}
	}
	exp := t.ExpiresAt.UTC()
	t.ExpiresAt = &exp
	return nil
}

// Tokens lists a user's tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	var out []Token
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
	return out, err
}

// RevokeToken revokes one of a user's tokens and every token created with
// it, recording in the audit log that by did.
func (s *Service) RevokeToken(ctx context.Context, by *Principal, requestID string, userID, tokenID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&Token{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("token %d: %w", tokenID, errs.ErrNotFound)
		}
		n, err := revokeDescendants(tx, []int64{tokenID}, now)
		if err != nil {
			return err
		}
		return Audit(ctx, tx, by, requestID, 0, "api_token.revoke", "api_token", strconv.FormatInt(tokenID, 10),
			map[string]any{"user_id": userID, "descendants_revoked": n})
	})
}

// revokeDescendants revokes the tokens created with these tokens, and
// theirs, level by level.
func revokeDescendants(tx *gorm.DB, parents []int64, now time.Time) (int64, error) {
	var total int64
	for len(parents) > 0 {
		var children []int64
		if err := tx.Model(&Token{}).Where("parent_id IN ?", parents).Pluck("id", &children).Error; err != nil {
			return total, fmt.Errorf("child tokens: %w", err)
		}
		if len(children) == 0 {
			break
		}
		res := tx.Model(&Token{}).Where("id IN ? AND revoked_at IS NULL", children).Update("revoked_at", now)
		if res.Error != nil {
			return total, fmt.Errorf("revoke child tokens: %w", res.Error)
		}
		total += res.RowsAffected
		parents = children
	}
	return total, nil
}

// lastUseEvery is how often a token's last use is written: reads must not
// all become writes.
const lastUseEvery = time.Minute

// PrincipalFromToken authenticates a bearer token.
func (s *Service) PrincipalFromToken(ctx context.Context, plain string) (*Principal, error) {
	if !strings.HasPrefix(plain, TokenPrefix) {
		return nil, errs.ErrUnauthorized
	}
	var t Token
	err := s.db.WithContext(ctx).Where("hash = ?", sha(plain)).Take(&t).Error
	now := s.now()
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)))) {
		return nil, errs.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	var u User
	if err := lookupError(s.db.WithContext(ctx).Take(&u, t.UserID).Error); err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, errs.ErrUnauthorized
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUseEvery {
		s.db.WithContext(sideWrite(ctx)).Model(&Token{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	p, err := s.Principal(ctx, u, "token", t.ID)
	if p != nil {
		p.Session, p.Scope = t.SessionHash, t.Scope
	}
	return p, err
}
