package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// signinData is the sign-in page.
type signinData struct {
	layout
	problem
	Email, Next string
}

// signinCodeData is the second step of a sign-in: a code from the
// authenticator app, or a recovery code.
type signinCodeData struct {
	layout
	problem
}

// problem is why a form is shown again; the template words it: wrong
// (password), wrong-code, throttled (try again in Retry seconds), expired (the
// pending sign-in), invalid (the input), or internal (quote RequestID).
type problem struct {
	Problem   string
	Retry     int
	RequestID string
}

// challengeCookie holds a sign-in awaiting its second step.
const challengeCookie = "breachline_signin"

// signinPage sets a pre-session CSRF cookie (double submit) for the form.
func (u *pages) signinPage(c *gin.Context) {
	u.render(c, http.StatusOK, "signin", signinData{layout: u.anon(c, "signin.title", u.preSession(c)), Next: localPath(c.Query("next"))})
}

// signin checks the e-mail and password (throttled: 429 with Retry-After
// while waiting), then starts a new session, or asks for the second factor.
func (u *pages) signin(c *gin.Context) {
	pre, _ := c.Cookie(preSessionCookie)
	if !u.preSessionOK(c) || pre == "" {
		c.Redirect(http.StatusSeeOther, "/signin")
		return
	}
	email, next := strings.TrimSpace(c.PostForm("email")), localPath(c.PostForm("next"))
	current, _ := c.Cookie(web.SessionCookie)
	res, err := u.d.Auth.SignIn(c.Request.Context(), auth.SignInInput{Email: email, Password: c.PostForm("password"), IP: c.ClientIP(),
		RequestID: web.RequestID(c), Next: next, Replace: current, TTL: u.d.SessionTTL})
	if err != nil {
		status, why := u.signinProblem(c, err, "wrong")
		u.render(c, status, "signin", signinData{layout: u.anon(c, "signin.title", pre), problem: why, Email: email, Next: next})
		return
	}
	if res.Challenge != "" {
		// #nosec G124 -- Secure whenever BASE_URL is https (SecureCookies); HttpOnly and SameSite always
		http.SetCookie(c.Writer, &http.Cookie{Name: challengeCookie, Value: res.Challenge, Path: "/signin", MaxAge: 300,
			HttpOnly: true, Secure: u.s.SecureCookies(), SameSite: http.SameSiteStrictMode})
		u.render(c, http.StatusOK, "signin_code", signinCodeData{layout: u.anon(c, "account.signin_code.title", pre)})
		return
	}
	u.startSession(c, res)
}

// signinCode completes a sign-in with a code from the authenticator app
// or a recovery code.
func (u *pages) signinCode(c *gin.Context) {
	pre, _ := c.Cookie(preSessionCookie)
	if !u.preSessionOK(c) || pre == "" {
		c.Redirect(http.StatusSeeOther, "/signin")
		return
	}
	challenge, _ := c.Cookie(challengeCookie)
	current, _ := c.Cookie(web.SessionCookie)
	res, err := u.d.Auth.SignInSecondStep(c.Request.Context(), auth.SecondStepInput{Challenge: challenge, Code: c.PostForm("code"),
		IP: c.ClientIP(), RequestID: web.RequestID(c), Replace: current, TTL: u.d.SessionTTL})
	switch {
	case errors.Is(err, auth.ErrChallengeOver):
		u.clearChallenge(c)
		u.render(c, http.StatusUnauthorized, "signin", signinData{layout: u.anon(c, "signin.title", pre), problem: problem{Problem: "expired"}})
		return
	case err != nil:
		status, why := u.signinProblem(c, err, "wrong-code")
		u.render(c, status, "signin_code", signinCodeData{layout: u.anon(c, "account.signin_code.title", pre), problem: why})
		return
	}
	u.clearChallenge(c)
	u.startSession(c, res)
}

// signinProblem is the status and problem of a refused sign-in step; a
// throttled one also sends Retry-After.
func (u *pages) signinProblem(c *gin.Context, err error, wrong string) (int, problem) {
	p := web.Classify(err)
	web.LogFailure(c, p.Status, err)
	var inv *errs.Invalid
	switch {
	case p.Status == http.StatusTooManyRequests:
		web.SetRetryAfter(c, p)
		return p.Status, throttled(p)
	case errors.Is(err, errs.ErrUnauthorized), errors.As(err, &inv):
		return http.StatusUnauthorized, problem{Problem: wrong}
	}
	return p.Status, problem{Problem: "internal", RequestID: web.RequestID(c)}
}

// throttled is the problem of a 429, with whole seconds to wait.
func throttled(p web.Problem) problem {
	return problem{Problem: "throttled", Retry: max(1, int((p.RetryAfter+time.Second-1)/time.Second))}
}

func (u *pages) clearChallenge(c *gin.Context) {
	// #nosec G124 -- Secure whenever BASE_URL is https (SecureCookies); HttpOnly and SameSite always
	http.SetCookie(c.Writer, &http.Cookie{Name: challengeCookie, Value: "", Path: "/signin", MaxAge: -1,
		HttpOnly: true, Secure: u.s.SecureCookies(), SameSite: http.SameSiteStrictMode})
}

// startSession sets the new session's cookie and goes to the page asked for.
func (u *pages) startSession(c *gin.Context, res auth.SignInResult) {
	u.s.SetCookie(c, web.SessionCookie, res.Cookie, int(u.d.SessionTTL.Seconds()))
	u.s.SetCookie(c, preSessionCookie, "", -1)
	dest := localPath(res.Next)
	if dest == "" {
		dest = "/breaches"
	}
	c.Redirect(http.StatusSeeOther, dest)
}

// signout ends the session on the server and clears its cookie. It needs
// the session's form token: without it, nothing changes (the session and
// its cookie stay) and a page asks again with a form that carries it, so a
// sign-out is never half done. A browser without a live session just has
// its cookie cleared.
func (u *pages) signout(c *gin.Context) {
	p, csrf, ok := u.s.SessionPrincipal(c)
	if ok && !web.CSRFMatches(c.PostForm("csrf_token"), csrf) {
		web.SetPrincipal(c, p, csrf)
		u.render(c, http.StatusForbidden, "message", messageData{layout: u.signedIn(c, u.locale(c).T("account.signout.title"), ""), Kind: "signout-stale"})
		return
	}
	if ok {
		cookie, _ := c.Cookie(web.SessionCookie)
		if err := u.d.Auth.DeleteSession(c.Request.Context(), cookie); err != nil {
			u.fail(c, err)
			return
		}
	}
	u.s.SetCookie(c, web.SessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin")
}

// messageData is a page that tells one thing: the template words each
// Kind (signout-stale, reset-sent, bad-link, password-reset, unlocked).
type messageData struct {
	layout
	Kind string
}
