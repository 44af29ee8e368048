package clock

import (
	"errors"
	"sync"
	"testing"
)

func TestAddBusinessDays(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	tests := []struct {
		name, cal, from string
		n               int
		want            string
	}{
		{"TC14 Thanksgiving", "US-SEC-EDGAR", "2025-11-26", 4, "2025-12-03"},
		{"TC14 federal", "US-FEDERAL", "2025-11-26", 4, "2025-12-03"},
		{"TC16 Columbus Day", "US-SEC-EDGAR", "2025-10-10", 4, "2025-10-17"},
		{"TC19 Jul 4", "US-FEDERAL", "2024-07-01", 10, "2024-07-16"},
		{"Good Friday counts in US", "US-FEDERAL", "2026-04-01", 2, "2026-04-03"},
		{"Carter closure", "US-SEC-EDGAR", "2025-01-07", 4, "2025-01-14"},
		{"no Carter closure for federal", "US-FEDERAL", "2025-01-07", 4, "2025-01-13"},
		{"EO closures Dec 2025", "US-SEC-EDGAR", "2025-12-22", 4, "2025-12-31"},
		{"Ontario Family Day", "CA-ON-LEGISLATION", "2025-02-10", 10, "2025-02-25"},
		{"Ontario Christmas 2027", "CA-ON-LEGISLATION", "2027-12-23", 2, "2027-12-29"},
		{"Brazil Consciência Negra", "BR", "2025-11-19", 1, "2025-11-21"},
		{"Brazil 2023 no Nov 20", "BR", "2023-11-17", 1, "2023-11-20"},
		{"Brazil Carnaval counts", "BR", "2026-02-13", 2, "2026-02-17"},
		{"Japan year end", "JP", "2026-12-28", 1, "2027-01-04"},
		{"Japan Golden Week", "JP", "2026-05-01", 1, "2026-05-07"},
		{"zero is identity even on holiday", "US-FEDERAL", "2025-12-25", 0, "2025-12-25"},
		{"backwards", "US-FEDERAL", "2025-12-01", -4, "2025-11-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustCalendar(t, reg, tt.cal)
			if got := cal.AddBusinessDays(mustDate(t, tt.from), tt.n); got.String() != tt.want {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestNextBusinessDay(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	tests := []struct{ cal, from, want string }{
		{"US-FEDERAL", "2025-12-03", "2025-12-03"},
		{"US-FEDERAL", "2026-07-03", "2026-07-06"},
		{"US-SEC-EDGAR", "2025-01-09", "2025-01-10"},
		{"CA-ON-LEGISLATION", "2027-12-25", "2027-12-29"},
		{"CA-ON-LEGISLATION", "2026-02-28", "2026-03-02"}, // PHIPA stats: Saturday rolls to Monday here
		{"JP", "2026-12-29", "2027-01-04"},
		{"JP", "2026-09-21", "2026-09-24"},
		{"BR", "2027-11-20", "2027-11-22"},
		{"FR", "2025-12-13", "2025-12-15"}, // TC08 DORA relief
		{"DE", "2026-12-25", "2026-12-28"},
		{"IE", "2030-02-01", "2030-02-04"}, // St Brigid's Day on a Friday
		{"UK-EW", "2027-12-25", "2027-12-29"},
		{"US-VT", "2026-03-03", "2026-03-04"}, // Town Meeting Day
	}
	for _, tt := range tests {
		cal := mustCalendar(t, reg, tt.cal)
		if got := cal.NextBusinessDay(mustDate(t, tt.from)); got.String() != tt.want {
			t.Errorf("%s NextBusinessDay(%s) = %s, want %s", tt.cal, tt.from, got, tt.want)
		}
	}
}

// Whatever the start, a business-day count never ends on a weekend,
// holiday or closure.
func TestBusinessDaysNeverLandOnClosures(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	for _, id := range []string{"US-SEC-EDGAR", "JP", "CA-ON-LEGISLATION"} {
		cal := mustCalendar(t, reg, id)
		start := mustDate(t, "2025-01-01")
		for d := start; d.Before(mustDate(t, "2026-02-01")); d = d.AddDays(1) {
			for _, n := range []int{1, 4, 10} {
				got := cal.AddBusinessDays(d, n)
				if h, hol := cal.Holiday(got); hol || cal.IsWeekend(got) {
					t.Fatalf("%s: %s + %d = %s, a non-working day (%+v)", id, d, n, got, h)
				}
			}
		}
	}
}

func TestWithClosuresReachesExtendingCalendarsAndLeavesTheOriginal(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	days := []string{"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"}
	var list []Closure
	for _, s := range days {
		list = append(list, Closure{Calendar: "US-FEDERAL", Date: mustDate(t, s), Name: "Executive order closure"})
	}
	var wg sync.WaitGroup
	var with *Registry
	wg.Add(2)
	go func() {
		defer wg.Done()
		var err error
		if with, err = reg.WithClosures(list); err != nil {
			t.Error(err)
		}
	}()
	go func() {
		defer wg.Done()
		edgar := mustCalendar(t, reg, "US-SEC-EDGAR")
		for range 50 {
			_ = edgar.AddBusinessDays(mustDate(t, "2026-02-25"), 10)
		}
	}()
	wg.Wait()
	for _, id := range []string{"US-FEDERAL", "US-SEC-EDGAR"} {
		cal := mustCalendar(t, with, id)
		// The whole week of 2 March is closed: 1 business day after Fri 27 Feb is Mon 9 Mar.
		if got := cal.AddBusinessDays(mustDate(t, "2026-02-27"), 1); got.String() != "2026-03-09" {
			t.Errorf("%s: after closures got %s, want 2026-03-09", id, got)
		}
		if h, ok := cal.Holiday(mustDate(t, "2026-03-04")); !ok || h.Kind != KindClosure {
			t.Errorf("%s: 2026-03-04 = %+v, %v; want a closure", id, h, ok)
		}
		if got := mustCalendar(t, reg, id).AddBusinessDays(mustDate(t, "2026-02-27"), 1); got.String() != "2026-03-02" {
			t.Errorf("%s: the original registry changed: %s", id, got)
		}
	}
	if _, err := reg.WithClosures([]Closure{{Calendar: "XX", Date: mustDate(t, "2026-03-02"), Name: "x"}}); !errors.Is(err, ErrUnknownCalendar) {
		t.Errorf("a closure of an unknown calendar: %v", err)
	}
	if _, err := reg.WithClosures([]Closure{{Calendar: "US-FEDERAL", Date: mustDate(t, "2026-03-02"), Name: " "}}); err == nil {
		t.Error("a closure without a name was accepted")
	}
}
