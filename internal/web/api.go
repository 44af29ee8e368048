package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

func (s *Server) apiRoutes(api *gin.RouterGroup) {
	api.GET("/me", s.me)
	api.GET("/organizations", s.listOrganizations)
	api.POST("/organizations", s.createOrganization)
	api.GET("/organizations/:org", s.getOrganization)
	api.PATCH("/organizations/:org", s.updateOrganization)
	api.GET("/organizations/:org/members", s.listMembers)
	api.POST("/organizations/:org/members", s.addMember)
	api.DELETE("/organizations/:org/members/:user", s.removeMember)
	api.GET("/organizations/:org/invitations", s.listInvitations)
	api.DELETE("/organizations/:org/invitations/:id", s.revokeInvitation)
	api.POST("/organizations/:org/invitations/:id/resend", s.resendInvitation)
	api.POST("/me/password", s.changePassword)
	api.GET("/data-categories", s.listCategories)
	api.GET("/breaches", s.listBreaches)
	api.POST("/breaches", s.createBreach)
	api.GET("/breaches/:id", s.getBreach)
	api.PATCH("/breaches/:id", s.updateBreach)
	api.POST("/breaches/:id/events", s.addEvent)
	api.DELETE("/breaches/:id/events/:event", s.deleteEvent)
	api.PUT("/breaches/:id/answers/:question", s.setAnswer)
	api.GET("/tokens", s.listTokens)
	api.POST("/tokens", s.createToken)
	api.DELETE("/tokens/:id", s.revokeToken)
}

func (s *Server) me(c *gin.Context) {
	p := principal(c)
	orgs, err := s.deps.Auth.Organizations(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
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

func (s *Server) listOrganizations(c *gin.Context) {
	orgs, err := s.deps.Auth.Organizations(c.Request.Context(), principal(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"organizations": orgs})
}

// createOrganization lets an admin of any organization create another (a
// breach coach or law firm serving several clients); they become its admin.
func (s *Server) createOrganization(c *gin.Context) {
	p := principal(c)
	if len(p.OrgIDsWith(auth.Administer)) == 0 {
		fail(c, errs.ErrForbidden)
		return
	}
	var in auth.OrgInput
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	o, err := s.deps.Auth.CreateOrganization(c.Request.Context(), p, requestID(c), in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

func (s *Server) getOrganization(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (s *Server) updateOrganization(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	var in auth.OrgInput
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	o, err = s.deps.Auth.UpdateOrganization(c.Request.Context(), principal(c), requestID(c), o.ID, in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (s *Server) listMembers(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	members, err := s.deps.Auth.Members(c.Request.Context(), o.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"members": members})
}

func (s *Server) addMember(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	var in auth.MemberInput
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	res, err := s.deps.Auth.AddMember(c.Request.Context(), principal(c), requestID(c), o.ID, in)
	if err != nil {
		fail(c, err)
		return
	}
	if res.Invitation != nil {
		c.JSON(http.StatusAccepted, res)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) listInvitations(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	list, err := s.deps.Auth.Invitations(c.Request.Context(), principal(c), o.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"invitations": list})
}

func (s *Server) revokeInvitation(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.deps.Auth.RevokeInvitation(c.Request.Context(), principal(c), requestID(c), o.ID, id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) resendInvitation(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	inv, err := s.deps.Auth.ResendInvitation(c.Request.Context(), principal(c), requestID(c), o.ID, id)
	if err != nil {
		fail(c, err)
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
func (s *Server) changePassword(c *gin.Context) {
	var in passwordRequest
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	out, err := s.deps.Auth.ChangePassword(c.Request.Context(), principal(c), requestID(c), in.Current, in.New)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) removeMember(c *gin.Context) {
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), c.Param("org"))
	if err != nil {
		fail(c, err)
		return
	}
	uid, err := ParamID(c, "user")
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.deps.Auth.RemoveMember(c.Request.Context(), principal(c), requestID(c), o.ID, uid); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listCategories(c *gin.Context) {
	cats, err := s.deps.Breaches.Categories(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data_categories": cats})
}

func (s *Server) listTokens(c *gin.Context) {
	ts, err := s.deps.Auth.Tokens(c.Request.Context(), principal(c).User.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": ts})
}

type tokenRequest struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func (s *Server) createToken(c *gin.Context) {
	var in tokenRequest
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		fail(c, &errs.Invalid{Message: "invalid token", Fields: map[string]string{"expires_at": "must be in the future"}})
		return
	}
	plain, t, err := s.deps.Auth.CreateToken(c.Request.Context(), principal(c), requestID(c), principal(c).User.ID, in.Name, in.ExpiresAt)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": plain, "details": t, "note": "store the token now: it is not shown again"})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.deps.Auth.RevokeToken(c.Request.Context(), principal(c), requestID(c), principal(c).User.ID, id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// createBreachRequest names the organization by id or slug.
type createBreachRequest struct {
	Organization string `json:"organization"`
	breach.Input
}

func (s *Server) createBreach(c *gin.Context) {
	var in createBreachRequest
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	if in.Organization == "" {
		fail(c, &errs.Invalid{Message: "the request has invalid fields", Fields: map[string]string{"organization": "required"}})
		return
	}
	o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), in.Organization)
	if err != nil {
		fail(c, err)
		return
	}
	b, err := s.deps.Breaches.Create(c.Request.Context(), Call(c), o.ID, in.Input)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, b)
}

func (s *Server) listBreaches(c *gin.Context) {
	f := breach.ListFilter{Status: c.Query("status"), Query: c.Query("q")}
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	if ref := c.Query("organization"); ref != "" {
		o, err := s.deps.Auth.Organization(c.Request.Context(), principal(c), ref)
		if err != nil {
			fail(c, err)
			return
		}
		f.OrganizationID = o.ID
	}
	list, total, err := s.deps.Breaches.List(c.Request.Context(), principal(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"breaches": list, "total": total})
}

func (s *Server) getBreach(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	b, err := s.deps.Breaches.Get(c.Request.Context(), principal(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

func (s *Server) updateBreach(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	var in breach.Input
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	b, err := s.deps.Breaches.Update(c.Request.Context(), Call(c), id, in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

func (s *Server) addEvent(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	var in breach.EventInput
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	e, err := s.deps.Breaches.AddEvent(c.Request.Context(), Call(c), id, in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}

func (s *Server) deleteEvent(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	eid, err := ParamID(c, "event")
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.deps.Breaches.DeleteEvent(c.Request.Context(), Call(c), id, eid); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) setAnswer(c *gin.Context) {
	id, err := ParamID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	var in breach.AnswerInput
	if err := Decode(c, &in); err != nil {
		fail(c, err)
		return
	}
	a, err := s.deps.Breaches.SetAnswer(c.Request.Context(), Call(c), id, c.Param("question"), in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
