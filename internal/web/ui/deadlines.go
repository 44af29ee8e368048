package ui

import (
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// deadlineRow is one open duty of the deadlines page. Its fields are
// flat copies of the obligation's (the template reads them hundreds of
// times a page, and a field of an embedded struct costs a search each).
type deadlineRow struct {
	// Obligation is the duty as the service read it.
	Obligation obligation.Obligation
	ID         int64
	BreachID   int64
	Recipient  rules.Recipient
	RuleID     string
	RulePart   string
	Kind       string
	Region     string
	RegionName string
	Count      *int
	Citation   string
	Standard   string
	// Explanation is the whole; Why its first sentence, WhyMore whether
	// there is more.
	Explanation string
	Why         string
	WhyMore     bool
	FileLink    string

	BreachReference  string
	BreachTitle      string
	OrganizationName string
	// Campaigns are the notices sent for a duty to individuals.
	Campaigns []campaignRow
	// When is the date the row counts down to (the deadline, else the
	// internal target) in the organization's zone; Dated whether it is the
	// deadline; Left is the time remaining (or past) in words, Past
	// whether it is past.
	When  *instant
	Dated bool
	// WhenLocal and WhenUTC write When in its zone and in UTC.
	WhenLocal, WhenUTC string
	Left               string
	Past               bool
	// State is the row's status: overdue, undetermined, target_passed or
	// pending; Overdue and TargetPassed flag the first and the last.
	State        string
	Overdue      bool
	TargetPassed bool
	// Questions are the unanswered questions that decide an undetermined
	// duty.
	Questions []rules.Question
	// Act: the caller may answer, generate and record (privacy office);
	// Decide: the caller may rule a duty out (legal). Regulator and
	// Individuals say who the duty is to.
	Act, Decide, Regulator, Individuals bool
	// RuleName is RULE/part@REGION; RecipientKind, KindLabel (for what is
	// not a duty) and RegionLine are in the page's language.
	RuleName, RecipientKind, KindLabel, RegionLine string
	// L are the page's fixed words, looked up once a page.
	L *deadlineLabels
}

// deadlineLabels are the words every row repeats, in the page's language.
type deadlineLabels struct {
	Why, HowTo, Where, Full, DecidedBy, Answer, Generate, Notice, MarkFiled, Decide, None string
	Target, Practice, Overdue, TargetPassed, NoDate                                       string
	States                                                                                map[string]string
	// Cat marks text from the English-only regulation catalogue on a page
	// in another language (as the catlang function does).
	Cat template.HTMLAttr
}

func newDeadlineLabels(l *i18n.Locale) *deadlineLabels {
	d := &deadlineLabels{Why: l.T("office.deadlines.why"), HowTo: l.T("duties.how_to_file"), Where: l.T("office.deadlines.where"),
		Full: l.T("office.deadlines.full"), DecidedBy: l.T("office.deadlines.decided_by"), Answer: l.T("office.next.answer"),
		Generate: l.T("office.next.generate"), Notice: l.T("office.next.notice"), MarkFiled: l.T("office.next.mark_filed"),
		Decide: l.T("office.next.decide"), None: l.T("office.next.none"), Target: l.T("office.deadlines.internal_target"),
		Practice: l.T("legal.practice_date"), Overdue: l.T("duties.overdue"), TargetPassed: l.T("duties.target_passed"),
		NoDate: l.T("duties.no_date"), States: map[string]string{}}
	if !rules.HasLanguage(l.Lang()) {
		d.Cat = ` lang="en"`
	}
	for _, s := range deadlineStates {
		d.States[s] = l.Term("office.state", s)
	}
	return d
}

// newDeadlineRow copies what the page shows of a duty.
func newDeadlineRow(d *obligation.Deadline) deadlineRow {
	o := &d.Obligation
	r := deadlineRow{Obligation: *o, ID: o.ID, BreachID: o.BreachID, Recipient: o.Recipient, RuleID: o.RuleID, RulePart: o.RulePart,
		Kind: o.Kind, Region: o.Region, RegionName: o.RegionName, Count: o.Count, Citation: o.Citation, Standard: o.Standard,
		Explanation: o.Explanation, FileLink: filingLink(o), BreachReference: d.BreachReference, BreachTitle: d.BreachTitle,
		OrganizationName: d.OrganizationName, State: deadlineState(o), Overdue: o.Overdue, TargetPassed: o.TargetPassed,
		Regulator: o.Recipient.Kind == "regulator", Individuals: toIndividuals(*o)}
	r.Why, r.WhyMore = firstSentence(o.Explanation)
	return r
}

// deadlineStates are the statuses the page filters on, in its order.
var deadlineStates = []string{"overdue", "target_passed", "pending", "undetermined"}

// deadlineFilter is the deadlines page's GET form.
type deadlineFilter struct {
	Org       int64
	Breach    int64
	Regulator string
	Status    string
}

// filterChoice is one option of a filter's select.
type filterChoice struct {
	Value, Label string
}

// deadlinesView is the deadlines page's list.
type deadlinesView struct {
	Available bool
	Rows      []deadlineRow
	Overdue   int
	// Total counts the open duties before the filter.
	Total    int
	Filter   deadlineFilter
	Filtered bool
	Orgs     []filterChoice
	Breaches []filterChoice
	Regs     []string
	States   []string
}

// deadlinesData is the deadlines page.
type deadlinesData struct {
	layout
	Deadlines *deadlinesView
}

// deadlinesPage lists the open duties of every organization the caller
// belongs to, soonest first (the service's order), narrowed by the GET
// form's filters.
func (u *pages) deadlinesPage(c *gin.Context) {
	ctx, p, l := c.Request.Context(), web.Principal(c), u.locale(c)
	list, err := u.d.Obligations.Deadlines(ctx, p)
	if err != nil {
		u.fail(c, err)
		return
	}
	for i := range list {
		list[i].Obligation = list[i].Obligation.In(l.Lang())
	}
	v := &deadlinesView{Available: true, Total: len(list), States: deadlineStates}
	v.Filter = readDeadlineFilter(c)
	v.Filtered = v.Filter != deadlineFilter{}
	v.Orgs, v.Breaches, v.Regs = deadlineChoices(list)
	kept := make([]obligation.Deadline, 0, len(list))
	for _, d := range list {
		if v.Filter.keeps(&d) {
			kept = append(kept, d)
		}
	}
	v.Rows, v.Overdue = u.deadlineRows(l, p, kept, time.Now())
	if err := u.addDutyCampaigns(ctx, p, v.Rows); err != nil {
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "deadlines", deadlinesData{layout: u.signedIn(c, l.T("deadlines.title"), "deadlines"), Deadlines: v})
}

// readDeadlineFilter reads the filters; a value that is not one of the
// choices is ignored.
func readDeadlineFilter(c *gin.Context) deadlineFilter {
	f := deadlineFilter{Regulator: strings.TrimSpace(c.Query("regulator"))}
	f.Org, _ = strconv.ParseInt(c.Query("org"), 10, 64)
	f.Breach, _ = strconv.ParseInt(c.Query("breach"), 10, 64)
	if s := c.Query("status"); contains(deadlineStates, s) {
		f.Status = s
	}
	return f
}

// keeps reports whether the filter keeps a duty.
func (f deadlineFilter) keeps(d *obligation.Deadline) bool {
	switch {
	case f.Org != 0 && d.OrganizationID != f.Org:
		return false
	case f.Breach != 0 && d.BreachID != f.Breach:
		return false
	case f.Regulator != "" && d.Recipient.Name != f.Regulator:
		return false
	}
	return f.Status == "" || deadlineState(&d.Obligation) == f.Status
}

// deadlineState is a duty's status on the page: past its deadline, past
// its internal target, not yet determined, or pending.
func deadlineState(o *obligation.Obligation) string {
	switch {
	case o.Overdue:
		return "overdue"
	case o.Required == nil || o.Status == obligation.StatusUndetermined:
		return "undetermined"
	case o.TargetPassed:
		return "target_passed"
	}
	return "pending"
}

// deadlineChoices are the filters' options: the organizations, breaches
// and recipients of the open duties (whatever the filter keeps).
func deadlineChoices(list []obligation.Deadline) (orgs, breaches []filterChoice, regs []string) {
	seenOrg, seenBreach, seenReg := map[int64]bool{}, map[int64]bool{}, map[string]bool{}
	for _, d := range list {
		if !seenOrg[d.OrganizationID] {
			seenOrg[d.OrganizationID] = true
			orgs = append(orgs, filterChoice{Value: strconv.FormatInt(d.OrganizationID, 10), Label: d.OrganizationName})
		}
		if !seenBreach[d.BreachID] {
			seenBreach[d.BreachID] = true
			breaches = append(breaches, filterChoice{Value: strconv.FormatInt(d.BreachID, 10),
				Label: d.BreachReference + " · " + d.OrganizationName + " — " + d.BreachTitle})
		}
		if name := d.Recipient.Name; name != "" && !seenReg[name] {
			seenReg[name] = true
			regs = append(regs, name)
		}
	}
	byLabel := func(s []filterChoice) { sort.Slice(s, func(i, j int) bool { return s[i].Label < s[j].Label }) }
	byLabel(orgs)
	byLabel(breaches)
	sort.Strings(regs)
	return orgs, breaches, regs
}

// deadlineRows shapes the service's list and counts the overdue duties.
func (u *pages) deadlineRows(l *i18n.Locale, p *auth.Principal, list []obligation.Deadline, now time.Time) ([]deadlineRow, int) {
	rows := make([]deadlineRow, 0, len(list))
	overdue := 0
	words := newDeadlineLabels(l)
	vocab := &u.catalogue(l).Vocabulary
	for _, d := range list {
		if d.Overdue {
			overdue++
		}
		r := newDeadlineRow(&d)
		r.L = words
		r.name(l)
		r.Act, r.Decide = p.Require(d.OrganizationID, auth.Write) == nil, p.Require(d.OrganizationID, auth.Approve) == nil
		r.countdown(l, &d, now)
		for _, q := range d.Missing {
			question, ok := vocab.Question(q)
			if !ok {
				question = rules.Question{ID: q, Text: humanize(q)}
			}
			r.Questions = append(r.Questions, question)
		}
		rows = append(rows, r)
	}
	return rows, overdue
}

// name writes the duty's rule and recipient as the breach page's partials
// do, once a row instead of in the template.
func (r *deadlineRow) name(l *i18n.Locale) {
	r.RuleName = r.RuleID
	if r.RulePart != "" {
		r.RuleName += "/" + r.RulePart
	}
	if r.Region != "" {
		r.RuleName += "@" + r.Region
	}
	r.RecipientKind = l.Term("recipient_kind", r.Recipient.Kind)
	if r.Kind != "" && r.Kind != rules.KindDuty {
		r.KindLabel = l.Term("legal.kind", r.Kind)
	}
	if r.RegionName != "" && r.Count != nil {
		r.RegionLine = l.N("legal.region_count", int64(*r.Count), "Region", r.RegionName)
	}
}

// countdown sets the date the row counts down to, in the organization's
// zone, and the time left (or past) in words.
func (r *deadlineRow) countdown(l *i18n.Locale, d *obligation.Deadline, now time.Time) {
	at := d.DueAt
	if at == nil && d.Targeted() {
		at = d.InternalTargetAt
	}
	if at == nil {
		return
	}
	loc, zone := cachedZone(d.TimeZone)
	r.When, r.Dated = newInstant(*at, loc, zone), d.DueAt != nil
	r.WhenLocal, r.WhenUTC = l.DateTime(r.When.At), l.UTC(r.When.At)
	left := at.Sub(now)
	r.Past = left < 0
	if r.Past {
		r.Left = l.T("office.deadlines.ago", "Span", l.Span(-left))
		return
	}
	r.Left = l.T("office.deadlines.in", "Span", l.Span(left))
}

// zones caches the time zones pages have loaded: loading one reads the
// zone database, and a page of deadlines names the same few hundreds of
// times.
var zones sync.Map

// cachedZone is zoneOf, remembered.
func cachedZone(name string) (*time.Location, string) {
	if loc, ok := zones.Load(name); ok {
		l := loc.(*time.Location)
		return l, l.String()
	}
	loc, zone := zoneOf(name)
	zones.Store(name, loc)
	return loc, zone
}

// firstSentence is an explanation's first sentence (up to a full stop
// followed by a capital in any script, "Échéance" too, so that "Art. 34"
// does not end it), and whether
// there is more to it.
func firstSentence(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
		first, _ := firstSentence(s)
		return first, true
	}
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' {
			if r, _ := utf8.DecodeRuneInString(s[i+2:]); unicode.IsUpper(r) {
				return s[:i+1], true
			}
		}
	}
	return s, false
}

// filingLink is where to file: the regulator's guidance the rule names
// first, else the law's official text.
func filingLink(o *obligation.Obligation) string {
	for _, u := range append(append([]string{}, o.SeeAlso...), o.Source) {
		if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			return u
		}
	}
	return ""
}
