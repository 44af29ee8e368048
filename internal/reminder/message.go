package reminder

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/mail"
)

// compose writes the reminder e-mail: plain text with the breach reference,
// the recipient of the duty, the due time in the organization's zone and in
// UTC, the citation and a link.
func compose(d due, p person, row *sendRow, now time.Time, baseURL string) *mail.Message {
	name := d.Recipient
	link := fmt.Sprintf("%s/breaches/%d", strings.TrimRight(baseURL, "/"), d.BreachID)
	when := timing(d.DueAt, now)
	var b strings.Builder
	greet := p.Name
	if greet == "" || greet == p.Email {
		greet = "Hello"
	} else {
		greet = "Hello " + greet
	}
	fmt.Fprintf(&b, "%s,\n\n", greet)
	fmt.Fprintf(&b, "A deadline for breach %s (%s) %s.\n\n", d.Reference, d.Title, when)
	fmt.Fprintf(&b, "Notify:       %s\n", name)
	fmt.Fprintf(&b, "Due:          %s\n", localTime(d.DueAt, d.TimeZone))
	fmt.Fprintf(&b, "              %s\n", d.DueAt.UTC().Format("Mon 2 Jan 2006 15:04 UTC"))
	if d.Standard != "" {
		fmt.Fprintf(&b, "Standard:     %s\n", d.Standard)
	}
	fmt.Fprintf(&b, "Citation:     %s\n", d.Citation)
	fmt.Fprintf(&b, "Rule:         %s (%s)\n", d.RuleID, d.RuleStatus)
	fmt.Fprintf(&b, "Organization: %s\n\n", d.OrgName)
	fmt.Fprintf(&b, "Open the breach: %s\n\n", link)
	b.WriteString("When the notice has been given, mark the obligation filed to stop these reminders.\n")
	fmt.Fprintf(&b, "You receive this as %s of %s.\n", roleName(p.Role), d.OrgName)
	return &mail.Message{
		ID:      row.MessageID,
		To:      p.Email,
		ToName:  displayName(p),
		Subject: fmt.Sprintf("%s: %s %s", d.Reference, name, when),
		Text:    b.String(),
		Headers: map[string]string{
			"X-Breachline-Obligation": strconv.FormatInt(d.ID, 10),
			"X-Breachline-Reminder":   row.LeadLabel,
		},
	}
}

// timing says how far the deadline is, in words.
func timing(dueAt, now time.Time) string {
	left := dueAt.Sub(now)
	if left <= 0 {
		return "is OVERDUE by " + span(-left)
	}
	return "is due in " + span(left)
}

// span rounds a duration to days and hours (minutes under an hour).
func span(d time.Duration) string {
	if d < time.Hour {
		return plural(int(d.Round(time.Minute)/time.Minute), "minute")
	}
	h := int(d.Round(time.Hour) / time.Hour)
	if h < 48 {
		return plural(h, "hour")
	}
	days, rest := h/24, h%24
	if rest == 0 {
		return plural(days, "day")
	}
	return plural(days, "day") + " " + plural(rest, "hour")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func localTime(at time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc, zone = time.UTC, "UTC"
	}
	return at.In(loc).Format("Mon 2 Jan 2006 15:04 MST") + " (" + zone + ")"
}

func roleName(role auth.Role) string {
	switch role {
	case auth.RolePrivacyOfficer:
		return "a privacy officer"
	case auth.RoleLegal:
		return "a legal reviewer"
	case auth.RoleAdmin:
		return "an administrator (the organization has no privacy officer)"
	}
	return string(role)
}

func displayName(p person) string {
	if p.Name == p.Email || strings.ContainsAny(p.Name, "\r\n") {
		return ""
	}
	return p.Name
}
