package calfeed

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// event is one obligation as a calendar event, written in the locale's
// language (the obligation's own words are already in it: Obligation.In).
// Membership is checked when the feed is fetched, so a user removed from
// an organization stops seeing its deadlines.
//
// The event sits on the obligation's one date: a duty's deadline; for a
// duty the law gives no fixed date, the internal target (the law's words
// are in the description); a regulator's practice date; a record's
// keep-until date; the end of a permitted step's window. Alarms ring only
// before a date someone must act by (a duty's deadline or target, a
// practice date), never for a record to keep or a permitted step.
func (s *Service) event(l *i18n.Locale, r obligation.Deadline) Event {
	name := recipientName(l, r.Recipient)
	e := Event{
		UID:          fmt.Sprintf("obligation-%d@%s", r.ID, s.host()),
		Sequence:     max(r.Revisions-1, 0),
		LastModified: r.UpdatedAt,
		Start:        r.Date(),
		Summary: l.T("calfeed.summary", "Breach", breachName(r), "Recipient", name,
			"What", l.T(whatOn(&r.Obligation)), "Rule", ruleName(&r.Obligation)),
		URL:    fmt.Sprintf("%s/breaches/%d", s.BaseURL, r.BreachID),
		Status: "CONFIRMED",
	}
	alarms := s.Leads
	if !r.Duty() && r.Kind != rules.KindTarget {
		alarms = nil
	}
	switch {
	case r.Kind == rules.KindPermitted && (r.Applies != nil && !*r.Applies || r.Status == "not_required"):
		e.Status = "CANCELLED"
		e.Summary = l.T("calfeed.does_not_apply", "Summary", e.Summary)
	case r.Status == "not_required" || r.Status == "waived" || (r.Required != nil && !*r.Required && r.Kind != rules.KindPermitted):
		e.Status = "CANCELLED"
		e.Summary = l.T("calfeed.not_required", "Summary", e.Summary)
	case r.Status == "filed":
		e.Summary = l.T("calfeed.filed", "Summary", e.Summary)
	case r.Status == "undetermined" || r.Applies == nil && r.Required == nil:
		e.Status = "TENTATIVE"
		e.Alarms = alarms
	default:
		e.Alarms = alarms
	}
	e.Description = describe(l, r, name, e.URL)
	return e
}

// whatOn is the message that says what the event's date is.
func whatOn(o *obligation.Obligation) string {
	switch {
	case o.DueAt != nil && o.Duty():
		return "calfeed.what.due"
	case o.Kind == rules.KindTarget:
		return "calfeed.what.practice"
	case o.Kind == rules.KindRetention:
		return "calfeed.what.keep"
	case o.Kind == rules.KindPermitted:
		return "calfeed.what.may"
	}
	return "calfeed.what.target"
}

// breachName names the breach in an event's title with its organization:
// every organization numbers its breaches alike (each has a BR-2026-0001),
// and one calendar shows the deadlines of all the user's organizations.
func breachName(r obligation.Deadline) string {
	if r.OrganizationName == "" {
		return r.BreachReference
	}
	return r.BreachReference + " (" + r.OrganizationName + ")"
}

// ruleName names the duty as its key does: RULE, RULE/part, RULE@REGION.
func ruleName(o *obligation.Obligation) string {
	k := o.RuleID
	if o.RulePart != "" {
		k += "/" + o.RulePart
	}
	if o.Region != "" {
		k += "@" + o.Region
	}
	return k
}

// describe writes the event's description: one "Label: value" line per
// fact, then the link to the breach.
func describe(l *i18n.Locale, r obligation.Deadline, name, link string) string {
	var b strings.Builder
	b.WriteString(l.T("calfeed.breach", "Ref", r.BreachReference, "Org", r.OrganizationName) + "\n")
	line(&b, l.T("calfeed.recipient"), name)
	if r.Region != "" && r.Count != nil {
		line(&b, l.T("calfeed.region"), l.N("calfeed.region_count", int64(*r.Count), "Region", r.RegionName))
	}
	writeDates(&b, l, &r.Obligation, r.TimeZone)
	line(&b, l.T("calfeed.status"), l.Term("obligation_status", r.Status))
	if r.Standard != "" {
		line(&b, l.T("calfeed.standard"), r.Standard)
	}
	for _, a := range r.Alternatives {
		line(&b, l.T("calfeed.other_reading"), alternativeText(l, a, r.TimeZone))
	}
	line(&b, l.T("calfeed.citation"), r.Citation)
	line(&b, l.T("calfeed.rule"), ruleName(&r.Obligation)+" ("+l.Term("rule_status", r.RuleStatus)+")")
	if in := l.InForce(r.EffectiveFrom, r.EffectiveTo, r.EffectiveNote); in != "" {
		line(&b, l.T("calfeed.in_force"), in)
	}
	if r.StatusNote != "" {
		line(&b, l.T("calfeed.unverified"), r.StatusNote)
	}
	if r.Notes != "" {
		line(&b, l.T("calfeed.notes"), r.Notes)
	}
	b.WriteString(link)
	return b.String()
}

// line writes one labelled line of a description.
func line(b *strings.Builder, label, value string) {
	b.WriteString(label + " " + value + "\n")
}

// writeDates writes the obligation's dates, each named for what it is.
func writeDates(b *strings.Builder, l *i18n.Locale, o *obligation.Obligation, zone string) {
	if o.DueAt != nil && o.Duty() {
		line(b, l.T("calfeed.due"), dueText(l, *o.DueAt, zone))
	}
	if o.InternalTargetAt != nil {
		label := l.T("calfeed.internal_target")
		if o.Kind == rules.KindTarget {
			label = l.T("calfeed.practice_date")
		}
		line(b, label, dueText(l, *o.InternalTargetAt, zone))
	}
	if o.UntilAt != nil {
		label := l.T("calfeed.keep_until")
		if o.Kind == rules.KindPermitted {
			label = l.T("calfeed.may_until")
		}
		line(b, label, dueText(l, *o.UntilAt, zone))
	}
}

// alternativeText writes another reading: its date, or what it changes,
// and its basis.
func alternativeText(l *i18n.Locale, a rules.Alternative, zone string) string {
	date := ""
	if a.Due != nil {
		date = dueText(l, *a.Due, zone)
	}
	what := l.Reading(date, a.SatisfiedBy, a.Required != nil && !*a.Required)
	if a.Basis == "" {
		return what
	}
	return what + " (" + a.Basis + ")"
}

// dueText shows an instant in the organization's zone and in UTC.
func dueText(l *i18n.Locale, at time.Time, zone string) string {
	utc := l.UTC(at)
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" || zone == "UTC" {
		return utc
	}
	return l.DateTime(at.In(loc)) + " (" + zone + "), " + utc
}

// recipientName names the duty's recipient: by name, else by kind, else
// generically.
func recipientName(l *i18n.Locale, r rules.Recipient) string {
	switch {
	case r.Name != "":
		return r.Name
	case r.Kind != "":
		return l.Term("recipient_kind", r.Kind)
	}
	return l.T("calfeed.unnamed_recipient")
}
