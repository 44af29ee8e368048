package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/mail"
)

// The purposes of the single-use links e-mailed to a user.
const (
	linkPasswordReset = "password_reset"
	linkUnlock        = "unlock"
)

// How long the links work, and how often a reset link may be sent to one
// account.
const (
	ResetLinkTTL     = time.Hour
	UnlockLinkTTL    = 24 * time.Hour
	resetLinkEvery   = time.Minute
	resetClientsFree = 10
)

// accountLink is a single-use link e-mailed to a user; only the SHA-256 of
// its token is stored.
type accountLink struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Purpose   string
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// TableName is the links table.
func (accountLink) TableName() string { return "account_links" }

// errBadLink is the one answer for a link that is unknown, expired or used.
var errBadLink = fmt.Errorf("link: %w", errs.ErrNotFound)

// newLink makes a link for the user; earlier unused links of the same
// purpose stop working.
func (s *Service) newLink(tx *gorm.DB, userID int64, purpose string, ttl time.Duration) (string, error) {
	if err := s.expireLinks(tx, userID, purpose); err != nil {
		return "", err
	}
	plain, now := randomToken(32), s.now()
	l := accountLink{UserID: userID, Purpose: purpose, TokenHash: sha(plain), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.Create(&l).Error; err != nil {
		return "", fmt.Errorf("create link: %w", err)
	}
	return plain, nil
}

// expireLinks ends the user's unused links of a purpose.
func (s *Service) expireLinks(tx *gorm.DB, userID int64, purpose string) error {
	now := s.now()
	err := tx.Model(&accountLink{}).Where("user_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", userID, purpose, now).
		Update("expires_at", now).Error
	if err != nil {
		return fmt.Errorf("expire links: %w", err)
	}
	return nil
}

// openLink finds the usable link of a purpose for a token, and its
// enabled user.
func (s *Service) openLink(tx *gorm.DB, purpose, token string) (accountLink, User, error) {
	var l accountLink
	err := tx.Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", sha(token), purpose, s.now()).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return accountLink{}, User{}, errBadLink
	}
	if err != nil {
		return accountLink{}, User{}, fmt.Errorf("link: %w", err)
	}
	var u User
	if err := tx.Take(&u, l.UserID).Error; err != nil || u.DisabledAt != nil {
		return accountLink{}, User{}, errBadLink
	}
	return l, u, nil
}

// useLink marks a link used; exactly one use succeeds.
func (s *Service) useLink(tx *gorm.DB, id int64) error {
	res := tx.Model(&accountLink{}).Where("id = ? AND used_at IS NULL", id).Update("used_at", s.now())
	if res.Error != nil {
		return fmt.Errorf("use link: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return errBadLink
	}
	return nil
}

func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.baseURL, "/") + path + url.PathEscape(token)
}

// RequestPasswordReset e-mails a single-use link to reset the password of
// the account with this address, if there is one. The answer, and the
// time it takes, are the same whether or not there is: the e-mail is sent
// after answering. A client asking too often is throttled (errs.TooMany).
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip, requestID string) error {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := s.reserve(ctx, []bucket{{key: "reset:" + clientNetwork(ip), free: resetClientsFree}}); err != nil {
		return err
	}
	s.inBackground(ctx, func(ctx context.Context) { s.sendPasswordReset(ctx, norm, ip, requestID) })
	return nil
}

func (s *Service) sendPasswordReset(ctx context.Context, email, ip, requestID string) {
	var u User
	var token string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("email = ? AND disabled_at IS NULL", email).Take(&u).Error; err != nil {
			return err
		}
		var recent int64
		if err := tx.Model(&accountLink{}).Where("user_id = ? AND purpose = ? AND created_at > ?", u.ID, linkPasswordReset, s.now().Add(-resetLinkEvery)).
			Count(&recent).Error; err != nil || recent > 0 {
			return errors.Join(err, errs.ErrConflict) // one link a minute at most
		}
		var err error
		if token, err = s.newLink(tx, u.ID, linkPasswordReset, ResetLinkTTL); err != nil {
			return err
		}
		return Audit(ctx, tx, &Principal{User: u}, requestID, 0, "user.password_reset_request", "user", strconv.FormatInt(u.ID, 10),
			map[string]any{"ip": ip})
	})
	if err != nil {
		return
	}
	text := fmt.Sprintf("Someone (we hope you) asked to reset the password of your Breachline account %s.\n\n"+
		"To choose a new password, open this link (it can be used once, within %d minutes):\n%s\n\n"+
		"Resetting the password signs out every browser and revokes every API token of the account.\n\n"+
		"If you did not ask, ignore this message: your password stays as it is.\n",
		u.Email, int(ResetLinkTTL.Minutes()), s.link("/password/reset/", token))
	s.mail.Send(ctx, []*mail.Message{{To: u.Email, ToName: u.Name, Subject: "Reset your Breachline password", Text: text}})
}

