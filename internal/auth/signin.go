package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// challengeTTL is how long the second step of a sign-in waits, and
// challengeAttempts how many codes it takes.
const (
	challengeTTL      = 5 * time.Minute
	challengeAttempts = 5
)

// signinChallenge is a sign-in whose password was right and whose second
// factor is awaited; only the SHA-256 of its cookie is kept.
type signinChallenge struct {
	Hash      string `gorm:"primaryKey"`
	UserID    int64
	NextPath  string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TableName is the challenges table.
func (signinChallenge) TableName() string { return "signin_challenges" }

// SignInInput is a sign-in attempt from a browser.
type SignInInput struct {
	Email, Password string
	// IP is the client's address, for throttling and the audit log.
	IP        string
	RequestID string
	// Next is the page to return to, kept across the second step.
	Next string
	// Replace is the browser's current session cookie, if any: it ends
	// when the new session starts.
	Replace string
	// TTL is the new session's absolute timeout.
	TTL time.Duration
}

// SignInResult is a signed-in session (Cookie and CSRF), or a second step
// to take (Challenge, the cookie of the pending sign-in).
type SignInResult struct {
	User         User
	Cookie, CSRF string
	Challenge    string
	Next         string
}

// SignIn checks an e-mail and password, throttled per address and per
// client network (errs.TooMany while waiting) and audited. Its answer, and
// the time it takes, are the same whether the address has no account, an
// account without a password, a disabled account or a wrong password
// (errs.ErrUnauthorized). A user with a second factor gets a Challenge;
// the others a new session, which replaces the browser's current one.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (SignInResult, error) {
	if err := s.reserve(ctx, s.buckets(in.Email, in.IP)); err != nil {
		return SignInResult{}, err
	}
	u, err := s.UserByEmail(ctx, in.Email)
	known := err == nil
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return SignInResult{}, err
	}
	var ok, rehash bool
	if known {
		ok, rehash = s.hasher.verify(u.PasswordHash, in.Password)
	} else {
		s.hasher.burn(in.Password)
	}
	if !ok || u.DisabledAt != nil {
		var who *User
		if known {
			who = &u
		}
		s.recordFailure(ctx, who, in.Email, in.IP, in.RequestID, "password")
		return SignInResult{}, errs.ErrUnauthorized
	}
	if rehash {
		s.rehash(ctx, u.ID, u.PasswordHash, in.Password)
	}
	if u.TOTPEnabledAt == nil {
		return s.finishSignIn(ctx, u, in, "password")
	}
	token, now := randomToken(32), s.now()
	ch := signinChallenge{Hash: sha(token), UserID: u.ID, NextPath: in.Next, CreatedAt: now, ExpiresAt: now.Add(challengeTTL)}
	if err := s.db.WithContext(ctx).Create(&ch).Error; err != nil {
		return SignInResult{}, fmt.Errorf("sign-in challenge: %w", err)
	}
	s.db.WithContext(ctx).Where("expires_at < ?", now).Delete(&signinChallenge{})
	return SignInResult{User: u, Challenge: token, Next: in.Next}, nil
}

// SecondStepInput is the code that completes a sign-in.
type SecondStepInput struct {
	Challenge, Code string
	IP, RequestID   string
	Replace         string
	TTL             time.Duration
}

// ErrChallengeOver: the pending sign-in is unknown, expired or out of
// attempts; the person signs in again.
var ErrChallengeOver = fmt.Errorf("sign-in challenge: %w", errs.ErrUnauthorized)

