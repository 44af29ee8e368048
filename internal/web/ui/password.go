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
	Email, Error string
}

// forgotPage asks for the address to send a reset link to.
func (u *pages) forgotPage(c *gin.Context) {
	u.render(c, http.StatusOK, "forgot", forgotData{layout: layout{Title: "Forgot your password", CSRF: u.preSession(c)}})
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
	var tooMany *errs.TooMany
	switch {
	case errors.As(err, &inv):
		u.render(c, http.StatusBadRequest, "forgot", forgotData{layout: layout{Title: "Forgot your password", CSRF: c.PostForm("csrf_token")},
			Email: email, Error: "Enter the e-mail address you sign in with."})
		return
	case errors.As(err, &tooMany):
		p := web.Classify(err)
		web.SetRetryAfter(c, p)
		u.render(c, http.StatusTooManyRequests, "forgot", forgotData{layout: layout{Title: "Forgot your password", CSRF: c.PostForm("csrf_token")},
			Email: email, Error: "Too many requests from your network. Try again later."})
		return
	case err != nil:
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "message", messageData{layout: layout{Title: "Check your e-mail"}, Heading: "Check your e-mail",
		Text: "If an account uses that address, we have sent it a link to choose a new password. The link works once, within an hour.",
		Link: "/signin", LinkText: "Back to sign-in"})
}

// resetData is the page where a reset link sets a new password.
type resetData struct {
	layout
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
	u.render(c, http.StatusNotFound, "message", messageData{layout: layout{Title: "Link not valid"}, Heading: "This link is not valid",
		Text: "It may have expired or been used already.", Link: "/password/forgot", LinkText: "Ask for a new password reset link"})
}

func (u *pages) resetPage(c *gin.Context) {
	token := c.Param("token")
	v, err := u.d.Auth.PasswordResetView(c.Request.Context(), token)
	if err != nil {
		u.badLink(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	u.render(c, http.StatusOK, "reset", resetData{layout: layout{Title: "Choose a new password", CSRF: u.preSession(c)},
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
	again := func(status int, fields map[string]string) {
		u.render(c, status, "reset", resetData{layout: layout{Title: "Choose a new password", CSRF: c.PostForm("csrf_token")},
			Token: token, Email: v.Email, NeedsCode: v.NeedsCode, Fields: fields})
	}
	password := c.PostForm("password")
	if password != c.PostForm("password_again") {
		again(http.StatusBadRequest, map[string]string{"password_again": "The two passwords differ."})
		return
	}
	err = u.d.Auth.CompletePasswordReset(c.Request.Context(), token, password, c.PostForm("code"), c.ClientIP(), web.RequestID(c))
	var inv *errs.Invalid
	var tooMany *errs.TooMany
	switch {
	case errors.As(err, &inv):
		again(http.StatusBadRequest, inv.Fields)
		return
	case errors.As(err, &tooMany):
		web.SetRetryAfter(c, web.Classify(err))
		again(http.StatusTooManyRequests, map[string]string{"code": "Too many attempts. " + tooMany.Message + "."})
		return
	case err != nil:
		u.badLink(c, err)
		return
	}
	u.s.SetCookie(c, web.SessionCookie, "", -1)
	u.render(c, http.StatusOK, "message", messageData{layout: layout{Title: "Password changed"}, Heading: "Your password was changed",
		Text: "Every browser signed in to the account was signed out, and its API tokens were revoked.", Link: "/signin", LinkText: "Sign in"})
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
	u.render(c, http.StatusOK, "unlock", unlockData{layout: layout{Title: "Unlock sign-in", CSRF: u.preSession(c)}, Token: token, Email: email})
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
	u.render(c, http.StatusOK, "message", messageData{layout: layout{Title: "Sign-in unlocked"}, Heading: "Sign-in unlocked",
		Text: "You can sign in again. If the failed attempts were not yours, choose a new password and turn on two-step sign-in.",
		Link: "/signin", LinkText: "Sign in"})
}
