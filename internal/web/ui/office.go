package ui

import "github.com/gin-gonic/gin"

// officePages are the privacy office's pages beyond a breach's own: the
// calendar subscription, the roster, one person and the audit trail (the
// deadlines page is parsed with the others).
var officePages = []string{"calendar", "roster", "person", "audit"}

// officeRoutes adds the deadlines' calendar subscription, the roster's
// pages and the audit trail.
func (u *pages) officeRoutes(forms *gin.RouterGroup) {
	if u.d.Feed == nil || u.d.People == nil || u.d.Trail == nil {
		panic("ui: the calendar feed, roster and audit trail services are required")
	}
	forms.GET("/deadlines/calendar", u.requirePage, u.calendarPage)
	forms.POST("/deadlines/calendar", u.requirePage, u.requireForm, u.issueCalendar)
	forms.POST("/deadlines/calendar/revoke", u.requirePage, u.requireForm, u.revokeCalendar)
	forms.GET("/breaches/:id/people", u.requirePage, u.rosterPage)
	forms.GET("/breaches/:id/people/:pid", u.requirePage, u.personPage)
	forms.GET("/breaches/:id/audit", u.requirePage, u.auditPage)
	forms.GET("/breaches/:id/audit.csv", u.requirePage, u.auditCSV)
}
