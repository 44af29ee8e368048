package ui

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/web"
)

// FeedService issues and revokes the caller's calendar feed address
// (calfeed.Service): one secret address per user, shown once.
type FeedService interface {
	IssueToken(ctx context.Context, p *auth.Principal, requestID string) (calfeed.Issued, error)
	RevokeToken(ctx context.Context, p *auth.Principal, requestID string) error
}

// calendarData is the calendar subscription page.
type calendarData struct {
	layout
	// Has: the caller has a feed address (only its hash is stored, so the
	// page cannot show it again).
	Has bool
	// URL is a new address, shown this once.
	URL string
	// Revoked: the address was just revoked.
	Revoked bool
}

// calendarPage says whether the caller has a feed address and offers to
// make one, or a new one in place of the old (which stops working).
func (u *pages) calendarPage(c *gin.Context) {
	p := web.Principal(c)
	u.showCalendar(c, calendarData{Has: p.User.CalendarTokenHash != ""})
}

func (u *pages) showCalendar(c *gin.Context, d calendarData) {
	d.layout = u.signedIn(c, u.locale(c).T("office.calendar.title"), "deadlines")
	u.render(c, http.StatusOK, "calendar", d)
}

// issueCalendar makes the caller a new feed address, replacing any
// earlier one, and shows it once.
func (u *pages) issueCalendar(c *gin.Context) {
	out, err := u.d.Feed.IssueToken(c.Request.Context(), web.Principal(c), web.RequestID(c))
	if err != nil {
		u.fail(c, err)
		return
	}
	u.showCalendar(c, calendarData{Has: true, URL: out.URL})
}

// revokeCalendar stops the caller's feed address from working.
func (u *pages) revokeCalendar(c *gin.Context) {
	if err := u.d.Feed.RevokeToken(c.Request.Context(), web.Principal(c), web.RequestID(c)); err != nil {
		u.fail(c, err)
		return
	}
	u.showCalendar(c, calendarData{Revoked: true})
}
