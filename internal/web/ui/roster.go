package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// PeopleService reads a breach's roster (roster.Service): personal data,
// so both reads need the export permission and are audited.
type PeopleService interface {
	People(ctx context.Context, p *auth.Principal, requestID string, breachID int64, f roster.PeopleFilter) ([]roster.StoredPerson, int64, error)
	Person(ctx context.Context, p *auth.Principal, requestID string, breachID, personID int64) (roster.StoredPerson, error)
}

// rosterPageSize is how many people the roster page shows at once.
const rosterPageSize = 50

// rosterData is the roster page.
type rosterData struct {
	layout
	Roster *rosterView
}

// rosterView is a page of a breach's roster.
type rosterView struct {
	BreachID  int64
	BreachRef string
	OrgName   string
	Title     string
	Query     string
	Review    bool
	People    []personRow
	Total     int64
	// After is this page's start (0: the first page); Next is the next
	// page's address, empty when this is the last.
	After int64
	Next  string
}

// personRow is one person as the roster lists them.
type personRow struct {
	roster.StoredPerson
	Categories []string
}

// DuplicateID is the person a flagged row repeats (0: none).
func (r personRow) DuplicateID() int64 {
	if r.DuplicateOf == nil {
		return 0
	}
	return *r.DuplicateOf
}

// Import is the import that brought the person in (0: none).
func (r personRow) Import() int64 {
	if r.ImportID == nil {
		return 0
	}
	return *r.ImportID
}

// rosterPage shows a page of the breach's roster, searched by name, e-mail
// or reference, paged by the last id shown (keyset), to those who may
// export it; every page read is audited by the roster.
func (u *pages) rosterPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	v := &rosterView{BreachID: b.ID, BreachRef: b.Reference, Title: b.Title, Query: strings.TrimSpace(c.Query("q")), Review: c.Query("review") == "1"}
	if len(v.Query) > 200 {
		v.Query = v.Query[:200]
	}
	v.After, _ = strconv.ParseInt(c.Query("after"), 10, 64)
	v.After = max(v.After, 0)
	list, total, err := u.d.People.People(ctx, p, web.RequestID(c), b.ID,
		roster.PeopleFilter{Limit: rosterPageSize + 1, After: v.After, Query: v.Query, ReviewOnly: v.Review})
	if err != nil {
		u.fail(c, err)
		return
	}
	if err := u.fillRoster(ctx, l, p, b, v, list, total); err != nil {
		u.fail(c, err)
		return
	}
	title := l.T("office.roster.title", "Ref", b.Reference)
	u.render(c, http.StatusOK, "roster", rosterData{layout: u.signedIn(c, title, "breaches"), Roster: v})
}

// fillRoster shapes a page read with one row more than it shows (to know
// whether there is a next page).
func (u *pages) fillRoster(ctx context.Context, l *i18n.Locale, p *auth.Principal, b breach.Breach, v *rosterView, list []roster.StoredPerson, total int64) error {
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		return err
	}
	v.OrgName, v.Total = org.Name, total
	cats, err := u.d.Breaches.Categories(ctx)
	if err != nil {
		return fmt.Errorf("data categories: %w", err)
	}
	if len(list) > rosterPageSize {
		list = list[:rosterPageSize]
		q := url.Values{"after": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		if v.Query != "" {
			q.Set("q", v.Query)
		}
		if v.Review {
			q.Set("review", "1")
		}
		v.Next = fmt.Sprintf("/breaches/%d/people?%s", b.ID, q.Encode())
	}
	for _, person := range list {
		v.People = append(v.People, personRow{StoredPerson: person, Categories: categoryNames(l, person.DataCategories, cats)})
	}
	return nil
}

// personData is one person's page.
type personData struct {
	layout
	Person *personView
}

// personView is everything the roster holds about one person.
type personView struct {
	personRow
	BreachID  int64
	BreachRef string
	OrgName   string
	// Attributes are the file's other columns, sorted by name.
	Attributes []attribute
}

// attribute is one of the file's other columns and its value.
type attribute struct{ Name, Value string }

// personPage shows one person of the roster (audited).
func (u *pages) personPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	pid, err := web.ParamID(c, "pid")
	if err != nil {
		u.fail(c, err)
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	person, err := u.d.People.Person(ctx, p, web.RequestID(c), b.ID, pid)
	if err != nil {
		u.fail(c, err)
		return
	}
	v, err := u.personView(ctx, l, p, b, person)
	if err != nil {
		u.fail(c, err)
		return
	}
	title := l.T("office.person.title", "ID", strconv.FormatInt(person.ID, 10), "Ref", b.Reference)
	u.render(c, http.StatusOK, "person", personData{layout: u.signedIn(c, title, "breaches"), Person: v})
}

func (u *pages) personView(ctx context.Context, l *i18n.Locale, p *auth.Principal, b breach.Breach, person roster.StoredPerson) (*personView, error) {
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		return nil, err
	}
	cats, err := u.d.Breaches.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("data categories: %w", err)
	}
	v := &personView{personRow: personRow{StoredPerson: person, Categories: categoryNames(l, person.DataCategories, cats)},
		BreachID: b.ID, BreachRef: b.Reference, OrgName: org.Name}
	for k, val := range person.Attributes {
		v.Attributes = append(v.Attributes, attribute{Name: k, Value: val})
	}
	sort.Slice(v.Attributes, func(i, j int) bool { return v.Attributes[i].Name < v.Attributes[j].Name })
	return v, nil
}
