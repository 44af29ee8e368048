package reminder

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2025, 3, 5, 22, 0, 0, 0, time.UTC) // 17:00 in Toronto
	leads := []time.Duration{72 * time.Hour, 24 * time.Hour, 4 * time.Hour}
	cases := []struct {
		now  time.Time
		want string
		ok   bool
	}{
		{due.Add(-73 * time.Hour), "", false},
		{due.Add(-72 * time.Hour), "72h", true},
		{due.Add(-30 * time.Hour), "72h", true},
		{due.Add(-24 * time.Hour), "24h", true},
		{due.Add(-10 * time.Hour), "24h", true},
		{due.Add(-4 * time.Hour), "4h", true},
		{due.Add(-time.Second), "4h", true},
		{due, "overdue:2025-03-05", true},
		// Next day before 09:00 Toronto (13:59 UTC): nothing yet.
		{time.Date(2025, 3, 6, 13, 59, 0, 0, time.UTC), "", false},
		{time.Date(2025, 3, 6, 14, 0, 0, 0, time.UTC), "overdue:2025-03-06", true},
		{due.Add(MaxOverdueDays*24*time.Hour + time.Hour), "", false},
	}
	for _, c := range cases {
		got, ok := Window(due, c.now, leads, loc)
		if got != c.want || ok != c.ok {
			t.Errorf("now %s: got %q %v, want %q %v", c.now, got, ok, c.want, c.ok)
		}
	}
	if _, ok := Window(due, due.Add(-time.Hour), nil, loc); ok {
		t.Error("no leads configured still fired before the deadline")
	}
}

func TestLeadLabel(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{72 * time.Hour: "72h", 90 * time.Minute: "1h30m0s", 30 * time.Minute: "30m"} {
		if got := LeadLabel(d); got != want {
			t.Errorf("%v: %q want %q", d, got, want)
		}
	}
}
