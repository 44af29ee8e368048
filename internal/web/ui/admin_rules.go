package ui

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rules"
)

// ruleRow is one duty of the catalogue as the rules page lists it: its
// key, its newest version and how many versions there are.
type ruleRow struct {
	Key      string
	Latest   *rules.Rule
	Versions int
	Region   string // the jurisdiction's name (English, from the catalogue)
}

// rulesData is the rule catalogue page, filtered by jurisdiction, regime
// family and words.
type rulesData struct {
	layout
	Rows          []ruleRow
	Total         int
	Jurisdictions []filterOption
	Families      []string
	Jurisdiction  string
	Family, Query string
	Filtered      bool
	// Matched rules pass the filters; Rows are those of page Page of
	// Pages, with links to the pages before and after.
	Matched, Page, Pages int
	PrevURL, NextURL     string
}

// rulesPerPage is how many duties a page of the catalogue lists.
const rulesPerPage = 25

// filterOption is a choice of a filter: a value and its label.
type filterOption struct{ Value, Label string }

func (u *pages) rulesPage(c *gin.Context) {
	cat := u.catalogue(u.locale(c))
	d := rulesData{layout: u.signedIn(c, u.locale(c).T("admin.rules.title"), "rules"),
		Jurisdiction: c.Query("jurisdiction"), Family: c.Query("family"), Query: strings.TrimSpace(c.Query("q"))}
	d.Filtered = d.Jurisdiction != "" || d.Family != "" || d.Query != ""
	jur, fam := map[string]bool{}, map[string]bool{}
	keys := cat.Keys()
	d.Total = len(keys)
	for _, key := range keys {
		versions := cat.Versions(key)
		if len(versions) == 0 {
			continue
		}
		r := versions[len(versions)-1]
		jur[r.Jurisdiction], fam[r.Family] = true, true
		if !ruleMatches(r, key, d.Jurisdiction, d.Family, d.Query) {
			continue
		}
		d.Rows = append(d.Rows, ruleRow{Key: key, Latest: r, Versions: len(versions), Region: cat.Vocabulary.RegionName(r.Jurisdiction)})
	}
	d.paginate(c.Query("page"))
	for j := range jur {
		d.Jurisdictions = append(d.Jurisdictions, filterOption{Value: j, Label: j + " — " + cat.Vocabulary.RegionName(j)})
	}
	sort.Slice(d.Jurisdictions, func(i, j int) bool { return d.Jurisdictions[i].Value < d.Jurisdictions[j].Value })
	for f := range fam {
		d.Families = append(d.Families, f)
	}
	sort.Strings(d.Families)
	u.render(c, http.StatusOK, "admin_rules", d)
}

// paginate keeps the rows of the page asked for (the first when the
// number does not read) and links the pages around it, filters kept.
func (d *rulesData) paginate(raw string) {
	d.Matched = len(d.Rows)
	d.Pages = (d.Matched + rulesPerPage - 1) / rulesPerPage
	d.Page = 1
	if n, err := strconv.Atoi(raw); err == nil && n >= 1 && n <= d.Pages {
		d.Page = n
	}
	start := (d.Page - 1) * rulesPerPage
	d.Rows = d.Rows[start:min(start+rulesPerPage, d.Matched)]
	link := func(page int) string {
		q := url.Values{"page": {strconv.Itoa(page)}}
		for k, v := range map[string]string{"jurisdiction": d.Jurisdiction, "family": d.Family, "q": d.Query} {
			if v != "" {
				q.Set(k, v)
			}
		}
		return "/rules?" + q.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = link(d.Page + 1)
	}
}

// ruleMatches applies the page's filters to a duty's newest version.
func ruleMatches(r *rules.Rule, key, jurisdiction, family, query string) bool {
	if jurisdiction != "" && r.Jurisdiction != jurisdiction {
		return false
	}
	if family != "" && r.Family != family {
		return false
	}
	if query == "" {
		return true
	}
	q := strings.ToLower(query)
	for _, s := range []string{key, r.Citation, r.Recipient.Name, r.Jurisdiction} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// ruleData is one duty of the catalogue with every version, newest first.
type ruleData struct {
	layout
	Key      string
	Region   string
	Versions []*rules.Rule
	Latest   *rules.Rule
}

func (u *pages) rulePage(c *gin.Context) {
	key := c.Param("id")
	if part := c.Param("part"); part != "" {
		key += "/" + part
	}
	cat := u.catalogue(u.locale(c))
	versions := cat.Versions(key)
	if len(versions) == 0 || strings.Contains(key, "@") {
		u.fail(c, errs.ErrNotFound)
		return
	}
	d := ruleData{layout: u.signedIn(c, u.locale(c).T("admin.rule.title", "Key", key), "rules"), Key: key,
		Latest: versions[len(versions)-1], Region: cat.Vocabulary.RegionName(versions[0].Jurisdiction)}
	for i := len(versions) - 1; i >= 0; i-- {
		d.Versions = append(d.Versions, versions[i])
	}
	u.render(c, http.StatusOK, "admin_rule", d)
}
