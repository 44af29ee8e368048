package report

import (
	"cmp"
	"io"
	"slices"
	"strings"
	"time"
)

func summaryKind() kindDef {
	return kindDef{
		info:   KindInfo{ID: "summary", Title: "Breach summary", Language: "en"},
		check:  checkSummary,
		render: renderSummary,
	}
}

func checkSummary(in Input) []Missing {
	var out []Missing
	if len(in.Breach.Events) == 0 {
		out = append(out, Missing{Field: "breach.events", Label: "Timeline events", Why: "summary timeline"})
	}
	if len(in.Obligations) == 0 {
		out = append(out, Missing{Field: "obligations", Label: "Evaluated obligations", Why: "summary obligations"})
	}
	return out
}

func renderSummary(in Input, w io.Writer) error {
	v := newView(in, "en")
	d := newDoc(metaFor(in, v, "Breach summary", firstNonEmpty(in.Breach.Title, in.Breach.Reference), "Letter"))
	d.summaryBreach(v)
	d.summaryTimeline(v)
	d.summaryObligations(v)
	d.summaryRoster(v)
	d.summaryDeliveries(v)
	return d.finish(w)
}

func (d *doc) known(label, value string) {
	d.field(label, firstNonEmpty(value, d.meta.w.notKnown))
}

func (d *doc) summaryBreach(v *view) {
	d.heading("Breach")
	d.known("Reference", v.value("breach.reference"))
	d.known("Title", v.value("breach.title"))
	d.known("Nature", v.value("breach.nature"))
	d.known("Kinds", v.value("breach.kinds"))
	d.known("Personal information", v.value("breach.data"))
	d.known("People affected", v.value("breach.affected"))
	d.block("What happened", firstNonEmpty(v.value("breach.description"), v.w.notKnown))
}

func (d *doc) summaryTimeline(v *view) {
	d.heading("Timeline")
	events := slices.Clone(v.in.Breach.Events)
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	if len(events) == 0 {
		d.paragraph(v.w.notKnown)
		return
	}
	t := d.newTable([]column{{head: "When (" + v.zone.String() + ")", share: 2}, {head: "Event", share: 1.4},
		{head: "Recorded in zone", share: 1.4}, {head: "Note", share: 4}}, 8.5)
	for _, e := range events {
		t.row([]string{formatTime(e.At, v.zone), eventLabel(e.Kind), e.Zone, e.Note})
	}
}

func (d *doc) summaryObligations(v *view) {
	d.heading("Obligations")
	obs := slices.Clone(v.in.Obligations)
	slices.SortStableFunc(obs, func(a, b Obligation) int {
		if a.Due == nil || b.Due == nil {
			return cmp.Compare(boolInt(a.Due == nil), boolInt(b.Due == nil))
		}
		return a.Due.Compare(*b.Due)
	})
	if len(obs) == 0 {
		d.paragraph("No obligations have been evaluated yet.")
		return
	}
	t := d.newTable([]column{{head: "Recipient", share: 2}, {head: "Rule and citation", share: 2.4},
		{head: "Due", share: 2.2}, {head: "Status", share: 1.2}, {head: "Filed", share: 2}}, 8)
	for _, o := range obs {
		due := summaryWhen(o, v.zone)
		filed := joinLines(formatOptTime(o.FiledAt, v.zone), o.FilingReference)
		rule := joinLines(o.RuleID+" "+o.Version, o.Citation)
		if o.StatusNote != "" {
			rule = joinLines(rule, "Unverified: "+o.StatusNote)
		}
		if o.Notes != "" {
			rule = joinLines(rule, "Note: "+o.Notes)
		}
		t.row([]string{joinLines(o.Recipient, o.Jurisdiction), rule,
			firstNonEmpty(due, "—"), lookupLabel(obligationStatuses, o.Status, "en"), firstNonEmpty(filed, "—")})
	}
}

func (d *doc) summaryRoster(v *view) {
	r := v.in.Roster
	d.heading("Affected people")
	d.field("People in the roster", count(r.Total, "en"))
	d.field("Minors", count(r.Minors, "en"))
	d.countTable("Region", r.ByRegion, regionName)
	d.countTable("Language", r.ByLanguage, tableLabel(languages))
	d.countTable("Channel", r.ByChannel, tableLabel(channels))
}

func (d *doc) summaryDeliveries(v *view) {
	s := v.in.Deliveries
	d.heading("Notice deliveries")
	d.field("Deliveries", count(s.Total, "en"))
	d.field("First sent", firstNonEmpty(formatOptTime(s.FirstSent, v.zone), "—"))
	d.field("Last sent", firstNonEmpty(formatOptTime(s.LastSent, v.zone), "—"))
	d.countTable("Status", s.ByStatus, tableLabel(deliveryStatuses))
	d.countTable("Channel", s.ByChannel, tableLabel(channels))
}

// countTable prints a map of counts as a two-column table, each code by
// its label, in label order.
func (d *doc) countTable(head string, m map[string]int, label func(code, lang string) string) {
	if len(m) == 0 {
		return
	}
	names := make([]string, 0, len(m))
	byName := map[string]int{}
	for k, n := range m {
		name := label(k, d.meta.w.code)
		if _, seen := byName[name]; !seen {
			names = append(names, name)
		}
		byName[name] += n
	}
	slices.Sort(names)
	t := d.newTable([]column{{head: head, share: 4}, {head: "Count", share: 1, right: true}}, 8.5)
	for _, name := range names {
		t.row([]string{name, count(byName[name], "en")})
	}
	d.pdf.Ln(2)
}

// tableLabel makes a label function of a label table.
func tableLabel(table map[string]bilingual) func(code, lang string) string {
	return func(code, lang string) string { return lookupLabel(table, code, lang) }
}

// eventLabel names a timeline event kind for people.
func eventLabel(kind string) string {
	labels := map[string]string{
		EventOccurred: "Breach occurred", EventEnded: "Breach ended", EventDiscovered: "Discovered",
		EventAware: "Became aware", EventDetermined: "Determined", EventContained: "Contained",
		EventReported: "Reported to regulator", EventIndividualsNotified: "Individuals notified",
	}
	if s, ok := labels[kind]; ok {
		return s
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// summaryWhen is what the summary says of an obligation's date: the due
// time of a duty, else its standard with the internal target it is
// tracked against; a record's keep-until date, a permitted step's window
// and a practice date are named as such, so that none reads as a deadline.
func summaryWhen(o Obligation, z *time.Location) string {
	switch o.Kind {
	case "retention":
		if o.Until != nil {
			return joinLines("Keep the record until "+formatDate(*o.Until, z), o.Standard)
		}
		return joinLines("Record to keep", o.Standard)
	case "permitted":
		if o.Until != nil {
			return joinLines("Permitted, not required; may be done until "+formatTime(*o.Until, z), o.Standard)
		}
		return joinLines("Permitted, not required", o.Standard)
	}
	when := o.Standard
	if o.Due != nil {
		when = formatTime(*o.Due, z)
		if o.Kind == "target" {
			when = "Regulator's practice date, not in the statute: " + when
		}
	}
	if o.Due == nil && o.Target != nil {
		when = joinLines(when, "Internal target: "+formatTime(*o.Target, z))
	}
	return when
}
