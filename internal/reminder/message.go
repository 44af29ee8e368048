package reminder

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/plaintext"
	"github.com/breachline/breachline/internal/rules"
)

// compose writes the reminder e-mail in the person's language (their own
// choice, else their organization's default): plain text with the breach
// reference, the recipient of the duty, the due time in the organization's
// zone and in UTC, then every other reading of the law after it, the
// citation, what about the rule is unverified, its notes, when it is in
// force, its official text and secondary sources, and a link. A duty the law gives no fixed date is reminded against
// its internal target, and a regulator's practice date as such: neither is
// ever called overdue.
func compose(d due, p person, row *sendRow, now time.Time, baseURL string) *mail.Message {
	l := i18n.For(i18n.Pick(p.Language, p.OrgLanguage))
	if l.Lang() == "fr" && d.french != nil {
		d = *d.french
	}
	// Names and titles are what people typed: each stays on its line and
	// cannot turn the text after it around (plaintext.Line).
	d.Title, d.OrgName, d.Recipient, p.Name = plaintext.Line(d.Title), plaintext.Line(d.OrgName), plaintext.Line(d.Recipient), plaintext.Line(p.Name)
	name := d.Recipient
	if name == "" {
		name = l.T("reminder.unnamed_recipient")
	}
	link := fmt.Sprintf("%s/breaches/%d", strings.TrimRight(baseURL, "/"), d.BreachID)
	span, passed := timing(l, d.DueAt, now)
	var b strings.Builder
	greet := l.T("reminder.hello")
	if p.Name != "" && p.Name != p.Email {
		greet = l.T("reminder.hello_name", "Name", p.Name)
	}
	fmt.Fprintf(&b, "%s,\n\n", greet)
	intro, subject := wording(d, passed)
	b.WriteString(l.T(intro, "Ref", d.Reference, "Title", d.Title, "Span", span, "Recipient", name) + "\n\n")
	writeAligned(&b, rows(l, d, name))
	b.WriteString("\n" + l.T("reminder.open", "Link", link) + "\n\n")
	b.WriteString(l.T("reminder.stop") + "\n")
	b.WriteString(l.T(roleReason(p.Role), "Org", d.OrgName) + "\n")
	return &mail.Message{
		ID:      row.MessageID,
		To:      p.Email,
		ToName:  displayName(p),
		Subject: l.T(subject, "Ref", refWithOrg(d), "Recipient", name, "Span", span),
		Text:    b.String(),
		Headers: map[string]string{
			"X-Breachline-Obligation": strconv.FormatInt(d.ID, 10),
			"X-Breachline-Reminder":   row.LeadLabel,
		},
	}
}

// refWithOrg names the breach in a subject with its organization: every
// organization numbers its breaches alike (each has a BR-2026-0001), and a
// person who belongs to several must tell them apart in the inbox.
func refWithOrg(d due) string {
	if d.OrgName == "" {
		return d.Reference
	}
	return d.Reference + " (" + d.OrgName + ")"
}

// wording picks the introduction and subject: a statutory deadline (due or
// OVERDUE), an internal target (coming or passed), or a regulator's
// practice date (coming or passed).
func wording(d due, passed bool) (intro, subject string) {
	switch {
	case d.Target && d.Kind == rules.KindTarget && passed:
		return "legal.reminder.intro_practice_passed", "legal.reminder.subject_practice_passed"
	case d.Target && d.Kind == rules.KindTarget:
		return "legal.reminder.intro_practice", "legal.reminder.subject_practice"
	case d.Target && passed:
		return "legal.reminder.intro_target_passed", "legal.reminder.subject_target_passed"
	case d.Target:
		return "legal.reminder.intro_target", "legal.reminder.subject_target"
	case passed:
		return "reminder.intro_overdue", "reminder.subject_overdue"
	}
	return "reminder.intro_due", "reminder.subject_due"
}

