package ui

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
)

// Layouts of the instants the pages show. Each shown instant also carries
// its UTC form in a title (on hover) and a machine-readable datetime.
const (
	localLayout = "2006-01-02 15:04 MST"
	utcLayout   = "2006-01-02 15:04 UTC"
)

// instant is a point in time as a page shows it.
type instant struct {
	Local    string // in the zone it belongs to, e.g. "2024-05-03 17:00 EDT"
	Zone     string // the zone's name, e.g. "America/Toronto"
	UTC      string // "2024-05-03 21:00 UTC"
	Datetime string // RFC 3339 in UTC, for <time datetime>
}

// newInstant shows t in loc, named zone.
func newInstant(t time.Time, loc *time.Location, zone string) *instant {
	return &instant{
		Local:    t.In(loc).Format(localLayout),
		Zone:     zone,
		UTC:      t.UTC().Format(utcLayout),
		Datetime: t.UTC().Format(time.RFC3339),
	}
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
	Due      *instant
	Target   *instant
	Required string // yes, no or undetermined
}

func newDutyRow(o obligation.Obligation) dutyRow {
	return dutyRow{Obligation: o, Due: keptZone(o.DueAt), Target: keptZone(o.InternalTargetAt), Required: requiredWord(o.Required)}
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
	NotRequired  []dutyRow
}

// groupDuties sorts the obligations into required (open ones first),
// undetermined and not required (including duties no longer considered),
// keeping the service's order (by due date) within each group.
func groupDuties(list []obligation.Obligation) dutyGroups {
	var g dutyGroups
	var closed []dutyRow
	for _, o := range list {
		row := newDutyRow(o)
		switch {
		case !o.Considered || (o.Required != nil && !*o.Required):
			g.NotRequired = append(g.NotRequired, row)
		case o.Required == nil:
			g.Undetermined = append(g.Undetermined, row)
		case o.Open():
			g.Required = append(g.Required, row)
		default:
			closed = append(closed, row)
		}
	}
	g.Required = append(g.Required, closed...)
	return g
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

// pageFuncs are the helpers the templates call.
func pageFuncs() template.FuncMap {
	return template.FuncMap{"words": humanize, "dict": dict, "address": postalAddress}
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

// byteSize writes a size for people ("12.3 kB").
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