// ResetView is what the reset page shows to whoever holds the link.
type ResetView struct {
	Email string
	// NeedsCode: the account has a second factor, which the reset asks for
	// too (a mailbox alone does not open it).
	NeedsCode bool
}

// PasswordResetView describes the reset a link token opens.
func (s *Service) PasswordResetView(ctx context.Context, token string) (ResetView, error) {
	_, u, err := s.openLink(s.db.WithContext(ctx), linkPasswordReset, token)
	if err != nil {
		return ResetView{}, err
	}
	return ResetView{Email: u.Email, NeedsCode: u.TOTPEnabledAt != nil}, nil
}

// CompletePasswordReset uses a reset link once: it sets the new password
// (under the policy), ends every session, revokes every token, and lifts a
// sign-in lock-out. An account with a second factor also needs a code
// from it (or a recovery code); wrong codes count as failed sign-ins.
func (s *Service) CompletePasswordReset(ctx context.Context, token, password, code, ip, requestID string) error {
	_, u, err := s.openLink(s.db.WithContext(ctx), linkPasswordReset, token)
	if err != nil {
		return err
	}
	h, err := s.hashPassword(password, u.Email, u.Name)
	if err != nil {
		return err
	}
	if u.TOTPEnabledAt != nil {
		if err := s.checkSecondFactor(ctx, u, code, ip, requestID); err != nil {
			return err
		}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, u, err := s.openLink(tx, linkPasswordReset, token)
		if err != nil {
			return err
		}
		if err := s.useLink(tx, l.ID); err != nil {
			return err
		}
		if err := s.setPasswordHash(tx, u.ID, h); err != nil {
			return err
		}
		sessions, tokens, err := s.endOtherAccess(tx, u.ID, "")
		if err != nil {
			return err
		}
		if err := s.unlockAccount(tx, u.Email); err != nil {
			return err
		}
		return Audit(ctx, tx, &Principal{User: u}, requestID, 0, "user.password_reset", "user", strconv.FormatInt(u.ID, 10),
			map[string]any{"sessions_ended": sessions, "tokens_revoked": tokens, "ip": ip})
	})
}

// checkSecondFactor verifies a TOTP or recovery code outside sign-in (a
// password reset), throttled and audited like a sign-in's second step.
func (s *Service) checkSecondFactor(ctx context.Context, u User, code, ip, requestID string) error {
	if err := s.reserve(ctx, s.buckets(u.Email, ip)); err != nil {
		return err
	}
	ok, err := s.verifySecondFactor(ctx, u, code)
	if err != nil {
		return err
	}
	if !ok {
		s.recordFailure(ctx, &u, u.Email, ip, requestID, "second_factor")
		return &errs.Invalid{Message: "the code is not right", Fields: map[string]string{"code": "a current code from your authenticator app, or an unused recovery code"}}
	}
	return s.succeeded(ctx, u.Email, ip)
}

// sendUnlock e-mails the owner of a locked account a link to unlock it.
func (s *Service) sendUnlock(ctx context.Context, u User) {
	var token string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		token, err = s.newLink(tx, u.ID, linkUnlock, UnlockLinkTTL)
		return err
	})
	if err != nil {
		return
	}
	text := fmt.Sprintf("Sign-in to your Breachline account %s was locked after %d attempts with a wrong password or code.\n\n"+
		"If it was you, open this link to unlock it (it can be used once, within %d hours):\n%s\n\n"+
		"If it was not you, someone may be trying to guess your password: leave the account locked (the lock ends by itself after %d minutes), "+
		"and consider choosing a new password and a second factor.\n",
		u.Email, s.opts.Throttle.LockAfter, int(UnlockLinkTTL.Hours()), s.link("/signin/unlock/", token), int(s.opts.Throttle.LockFor.Minutes()))
	s.mail.Send(ctx, []*mail.Message{{To: u.Email, ToName: u.Name, Subject: "Your Breachline sign-in was locked", Text: text}})
}

// UnlockView returns the address an unlock link is for.
func (s *Service) UnlockView(ctx context.Context, token string) (string, error) {
	_, u, err := s.openLink(s.db.WithContext(ctx), linkUnlock, token)
	return u.Email, err
}

// Unlock uses an unlock link once: the account's lock-out and failed
// attempts are forgotten.
func (s *Service) Unlock(ctx context.Context, token, ip, requestID string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, u, err := s.openLink(tx, linkUnlock, token)
		if err != nil {
			return err
		}
		if err := s.useLink(tx, l.ID); err != nil {
			return err
		}
		if err := s.unlockAccount(tx, u.Email); err != nil {
			return err
		}
		return Audit(ctx, tx, &Principal{User: u}, requestID, 0, "signin.unlock", "user", strconv.FormatInt(u.ID, 10), map[string]any{"ip": ip})
	})
}
