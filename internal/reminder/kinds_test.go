package reminder

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// row adds a pending obligation of the fixture's breach with the columns
// given beyond the ones every row needs, and returns its id.
func (f *fixture) row(kind string, cols map[string]any) int64 {
	f.t.Helper()
	f.n++
	key := fmt.Sprintf("%s-%d", kind, f.n)
	names := []string{"breach_id", "organization_id", "rule_key", "rule_id", "rule_version", "jurisdiction", "recipient",
		"required", "kind", "citation", "rule_status", "status", "evaluated_at", "created_at", "updated_at"}
	args := []any{f.breach, f.org, key, "CA-PIPEDA-REC", "1", "CA", `{"kind":"internal","name":"Record of the breach"}`,
		true, kind, "PIPEDA s.10.3", "verified", "pending", t0, t0, t0}
	for k, v := range cols {
		if i := slices.Index(names, k); i >= 0 {
			args[i] = v
			continue
		}
		names = append(names, k)
		args = append(args, v)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")
	f.exec("INSERT INTO obligations ("+strings.Join(names, ", ")+") VALUES ("+marks+")", args...)
	return f.id("SELECT id FROM obligations WHERE breach_id = ? AND rule_key = ?", f.breach, key)
}

// TestRecordsAndPermittedStepsAreNeverReminded: a record kept until a date
// and a permitted step are not deadlines. Neither is ever reminded, not
// even as overdue once its date is past, whatever date its row carries.
func TestRecordsAndPermittedStepsAreNeverReminded(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		past := t0.Add(-48 * time.Hour)
		// PIPEDA s.10.3: keep the record 24 months after determination.
		f.row("retention", map[string]any{"until_at": past, "until_date": "2025-03-03"})
		// A row that carries a due date all the same (written by hand, or
		// by an earlier release) is still a record, never a deadline.
		f.row("retention", map[string]any{"due_at": past})
		// Québec P-39.1 s.3.5: the enterprise may notify those who could
		// reduce the risk.
		f.row("permitted", map[string]any{"required": false, "applies": true, "due_at": t0, "internal_target_at": t0})
		for _, at := range []time.Time{t0.Add(-72 * time.Hour), t0.Add(-time.Hour), t0, t0.Add(20 * time.Hour), t0.Add(10 * 24 * time.Hour)} {
			if st := f.run(at); st.Claimed != 0 {
				t.Fatalf("at %s: %+v; records and permitted steps are never reminded", at, st)
			}
		}
		if f.count(po) != 0 {
			t.Fatalf("%d reminders for records and permitted steps", f.count(po))
		}
	})
}

// TestNoFixedDateIsRemindedAgainstTheInternalTarget: "as soon as feasible"
// (FIPPA s.40.1) stays the law's words; the duty is reminded against the
// organization's internal target, and once the target is past the
// reminder says so, never that the duty is overdue.
func TestNoFixedDateIsRemindedAgainstTheInternalTarget(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		f.row("duty", map[string]any{"internal_target_at": t0, "standard": "as soon as feasible after the head determines that the breach has occurred"})
		for _, s := range []struct {
			at   time.Time
			sent int
		}{{t0.Add(-73 * time.Hour), 0}, {t0.Add(-72 * time.Hour), 1}, {t0.Add(-24 * time.Hour), 1}, {t0.Add(time.Hour), 1},
			{t0.Add(2 * time.Hour), 0}, {t0.Add(20 * time.Hour), 1}} {
			if st := f.run(s.at); st.Sent != s.sent {
				t.Fatalf("at %s: %+v, want %d sent", s.at, st, s.sent)
			}
		}
		msgs := f.smtp.To(po)
		subj, text := readReminder(t, msgs[1].Data)
		if subj != "BR-2025-0007 (City of city): Record of the breach, internal target in 24 hours" {
			t.Errorf("subject %q", subj)
		}
		for _, want := range []string{"the law sets no fixed date", "Internal target: Wed 5 Mar 2025 17:00 EST (America/Toronto)",
			"Standard:        as soon as feasible after the head determines"} {
			if !strings.Contains(text, want) {
				t.Errorf("target reminder lacks %q:\n%s", want, text)
			}
		}
		subj, _ = readReminder(t, msgs[2].Data)
		if subj != "BR-2025-0007 (City of city): Record of the breach, internal target passed 1 hour ago" {
			t.Errorf("subject after the target %q", subj)
		}
		for _, m := range msgs {
			subj, text = readReminder(t, m.Data)
			if strings.Contains(strings.ToLower(subj+text), "overdue") || strings.Contains(text, "Due:") {
				t.Errorf("a duty with no fixed date was called overdue or given a due date:\n%s\n%s", subj, text)
			}
		}
		if h := headerOf(t, msgs[2].Data, "X-Breachline-Reminder"); h != "target:passed:2025-03-05" {
			t.Errorf("label %q", h)
		}
	})
}

