package ui

import (
	"net/http"

	"github.com/breachline/breachline/internal/web"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/obligation"
)

// deadlineRow is one open duty of the deadlines page.
type deadlineRow struct {
	dutyRow
	BreachReference  string
	BreachTitle      string
	OrganizationName string
	// Campaigns are the notices sent for a duty to individuals.
	Campaigns []campaignRow
}

// deadlinesView is the deadlines page's list.
type deadlinesView struct {
	Available bool
	Rows      []deadlineRow
	Overdue   int
}

// deadlinesData is the deadlines page.
type deadlinesData struct {
	layout
	Deadlines *deadlinesView
}

// deadlinesPage lists the open duties of every organization the caller
// belongs to, soonest first (the service's order).
func (u *pages) deadlinesPage(c *gin.Context) {
	v := &deadlinesView{Available: true}
	list, err := u.d.Obligations.Deadlines(c.Request.Context(), web.Principal(c))
	if err != nil {
		u.fail(c, err)
		return
	}
	v.Rows, v.Overdue = deadlineRows(list)
	if err := u.addDutyCampaigns(c.Request.Context(), web.Principal(c), v.Rows); err != nil {
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "deadlines", deadlinesData{layout: u.signedIn(c, u.locale(c).T("deadlines.title"), "deadlines"), Deadlines: v})
}

// deadlineRows shapes the service's list and counts the overdue duties.
func deadlineRows(list []obligation.Deadline) ([]deadlineRow, int) {
	rows := make([]deadlineRow, 0, len(list))
	overdue := 0
	for _, d := range list {
		if d.Overdue {
			overdue++
		}
		rows = append(rows, deadlineRow{dutyRow: newDutyRow(d.Obligation), BreachReference: d.BreachReference,
			BreachTitle: d.BreachTitle, OrganizationName: d.OrganizationName})
	}
	return rows, overdue
}
