package calfeed

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// APIRoutes registers the token routes on the authenticated /api/v1 group.
func (s *Service) APIRoutes(api *gin.RouterGroup, _ *web.Server) {
	api.POST("/me/calendar-token", s.issue)
	api.DELETE("/me/calendar-token", s.revoke)
}

// PublicRoutes registers the feed itself on the engine root: the secret
// token in the path is the credential. The access log records only the
// route pattern (/calendar/:file), never the token.
func (s *Service) PublicRoutes(r *gin.Engine, _ *web.Server) {
	r.GET("/calendar/:file", s.serveFeed)
	// Calendar clients check a subscription with HEAD; net/http sends the
	// headers of the GET and drops the body.
	r.HEAD("/calendar/:file", s.serveFeed)
}

func (s *Service) issue(c *gin.Context) {
	out, err := s.IssueToken(c.Request.Context(), web.Principal(c), web.RequestID(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, out)
}

func (s *Service) revoke(c *gin.Context) {
	if err := s.RevokeToken(c.Request.Context(), web.Principal(c), web.RequestID(c)); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Service) serveFeed(c *gin.Context) {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		web.Fail(c, errs.ErrNotFound)
		return
	}
	body, err := s.Feed(c.Request.Context(), token)
	if err != nil {
		if errIsNotFound(err) {
			err = errs.ErrNotFound // never carry the token into a log line
		}
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("X-Robots-Tag", "noindex")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}
