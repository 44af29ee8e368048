package notice

import (
	"testing"
	"time"
)

// TestGrantIsExact: a window grants exactly its cap, whoever asks and in
// whatever pieces; the next window starts afresh; the hour's cap binds
// across seconds; and a refusal says how long until the window opens.
func TestGrantIsExact(t *testing.T) {
	t.Parallel()
	s := &Service{opts: Options{PerSecond: 10, PerHour: 25}}
	t0 := time.Date(2026, 12, 6, 14, 0, 0, 300e6, time.UTC)
	row := budgetRow{SecondStart: t0.Truncate(time.Second), HourStart: t0.Truncate(time.Hour)}
	total := 0
	for _, want := range []int{4, 4, 4, 4} {
		n, _ := s.grant(&row, t0, want)
		total += n
	}
	if total != 10 {
		t.Fatalf("one second granted %d, want the cap of 10", total)
	}
	if n, wait := s.grant(&row, t0, 1); n != 0 || wait != 700*time.Millisecond {
		t.Fatalf("past the cap: %d, wait %v", n, wait)
	}
	next := t0.Add(time.Second)
	if n, _ := s.grant(&row, next, 50); n != 10 {
		t.Fatalf("the next second granted %d", n)
	}
	if n, wait := s.grant(&row, next.Add(time.Second), 50); n != 5 || wait != time.Hour-2300*time.Millisecond {
		t.Fatalf("the hour's last five: %d, wait %v", n, wait)
	}
}

// TestPaceSpreadsASecond: grants of one second are sent at their place in
// it (the 250th message of 500 a second half-way through), never waiting
// for a place already passed; without a per-second cap nothing waits.
func TestPaceSpreadsASecond(t *testing.T) {
	t.Parallel()
	s := &Service{opts: Options{PerSecond: 500}}
	sec := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	row := budgetRow{SecondStart: sec, HourStart: sec}
	now := sec.Add(10 * time.Millisecond)
	var waits []time.Duration
	for i := 0; i < 4; i++ {
		before := row.SecondCount
		n, _ := s.grant(&row, now, 125)
		waits = append(waits, s.paceDelay(grantTicket{n: n, before: before, second: sec}, now))
	}
	want := []time.Duration{-10 * time.Millisecond, 240 * time.Millisecond, 490 * time.Millisecond, 740 * time.Millisecond}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	if d := (&Service{}).paceDelay(grantTicket{n: 50, before: 400, second: sec}, now); d != 0 {
		t.Fatalf("no cap: waits %v", d)
	}
}
