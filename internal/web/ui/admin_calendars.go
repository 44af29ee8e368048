package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/web"
)

// calendarsData is the calendars page: the business-day calendars with
// their holidays of a year, and the one-off closures stored in the
// database, which operators add and remove.
type calendarsData struct {
	adminLayout
	Year      int
	Calendars []obligation.CalendarInfo
	Closures  []obligation.Closure
	// Shown is the calendar whose holidays are listed (?calendar=).
	Shown *obligation.CalendarInfo
	// CanManage: the caller operates the installation.
	CanManage bool
	// Form keeps the closure form's values after a refusal.
	FormCalendar, FormDate, FormName string
}

func (u *pages) calendarsPage(c *gin.Context) {
	u.renderCalendars(c, http.StatusOK, calendarsData{})
}

// renderCalendars shows the calendars; every signed-in member may read
// them, only operators see the forms.
func (u *pages) renderCalendars(c *gin.Context, status int, d calendarsData) {
	fields := d.Fields
	d.adminLayout = adminLayout{layout: u.signedIn(c, u.locale(c).T("admin.calendars.title"), "admin"), Section: "calendars",
		Done: doneKey(c.Query("done")), Fields: fields}
	d.Year = time.Now().UTC().Year()
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 2000 && y <= 2100 {
		d.Year = y
	}
	list, err := u.d.Calendars.CalendarList(c.Request.Context(), d.Year)
	if err != nil {
		u.fail(c, err)
		return
	}
	d.Calendars = list
	for i, cal := range list {
		d.Closures = append(d.Closures, cal.Added...)
		if cal.ID == c.Query("calendar") {
			d.Shown = &list[i]
		}
	}
	d.CanManage = u.d.Calendars.CanManageClosures(web.Principal(c))
	u.render(c, status, "admin_calendars", d)
}

// addClosure stores a one-off closure of a calendar (operators only) and
// re-evaluates the deadlines it can move.
func (u *pages) addClosure(c *gin.Context) {
	call := breach.Call{P: web.Principal(c), RequestID: web.RequestID(c)}
	in := obligation.ClosureInput{Date: c.PostForm("date"), Name: c.PostForm("name")}
	_, _, err := u.d.Calendars.AddClosure(c.Request.Context(), call, c.PostForm("calendar"), in)
	if fields, ok := adminFields(u.locale(c), err); ok {
		u.renderCalendars(c, http.StatusBadRequest, calendarsData{adminLayout: adminLayout{Fields: fields},
			FormCalendar: c.PostForm("calendar"), FormDate: in.Date, FormName: in.Name})
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/calendars", 0, "closure_added")
}

// removeClosure deletes a stored closure (operators only) and
// re-evaluates the deadlines it moved.
func (u *pages) removeClosure(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	call := breach.Call{P: web.Principal(c), RequestID: web.RequestID(c)}
	if _, _, err := u.d.Calendars.RemoveClosure(c.Request.Context(), call, id); err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/calendars", 0, "closure_removed")
}
