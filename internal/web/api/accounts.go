package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/web"
)

// AuthService is what the account routes need (auth.Service).
type AuthService interface {
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
	Organization(ctx context.Context, p *auth.Principal, ref string) (auth.Organization, error)
	CreateOrganization(ctx context.Context, p *auth.Principal, requestID string, in auth.OrgInput) (auth.Organization, error)
	UpdateOrganization(ctx context.Context, p *auth.Principal, requestID string, id int64, in auth.OrgInput) (auth.Organization, error)
	MembersFor(ctx context.Context, p *auth.Principal, orgID int64) ([]auth.MemberView, error)
	AddMember(ctx context.Context, p *auth.Principal, requestID string, orgID int64, in auth.MemberInput) (auth.MemberResult, error)
	RemoveMember(ctx context.Context, p *auth.Principal, requestID string, orgID, userID int64) error
	Invitations(ctx context.Context, p *auth.Principal, orgID int64) ([]auth.Invitation, error)
	RevokeInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) error
	ResendInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) (auth.Invitation, error)
	ChangePassword(ctx context.Context, p *auth.Principal, requestID, ip, current, next string) (auth.PasswordChange, error)
	IssueToken(ctx context.Context, by *auth.Principal, requestID string, userID int64, in auth.TokenInput) (string, auth.Token, error)
	Tokens(ctx context.Context, userID int64) ([]auth.Token, error)
	RevokeToken(ctx context.Context, by *auth.Principal, requestID string, userID, tokenID int64) error
	SetLanguage(ctx context.Context, p *auth.Principal, requestID, lang string) (auth.User, error)
}

func (h *handlers) accountRoutes(api *gin.RouterGroup) {
	api.GET("/me", h.me)
	api.PATCH("/me", h.updateMe)
	api.GET("/organizations", h.listOrganizations)
	api.POST("/organizations", h.createOrganization)
	api.GET("/organizations/:org", h.getOrganization)
	api.PATCH("/organizations/:org", h.updateOrganization)
	api.GET("/organizations/:org/members", h.listMembers)
	api.POST("/organizations/:org/members", h.addMember)
	api.DELETE("/organizations/:org/members/:user", h.removeMember)
	api.GET("/organizations/:org/invitations", h.listInvitations)
	api.DELETE("/organizations/:org/invitations/:id", h.revokeInvitation)
	api.POST("/organizations/:org/invitations/:id/resend", h.resendInvitation)
	api.POST("/me/password", h.changePassword)
	api.GET("/tokens", h.listTokens)
	api.POST("/tokens", h.createToken)
	api.DELETE("/tokens/:id", h.revokeToken)
}

func (h *handlers) me(c *gin.Context) {
	p := web.Principal(c)
	orgs, err := h.d.Auth.Organizations(c.Request.Context(), p)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type membership struct {
		Organization auth.Organization `json:"organization"`
		Role         auth.Role         `json:"role"`
	}
	ms := make([]membership, len(orgs))
	for i, o := range orgs {
		ms[i] = membership{Organization: o, Role: p.Memberships[o.ID]}
	}
	c.JSON(http.StatusOK, gin.H{"user": p.User, "memberships": ms, "via": p.Via})
}

// meRequest is what callers may change of their own account.
type meRequest struct {
	// Language of pages and e-mails: "en", "fr", or "" for none.
	Language *string `json:"language"`
}

// updateMe changes the caller's own settings and answers as GET /me does.
func (h *handlers) updateMe(c *gin.Context) {
	var in meRequest
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	if in.Language != nil {
		if _, err := h.d.Auth.SetLanguage(c.Request.Context(), web.Principal(c), web.RequestID(c), *in.Language); err != nil {
			web.Fail(c, err)
			return
		}
	}
	h.me(c)
}

func (h *handlers) listOrganizations(c *gin.Context) {
	orgs, err := h.d.Auth.Organizations(c.Request.Context(), web.Principal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"organizations": orgs})
}

// createOrganization lets an admin of any organization create another (a
// breach coach or law firm serving several clients); they become its admin.
func (h *handlers) createOrganization(c *gin.Context) {
	p := web.Principal(c)
	if err := p.MayCreateOrganization(); err != nil {
		web.Fail(c, err)
		return
	}
	var in auth.OrgInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	o, err := h.d.Auth.CreateOrganization(c.Request.Context(), p, web.RequestID(c), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

func (h *handlers) getOrganization(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (h *handlers) updateOrganization(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in auth.OrgInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	o, err = h.d.Auth.UpdateOrganization(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (h *handlers) listMembers(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	members, err := h.d.Auth.MembersFor(c.Request.Context(), web.Principal(c), o.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"members": members})
}

func (h *handlers) addMember(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in auth.MemberInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.d.Auth.AddMember(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if res.Invitation != nil {
		c.JSON(http.StatusAccepted, res)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *handlers) listInvitations(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	list, err := h.d.Auth.Invitations(c.Request.Context(), web.Principal(c), o.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"invitations": list})
}

func (h *handlers) revokeInvitation(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.d.Auth.RevokeInvitation(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, id); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) resendInvitation(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.d.Auth.ResendInvitation(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"invitation": inv})
}

type passwordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// changePassword sets the caller's own password; their other sessions end
// and tokens not created in this session are revoked.
func (h *handlers) changePassword(c *gin.Context) {
	var in passwordRequest
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.d.Auth.ChangePassword(c.Request.Context(), web.Principal(c), web.RequestID(c), c.ClientIP(), in.Current, in.New)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) removeMember(c *gin.Context) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	uid, err := web.ParamID(c, "user")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.d.Auth.RemoveMember(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, uid); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) listTokens(c *gin.Context) {
	ts, err := h.d.Auth.Tokens(c.Request.Context(), web.Principal(c).User.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": ts})
}

// createToken issues a token for the caller: scoped (read, write or
// bounce; write when not given) and expiring (see auth.Service.IssueToken).
func (h *handlers) createToken(c *gin.Context) {
	var in auth.TokenInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	p := web.Principal(c)
	plain, t, err := h.d.Auth.IssueToken(c.Request.Context(), p, web.RequestID(c), p.User.ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": plain, "details": t, "note": "store the token now: it is not shown again"})
}

func (h *handlers) revokeToken(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.d.Auth.RevokeToken(c.Request.Context(), web.Principal(c), web.RequestID(c), web.Principal(c).User.ID, id); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
