package clock

import (
	"testing"
	"time"
)

func TestEndOfDayAcrossDST(t *testing.T) {
	t.Parallel()
	tests := []struct{ zone, date, want string }{
		{"America/Toronto", "2026-03-07", "2026-03-07T23:59:59-05:00"},
		{"America/Toronto", "2026-03-08", "2026-03-08T23:59:59-04:00"}, // DST starts 02:00
		{"America/Toronto", "2025-11-02", "2025-11-02T23:59:59-05:00"}, // DST ends 02:00
		{"America/New_York", "2026-03-08", "2026-03-08T23:59:59-04:00"},
		{"America/New_York", "2025-11-01", "2025-11-01T23:59:59-04:00"},
		{"America/New_York", "2025-11-02", "2025-11-02T23:59:59-05:00"},
		{"Europe/Berlin", "2026-03-28", "2026-03-28T23:59:59+01:00"},
		{"Europe/Berlin", "2026-03-29", "2026-03-29T23:59:59+02:00"},
		{"Europe/Berlin", "2025-10-26", "2025-10-26T23:59:59+01:00"},
	}
	for _, tt := range tests {
		got := EndOfDay(mustDate(t, tt.date), mustZone(t, tt.zone)).Format(time.RFC3339)
		if got != tt.want {
			t.Errorf("EndOfDay(%s, %s) = %s, want %s", tt.date, tt.zone, got, tt.want)
		}
	}
	// The local day of the DST change is 23 hours long.
	loc := mustZone(t, "America/Toronto")
	d := mustDate(t, "2026-03-08")
	if got := EndOfDay(d, loc).Sub(d.In(loc, 0, 0, 0)); got != 23*time.Hour-time.Second {
		t.Errorf("length of 2026-03-08 in Toronto = %s", got)
	}
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2028-02-29", 48, "2032-02-29"},
		{"2026-02-16", 24, "2028-02-16"}, // TC31
		{"2025-08-31", 1, "2025-09-30"},
		{"2025-12-15", 1, "2026-01-15"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2025-01-15", -13, "2023-12-15"},
		{"2025-05-10", 0, "2025-05-10"},
	}
	for _, tt := range tests {
		if got := AddMonths(mustDate(t, tt.from), tt.n); got.String() != tt.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestDateBasics(t *testing.T) {
	t.Parallel()
	d := mustDate(t, "2025-02-17")
	if d != (Date{2025, time.February, 17}) || d.String() != "2025-02-17" || d.Weekday() != time.Monday {
		t.Errorf("ParseDate = %+v %s %s", d, d, d.Weekday())
	}
	if got := d.AddDays(12).String(); got != "2025-03-01" {
		t.Errorf("AddDays(12) = %s", got)
	}
	if got := mustDate(t, "2024-12-31").AddDays(1).String(); got != "2025-01-01" {
		t.Errorf("year rollover = %s", got)
	}
	e := mustDate(t, "2025-02-18")
	if !d.Before(e) || d.After(e) || !e.After(d) || d.Equal(e) || !d.Equal(mustDate(t, "2025-02-17")) {
		t.Error("ordering is wrong")
	}
	for _, bad := range []string{"2025-02-30", "17/02/2025", "", "2025-2-7"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	// DateOf uses the instant's own zone: 03:00 UTC is the previous day in Toronto.
	inst := time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)
	if got := DateOf(inst.In(mustZone(t, "America/Toronto"))).String(); got != "2025-02-28" {
		t.Errorf("DateOf = %s", got)
	}
	var back Date
	if txt, _ := d.MarshalText(); back.UnmarshalText(txt) != nil || back != d {
		t.Errorf("text round trip = %+v", back)
	}
}
