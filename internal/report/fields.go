package report

import (
	"slices"
	"strings"
	"time"
)

// view is an Input prepared for printing: its zone and wording are resolved.
type view struct {
	in   Input
	zone *time.Location
	w    words
}

func newView(in Input, lang string) *view {
	return &view{in: in, zone: zoneOf(in), w: wordsFor(lang)}
}

// FieldKeys lists the keys of the field catalogue that Requirement.Field and the
// filings use. "residents:XX-YY" takes any region code; "answer:ID" (or any
// other key) is looked up in Breach.Answers. The regulation catalogue maps
// its rules' content ids to these keys (vocabulary.yaml, content_fields).
func FieldKeys() []string {
	return []string{
		"org.name", "org.enterprise_number", "org.address", "org.contact", "org.type",
		"report.date", "report.stage", "report.prior_reference",
		"breach.reference", "breach.title", "breach.description", "breach.cause",
		"breach.nature", "breach.kinds", "breach.period", "breach.discovered", "breach.aware",
		"breach.determined", "breach.contained", "breach.notified", "breach.how_discovered",
		"breach.location", "breach.other_organizations", "breach.agents", "breach.data",
		"breach.subjects", "breach.records", "breach.affected", "breach.affected_by_region",
		"breach.containment", "breach.mitigation", "breach.prevention", "breach.harm",
		"breach.notification", "breach.individual_steps", "breach.safeguards",
		"breach.law_enforcement", "breach.delay_reason", "breach.monetary_impact",
		"notice.sent", "hipaa.size", "residents:XX-YY",
	}
}

// value returns the printable value of a catalogue key, or "" when it is not known.
func (v *view) value(key string) string {
	if s, ok := v.orgValue(key); ok {
		return strings.TrimSpace(s)
	}
	if s, ok := v.breachText(key); ok {
		return strings.TrimSpace(s)
	}
	if s, ok := v.derived(key); ok {
		return s
	}
	return strings.TrimSpace(v.in.Breach.Answers[strings.TrimPrefix(key, "answer:")])
}

func (v *view) orgValue(key string) (string, bool) {
	o := v.in.Org
	switch key {
	case "org.name":
		if o.LegalName != "" && o.LegalName != o.Name && o.Name != "" {
			return o.LegalName + " (" + o.Name + ")", true
		}
		if o.LegalName != "" {
			return o.LegalName, true
		}
		return o.Name, true
	case "org.enterprise_number":
		return o.EnterpriseNumber, true
	case "org.address":
		return o.Address, true
	case "org.contact":
		if o.ContactName == "" && o.ContactEmail == "" && o.ContactPhone == "" {
			return "", true
		}
		name := o.ContactName
		if o.ContactTitle != "" {
			name = joinComma(name, o.ContactTitle)
		}
		return strings.Join(nonEmpty(name, o.ContactEmail, o.ContactPhone), "\n"), true
	case "org.type":
		if s := v.in.Breach.Answers[AnswerOrganizationType]; s != "" {
			return s, true
		}
		return strings.Join(labelsOf(o.Sectors, sectorLabel, v.w.code), ", "), true
	}
	return "", false
}

func (v *view) breachText(key string) (string, bool) {
	b := &v.in.Breach
	switch key {
	case "breach.reference":
		return b.Reference, true
	case "breach.title":
		return b.Title, true
	case "breach.description":
		return b.Description, true
	case "breach.cause":
		return b.Cause, true
	case "breach.how_discovered":
		return b.HowDiscovered, true
	case "breach.location":
		return b.Location, true
	case "breach.other_organizations":
		return b.OtherOrganizations, true
	case "breach.agents":
		return b.AgentsResponsible, true
	case "breach.mitigation":
		return b.Mitigation, true
	case "breach.prevention":
		return b.Prevention, true
	case "breach.harm":
		return b.HarmAssessment, true
	case "breach.individual_steps":
		return b.IndividualSteps, true
	case "breach.safeguards":
		return b.Safeguards, true
	case "breach.law_enforcement":
		return b.LawEnforcement, true
	case "breach.delay_reason":
		return b.DelayReason, true
	case "breach.monetary_impact":
		return b.MonetaryImpact, true
	case "breach.data":
		return joinList(labelsOf(b.DataCategories, dataLabel, v.w.code)), true
	case "breach.subjects":
		return joinList(b.SubjectCategories), true
	}
	return "", false
}

