package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// forgotData is the "forgot password" page.
type forgotData struct {
	layout
	problem
	Email string
}

// forgotPage asks for the address to send a reset link to.
func (u *pages) forgotPage(c *gin.Context) {
	u.render(c, http.StatusOK, "forgot", forgotData{layout: u.anon(c, "account.forgot.title", u.preSession(c))})
}

// forgot sends a reset link to the account with the address, if there is
// one; the answer is the same either way.
func (u *pages) forgot(c *gin.Context) {
	if !u.preSessionOK(c) {
		c.Redirect(http.StatusSeeOther, "/password/forgot")
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	err := u.d.Auth.RequestPasswordReset(c.Request.Context(), email, c.ClientIP(), web.RequestID(c))
	var inv *errs.Invalid
	p := web.Classify(err)
	switch {
	case errors.As(err, &inv):
		u.render(c, http.StatusBadRequest, "forgot", forgotData{layout: u.anon(c, "account.forgot.title", c.PostForm("csrf_token")),
			Email: email, problem: problem{Problem: "invalid"}})
		return
	case p.Status == http.StatusTooManyRequests:
		web.SetRetryAfter(c, p)
		u.render(c, p.Status, "forgot", forgotData{layout: u.anon(c, "account.forgot.title", c.PostForm("csrf_token")),
			Email: email, problem: throttled(p)})
		return
	case err != nil:
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "message", messageData{layout: u.anon(c, "account.reset_sent.title", ""), Kind: "reset-sent"})
}

// resetData is the page where a reset link sets a new password.
type resetData struct {
	layout
	problem
	Token, Email string
	NeedsCode    bool
	Fields       map[string]string
}

// badLink is the page for a link that is unknown, expired or used.
func (u *pages) badLink(c *gin.Context, err error) {
	if !errors.Is(err, errs.ErrNotFound) {
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusNotFound, "message", messageData{layout: u.anon(c, "account.bad_link.title", ""), Kind: "bad-link"})
}

func (u *pages) resetPage(c *gin.Context) {
	token := c.Param("token")
	v, err := u.d.Auth.PasswordResetView(c.Request.Context(), token)
	if err != nil {
		u.badLink(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	u.render(c, http.StatusOK, "reset", resetData{layout: u.anon(c, "account.reset.title", u.preSession(c)),
		Token: token, Email: v.Email, NeedsCode: v.NeedsCode})
}

// reset sets the new password from a reset link; every session of the
// account ends and every token is revoked.
func (u *pages) reset(c *gin.Context) {
	token := c.Param("token")
	c.Header("Referrer-Policy", "no-referrer")
	if !u.preSessionOK(c) {
		u.fail(c, errs.ErrForbidden)
		return
	}
	v, err := u.d.Auth.PasswordResetView(c.Request.Context(), token)
	if err != nil {
		u.badLink(c, err)
		return
	}
	again := func(status int, fields map[string]string, why problem) {
		u.render(c, status, "reset", resetData{layout: u.anon(c, "account.reset.title", c.PostForm("csrf_token")),
			problem: why, Token: token, Email: v.Email, NeedsCode: v.NeedsCode, Fields: fieldText(u.locale(c), fields)})
	}
	password := c.PostForm("password")
	if password != c.PostForm("password_again") {
		again(http.StatusBadRequest, map[string]string{"password_again": "differ"}, problem{})
		return
	}
	err = u.d.Auth.CompletePasswordReset(c.Request.Context(), token, password, c.PostForm("code"), c.ClientIP(), web.RequestID(c))
	var inv *errs.Invalid
	p := web.Classify(err)
	switch {
	case errors.As(err, &inv):
		again(http.StatusBadRequest, inv.Fields, problem{})
		return
	case p.Status == http.StatusTooManyRequests:
		web.SetRetryAfter(c, p)
		again(p.Status, nil, throttled(p))
		return
	case err != nil:
		u.badLink(c, err)
		return
	}
	u.s.SetCookie(c, web.SessionCookie, "", -1)
	u.render(c, http.StatusOK, "message", messageData{layout: u.anon(c, "account.password_reset.title", ""), Kind: "password-reset"})
}

// unlockData is the page of an unlock link.
type unlockData struct {
	layout
	Token, Email string
}

func (u *pages) unlockPage(c *gin.Context) {
	token := c.Param("token")
	email, err := u.d.Auth.UnlockView(c.Request.Context(), token)
	if err != nil {
		u.badLink(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	u.render(c, http.StatusOK, "unlock", unlockData{layout: u.anon(c, "account.unlock.title", u.preSession(c)), Token: token, Email: email})
}

// unlock lifts a sign-in lock-out with the link e-mailed to the account.
// It takes a form post, so that a mail scanner opening the link does not
// use it.
func (u *pages) unlock(c *gin.Context) {
	c.Header("Referrer-Policy", "no-referrer")
	if !u.preSessionOK(c) {
		u.fail(c, errs.ErrForbidden)
		return
	}
	if err := u.d.Auth.Unlock(c.Request.Context(), c.Param("token"), c.ClientIP(), web.RequestID(c)); err != nil {
		u.badLink(c, err)
		return
	}
	u.render(c, http.StatusOK, "message", messageData{layout: u.anon(c, "account.unlocked.title", ""), Kind: "unlocked"})
}
