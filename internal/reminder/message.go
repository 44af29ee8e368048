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
)

// compose writes the reminder e-mail in the person's language (their own
// choice, else their organization's default): plain text with the breach
// reference, the recipient of the duty, the due time in the organization's
// zone and in UTC, the citation and a link.
func compose(d due, p person, row *sendRow, now time.Time, baseURL string) *mail.Message {
	l := i18n.For(i18n.Pick(p.Language, p.OrgLanguage))
	// Names and titles are what people typed: each stays on its line and
	// cannot turn the text after it around (plaintext.Line).
	d.Title, d.OrgName, d.Recipient, p.Name = plaintext.Line(d.Title), plaintext.Line(d.OrgName), plaintext.Line(d.Recipient), plaintext.Line(p.Name)
	name := d.Recipient
	if name == "" {
		name = l.T("reminder.unnamed_recipient")
	}
	link := fmt.Sprintf("%s/breaches/%d", strings.TrimRight(baseURL, "/"), d.BreachID)
	span, overdue := timing(l, d.DueAt, now)
	var b strings.Builder
	greet := l.T("reminder.hello")
	if p.Name != "" && p.Name != p.Email {
		greet = l.T("reminder.hello_name", "Name", p.Name)
	}
	fmt.Fprintf(&b, "%s,\n\n", greet)
	intro, subject := "reminder.intro_due", "reminder.subject_due"
	if overdue {
		intro, subject = "reminder.intro_overdue", "reminder.subject_overdue"
	}
	b.WriteString(l.T(intro, "Ref", d.Reference, "Title", d.Title, "Span", span) + "\n\n")
	rows := [][2]string{
		{l.T("reminder.notify"), name},
		{l.T("reminder.due"), localTime(l, d.DueAt, d.TimeZone)},
		{"", l.FullDateTime(d.DueAt.UTC())},
	}
	if d.Standard != "" {
		rows = append(rows, [2]string{l.T("reminder.standard"), d.Standard})
	}
	rows = append(rows,
		[2]string{l.T("reminder.citation"), d.Citation},
		[2]string{l.T("reminder.rule"), d.RuleID + " (" + l.Term("rule_status", d.RuleStatus) + ")"},
		[2]string{l.T("reminder.organization"), d.OrgName})
	writeAligned(&b, rows)
	b.WriteString("\n" + l.T("reminder.open", "Link", link) + "\n\n")
	b.WriteString(l.T("reminder.stop") + "\n")
	b.WriteString(l.T(roleReason(p.Role), "Org", d.OrgName) + "\n")
	return &mail.Message{
		ID:      row.MessageID,
		To:      p.Email,
		ToName:  displayName(p),
		Subject: l.T(subject, "Ref", d.Reference, "Recipient", name, "Span", span),
		Text:    b.String(),
		Headers: map[string]string{
			"X-Breachline-Obligation": strconv.FormatInt(d.ID, 10),
			"X-Breachline-Reminder":   row.LeadLabel,
		},
	}
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
		return span(l, -left), true
	}
	return span(l, left), false
}

// span rounds a duration to days and hours (minutes under an hour).
func span(l *i18n.Locale, d time.Duration) string {
	if d < time.Hour {
		return l.N("span.minutes", int64(d.Round(time.Minute)/time.Minute))
	}
	h := int64(d.Round(time.Hour) / time.Hour)
	if h < 48 {
		return l.N("span.hours", h)
	}
	days, rest := h/24, h%24
	if rest == 0 {
		return l.N("span.days", days)
	}
	return l.N("span.days", days) + " " + l.N("span.hours", rest)
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
