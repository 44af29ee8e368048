package clock

import (
	"errors"
	"testing"
	"testing/fstest"
)

// A calendar built from a published list knows its holidays only for the
// years listed: a date outside them is an error, never "no holiday".
func TestCoverageYearsAreEnforced(t *testing.T) {
	fsys := fstest.MapFS{"cal/L.yaml": {Data: []byte(okHeader + "covers: {from: 2024, to: 2025}\nholidays:\n  - {name: Lunar, date: \"2025-01-29\"}\n")}}
	reg, err := Load(fsys, "cal")
	if err != nil {
		t.Fatal(err)
	}
	cal := mustCalendar(t, reg, "L")
	if got, err := cal.BusinessDaysAfter(mustDate(t, "2025-01-28"), 1); err != nil || got.String() != "2025-01-30" {
		t.Errorf("inside the covered years: %s, %v; want 2025-01-30", got, err)
	}
	for _, tc := range []struct{ from string }{{"2023-12-29"}, {"2025-12-30"}} {
		if _, err := cal.BusinessDaysAfter(mustDate(t, tc.from), 3); !errors.Is(err, ErrNotCovered) {
			t.Errorf("from %s: err = %v, want ErrNotCovered", tc.from, err)
		}
	}
	if _, err := cal.NextNonHoliday(mustDate(t, "2026-01-01")); !errors.Is(err, ErrNotCovered) {
		t.Errorf("NextNonHoliday in 2026: %v, want ErrNotCovered", err)
	}
	// A closure stored by an administrator keeps the calendar's bounds.
	with, err := reg.WithClosures([]Closure{{Calendar: "L", Date: mustDate(t, "2025-03-03"), Name: "Storm"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustCalendar(t, with, "L").BusinessDaysAfter(mustDate(t, "2025-12-30"), 3); !errors.Is(err, ErrNotCovered) {
		t.Errorf("with a closure, past the covered years: %v, want ErrNotCovered", err)
	}
	if _, _, limited := mustCalendar(t, defaultRegistry(t), "US-FEDERAL").Coverage(); limited {
		t.Error("a calendar of rules alone should cover every year")
	}
}

func TestCoverageMustBeAYearRange(t *testing.T) {
	fsys := fstest.MapFS{"cal/L.yaml": {Data: []byte(okHeader + "covers: {from: 2026, to: 2024}\n")}}
	if _, err := Load(fsys, "cal"); err == nil {
		t.Fatal("a backwards range loaded")
	}
}

// Reg. S-T 232.13 and Rule 0-2(c): EDGAR business days exclude federal
// holidays and days EDGAR is closed. An executive order closed agencies on
// 2025-12-24 and 2025-12-26; EDGAR's own closure is not confirmed, so the
// calendar can count those days both ways.
func TestUnconfirmedClosuresCanBeCountedOpen(t *testing.T) {
	edgar := mustCalendar(t, defaultRegistry(t), "US-SEC-EDGAR")
	from := mustDate(t, "2025-12-22")
	// Closed: Tue 23 = 1, Mon 29 = 2, Tue 30 = 3, Wed 31 = 4.
	if got := edgar.AddBusinessDays(from, 4); got.String() != "2025-12-31" {
		t.Errorf("closed on Dec 24 and 26: %s, want 2025-12-31", got)
	}
	// Open: Tue 23 = 1, Wed 24 = 2, Fri 26 = 3, Mon 29 = 4.
	if got := edgar.Confirmed().AddBusinessDays(from, 4); got.String() != "2025-12-29" {
		t.Errorf("open on Dec 24 and 26: %s, want 2025-12-29", got)
	}
	if un := edgar.Unconfirmed(from, mustDate(t, "2025-12-31")); len(un) != 2 {
		t.Errorf("unconfirmed closures = %v, want Dec 24 and Dec 26", un)
	}
	// The confirmed closure of 2025-01-09 (Carter mourning) stays closed.
	if edgar.Confirmed().IsBusinessDay(mustDate(t, "2025-01-09")) {
		t.Error("the confirmed closure of 2025-01-09 was counted open")
	}
	fed := mustCalendar(t, defaultRegistry(t), "US-FEDERAL")
	if fed.Confirmed() != fed {
		t.Error("a calendar with no unconfirmed closure should be its own confirmed view")
	}
}

// The list calendars (Singapore, South Korea, the Australian states) cover
// 2024-2026: a count into 2027 is an error, never a count with no holidays.
func TestListCalendarsRefuseUncoveredYears(t *testing.T) {
	reg := defaultRegistry(t)
	for _, id := range []string{"SG", "KR", "AU-NSW", "AU-VIC", "AU-QLD", "AU-SA", "AU-WA", "AU-TAS", "AU-NT", "AU-ACT"} {
		cal := mustCalendar(t, reg, id)
		if from, to, limited := cal.Coverage(); !limited || from != 2024 || to != 2026 {
			t.Errorf("%s: coverage %d-%d (%v), want 2024-2026", id, from, to, limited)
		}
		if _, err := cal.BusinessDaysAfter(mustDate(t, "2026-12-23"), 10); !errors.Is(err, ErrNotCovered) {
			t.Errorf("%s: a count ending in 2027: %v, want ErrNotCovered", id, err)
		}
		if _, err := cal.BusinessDaysAfter(mustDate(t, "2026-12-01"), 3); err != nil {
			t.Errorf("%s: a count inside 2026: %v", id, err)
		}
	}
}
