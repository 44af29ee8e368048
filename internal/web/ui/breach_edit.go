package ui

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// breachFormView is the intake (new breach) and edit page.
type breachFormView struct {
	layout
	// Breach is the breach edited; nil on intake.
	Breach *breach.Breach
	// Orgs are the organizations the user may open a breach in (intake).
	Orgs     []auth.Organization
	OrgID    int64
	Values   breachValues
	Natures  []option
	Kinds    []option
	Cats     []option
	Statuses []option
	Events   []option
	// Estimates are the rows of estimated people by region, with blank
	// rows to add more.
	Estimates []estimateRow
	Settings  *orgSettings
	Problem   *formError
}

// breachValues are the text fields of the form, as posted or stored.
type breachValues struct {
	Title, Description, Cause, Containment, Mitigation, Status string
	EventKind, EventAt, EventZone, EventNote                   string
}

// estimateRow is one region's estimate on the form.
type estimateRow struct {
	N      int
	Region string
	People string
}

// blankEstimates is how many empty estimate rows the form offers.
const blankEstimates = 3

// newBreachPage shows the intake form. A user who may open a breach in no
// organization (a viewer, legal) is refused.
func (u *pages) newBreachPage(c *gin.Context) {
	p := web.Principal(c)
	orgs, err := u.writableOrgs(c.Request.Context(), p)
	if err != nil {
		u.fail(c, err)
		return
	}
	if len(orgs) == 0 {
		u.fail(c, errs.ErrForbidden)
		return
	}
	v := u.breachForm(c, nil, orgs[0])
	v.Orgs, v.OrgID = orgs, orgs[0].ID
	v.Values = breachValues{Status: "open", EventKind: "discovered", EventZone: orgs[0].TimeZone}
	v.Estimates = estimateRows(nil)
	u.render(c, http.StatusOK, "breach_edit", v)
}

