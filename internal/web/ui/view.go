package ui

import (
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// instant is a point in time as a page shows it: in the zone it belongs
// to, written by the page's language (the "datetime" function), with its
// UTC form in a title (on hover) and a machine-readable datetime.
type instant struct {
	At       time.Time // in the zone it belongs to
	Zone     string    // the zone's name, e.g. "America/Toronto"
	Datetime string    // RFC 3339 in UTC, for <time datetime>
}

// newInstant shows t in loc, named zone.
func newInstant(t time.Time, loc *time.Location, zone string) *instant {
	return &instant{At: t.In(loc), Zone: zone, Datetime: t.UTC().Format(time.RFC3339)}
}

// zoneOf resolves an IANA zone name; an empty or unknown name is UTC.
func zoneOf(name string) (*time.Location, string) {
	if name == "" {
		return time.UTC, "UTC"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, "UTC"
	}
	return loc, name
}

// keptZone shows t in the zone it already carries (an obligation's
// deadline is read back in the zone it was computed in). A fixed offset
// with no name is shown as UTC±hh:mm.
func keptZone(t *time.Time) *instant {
	if t == nil {
		return nil
	}
	name := t.Location().String()
	if name == "" || name == "Local" {
		name = "UTC" + t.Format("-07:00")
	}
	return newInstant(*t, t.Location(), name)
}

// dutyRow is one obligation as the breach and deadlines pages show it.
type dutyRow struct {
	obligation.Obligation
	Due    *instant
	Target *instant
	// Until is a record's keep-until date or the end of a permitted
	// step's window: never a deadline.
	Until    *instant
	Required string // yes, no, undetermined; permitted or does_not_apply for a permitted step
}

func newDutyRow(o obligation.Obligation) dutyRow {
	return dutyRow{Obligation: o, Due: keptZone(o.DueAt), Target: keptZone(o.InternalTargetAt), Until: keptZone(o.UntilAt),
		Required: requiredTerm(&o)}
}

// requiredTerm says whether the duty is required; a permitted step is
// never required, so it says whether the step applies instead.
func requiredTerm(o *obligation.Obligation) string {
	if o.Kind != rules.KindPermitted {
		return requiredWord(o.Required)
	}
	switch {
	case o.Applies == nil:
		return "undetermined"
	case *o.Applies:
		return "permitted"
	}
	return "does_not_apply"
}

func requiredWord(r *bool) string {
	switch {
	case r == nil:
		return "undetermined"
	case *r:
		return "yes"
	}
	return "no"
}

// dutyGroups are a breach's obligations as the page groups them.
type dutyGroups struct {
	Required     []dutyRow
	Undetermined []dutyRow
	// Permitted are the steps the law allows or a regulator recommends
	// that apply: listed apart, never as "not required".
	Permitted   []dutyRow
	NotRequired []dutyRow
}

// groupDuties sorts the obligations into required (open ones first),
// undetermined, permitted steps that apply, and not required (including
// duties no longer considered and permitted steps that do not apply),
// keeping the service's order (by due date) within each group.
func groupDuties(list []obligation.Obligation) dutyGroups {
	var g dutyGroups
	var closed []dutyRow
	for _, o := range list {
		row := newDutyRow(o)
		switch dutyGroup(&o) {
		case "not_required":
			g.NotRequired = append(g.NotRequired, row)
		case "undetermined":
			g.Undetermined = append(g.Undetermined, row)
		case "permitted":
			g.Permitted = append(g.Permitted, row)
		case "open":
			g.Required = append(g.Required, row)
		default:
			closed = append(closed, row)
		}
	}
	g.Required = append(g.Required, closed...)
	return g
}

// dutyGroup names the group of an obligation on the breach page. A
// permitted step is grouped by whether it applies: it is never required.
func dutyGroup(o *obligation.Obligation) string {
	decided := o.Required
	if o.Kind == rules.KindPermitted {
		decided = o.Applies
	}
	switch {
	case !o.Considered || (decided != nil && !*decided):
		return "not_required"
	case decided == nil:
		return "undetermined"
	case o.Kind == rules.KindPermitted:
		return "permitted"
	case o.Open():
		return "open"
	}
	return "closed"
}

// tally is one line of a count table.
type tally struct {
	Key string
	N   int64
}

// countView is a breach's roster counts as sorted tables.
type countView struct {
	People, Minors, Duplicates int64
	AwaitingReview             int64
	// CanReview: the user may see the flagged rows (personal data).
	CanReview                    bool
	Regions, Languages, Channels []tally
}

func newCountView(t roster.Totals) *countView {
	return &countView{People: t.People, Minors: t.Minors, Duplicates: t.Duplicates, AwaitingReview: t.AwaitingReview,
		Regions: tallies(t.Regions), Languages: tallies(t.Languages), Channels: tallies(t.Channels)}
}

// tallies lists a count map largest first, then by key.
func tallies(m map[string]int64) []tally {
	out := make([]tally, 0, len(m))
	for k, n := range m {
		out = append(out, tally{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// pageFuncs are the helpers the templates call, writing in l's language:
//
//	{{t "key" "Field" value ...}}  a message (fields fill {{.Field}})
//	{{tn "key" n ...}}              a message whose form depends on the count n
//	{{term "group" id}}             a vocabulary id in words ("breach_status" "open")
//	{{num n}}                       a whole number with the language's separators
//	{{date t}} {{datetime t}}       a day, or a day and time with the zone, in the zone t carries
//	{{utc t}}                       the same instant in UTC
//	{{day "2025-07-01"}}            a civil date (YYYY-MM-DD) written the language's way
//	{{catlang}}                     lang="en" on text from the regulation catalogue, when it has no texts in the page's language
//	{{enlang}}                      lang="en" on text that exists only in English, when the page is not English
func pageFuncs(l *i18n.Locale) template.FuncMap {
	englishLang := template.HTMLAttr("")
	if l.Lang() != "en" {
		englishLang = ` lang="en"`
	}
	catalogueLang := englishLang
	if rules.HasLanguage(l.Lang()) {
		catalogueLang = ""
	}
	return template.FuncMap{"words": humanize, "dict": dict, "address": postalAddress,
		"t": l.T,
		"tn": func(key string, n any, args ...any) (string, error) {
			c, err := count(n)
			return l.N(key, c, args...), err
		},
		"term": func(group string, id any) string { return l.Term(group, fmt.Sprint(id)) },
		"num": func(n any) (string, error) {
			c, err := count(n)
			return l.Int(c), err
		},
		"date":     func(t any) (string, error) { return formatTime(t, l.Date) },
		"datetime": func(t any) (string, error) { return formatTime(t, l.DateTime) },
		"utc":      func(t any) (string, error) { return formatTime(t, l.UTC) },
		"day":      func(s string) string { return civilDay(l, s) },
		"catlang":  func() template.HTMLAttr { return catalogueLang },
		"enlang":   func() template.HTMLAttr { return englishLang },
	}
}

// civilDay writes a YYYY-MM-DD date the language's way; anything else is
// left as it is.
func civilDay(l *i18n.Locale, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

// count reads a template's whole number.
func count(n any) (int64, error) {
	switch v := n.(type) {
	case *int:
		if v != nil {
			return int64(*v), nil
		}
	case int:
		return int64(v), nil
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	}
	return 0, fmt.Errorf("not a whole number: %T", n)
}

// formatTime writes a time.Time or *time.Time (nil: nothing).
func formatTime(t any, f func(time.Time) string) (string, error) {
	switch v := t.(type) {
	case time.Time:
		return f(v), nil
	case *time.Time:
		if v == nil {
			return "", nil
		}
		return f(*v), nil
	}
	return "", fmt.Errorf("not a time: %T", t)
}

// postalAddress writes a person's address on one line, leaving out the
// parts that are empty.
func postalAddress(p roster.StoredPerson) string {
	var parts []string
	for _, s := range []string{strings.TrimSpace(p.Address1 + " " + p.Address2), p.City, p.PostalCode, p.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// dict builds a map from key, value pairs, to pass several values to a
// sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// humanize turns a vocabulary id into words ("unauthorized_access" ->
// "unauthorized access") when no label is known.
func humanize(id string) string { return strings.ReplaceAll(id, "_", " ") }

// byteSize writes a size for people: "12.3 kB", "12,3 ko".
func byteSize(l *i18n.Locale, n int64) string {
	one := func(f float64) string {
		s := strconv.FormatFloat(f, 'f', 1, 64)
		if l.Lang() == "fr" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	}
	switch {
	case n < 1000:
		return l.T("size.bytes", "N", l.Int(n))
	case n < 1000*1000:
		return l.T("size.kilobytes", "N", one(float64(n)/1000))
	}
	return l.T("size.megabytes", "N", one(float64(n)/1e6))
}
