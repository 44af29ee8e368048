package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/web"
)

// timelineView is the timeline page: the events in the organization's
// zone, each with its correction and deletion forms for those who may
// write, the form to add one, and the history of changes.
type timelineView struct {
	layout
	Breach   breach.Breach
	OrgName  string
	Zone     string
	Rows     []timelineRow
	History  []eventChangeRow
	Events   []option
	CanWrite bool
	// Add holds the add form's values (as posted when refused).
	Add     breachValues
	Done    string
	Problem *formError
}

// timelineRow is one event with the values of its correction form.
type timelineRow struct {
	eventRow
	ID       int64
	KindID   string
	Local    string // datetime-local in the zone it was recorded in
	Zone     string
	FormKind string // the correction form's values
	FormAt   string
	FormZone string
	FormNote string
}

// eventChangeRow is one correction or deletion in the history.
type eventChangeRow struct {
	Action string
	Before string
	After  string
	Reason string
	By     string
	At     *instant
}

func (u *pages) timelinePage(c *gin.Context) {
	u.showTimeline(c, http.StatusOK, nil)
}

// showTimeline renders the timeline page; edit, when set, changes the view
// (a refused form's values and problem).
func (u *pages) showTimeline(c *gin.Context, status int, edit func(*timelineView)) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	history, err := u.breachW().EventHistory(ctx, p, b.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, zone := zoneOf(org.TimeZone)
	v := &timelineView{layout: u.signedIn(c, l.T("timeline.page_title", "Reference", b.Reference), "breaches"), Breach: b,
		OrgName: org.Name, Zone: zone, Events: eventOptions(l, &u.catalogue(l).Vocabulary),
		CanWrite: p.Require(b.OrganizationID, auth.Write) == nil, Done: doneMessage(l, c),
		Add: breachValues{EventKind: "aware", EventZone: zone}}
	names := u.labels(l)
	for _, e := range b.Events {
		row := timelineRow{eventRow: eventRow{Kind: l.Term("event", e.Kind), Label: names.event(e.Kind), Note: e.Note,
			At: newInstant(e.At, loc, zone), RecordedZone: e.Zone}, ID: e.ID, KindID: e.Kind, Zone: e.Zone}
		row.Local = localValue(e.At, e.Zone)
		row.FormKind, row.FormAt, row.FormZone, row.FormNote = e.Kind, row.Local, e.Zone, e.Note
		v.Rows = append(v.Rows, row)
	}
	for _, h := range history {
		v.History = append(v.History, eventChangeRow{Action: h.Action, Before: eventWords(l, h.Before, loc, zone),
			After: eventWords(l, h.After, loc, zone), Reason: h.Reason, By: u.memberName(ctx, b.OrganizationID, h.ChangedBy),
			At: newInstant(h.ChangedAt, loc, zone)})
	}
	if edit != nil {
		edit(v)
	}
	u.render(c, status, "timeline", v)
}

// eventWords writes an event on one line for the history: kind, time in
// the organization's zone, note.
func eventWords(l interface {
	Term(group, id string) string
	DateTime(t time.Time) string
}, e *breach.Event, loc *time.Location, zone string) string {
	if e == nil {
		return ""
	}
	s := l.Term("event", e.Kind) + ", " + l.DateTime(e.At.In(loc))
	if e.Zone != "" && e.Zone != zone {
		s += " (" + e.Zone + ")"
	}
	if e.Note != "" {
		s += ": " + e.Note
	}
	return s
}

// eventForm reads an event form: kind, local time and zone, note.
func eventForm(c *gin.Context) (breach.EventInput, breachValues) {
	v := breachValues{EventKind: c.PostForm("kind"), EventAt: c.PostForm("at"), EventZone: c.PostForm("zone"), EventNote: c.PostForm("note")}
	return breach.EventInput{Kind: v.EventKind, At: localInstant(v.EventAt, v.EventZone), Zone: v.EventZone, Note: v.EventNote}, v
}

// addEvent records an event from the timeline page's form.
func (u *pages) addEvent(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	in, values := eventForm(c)
	if _, err := u.breachW().AddEvent(c.Request.Context(), web.Call(c), id, in); err != nil {
		u.failForm(c, err, func(status int) {
			u.showTimeline(c, status, func(v *timelineView) {
				v.Add, v.Problem = values, newFormError(u.locale(c), "add", err)
			})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "/timeline?done=event_added#add-event"))
}

// correctEvent replaces an event's facts, with the reason kept in its
// history.
func (u *pages) correctEvent(c *gin.Context) {
	u.changeEvent(c, "corrected", func(id, eventID int64) error {
		in, _ := eventForm(c)
		_, err := u.breachW().CorrectEvent(c.Request.Context(), web.Call(c), id, eventID, in, c.PostForm("reason"))
		return err
	})
}

// deleteEvent removes an event, with the reason kept in its history.
func (u *pages) deleteEvent(c *gin.Context) {
	u.changeEvent(c, "deleted", func(id, eventID int64) error {
		return u.breachW().RemoveEvent(c.Request.Context(), web.Call(c), id, eventID, c.PostForm("reason"))
	})
}

// changeEvent runs a correction or deletion of the event :event; refused,
// the timeline shows the problem at that event's form, with what was typed.
func (u *pages) changeEvent(c *gin.Context, done string, fn func(id, eventID int64) error) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	eventID, err := web.ParamID(c, "event")
	if err != nil {
		u.fail(c, err)
		return
	}
	if err := fn(id, eventID); err != nil {
		form := done + "-" + strconv.FormatInt(eventID, 10)
		u.failForm(c, err, func(status int) {
			u.showTimeline(c, status, func(v *timelineView) {
				v.Problem = newFormError(u.locale(c), form, err)
				_, values := eventForm(c)
				for i := range v.Rows {
					if v.Rows[i].ID == eventID && done == "corrected" {
						v.Rows[i].FormKind, v.Rows[i].FormAt, v.Rows[i].FormZone, v.Rows[i].FormNote = values.EventKind, values.EventAt, values.EventZone, values.EventNote
					}
				}
			})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "/timeline?done=event_"+done+"#history"))
}