// createBreach opens a breach from the intake form, with its first event
// when one is given, then shows it.
func (u *pages) createBreach(c *gin.Context) {
	if !u.formChecked(c) {
		return
	}
	p, ctx := web.Principal(c), c.Request.Context()
	orgID, _ := strconv.ParseInt(c.PostForm("organization"), 10, 64)
	in, values, est := readBreachForm(c, true)
	b, err := u.breachW().Create(ctx, web.Call(c), orgID, in)
	if err != nil {
		u.failForm(c, err, func(status int) {
			orgs, oerr := u.writableOrgs(ctx, p)
			if oerr != nil || len(orgs) == 0 {
				u.fail(c, err)
				return
			}
			org := orgs[0]
			for _, o := range orgs {
				if o.ID == orgID {
					org = o
				}
			}
			v := u.breachForm(c, nil, org)
			v.Orgs, v.OrgID, v.Values, v.Estimates = orgs, org.ID, values, est
			u.checkForm(&v, in)
			v.Problem = newFormError(u.locale(c), "breach", err)
			u.render(c, status, "breach_edit", v)
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(b.ID, "?done=created"))
}

// editBreachPage shows the edit form with the breach's facts.
func (u *pages) editBreachPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	if err := p.Require(b.OrganizationID, auth.Write); err != nil {
		u.fail(c, err)
		return
	}
	org, err := u.organization(c.Request.Context(), p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	v := u.breachForm(c, &b, org)
	v.Values = breachValues{Title: b.Title, Description: b.Description, Cause: b.Cause, Containment: b.Containment,
		Mitigation: b.Mitigation, Status: b.Status}
	v.Natures, v.Kinds, v.Cats = checked(v.Natures, b.Nature), checked(v.Kinds, b.Kinds), checked(v.Cats, b.DataCategories)
	v.Estimates = estimateRows(b.Estimates)
	u.render(c, http.StatusOK, "breach_edit", v)
}

// updateBreach saves the edit form; refused, the form is shown again with
// what was typed and each problem beside its field.
func (u *pages) updateBreach(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	var err error
	in, values, est := readBreachForm(c, false)
	if _, err = u.breachW().Update(c.Request.Context(), web.Call(c), id, in); err != nil {
		u.failForm(c, err, func(status int) {
			p, b, ok := u.pageBreach(c)
			if !ok {
				return
			}
			org, oerr := u.organization(c.Request.Context(), p, b.OrganizationID)
			if oerr != nil {
				u.fail(c, oerr)
				return
			}
			v := u.breachForm(c, &b, org)
			v.Values, v.Estimates = values, est
			u.checkForm(&v, in)
			v.Problem = newFormError(u.locale(c), "breach", err)
			u.render(c, status, "breach_edit", v)
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "?done=saved"))
}

// breachForm is the form's choices for an organization, in the page's
// language.
func (u *pages) breachForm(c *gin.Context, b *breach.Breach, org auth.Organization) breachFormView {
	l := u.locale(c)
	title := l.T("breach.new_title")
	if b != nil {
		title = l.T("breach.edit_title", "Reference", b.Reference)
	}
	v := breachFormView{layout: u.signedIn(c, title, "breaches"), Breach: b, OrgID: org.ID,
		Settings: u.settingsOf(l, web.Principal(c), org)}
	names := u.labels(l)
	for _, n := range breach.Natures {
		v.Natures = append(v.Natures, option{ID: n, Label: l.Term("nature", n)})
	}
	vocab := &u.catalogue(l).Vocabulary
	for _, k := range vocab.Kinds {
		v.Kinds = append(v.Kinds, option{ID: k.ID, Label: names.kind(k.ID), English: !l.Has("kind."+k.ID) && u.catalogue(l).Lang() != l.Lang()})
	}
	for _, s := range breach.Statuses {
		v.Statuses = append(v.Statuses, option{ID: s, Label: l.Term("breach_status", s)})
	}
	v.Events = eventOptions(l, vocab)
	cats, err := u.d.Breaches.Categories(c.Request.Context())
	if err == nil {
		v.Cats = categoryOptions(l, cats)
	}
	return v
}

// checkForm marks the choices an input made.
func (u *pages) checkForm(v *breachFormView, in breach.Input) {
	if in.Nature != nil {
		v.Natures = checked(v.Natures, *in.Nature)
	}
	if in.Kinds != nil {
		v.Kinds = checked(v.Kinds, *in.Kinds)
	}
	if in.DataCategories != nil {
		v.Cats = checked(v.Cats, *in.DataCategories)
	}
	for i := range v.Statuses {
		v.Statuses[i].Checked = in.Status != nil && v.Statuses[i].ID == *in.Status
	}
}

// eventOptions are the timeline's event kinds: the catalogue's clock
// events, then the product's own.
func eventOptions(l *i18n.Locale, v *rules.Vocabulary) []option {
	out := make([]option, 0, len(v.Events)+len(breach.ProductEvents))
	for _, e := range v.Events {
		out = append(out, option{ID: e.ID, Label: l.Term("event", e.ID)})
	}
	for _, id := range breach.ProductEvents {
		out = append(out, option{ID: id, Label: l.Term("event", id)})
	}
	return out
}

// categoryOptions are the data categories, named in the page's language.
func categoryOptions(l *i18n.Locale, cats []breach.Category) []option {
	out := make([]option, 0, len(cats))
	for _, c := range cats {
		name := c.Name
		if l.Lang() == "fr" && c.NameFR != "" {
			name = c.NameFR
		}
		out = append(out, option{ID: c.ID, Label: name})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// readBreachForm reads the form into the service's input, the values to
// show again, and the estimate rows. The intake reads its first event.
func readBreachForm(c *gin.Context, intake bool) (breach.Input, breachValues, []estimateRow) {
	v := breachValues{Title: c.PostForm("title"), Description: c.PostForm("description"), Cause: c.PostForm("cause"),
		Containment: c.PostForm("containment"), Mitigation: c.PostForm("mitigation"), Status: c.PostForm("status"),
		EventKind: c.PostForm("event_kind"), EventAt: c.PostForm("event_at"), EventZone: c.PostForm("event_zone"),
		EventNote: c.PostForm("event_note")}
	nature, kinds, cats := c.PostFormArray("nature"), c.PostFormArray("kinds"), c.PostFormArray("data_categories")
	in := breach.Input{Title: &v.Title, Description: &v.Description, Cause: &v.Cause, Containment: &v.Containment,
		Mitigation: &v.Mitigation, Status: &v.Status, Nature: &nature, Kinds: &kinds, DataCategories: &cats}
	est, rows := readEstimates(c.PostFormArray("est_region"), c.PostFormArray("est_people"))
	in.Estimates = &est
	if intake && strings.TrimSpace(v.EventKind) != "" {
		in.Events = []breach.EventInput{{Kind: v.EventKind, At: localInstant(v.EventAt, v.EventZone), Zone: v.EventZone, Note: v.EventNote}}
	}
	return in, v, rows
}

// readEstimates pairs the region and count columns; a row with neither is
// skipped, a count that is not a whole number is refused by the service
// as -1 (not a number of people).
func readEstimates(regions, people []string) (map[string]int64, []estimateRow) {
	est := map[string]int64{}
	var rows []estimateRow
	for i, typed := range regions {
		r := strings.ToUpper(strings.TrimSpace(typed))
		n := ""
		if i < len(people) {
			n = strings.TrimSpace(people[i])
		}
		if r == "" && n == "" {
			continue
		}
		rows = append(rows, estimateRow{Region: strings.TrimSpace(typed), People: n})
		count, err := strconv.ParseInt(strings.ReplaceAll(n, " ", ""), 10, 64)
		if err != nil {
			count = -1
		}
		est[r] = count
	}
	return est, numberRows(append(rows, make([]estimateRow, blankEstimates)...))
}

// estimateRows are a breach's estimates, by region, and blank rows.
func estimateRows(est map[string]int64) []estimateRow {
	rows := make([]estimateRow, 0, len(est)+blankEstimates)
	for r, n := range est {
		rows = append(rows, estimateRow{Region: r, People: strconv.FormatInt(n, 10)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Region < rows[j].Region })
	return numberRows(append(rows, make([]estimateRow, blankEstimates)...))
}

func numberRows(rows []estimateRow) []estimateRow {
	for i := range rows {
		rows[i].N = i
	}
	return rows
}

// termLabel is a vocabulary term's label, else its id in words.
func termLabel(terms []rules.Term, id string) string {
	for _, t := range terms {
		if t.ID == id && t.Label != "" {
			return t.Label
		}
	}
	return humanize(id)
}
