package calfeed_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/calfeed/icaltest"
)

func TestTextEscaping(t *testing.T) {
	t.Parallel()
	got := calfeed.Text("a,b;c\\d\r\ne\x01f")
	if got != `a\,b\;c\\d\ne`+"f" {
		t.Fatalf("got %q", got)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		72 * time.Hour: "P3D", 4 * time.Hour: "PT4H", 26*time.Hour + 30*time.Minute: "P1DT2H30M",
		90 * time.Second: "PT1M30S", 0: "PT0S", 15 * time.Minute: "PT15M",
	} {
		if got := calfeed.Duration(d); got != want {
			t.Errorf("%v: got %s want %s", d, got, want)
		}
	}
}

func TestWriteFoldsAndParsesBack(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Commissaire à l'information et à la protection de la vie privée, ", 4)
	ev := calfeed.Event{
		UID: "obligation-7@example.org", Sequence: 3,
		LastModified: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Start:        time.Date(2025, 3, 4, 22, 0, 0, 0, time.FixedZone("EST", -5*3600)),
		Summary:      "BR-2025-0007: notify IPC; \"quoted\", comma",
		Description:  long + "\nCitation: s. 12(2)\\x",
		URL:          "https://example.org/breaches/7",
		Status:       "CONFIRMED",
		Alarms:       []time.Duration{72 * time.Hour, 4 * time.Hour},
	}
	var buf bytes.Buffer
	stamp := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	if err := calfeed.Write(&buf, calfeed.Calendar{Name: "Deadlines", Events: []calfeed.Event{ev}}, stamp); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !utf8.ValidString(raw) {
		t.Fatal("fold split a UTF-8 sequence")
	}
	cal, err := icaltest.Parse(raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if cal.Kind != "VCALENDAR" || cal.Get("VERSION") != "2.0" || cal.Get("PRODID") == "" {
		t.Fatalf("calendar header: %+v", cal.Props)
	}
	evs := cal.Find("VEVENT")
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	checks := map[string]string{
		"UID": ev.UID, "SEQUENCE": "3", "DTSTART": "20250305T030000Z", "DTSTAMP": "20250302T000000Z",
		"LAST-MODIFIED": "20250301T120000Z", "SUMMARY": ev.Summary, "DESCRIPTION": ev.Description,
		"STATUS": "CONFIRMED", "URL": ev.URL,
	}
	for k, want := range checks {
		if got := e.Get(k); got != want {
			t.Errorf("%s: got %q want %q", k, got, want)
		}
	}
	alarms := e.Find("VALARM")
	if len(alarms) != 2 || alarms[0].Get("TRIGGER") != "-P3D" || alarms[1].Get("TRIGGER") != "-PT4H" {
		t.Fatalf("alarms: %+v", alarms)
	}
	if !strings.Contains(raw, "\r\n ") {
		t.Fatal("long description was not folded")
	}
}

func TestCancelledHasNoAlarms(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ev := calfeed.Event{UID: "u@x", Start: time.Now(), Summary: "s", Status: "CANCELLED", Alarms: []time.Duration{time.Hour}}
	if err := calfeed.Write(&buf, calfeed.Calendar{Events: []calfeed.Event{ev}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	cal, err := icaltest.Parse(buf.String())
	if err != nil {
		t.Fatal(err)
	}
	e := cal.Find("VEVENT")[0]
	if e.Get("STATUS") != "CANCELLED" || len(e.Find("VALARM")) != 0 {
		t.Fatalf("cancelled event: %+v", e)
	}
}
