package ui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// AccountService is what the account pages need (auth.Service): password
// reset and unlock links, the caller's password, second factor and tokens.
type AccountService interface {
	RequestPasswordReset(ctx context.Context, email, ip, requestID string) error
	PasswordResetView(ctx context.Context, token string) (auth.ResetView, error)
	CompletePasswordReset(ctx context.Context, token, password, code, ip, requestID string) error
	UnlockView(ctx context.Context, token string) (string, error)
	Unlock(ctx context.Context, token, ip, requestID string) error
	ChangePassword(ctx context.Context, p *auth.Principal, requestID, ip, current, next string) (auth.PasswordChange, error)
	StartTOTP(ctx context.Context, p *auth.Principal) (auth.TOTPEnrolment, error)
	PendingTOTP(ctx context.Context, p *auth.Principal) (auth.TOTPEnrolment, error)
	ConfirmTOTP(ctx context.Context, p *auth.Principal, requestID, code string) ([]string, error)
	DisableTOTP(ctx context.Context, p *auth.Principal, requestID, ip, password string) error
	RecoveryCodesLeft(ctx context.Context, userID int64) (int64, error)
	Tokens(ctx context.Context, userID int64) ([]auth.Token, error)
	IssueToken(ctx context.Context, by *auth.Principal, requestID string, userID int64, in auth.TokenInput) (string, auth.Token, error)
	RevokeToken(ctx context.Context, by *auth.Principal, requestID string, userID, tokenID int64) error
}

func (u *pages) accountRoutes(r *gin.RouterGroup) {
	r.GET("/password/forgot", u.forgotPage)
	r.POST("/password/forgot", u.forgot)
	r.GET("/password/reset/:token", u.resetPage)
	r.POST("/password/reset/:token", u.reset)
	r.GET("/signin/unlock/:token", u.unlockPage)
	r.POST("/signin/unlock/:token", u.unlock)
	r.GET("/account", u.requirePage, u.accountPage)
	r.POST("/account/password", u.requirePage, u.requireForm, u.changePassword)
	r.POST("/account/two-step", u.requirePage, u.requireForm, u.startTwoStep)
	r.POST("/account/two-step/confirm", u.requirePage, u.requireForm, u.confirmTwoStep)
	r.POST("/account/two-step/disable", u.requirePage, u.requireForm, u.disableTwoStep)
	r.POST("/account/tokens", u.requirePage, u.requireForm, u.createToken)
	r.POST("/account/tokens/:id/revoke", u.requirePage, u.requireForm, u.revokeToken)
}

// requireForm refuses a signed-in form post without the session's token.
func (u *pages) requireForm(c *gin.Context) {
	if !web.CSRFMatches(c.PostForm("csrf_token"), web.CSRF(c)) {
		u.fail(c, fmt.Errorf("form token missing or wrong: %w", errs.ErrForbidden))
		return
	}
	c.Next()
}

// accountData is the account page: password, two-step sign-in, tokens.
type accountData struct {
	layout
	problem
	// Notice says what was just done; the template words it:
	// password-changed (Ended sessions, Revoked tokens), two-step-on,
	// two-step-off, token-created (TokenName) or token-revoked.
	Notice         string
	Ended, Revoked int64
	Fields         map[string]string
	// TwoStep: the second factor is on; RecoveryLeft unused codes remain.
	TwoStep      bool
	RecoveryLeft int64
	// RecoveryCodes and NewToken are shown once, right after being made.
	RecoveryCodes []string
	NewToken      string
	// CreatedToken names the token just made.
	CreatedToken string
	Tokens       []tokenRow
	Expiries     []expiryChoice
	// Form keeps what was typed in the token form after a refusal.
	TokenName, TokenScope string
}

// tokenRow is one API token as the account page lists it.
type tokenRow struct {
	auth.Token
	State string // active, expired or revoked
}

// expiryChoice is one lifetime a new token can be given, in days.
type expiryChoice struct {
	Days int
}

func (u *pages) accountPage(c *gin.Context) {
	u.renderAccount(c, http.StatusOK, accountData{})
}