// rows are the label, value lines of the reminder: the primary date first,
// then the other readings, then the rule.
func rows(l *i18n.Locale, d due, name string) [][2]string {
	out := [][2]string{{l.T("reminder.notify"), name}}
	if d.Region != "" && d.Count != nil {
		out = append(out, [2]string{l.T("legal.reminder.region"), l.N("legal.region_count", int64(*d.Count), "Region", d.Region)})
	}
	label := "reminder.due"
	switch {
	case d.Target && d.Kind == rules.KindTarget:
		label = "legal.reminder.practice_date"
	case d.Target:
		label = "legal.reminder.internal_target"
	}
	out = append(out, [2]string{l.T(label), localTime(l, d.DueAt, d.TimeZone)}, [2]string{"", l.FullDateTime(d.DueAt.UTC())})
	if d.Standard != "" {
		out = append(out, [2]string{l.T("reminder.standard"), d.Standard})
	}
	for _, a := range d.Alternatives {
		out = append(out, [2]string{l.T("legal.reminder.other_reading"), alternative(l, a, d.TimeZone)})
	}
	out = append(out,
		[2]string{l.T("reminder.citation"), d.Citation},
		[2]string{l.T("reminder.rule"), d.RuleID + " (" + l.Term("rule_status", d.RuleStatus) + ")"})
	if in := l.InForce(d.EffectiveFrom, d.EffectiveTo, d.EffectiveNote); in != "" {
		out = append(out, [2]string{l.T("legal.reminder.in_force"), in})
	}
	if d.StatusNote != "" {
		out = append(out, [2]string{l.T("legal.reminder.status_note"), d.StatusNote})
	}
	if d.Notes != "" {
		out = append(out, [2]string{l.T("legal.reminder.notes"), d.Notes})
	}
	if d.Source != "" {
		out = append(out, [2]string{l.T("legal.reminder.source"), d.Source})
	}
	for _, u := range d.SeeAlso {
		out = append(out, [2]string{l.T("legal.reminder.see_also"), u})
	}
	return append(out, [2]string{l.T("reminder.organization"), d.OrgName})
}

// alternative writes another reading: its date (or what it changes) and
// its basis, in the catalogue's words.
func alternative(l *i18n.Locale, a rules.Alternative, zone string) string {
	date := ""
	if a.Due != nil {
		date = localTime(l, *a.Due, zone)
	}
	what := l.Reading(date, a.SatisfiedBy, a.Required != nil && !*a.Required)
	if a.Basis == "" {
		return what
	}
	return what + " — " + a.Basis
}

// writeAligned writes label, value lines with the values in one column.
func writeAligned(b *strings.Builder, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	for _, r := range rows {
		pad := width - utf8.RuneCountInString(r[0]) + 1
		fmt.Fprintf(b, "%s%s%s\n", r[0], strings.Repeat(" ", pad), r[1])
	}
}

// timing says how far the deadline is, in words, and whether it has passed.
func timing(l *i18n.Locale, dueAt, now time.Time) (string, bool) {
	left := dueAt.Sub(now)
	if left <= 0 {
		return l.Span(-left), true
	}
	return l.Span(left), false
}

// localTime writes the due time in the organization's zone, naming it.
func localTime(l *i18n.Locale, at time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc, zone = time.UTC, "UTC"
	}
	return l.FullDateTime(at.In(loc)) + " (" + zone + ")"
}

// roleReason is the message that says why the person receives reminders.
func roleReason(role auth.Role) string {
	switch role {
	case auth.RolePrivacyOfficer:
		return "reminder.why.privacy_officer"
	case auth.RoleLegal:
		return "reminder.why.legal"
	case auth.RoleAdmin:
		return "reminder.why.admin"
	}
	return "reminder.why.other"
}

func displayName(p person) string {
	if p.Name == p.Email || strings.ContainsAny(p.Name, "\r\n") {
		return ""
	}
	return p.Name
}