func (v *view) derived(key string) (string, bool) {
	b, lang := v.in.Breach, v.w.code
	switch key {
	case "report.date":
		return formatDate(v.in.GeneratedAt, v.zone), true
	case "report.stage":
		return stageLabel(v.in.Stage, v.w), true
	case "report.prior_reference":
		if v.in.Obligation != nil {
			return v.in.Obligation.FilingReference, true
		}
		return "", true
	case "breach.nature":
		return natureLabel(b.Nature, lang), true
	case "breach.kinds":
		return v.kindsText(), true
	case "breach.period":
		return v.period(), true
	case "breach.discovered", "breach.aware", "breach.determined", "breach.contained", "breach.notified":
		return v.eventTime(eventOf(key)), true
	case "breach.records":
		return positive(b.Records, lang), true
	case "breach.affected":
		return positive(v.affected(), lang), true
	case "breach.affected_by_region":
		return countsLine(v.in.Roster.ByRegion, lang), true
	case "breach.containment":
		return v.withEvent(b.Containment, EventContained), true
	case "breach.notification":
		return v.withEvent(b.NotificationSteps, EventIndividualsNotified), true
	case "notice.sent":
		if v.in.Deliveries.Total == 0 {
			return "", true
		}
		return count(v.in.Deliveries.ByStatus["sent"], lang), true
	case "hipaa.size":
		return v.hipaaSize(), true
	}
	if region, ok := strings.CutPrefix(key, "residents:"); ok {
		return v.residents(region), true
	}
	return "", false
}

// eventOf maps a date key to its event kind.
func eventOf(key string) string {
	switch key {
	case "breach.discovered":
		return EventDiscovered
	case "breach.aware":
		return EventAware
	case "breach.determined":
		return EventDetermined
	case "breach.contained":
		return EventContained
	}
	return EventIndividualsNotified
}

// affected is the roster total, or the estimate while no roster is imported.
func (v *view) affected() int {
	if v.in.Roster.Total > 0 {
		return v.in.Roster.Total
	}
	return v.in.Breach.AffectedEstimate
}

// residents is the number of affected people in a region; "" when no roster is known.
func (v *view) residents(region string) string {
	if v.in.Roster.Total == 0 && len(v.in.Roster.ByRegion) == 0 {
		return ""
	}
	return count(v.in.Roster.ByRegion[region], v.w.code)
}

func (v *view) hipaaSize() string {
	n := v.affected()
	switch {
	case n <= 0:
		return ""
	case n >= 500:
		return "500 or more individuals (" + count(n, "en") + ")"
	}
	return "Fewer than 500 individuals (" + count(n, "en") + ")"
}

func (v *view) kindsText() string {
	labels := make([]string, 0, len(v.in.Breach.Kinds))
	for _, k := range v.in.Breach.Kinds {
		labels = append(labels, kindLabel(k, v.w.code))
	}
	return joinList(labels)
}

// events returns the instants of one kind, earliest first.
func (v *view) events(kind string) []time.Time {
	var out []time.Time
	for _, e := range v.in.Breach.Events {
		if e.Kind == kind && !e.At.IsZero() {
			out = append(out, e.At)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// eventTime prints the earliest instant of a kind, or "".
func (v *view) eventTime(kind string) string {
	ts := v.events(kind)
	if len(ts) == 0 {
		return ""
	}
	return v.time(ts[0])
}

// period prints when the breach occurred: one instant, or first start to last end.
func (v *view) period() string {
	starts, ends := v.events(EventOccurred), v.events(EventEnded)
	if len(starts) == 0 {
		return ""
	}
	first := v.time(starts[0])
	last := starts[len(starts)-1]
	if len(ends) > 0 {
		last = ends[len(ends)-1]
	}
	if last.Equal(starts[0]) {
		return first
	}
	return first + " – " + v.time(last)
}

// withEvent appends the date of an event to a text, when both are known.
func (v *view) withEvent(text, kind string) string {
	when := v.eventTime(kind)
	if text == "" || when == "" {
		return text
	}
	return text + "\n(" + when + ")"
}

func positive(n int, lang string) string {
	if n <= 0 {
		return ""
	}
	return count(n, lang)
}

func nonEmpty(items ...string) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinComma(a, b string) string {
	return strings.Join(nonEmpty(a, b), ", ")
}

// time prints an instant in the document's zone and language.
func (v *view) time(t time.Time) string { return formatTimeIn(t, v.zone, v.w.code) }