// SignInSecondStep completes a sign-in with a TOTP code or a recovery
// code. Wrong codes are throttled and audited like wrong passwords and
// answer *errs.Invalid; a challenge takes a few codes at most.
func (s *Service) SignInSecondStep(ctx context.Context, in SecondStepInput) (SignInResult, error) {
	var ch signinChallenge
	err := s.db.WithContext(ctx).Where("hash = ? AND expires_at > ?", sha(in.Challenge), s.now()).Take(&ch).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SignInResult{}, ErrChallengeOver
	}
	if err != nil {
		return SignInResult{}, fmt.Errorf("sign-in challenge: %w", err)
	}
	u, err := s.user(ctx, ch.UserID)
	if err != nil || u.DisabledAt != nil || u.TOTPEnabledAt == nil {
		return SignInResult{}, ErrChallengeOver
	}
	if err := s.reserve(ctx, s.buckets(u.Email, in.IP)); err != nil {
		return SignInResult{}, err
	}
	res := s.db.WithContext(ctx).Model(&signinChallenge{}).Where("hash = ? AND attempts < ?", ch.Hash, challengeAttempts).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return SignInResult{}, fmt.Errorf("sign-in challenge: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		s.db.WithContext(ctx).Where("hash = ?", ch.Hash).Delete(&signinChallenge{})
		return SignInResult{}, ErrChallengeOver
	}
	ok, err := s.verifySecondFactor(ctx, u, in.Code)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		s.recordFailure(ctx, &u, u.Email, in.IP, in.RequestID, "second_factor")
		return SignInResult{}, &errs.Invalid{Message: "the code is not right", Fields: map[string]string{"code": "a current code from your authenticator app, or an unused recovery code"}}
	}
	if err := s.db.WithContext(ctx).Where("hash = ?", ch.Hash).Delete(&signinChallenge{}).Error; err != nil {
		return SignInResult{}, fmt.Errorf("sign-in challenge: %w", err)
	}
	method := "password+totp"
	if len(in.Code) > totpOpts.Digits.Length() {
		method = "password+recovery_code"
	}
	return s.finishSignIn(ctx, u, SignInInput{Email: u.Email, IP: in.IP, RequestID: in.RequestID, Next: ch.NextPath, Replace: in.Replace, TTL: in.TTL}, method)
}

// finishSignIn forgets the address's failed attempts, ends the browser's
// previous session, starts a new one and audits the sign-in.
func (s *Service) finishSignIn(ctx context.Context, u User, in SignInInput, method string) (SignInResult, error) {
	if err := s.succeeded(ctx, in.Email, in.IP); err != nil {
		return SignInResult{}, err
	}
	if err := s.DeleteSession(ctx, in.Replace); err != nil {
		return SignInResult{}, err
	}
	cookie, csrf, err := s.CreateSession(ctx, u.ID, in.TTL)
	if err != nil {
		return SignInResult{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return Audit(ctx, tx, &Principal{User: u}, in.RequestID, 0, "signin.success", "user", strconv.FormatInt(u.ID, 10),
			map[string]any{"method": method, "ip": in.IP})
	})
	if err != nil {
		return SignInResult{}, err
	}
	return SignInResult{User: u, Cookie: cookie, CSRF: csrf, Next: in.Next}, nil
}

// anonymous is the actor of a failed sign-in: whoever typed the address
// is not known to be its owner.
var anonymous = &Principal{User: User{Email: "anonymous"}}

// recordFailure counts a failed attempt against the address (locking the
// account after too many) and audits it; u is the account, nil when the
// address has none. A lock-out is audited and its owner is sent a link to
// unlock it, after the answer, so that timing says nothing either.
func (s *Service) recordFailure(ctx context.Context, u *User, email, ip, requestID, reason string) {
	locked, err := s.failed(ctx, email)
	if err != nil {
		return
	}
	objID, details := "", map[string]any{"reason": reason, "ip": ip}
	if u != nil {
		objID = strconv.FormatInt(u.ID, 10)
	} else {
		details["account"] = "none"
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := Audit(ctx, tx, anonymous, requestID, 0, "signin.failure", "user", objID, details); err != nil {
			return err
		}
		if !locked {
			return nil
		}
		return Audit(ctx, tx, anonymous, requestID, 0, "signin.lockout", "user", objID,
			map[string]any{"ip": ip, "attempts": s.opts.Throttle.LockAfter, "minutes": int(s.opts.Throttle.LockFor.Minutes())})
	})
	if err != nil {
		// The refusal stands whatever happens to its record; the throttle
		// counted the attempt already.
		s.log().Error("sign-in failure not audited", slog.String("error", err.Error()))
	}
	if locked && u != nil {
		owner := *u
		s.inBackground(ctx, func(ctx context.Context) { s.sendUnlock(ctx, owner) })
	}
}
