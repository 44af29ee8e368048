package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
)

// lastSeenEvery is how often a session's last request is written.
const lastSeenEvery = time.Minute

// sideWrite is the context of a write that may be skipped (the last use
// of a session or token, written again by the next request): it does not
// wait for a busy SQLite writer.
func sideWrite(ctx context.Context) context.Context { return db.WithWriteWait(ctx, 0) }

// CreateSession signs a user in for at most ttl (the absolute timeout); it
// returns the cookie value and CSRF token. Each sign-in gets new ones.
func (s *Service) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (cookie, csrf string, err error) {
	cookie, csrf = randomToken(32), randomToken(24)
	now := s.now()
	sess := Session{Hash: sha(cookie), UserID: userID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl), LastSeenAt: &now}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", "", fmt.Errorf("create session: %w", err)
	}
	s.db.WithContext(ctx).Where("expires_at < ?", now).Delete(&Session{})
	return cookie, csrf, nil
}

// PrincipalFromSession authenticates a session cookie, returning its CSRF
// token. A session past its absolute timeout, or idle for longer than the
// idle timeout, has ended (and is deleted).
func (s *Service) PrincipalFromSession(ctx context.Context, cookie string) (*Principal, string, error) {
	if cookie == "" {
		return nil, "", errs.ErrUnauthorized
	}
	var sess Session
	err := s.db.WithContext(ctx).Where("hash = ?", sha(cookie)).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", errs.ErrUnauthorized
	}
	if err != nil {
		return nil, "", fmt.Errorf("session: %w", err)
	}
	now := s.now()
	last := sess.CreatedAt
	if sess.LastSeenAt != nil {
		last = *sess.LastSeenAt
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(last) >= s.opts.SessionIdle {
		s.db.WithContext(ctx).Where("hash = ?", sess.Hash).Delete(&Session{})
		return nil, "", errs.ErrUnauthorized
	}
	var u User
	if err := lookupError(s.db.WithContext(ctx).Take(&u, sess.UserID).Error); err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "", errs.ErrUnauthorized
	}
	if now.Sub(last) >= lastSeenEvery {
		s.db.WithContext(sideWrite(ctx)).Model(&Session{}).Where("hash = ?", sess.Hash).Update("last_seen_at", now)
	}
	p, err := s.Principal(ctx, u, "session", 0)
	if p != nil {
		p.Session = sess.Hash
	}
	return p, sess.CSRF, err
}

// DeleteSession signs a browser out: the session ends on the server.
func (s *Service) DeleteSession(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	return s.db.WithContext(ctx).Where("hash = ?", sha(cookie)).Delete(&Session{}).Error
}

// lookupError is a credential lookup's error as the caller must see it: no
// such row is unauthorized; a store that failed is its own error (a 503,
// never "sign in"), wrapped with what was looked up.
func lookupError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return errs.ErrUnauthorized
	}
	return fmt.Errorf("credential lookup: %w", err)
}
