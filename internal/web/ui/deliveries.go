package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// deliveriesPageSize is how many deliveries the ledger page shows at once.
const deliveriesPageSize = 50

// deliveriesData is a campaign's ledger page.
type deliveriesData struct {
	layout
	Deliveries *deliveriesView
}

// deliveriesView is a page of a campaign's ledger: one row per person,
// filtered by state and searched by name or address.
type deliveriesView struct {
	Campaign  notice.Campaign
	BreachRef string
	Status, Q string
	Statuses  []statusCount
	// AllStatuses are the states the filter offers.
	AllStatuses []string
	// Unreached counts the people left without a notice.
	Unreached int64
	Rows      []deliveryRow
	// Next is the link to the following page ("" on the last).
	Next   string
	CSVURL string
	// Paged: this is not the first page.
	Paged bool
}

// deliveryRow is one person's delivery.
type deliveryRow struct {
	notice.DeliveryRow
	When  *instant
	Reply string
}

// deliveriesPage lists a campaign's deliveries to those who may see
// people's names and addresses; the service refuses the others (403 page).
func (u *pages) deliveriesPage(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	ctx, call, l := c.Request.Context(), web.Call(c), u.locale(c)
	f := notice.DeliveryFilter{Status: c.Query("status"), Query: strings.TrimSpace(c.Query("q")), Limit: deliveriesPageSize}
	f.After, _ = strconv.ParseInt(c.Query("after"), 10, 64)
	list, err := u.d.Notices.Deliveries(ctx, call, id, f)
	if err != nil {
		u.fail(c, err)
		return
	}
	cp, err := u.d.Notices.Campaign(ctx, call.P, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	b, err := u.d.Breaches.Get(ctx, call.P, cp.BreachID)
	if err != nil {
		u.fail(c, err)
		return
	}
	pr, err := u.d.Notices.Progress(ctx, call.P, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	org, err := u.organization(ctx, call.P, cp.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, zone := zoneOf(org.TimeZone)
	v := &deliveriesView{Campaign: cp, BreachRef: b.Reference, Status: f.Status, Q: f.Query, Paged: f.After > 0,
		AllStatuses: notice.Statuses}
	for _, st := range notice.Statuses {
		if n := pr.ByStatus[st]; n > 0 {
			v.Statuses = append(v.Statuses, statusCount{Status: st, N: n})
		}
	}
	for _, st := range notice.UnreachedStatuses {
		v.Unreached += pr.ByStatus[st]
	}
	for _, d := range list {
		v.Rows = append(v.Rows, deliveryRow{DeliveryRow: d, When: deliveryTime(d.Delivery, loc, zone), Reply: firstOf(d.SMTPReply, d.EmailFailure)})
	}
	base := "/campaigns/" + strconv.FormatInt(id, 10)
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	v.CSVURL = "/api/v1" + base + "/deliveries.csv"
	if len(q) > 0 {
		v.CSVURL += "?" + q.Encode()
	}
	if len(list) == deliveriesPageSize {
		if f.Query != "" {
			q.Set("q", f.Query)
		}
		q.Set("after", strconv.FormatInt(list[len(list)-1].ID, 10))
		v.Next = base + "/deliveries?" + q.Encode()
	}
	title := l.T("notices.deliveries.title", "Name", cp.Name, "Ref", b.Reference)
	u.render(c, http.StatusOK, "deliveries", deliveriesData{layout: u.signedIn(c, title, "breaches"), Deliveries: v})
}

// deliveryTime is when a delivery last moved: returned, mailed, sent or
// changed.
func deliveryTime(d notice.Delivery, loc *time.Location, zone string) *instant {
	for _, t := range []*time.Time{d.ReturnedAt, d.MailedAt, d.SentAt} {
		if t != nil {
			return newInstant(*t, loc, zone)
		}
	}
	return newInstant(d.UpdatedAt, loc, zone)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
