package auth

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// The second factor: RFC 6238 time-based codes (six digits, 30-second
// steps, SHA-1: what every authenticator app reads from the otpauth URI),
// generated and checked with github.com/pquerna/otp.
const (
	totpIssuer = "Breachline"
	totpPeriod = 30
	// totpSkew accepts the previous and next step too (clocks drift).
	totpSkew = 1
	// RecoveryCodeCount codes are made when the second factor is turned on.
	RecoveryCodeCount = 10
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// deriveKey derives a purpose's key from the installation's secret.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// sealSecret encrypts a TOTP secret (AES-256-GCM): a copy of the
// database alone does not give anyone the codes.
func (s *Service) sealSecret(secret string) (string, error) {
	block, err := aes.NewCipher(s.totpKey)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), nil)), nil
}

// openSecret decrypts a sealed TOTP secret.
func (s *Service) openSecret(sealed string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil || !strings.HasPrefix(sealed, "v1:") {
		return "", errors.New("totp secret: unreadable")
	}
	block, err := aes.NewCipher(s.totpKey)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if len(raw) < gcm.NonceSize() {
		return "", errors.New("totp secret: unreadable")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", errors.New("totp secret: cannot be decrypted (was the secret key changed?)")
	}
	return string(plain), nil
}

// TOTPEnrolment is what an authenticator app needs: the secret as text,
// the otpauth URI, and the URI as a QR code (PNG).
type TOTPEnrolment struct {
	Secret string
	URI    string
	QR     []byte
}

// StartTOTP begins turning on the second factor for the caller: a new
// secret is kept, unconfirmed, until ConfirmTOTP receives a code from it.
func (s *Service) StartTOTP(ctx context.Context, p *Principal) (TOTPEnrolment, error) {
	u, err := s.user(ctx, p.User.ID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if u.TOTPEnabledAt != nil {
		return TOTPEnrolment{}, &errs.Conflict{Message: "two-step sign-in is already on; turn it off first to use another authenticator"}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email, Period: totpPeriod,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp: %w", err)
	}
	sealed, err := s.sealSecret(key.Secret())
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp: %w", err)
	}
	err = s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_enabled_at IS NULL", u.ID).
		Updates(map[string]any{"totp_secret": sealed, "totp_last_step": 0, "updated_at": s.now()}).Error
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp: %w", err)
	}
	return enrolment(key)
}

// PendingTOTP shows again the enrolment StartTOTP began (after a wrong
// confirmation code).
func (s *Service) PendingTOTP(ctx context.Context, p *Principal) (TOTPEnrolment, error) {
	u, err := s.user(ctx, p.User.ID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if u.TOTPEnabledAt != nil || u.TOTPSecret == "" {
		return TOTPEnrolment{}, fmt.Errorf("totp enrolment: %w", errs.ErrNotFound)
	}
	secret, err := s.openSecret(u.TOTPSecret)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email, Period: totpPeriod,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm, Secret: raw})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp: %w", err)
	}
	return enrolment(key)
}

func enrolment(key *otp.Key) (TOTPEnrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, fmt.Errorf("totp qr: %w", err)
	}
	return TOTPEnrolment{Secret: key.Secret(), URI: key.URL(), QR: buf.Bytes()}, nil
}

// ConfirmTOTP turns the second factor on when code comes from the secret
// StartTOTP made, and returns new recovery codes, shown this once.
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, requestID, code string) ([]string, error) {
	u, err := s.user(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	if u.TOTPEnabledAt != nil || u.TOTPSecret == "" {
		return nil, &errs.Conflict{Message: "start setting up two-step sign-in first"}
	}
	ok, err := s.verifyTOTP(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &errs.Invalid{Message: "the code is not right", Fields: map[string]string{"code": "the six digits your authenticator app shows now"}}
	}
	var codes []string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ? AND totp_enabled_at IS NULL", u.ID).Updates(map[string]any{"totp_enabled_at": s.now(), "updated_at": s.now()})
		if res.Error != nil || res.RowsAffected != 1 {
			return errors.Join(res.Error, &errs.Conflict{Message: "two-step sign-in is already on"})
		}
		var err error
		if codes, err = s.newRecoveryCodes(tx, u.ID); err != nil {
			return err
		}
		return Audit(ctx, tx, p, requestID, 0, "user.totp_enable", "user", strconv.FormatInt(u.ID, 10), nil)
	})
	return codes, err
}