// TestPracticeDateIsNotAStatutoryDeadline: FIPPA s.34 sets no date for the
// annual statistics; the IPC's March 31 is its practice. The reminder says
// so, in French too.
func TestPracticeDateIsNotAStatutoryDeadline(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		fr := f.member(f.org, "legal@city.test", "legal")
		f.exec("UPDATE users SET language = 'fr' WHERE email = ?", fr)
		f.row("target", map[string]any{"internal_target_at": t0, "status_note": "the March 31 date and the breach fields are unverified"})
		f.run(t0.Add(-4 * time.Hour))
		f.run(t0.Add(time.Minute))
		subj, text := readReminder(t, f.smtp.To(po)[0].Data)
		if subj != "BR-2025-0007 (City of city): Record of the breach, regulator's practice date in 4 hours" {
			t.Errorf("subject %q", subj)
		}
		for _, want := range []string{"It is not a statutory deadline.", "Practice date:", "Unverified:", "the March 31 date and the breach fields are unverified"} {
			if !strings.Contains(text, want) {
				t.Errorf("practice-date reminder lacks %q:\n%s", want, text)
			}
		}
		subj, _ = readReminder(t, f.smtp.To(po)[1].Data)
		if subj != "BR-2025-0007 (City of city): Record of the breach, regulator's practice date passed 1 minute ago" {
			t.Errorf("subject after the date %q", subj)
		}
		subj, text = readReminder(t, f.smtp.To(fr)[0].Data)
		if subj != "BR-2025-0007 (City of city)\u00a0: Record of the breach, date de la pratique de l'organisme dans 4 heures" ||
			!strings.Contains(text, "Ce n'est pas un délai prévu par la loi.") || !strings.Contains(text, "Date de la pratique\u00a0:") {
			t.Errorf("French practice-date reminder %q:\n%s", subj, text)
		}
	})
}

// TestReminderGivesThePrimaryDateThenTheOtherReadings: where the law reads
// two ways the conservative date is the one due; the reminder gives it
// first, then every other reading with its basis, then what about the rule
// is unverified, its notes, when it is in force, its official text and its
// secondary sources.
func TestReminderGivesThePrimaryDateThenTheOtherReadings(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		later := t0.Add(24 * time.Hour).Format(time.RFC3339)
		alts := `[{"due":"` + later + `","due_date":"2025-03-06","basis":"if the Legislation Act extends the period past a holiday (s.89)"},` +
			`{"due":null,"due_date":null,"basis":"if the exemption applies (unverified)","required":false}]`
		f.row("duty", map[string]any{"due_at": t0, "alternatives": alts, "status_note": "holiday roll-forward unverified",
			"notes": "Counted from the day the head determined the breach.", "effective_from": "2025-07-01",
			"source": "https://www.ontario.ca/laws/statute/90f31", "see_also": `["https://www.ipc.on.ca/guidance"]`})
		f.run(t0.Add(-24 * time.Hour))
		_, text := readReminder(t, f.smtp.To(po)[0].Data)
		order := []string{"Due:", "Wed 5 Mar 2025 17:00 EST", "Other reading:", "Thu 6 Mar 2025 17:00 EST (America/Toronto) — if the Legislation Act extends",
			"Other reading:", "not required — if the exemption applies (unverified)", "In force:", "from 2025-07-01",
			"Unverified:", "holiday roll-forward unverified", "Notes:", "Counted from the day the head determined the breach.",
			"Official text:", "https://www.ontario.ca/laws/statute/90f31", "See also:", "https://www.ipc.on.ca/guidance"}
		at := 0
		for _, want := range order {
			i := strings.Index(text[at:], want)
			if i < 0 {
				t.Fatalf("reminder lacks %q after position %d:\n%s", want, at, text)
			}
			at += i + len(want)
		}
	})
}

func headerOf(t *testing.T, raw []byte, name string) string {
	t.Helper()
	for _, line := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+": "); ok {
			return v
		}
	}
	return ""
}
