package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/obligation"
)

// deadlineRow is one open duty of the deadlines page.
type deadlineRow struct {
	dutyRow
	BreachReference  string
	BreachTitle      string
	OrganizationName string
}

// deadlinesView is the deadlines page; Available is false when no
// obligations service is wired.
type deadlinesView struct {
	Available bool
	Rows      []deadlineRow
	Overdue   int
}

// deadlinesPage lists the open duties of every organization the caller
// belongs to, soonest first (the service's order).
func (s *Server) deadlinesPage(c *gin.Context) {
	p := principal(c)
	v := &deadlinesView{Available: s.deps.Obligations != nil}
	if v.Available {
		list, err := s.deps.Obligations.Deadlines(c.Request.Context(), p)
		if err != nil {
			s.pageFail(c, err)
			return
		}
		v.Rows, v.Overdue = deadlineRows(list)
	}
	s.render(c, http.StatusOK, "deadlines", pageData{Title: "Deadlines", Nav: "deadlines", User: &p.User,
		CSRF: c.GetString(keyCSRF), Deadlines: v})
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