// renderAccount fills the page's lists and shows it.
func (u *pages) renderAccount(c *gin.Context, status int, d accountData) {
	ctx, p := c.Request.Context(), web.Principal(c)
	d.layout = u.signedIn(c, u.locale(c).T("account.title"), "account")
	d.Fields = fieldText(u.locale(c), d.Fields)
	d.TwoStep = p.User.TOTPEnabledAt != nil
	var err error
	if d.TwoStep {
		if d.RecoveryLeft, err = u.d.Auth.RecoveryCodesLeft(ctx, p.User.ID); err != nil {
			u.fail(c, err)
			return
		}
	}
	tokens, err := u.d.Auth.Tokens(ctx, p.User.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	now := time.Now()
	for i := len(tokens) - 1; i >= 0; i-- {
		d.Tokens = append(d.Tokens, newTokenRow(tokens[i], now))
	}
	for _, days := range []int{1, 7, 30, 90, 365} {
		if time.Duration(days)*24*time.Hour <= u.d.TokenMaxTTL {
			d.Expiries = append(d.Expiries, expiryChoice{Days: days})
		}
	}
	if d.TokenScope == "" {
		d.TokenScope = string(auth.ScopeRead)
	}
	u.render(c, status, "account", d)
}

func newTokenRow(t auth.Token, now time.Time) tokenRow {
	r := tokenRow{Token: t, State: "active"}
	switch {
	case t.RevokedAt != nil:
		r.State = "revoked"
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		r.State = "expired"
	}
	return r
}

// refused sorts a refusal the account page shows again: per-field
// problems, or too many attempts (with Retry-After); ok is false for any
// other error, shown as the error page.
func refused(c *gin.Context, err error) (d accountData, ok bool) {
	var inv *errs.Invalid
	if errors.As(err, &inv) {
		d.Fields = inv.Fields
		if len(inv.Fields) == 0 {
			d.Fields = map[string]string{"form": inv.Message}
		}
		return d, true
	}
	if p := web.Classify(err); p.Status == http.StatusTooManyRequests {
		web.SetRetryAfter(c, p)
		d.problem = throttled(p)
		return d, true
	}
	return d, false
}

// refusedStatus is the status of a refusal the page shows again.
func refusedStatus(d accountData) int {
	if d.Problem == "throttled" {
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

// changePassword sets the caller's password: their other sessions end and
// tokens not created in this session are revoked.
func (u *pages) changePassword(c *gin.Context) {
	next := c.PostForm("new_password")
	if next != c.PostForm("new_password_again") {
		u.renderAccount(c, http.StatusBadRequest, accountData{Fields: map[string]string{"new_password_again": "differ"}})
		return
	}
	out, err := u.d.Auth.ChangePassword(c.Request.Context(), web.Principal(c), web.RequestID(c), c.ClientIP(), c.PostForm("current_password"), next)
	if d, ok := refused(c, err); ok {
		if msg, ok := d.Fields["password"]; ok {
			d.Fields["new_password"] = msg
		}
		u.renderAccount(c, refusedStatus(d), d)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	u.renderAccount(c, http.StatusOK, accountData{Notice: "password-changed", Ended: out.SessionsEnded, Revoked: out.TokensRevoked})
}

// twoStepData is the page that sets up the authenticator app.
type twoStepData struct {
	layout
	Secret string
	URI    string
	QR     template.URL
	// Wrong: the confirmation code was not right.
	Wrong bool
}

func (u *pages) renderTwoStep(c *gin.Context, status int, e auth.TOTPEnrolment, wrong bool) {
	d := twoStepData{layout: u.signedIn(c, u.locale(c).T("account.two_step.title"), "account"), Secret: e.Secret, URI: e.URI, Wrong: wrong,
		// The PNG is made here, never from input: safe as a data: URL.
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR))} // #nosec G203 -- the PNG is made here from the enrolment, never from input
	u.render(c, status, "two_step", d)
}

// startTwoStep makes a new secret and shows it (as a QR code and as text)
// with a form for the first code.
func (u *pages) startTwoStep(c *gin.Context) {
	e, err := u.d.Auth.StartTOTP(c.Request.Context(), web.Principal(c))
	if err != nil {
		u.fail(c, err)
		return
	}
	u.renderTwoStep(c, http.StatusOK, e, false)
}

// confirmTwoStep turns two-step sign-in on with a first code and shows the
// recovery codes once.
func (u *pages) confirmTwoStep(c *gin.Context) {
	p := web.Principal(c)
	codes, err := u.d.Auth.ConfirmTOTP(c.Request.Context(), p, web.RequestID(c), strings.TrimSpace(c.PostForm("code")))
	var inv *errs.Invalid
	if errors.As(err, &inv) {
		e, perr := u.d.Auth.PendingTOTP(c.Request.Context(), p)
		if perr != nil {
			u.fail(c, perr)
			return
		}
		u.renderTwoStep(c, http.StatusBadRequest, e, true)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	now := time.Now()
	p.User.TOTPEnabledAt = &now
	u.renderAccount(c, http.StatusOK, accountData{Notice: "two-step-on", RecoveryCodes: codes})
}

// disableTwoStep turns two-step sign-in off after checking the password.
func (u *pages) disableTwoStep(c *gin.Context) {
	p := web.Principal(c)
	err := u.d.Auth.DisableTOTP(c.Request.Context(), p, web.RequestID(c), c.ClientIP(), c.PostForm("current_password"))
	if d, ok := refused(c, err); ok {
		d.Fields = map[string]string{"disable_password": d.Fields["current_password"]}
		u.renderAccount(c, refusedStatus(d), d)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	p.User.TOTPEnabledAt = nil
	u.renderAccount(c, http.StatusOK, accountData{Notice: "two-step-off"})
}

// createToken issues a token and shows it once.
func (u *pages) createToken(c *gin.Context) {
	p := web.Principal(c)
	in := auth.TokenInput{Name: c.PostForm("name"), Scope: auth.Scope(c.PostForm("scope"))}
	if days, err := strconv.Atoi(c.PostForm("expires_days")); err == nil && days > 0 {
		at := time.Now().UTC().Add(time.Duration(days) * 24 * time.Hour)
		in.ExpiresAt = &at
	}
	plain, _, err := u.d.Auth.IssueToken(c.Request.Context(), p, web.RequestID(c), p.User.ID, in)
	if d, ok := refused(c, err); ok {
		d.Fields, d.TokenName, d.TokenScope = prefixed("token_", d.Fields), in.Name, string(in.Scope)
		u.renderAccount(c, refusedStatus(d), d)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	u.renderAccount(c, http.StatusCreated, accountData{NewToken: plain, Notice: "token-created", CreatedToken: strings.TrimSpace(in.Name)})
}

func prefixed(prefix string, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[prefix+k] = v
	}
	return out
}

// revokeToken revokes one of the caller's tokens (and those made with it).
func (u *pages) revokeToken(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	p := web.Principal(c)
	if err := u.d.Auth.RevokeToken(c.Request.Context(), p, web.RequestID(c), p.User.ID, id); err != nil {
		u.fail(c, err)
		return
	}
	u.renderAccount(c, http.StatusOK, accountData{Notice: "token-revoked"})
}
