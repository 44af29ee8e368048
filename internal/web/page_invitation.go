package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// invitationView is the acceptance page: who invites, for what role, and
// whether the person sets a password or signs in.
type invitationView struct {
	auth.InvitationView
	RoleLabel string
	Token     string
	Name      string
	// SignedInAs is the address of the browser's current session, if any.
	SignedInAs string
	Fields     map[string]string
}

// invitationPage shows an invitation to whoever holds its link. An unknown,
// expired, used or withdrawn link gets the same "not valid" page.
func (s *Server) invitationPage(c *gin.Context) {
	token := c.Param("token")
	v, err := s.deps.Auth.Invitation(c.Request.Context(), token)
	if err != nil {
		s.invitationInvalid(c, err)
		return
	}
	s.renderInvitation(c, http.StatusOK, v, token, "", nil)
}

func (s *Server) renderInvitation(c *gin.Context, status int, v auth.InvitationView, token, name string, fields map[string]string) {
	iv := &invitationView{InvitationView: v, RoleLabel: auth.RoleLabel(v.Role), Token: token, Name: name, Fields: fields}
	d := pageData{Title: "Invitation to " + v.Organization, Invitation: iv}
	// The form is protected like the sign-in form: a session's token when
	// signed in, else a pre-session double-submit cookie.
	if p, csrf, ok := s.sessionPrincipal(c); ok {
		iv.SignedInAs, d.CSRF = p.User.Email, csrf
	} else {
		d.CSRF = newID() + newID()
		s.setCookie(c, preSessionCookie, d.CSRF, 3600)
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, status, "invitation", d)
}

func (s *Server) invitationInvalid(c *gin.Context, err error) {
	if !errors.Is(err, errs.ErrNotFound) {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusNotFound, "error", pageData{Title: "Invitation not valid", Code: http.StatusNotFound,
		Error: "This invitation link is not valid: it may have expired, been used, or been withdrawn. Ask the organization's administrator for a new one."})
}

// acceptInvitation uses the link once: a new account is created with the
// password the person chose and signed in; an existing account must be the
// one signed in.
func (s *Server) acceptInvitation(c *gin.Context) {
	token := c.Param("token")
	p, csrf, signedIn := s.sessionPrincipal(c)
	if !signedIn {
		csrf, _ = c.Cookie(preSessionCookie)
	}
	if csrf == "" || subtle.ConstantTimeCompare([]byte(csrf), []byte(c.PostForm("csrf_token"))) != 1 {
		s.pageFail(c, errs.ErrForbidden)
		return
	}
	v, err := s.deps.Auth.Invitation(c.Request.Context(), token)
	if err != nil {
		s.invitationInvalid(c, err)
		return
	}
	name := strings.TrimSpace(c.PostForm("name"))
	in := auth.AcceptInput{Name: name, Password: c.PostForm("password")}
	if !v.HasAccount && in.Password != c.PostForm("password_again") {
		s.renderInvitation(c, http.StatusBadRequest, v, token, name, map[string]string{"password_again": "The two passwords differ."})
		return
	}
	u, err := s.deps.Auth.AcceptInvitation(c.Request.Context(), token, p, requestID(c), in)
	var inv *errs.Invalid
	switch {
	case errors.As(err, &inv):
		s.renderInvitation(c, http.StatusBadRequest, v, token, name, inv.Fields)
		return
	case errors.Is(err, auth.ErrSignInToAccept):
		s.renderInvitation(c, http.StatusForbidden, v, token, name, nil)
		return
	case err != nil:
		s.invitationInvalid(c, err)
		return
	}
	if !signedIn {
		cookie, _, err := s.deps.Auth.CreateSession(c.Request.Context(), u.ID, s.deps.SessionTTL)
		if err != nil {
			s.pageFail(c, err)
			return
		}
		s.setCookie(c, sessionCookie, cookie, int(s.deps.SessionTTL.Seconds()))
		s.setCookie(c, preSessionCookie, "", -1)
	}
	c.Redirect(http.StatusSeeOther, "/breaches")
}
