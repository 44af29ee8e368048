package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// FeedService issues calendar feed tokens and renders feeds (calfeed.Service).
type FeedService interface {
	IssueToken(ctx context.Context, p *auth.Principal, requestID string) (calfeed.Issued, error)
	RevokeToken(ctx context.Context, p *auth.Principal, requestID string) error
	Feed(ctx context.Context, token string) ([]byte, error)
}

func (h *handlers) calendarRoutes(api *gin.RouterGroup) {
	api.POST("/me/calendar-token", h.issue)
	api.DELETE("/me/calendar-token", h.revoke)
}

// feedRoutes registers the feed itself on the engine root: the secret token
// in the path is the credential. The access log records only the route
// pattern (/calendar/:file), never the token.
func (h *handlers) feedRoutes(r *gin.Engine) {
	r.GET("/calendar/:file", h.serveFeed)
	// Calendar clients check a subscription with HEAD; net/http sends the
	// headers of the GET and drops the body.
	r.HEAD("/calendar/:file", h.serveFeed)
}

func (h *handlers) issue(c *gin.Context) {
	out, err := h.d.Feed.IssueToken(c.Request.Context(), web.Principal(c), web.RequestID(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, out)
}

func (h *handlers) revoke(c *gin.Context) {
	if err := h.d.Feed.RevokeToken(c.Request.Context(), web.Principal(c), web.RequestID(c)); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) serveFeed(c *gin.Context) {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		web.Fail(c, errs.ErrNotFound)
		return
	}
	body, err := h.d.Feed.Feed(c.Request.Context(), token)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			err = errs.ErrNotFound // never carry the token into a log line
		}
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("X-Robots-Tag", "noindex")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}
