package clock

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Expected non-working days (holidays, observed days and closures; not the
// every-Sunday rule) written by hand from the statutes, per year, as MM-DD.
// Cross-checked against regulations.md §3.2 for 2025–2027.
var expectedHolidays = map[string]map[int]string{
	"US-FEDERAL": {
		2024: "01-01 01-15 02-19 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25",
		2025: "01-01 01-20 02-17 05-26 06-19 07-04 09-01 10-13 11-11 11-27 12-25",
		2026: "01-01 01-19 02-16 05-25 06-19 07-03 07-04 09-07 10-12 11-11 11-26 12-25",
		2027: "01-01 01-18 02-15 05-31 06-18 06-19 07-04 07-05 09-06 10-11 11-11 11-25 12-24 12-25 12-31",
		2028: "01-01 01-17 02-21 05-29 06-19 07-04 09-04 10-09 11-10 11-11 11-23 12-25",
		2029: "01-01 01-15 02-19 05-28 06-19 07-04 09-03 10-08 11-11 11-12 11-22 12-25",
		2030: "01-01 01-21 02-18 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25",
	},
	"CA-ON-LEGISLATION": {
		2024: "01-01 02-19 03-29 04-01 05-20 07-01 08-05 09-02 10-14 11-11 12-25 12-26",
		2025: "01-01 02-17 04-18 04-21 05-19 07-01 08-04 09-01 10-13 11-11 12-25 12-26",
		2026: "01-01 02-16 04-03 04-06 05-18 07-01 08-03 09-07 10-12 11-11 12-25 12-26 12-28",
		2027: "01-01 02-15 03-26 03-29 05-24 07-01 08-02 09-06 10-11 11-11 12-25 12-26 12-27 12-28",
		2028: "01-01 02-21 04-14 04-17 05-22 07-01 08-07 09-04 10-09 11-11 12-25 12-26",
		2029: "01-01 02-19 03-30 04-02 05-21 07-01 07-02 08-06 09-03 10-08 11-11 11-12 12-25 12-26",
		2030: "01-01 02-18 04-19 04-22 05-20 07-01 08-05 09-02 10-14 11-11 12-25 12-26",
	},
	"CA-FEDERAL": {
		2024: "01-01 03-29 04-01 05-20 07-01 09-02 09-30 10-14 11-11 12-25 12-26",
		2025: "01-01 04-18 04-21 05-19 07-01 09-01 09-30 10-13 11-11 12-25 12-26",
		2026: "01-01 04-03 04-06 05-18 07-01 09-07 09-30 10-12 11-11 12-25 12-26",
		2027: "01-01 03-26 03-29 05-24 07-01 09-06 09-30 10-11 11-11 12-25 12-26",
		2028: "01-01 04-14 04-17 05-22 07-01 09-04 09-30 10-09 11-11 12-25 12-26",
		2029: "01-01 03-30 04-02 05-21 07-01 07-02 09-03 09-30 10-08 11-11 11-12 12-25 12-26",
		2030: "01-01 04-19 04-22 05-20 07-01 09-02 09-30 10-14 11-11 12-25 12-26",
	},
	"BR": {
		2024: "01-01 03-29 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2025: "01-01 04-18 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2026: "01-01 04-03 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2027: "01-01 03-26 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2028: "01-01 04-14 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2029: "01-01 03-30 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
		2030: "01-01 04-19 04-21 05-01 09-07 10-12 11-02 11-15 11-20 12-25",
	},
	"JP": {
		2024: "01-01 01-02 01-03 01-08 02-11 02-12 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-22 09-23 10-14 11-03 11-04 11-23 12-29 12-30 12-31",
		2025: "01-01 01-02 01-03 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-21 08-11 09-15 09-23 10-13 11-03 11-23 11-24 12-29 12-30 12-31",
		2026: "01-01 01-02 01-03 01-12 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-20 08-11 09-21 09-22 09-23 10-12 11-03 11-23 12-29 12-30 12-31",
		2027: "01-01 01-02 01-03 01-11 02-11 02-23 03-21 03-22 04-29 05-03 05-04 05-05 07-19 08-11 09-20 09-23 10-11 11-03 11-23 12-29 12-30 12-31",
		2028: "01-01 01-02 01-03 01-10 02-11 02-23 03-20 04-29 05-03 05-04 05-05 07-17 08-11 09-18 09-22 10-09 11-03 11-23 12-29 12-30 12-31",
		2029: "01-01 01-02 01-03 01-08 02-11 02-12 02-23 03-20 04-29 04-30 05-03 05-04 05-05 07-16 08-11 09-17 09-23 09-24 10-08 11-03 11-23 12-29 12-30 12-31",
		2030: "01-01 01-02 01-03 01-14 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-23 10-14 11-03 11-04 11-23 12-29 12-30 12-31",
	},
	// Listed by date for 2024-2026 only (see coverage).
	"SG": {
		2024: "01-01 02-10 02-11 02-12 03-29 04-10 05-01 05-22 06-17 08-09 10-31 12-25",
		2025: "01-01 01-29 01-30 03-31 04-18 05-01 05-03 05-12 06-07 08-09 10-20 12-25",
		2026: "01-01 02-17 02-18 03-21 04-03 05-01 05-27 05-31 06-01 08-09 08-10 11-08 11-09 12-25",
	},
	"KR": {
		2024: "01-01 02-09 02-10 02-11 02-12 03-01 04-10 05-05 05-06 05-15 06-06 08-15 09-16 09-17 09-18 10-01 10-03 10-09 12-25",
		2025: "01-01 01-27 01-28 01-29 01-30 03-01 03-03 05-05 05-06 06-03 06-06 08-15 10-03 10-05 10-06 10-07 10-08 10-09 12-25",
		2026: "01-01 02-16 02-17 02-18 03-01 03-02 05-05 05-24 05-25 06-03 06-06 08-15 08-17 09-24 09-25 09-26 10-03 10-05 10-09 12-25",
	},
	"AU-NSW": {
		2024: "01-01 01-26 03-29 03-30 03-31 04-01 04-25 06-10 10-07 12-25 12-26",
		2025: "01-01 01-26 01-27 04-18 04-19 04-20 04-21 04-25 06-09 10-06 12-25 12-26",
		2026: "01-01 01-26 04-03 04-04 04-05 04-06 04-25 06-08 10-05 12-25 12-26 12-28",
	},
	"AU-VIC": {2025: "01-01 01-26 01-27 03-10 04-18 04-19 04-20 04-21 04-25 06-09 09-26 11-04 12-25 12-26"},
	"AU-WA":  {2026: "01-01 01-26 03-02 04-03 04-05 04-06 04-25 04-27 06-01 09-28 12-25 12-26 12-28"},
	"AU-ACT": {2025: "01-01 01-26 01-27 03-10 04-18 04-19 04-20 04-21 04-25 06-02 06-09 10-06 12-25 12-26"},
	"AU-QLD": {2025: "01-01 01-26 01-27 04-18 04-19 04-20 04-21 04-25 05-05 10-06 12-25 12-26"},
}

func TestHolidayLists(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	for id, years := range expectedHolidays {
		cal := mustCalendar(t, reg, id)
		for year, want := range years {
			t.Run(fmt.Sprintf("%s/%d", id, year), func(t *testing.T) {
				var got []string
				for _, h := range cal.Holidays(year) {
					if h.Kind != KindWeekendRule {
						got = append(got, fmt.Sprintf("%02d-%02d", int(h.Date.Month), h.Date.Day))
					}
				}
				if g := strings.Join(got, " "); g != want {
					t.Errorf("Holidays(%d)\n got %s\nwant %s", year, g, want)
				}
			})
		}
	}
}

func TestHolidayNamesAndKinds(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	tests := []struct {
		cal, date, name, kind string
		ok                    bool
	}{
		{"US-FEDERAL", "2026-07-03", "Independence Day (observed)", KindHoliday, true},
		{"US-FEDERAL", "2026-04-03", "", "", false}, // Good Friday is a US business day
		{"US-FEDERAL", "2025-11-28", "", "", false}, // day after Thanksgiving
		{"US-FEDERAL", "2020-06-19", "", "", false}, // Juneteenth only from 2021
		{"US-FEDERAL", "2021-06-18", "Juneteenth National Independence Day (observed)", KindHoliday, true},
		{"US-FEDERAL", "2025-01-09", "", "", false}, // EDGAR closure, not a legal public holiday
		{"US-SEC-EDGAR", "2025-01-09", "National Day of Mourning (President Jimmy Carter)", KindClosure, true},
		{"US-SEC-EDGAR", "2025-11-27", "Thanksgiving Day", KindHoliday, true},
		{"CA-ON-LEGISLATION", "2026-02-15", "Sunday", KindWeekendRule, true},
		{"CA-ON-LEGISLATION", "2026-02-14", "", "", false}, // Saturday is not a holiday
		{"CA-ON-LEGISLATION", "2027-12-27", "Christmas Day (observed)", KindHoliday, true},
		{"CA-ON-LEGISLATION", "2027-12-25", "Christmas Day", KindHoliday, true},
		{"CA-ON-ESA", "2025-08-04", "", "", false}, // Civic Holiday is not an ESA holiday
		{"CA-ON-ESA", "2025-04-21", "", "", false}, // nor Easter Monday
		{"CA-ON-ESA", "2025-02-17", "Family Day", KindHoliday, true},
		{"CA-FEDERAL", "2025-09-30", "National Day for Truth and Reconciliation", KindHoliday, true},
		{"CA-FEDERAL", "2020-09-30", "", "", false},
		{"CA-ON-LEGISLATION", "2025-09-30", "", "", false},
		{"BR", "2023-11-20", "", "", false}, // Consciência Negra only from 2024
		{"BR", "2026-02-16", "", "", false}, // Carnaval is ponto facultativo
		{"BR", "2026-06-04", "", "", false}, // Corpus Christi too
		{"JP", "2027-01-01", "New Year's Day", KindHoliday, true},
		{"JP", "2027-01-02", "Year-end and New Year closure of administrative organs", KindClosure, true},
		{"JP", "2026-09-22", "Citizens' Holiday", KindHoliday, true},
		{"JP", "2019-12-23", "", "", false}, // Emperor's Birthday moved to Feb 23 from 2020
		{"JP", "2018-12-24", "Emperor's Birthday (observed)", KindHoliday, true},
	}
	for _, tt := range tests {
		t.Run(tt.cal+"/"+tt.date, func(t *testing.T) {
			h, ok := mustCalendar(t, reg, tt.cal).Holiday(mustDate(t, tt.date))
			if ok != tt.ok || h.Name != tt.name || h.Kind != tt.kind {
				t.Errorf("Holiday = %+v, %v; want %q %q %v", h, ok, tt.name, tt.kind, tt.ok)
			}
		})
	}
}

func TestEasterAndEquinox(t *testing.T) {
	t.Parallel()
	// Published Easter Sundays and NAOJ equinox days.
	easters := map[int]string{2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21", 2038: "2038-04-25", 2285: "2285-03-22"}
	for y, want := range easters {
		if got := easter(y).String(); got != want {
			t.Errorf("easter(%d) = %s, want %s", y, got, want)
		}
	}
	equinoxes := []struct {
		y    int
		want string
	}{{2012, "2012-03-20"}, {2012, "2012-09-22"}, {2020, "2020-03-20"}, {2023, "2023-09-23"}, {1980, "1980-03-20"}}
	for _, e := range equinoxes {
		d, _ := ParseDate(e.want)
		if got, ok := equinox(e.y, d.Month); !ok || got != d {
			t.Errorf("equinox(%d, %s) = %s, want %s", e.y, d.Month, got, e.want)
		}
	}
	if _, ok := equinox(2100, 3); ok {
		t.Error("equinox(2100) should be outside the formula's range")
	}
}

func TestEveryCalendarLoads(t *testing.T) {
	t.Parallel()
	reg := defaultRegistry(t)
	ids := reg.IDs()
	for _, want := range []string{"US-FEDERAL", "US-SEC-EDGAR", "CA-ON-LEGISLATION", "CA-ON-ESA", "CA-FEDERAL", "BR", "JP"} {
		if !slices.Contains(ids, want) {
			t.Errorf("IDs() = %v, missing %s", ids, want)
		}
	}
	for _, id := range ids {
		cal := mustCalendar(t, reg, id)
		if cal.ID() != id || cal.Name() == "" || cal.Source() == "" || cal.Status() == "" {
			t.Errorf("%s: incomplete header: %q %q %q", id, cal.Name(), cal.Status(), cal.Source())
		}
		if n := len(cal.Holidays(2026)); n < 5 {
			t.Errorf("%s: only %d holidays in 2026", id, n)
		}
	}
}