// DisableTOTP turns the second factor off, after checking the caller's
// password (throttled like a sign-in); the recovery codes go with it.
func (s *Service) DisableTOTP(ctx context.Context, p *Principal, requestID, ip, password string) error {
	u, err := s.user(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if err := s.checkPassword(ctx, u, password, ip, requestID); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"totp_secret": "", "totp_enabled_at": nil, "totp_last_step": 0, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("totp: %w", err)
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&recoveryCode{}).Error; err != nil {
			return fmt.Errorf("recovery codes: %w", err)
		}
		return Audit(ctx, tx, p, requestID, 0, "user.totp_disable", "user", strconv.FormatInt(u.ID, 10), nil)
	})
}

// checkPassword checks a signed-in user's password before a sensitive
// change, counting wrong ones as failed sign-ins.
func (s *Service) checkPassword(ctx context.Context, u User, password, ip, requestID string) error {
	if err := s.reserve(ctx, s.buckets(u.Email, ip)); err != nil {
		return err
	}
	if ok, _ := s.hasher.verify(u.PasswordHash, password); !ok {
		s.recordFailure(ctx, &u, u.Email, ip, requestID, "password")
		return &errs.Invalid{Message: "the password is not right", Fields: map[string]string{"current_password": "not right"}}
	}
	return s.succeeded(ctx, u.Email, ip)
}

// verifyTOTP checks a code against the user's secret at the current step
// (give or take one) and accepts each step once: a code seen by someone
// else cannot be used again.
func (s *Service) verifyTOTP(ctx context.Context, u User, code string) (bool, error) {
	code = strings.TrimSpace(code)
	if len(code) != totpOpts.Digits.Length() || u.TOTPSecret == "" {
		return false, nil
	}
	secret, err := s.openSecret(u.TOTPSecret)
	if err != nil {
		return false, err
	}
	now := s.now().Unix() / totpPeriod
	for step := now - totpSkew; step <= now+totpSkew; step++ {
		if step <= u.TOTPLastStep {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts) // #nosec G115 -- a time step counted from the Unix epoch is never negative
		if err != nil {
			return false, fmt.Errorf("totp: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		res := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", u.ID, step).Update("totp_last_step", step)
		if res.Error != nil {
			return false, fmt.Errorf("totp: %w", res.Error)
		}
		return res.RowsAffected == 1, nil
	}
	return false, nil
}

// TOTPCode is the current code of a secret (for tests and tools).
func TOTPCode(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: totpPeriod, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
}

// recoveryCode is a single-use code for signing in without the
// authenticator; only its SHA-256 is kept (it carries 80 random bits).
type recoveryCode struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	CodeHash  string
	CreatedAt time.Time
	UsedAt    *time.Time
}

// TableName is the recovery codes table.
func (recoveryCode) TableName() string { return "recovery_codes" }

var recoveryAlphabet = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// newRecoveryCodes replaces the user's recovery codes with new ones,
// written xxxx-xxxx-xxxx-xxxx.
func (s *Service) newRecoveryCodes(tx *gorm.DB, userID int64) ([]string, error) {
	if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
		return nil, fmt.Errorf("recovery codes: %w", err)
	}
	out := make([]string, RecoveryCodeCount)
	for i := range out {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := recoveryAlphabet.EncodeToString(b)
		out[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		if err := tx.Create(&recoveryCode{UserID: userID, CodeHash: sha(normalizeRecovery(c)), CreatedAt: s.now()}).Error; err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
	}
	return out, nil
}

func normalizeRecovery(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
}

// useRecoveryCode spends one of the user's unused recovery codes.
func (s *Service) useRecoveryCode(ctx context.Context, userID int64, code string) (bool, error) {
	c := normalizeRecovery(code)
	if len(c) != 16 {
		return false, nil
	}
	res := s.db.WithContext(ctx).Model(&recoveryCode{}).Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, sha(c)).
		Update("used_at", s.now())
	if res.Error != nil {
		return false, fmt.Errorf("recovery code: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// verifySecondFactor accepts a current TOTP code or an unused recovery
// code.
func (s *Service) verifySecondFactor(ctx context.Context, u User, code string) (bool, error) {
	code = strings.TrimSpace(code)
	if len(code) == totpOpts.Digits.Length() {
		return s.verifyTOTP(ctx, u, code)
	}
	return s.useRecoveryCode(ctx, u.ID, code)
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&recoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	return n, err
}

// user loads a user by id.
func (s *Service) user(ctx context.Context, id int64) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return User{}, fmt.Errorf("user %d: %w", id, errs.ErrNotFound)
		}
		return User{}, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}
