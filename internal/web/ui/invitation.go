package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// invitationData is the invitation page.
type invitationData struct {
	layout
	Invitation *invitationView
}

// invitationView is the acceptance page: who invites, for what role, and
// whether the person sets a password or signs in.
type invitationView struct {
	auth.InvitationView
	Token string
	Name  string
	// MinPassword is the shortest password accepted.
	MinPassword int
	// SignedInAs is the address of the browser's current session, if any.
	SignedInAs string
	Fields     map[string]string
}

// invitationPage shows an invitation to whoever holds its link. An unknown,
// expired, used or withdrawn link gets the same "not valid" page.
func (u *pages) invitationPage(c *gin.Context) {
	token := c.Param("token")
	v, err := u.d.Auth.Invitation(c.Request.Context(), token)
	if err != nil {
		u.invitationInvalid(c, err)
		return
	}
	u.renderInvitation(c, http.StatusOK, v, token, "", nil)
}

func (u *pages) renderInvitation(c *gin.Context, status int, v auth.InvitationView, token, name string, fields map[string]string) {
	l := u.locale(c)
	iv := &invitationView{InvitationView: v, Token: token, Name: name, Fields: fieldText(l, fields), MinPassword: auth.MinPasswordLength}
	d := invitationData{layout: u.base(c, l.T("invitation.title", "Org", v.Organization)), Invitation: iv}
	// The form is protected like the sign-in form: a session's token when
	// signed in, else a pre-session double-submit cookie.
	if p, csrf, ok := u.s.SessionPrincipal(c); ok {
		iv.SignedInAs, d.CSRF = p.User.Email, csrf
	} else {
		d.CSRF = web.NewID() + web.NewID()
		u.s.SetCookie(c, preSessionCookie, d.CSRF, 3600)
	}
	c.Header("Referrer-Policy", "no-referrer")
	u.render(c, status, "invitation", d)
}

func (u *pages) invitationInvalid(c *gin.Context, err error) {
	if !errors.Is(err, errs.ErrNotFound) {
		u.fail(c, err)
		return
	}
	l := u.locale(c)
	u.render(c, http.StatusNotFound, "error", errorData{layout: u.base(c, l.T("invitation.invalid_title")), Code: http.StatusNotFound,
		Error: l.T("invitation.invalid_text")})
}

// acceptInvitation uses the link once: a new account is created with the
// password the person chose and signed in; an existing account must be the
// one signed in.
func (u *pages) acceptInvitation(c *gin.Context) {
	token := c.Param("token")
	p, csrf, signedIn := u.s.SessionPrincipal(c)
	if !signedIn {
		csrf, _ = c.Cookie(preSessionCookie)
	}
	if !web.CSRFMatches(c.PostForm("csrf_token"), csrf) {
		u.fail(c, errs.ErrForbidden)
		return
	}
	v, err := u.d.Auth.Invitation(c.Request.Context(), token)
	if err != nil {
		u.invitationInvalid(c, err)
		return
	}
	name := strings.TrimSpace(c.PostForm("name"))
	in := auth.AcceptInput{Name: name, Password: c.PostForm("password")}
	if !v.HasAccount && in.Password != c.PostForm("password_again") {
		u.renderInvitation(c, http.StatusBadRequest, v, token, name, map[string]string{"password_again": u.locale(c).T("invitation.passwords_differ")})
		return
	}
	user, err := u.d.Auth.AcceptInvitation(c.Request.Context(), token, p, web.RequestID(c), in)
	var inv *errs.Invalid
	switch {
	case errors.As(err, &inv):
		u.renderInvitation(c, http.StatusBadRequest, v, token, name, inv.Fields)
		return
	case errors.Is(err, auth.ErrSignInToAccept):
		u.renderInvitation(c, http.StatusForbidden, v, token, name, nil)
		return
	case err != nil:
		u.invitationInvalid(c, err)
		return
	}
	if !signedIn {
		cookie, _, err := u.d.Auth.CreateSession(c.Request.Context(), user.ID, u.d.SessionTTL)
		if err != nil {
			u.fail(c, err)
			return
		}
		u.s.SetCookie(c, web.SessionCookie, cookie, int(u.d.SessionTTL.Seconds()))
		u.s.SetCookie(c, preSessionCookie, "", -1)
	}
	c.Redirect(http.StatusSeeOther, "/breaches")
}
