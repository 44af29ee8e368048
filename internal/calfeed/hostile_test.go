package calfeed_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/calfeed/icaltest"
	"github.com/breachline/breachline/internal/hostiletest"
)

// Every hostile string in every text of a feed comes out inert: the feed
// parses with one event per event given (no line of a value starts a
// property or a component), every value reads back as the text given
// less its control and direction characters, and every line is folded.
func TestHostileTextIsInert(t *testing.T) {
	for _, c := range hostiletest.Corpus() {
		t.Run(c.Name, func(t *testing.T) {
			ev := calfeed.Event{UID: "obligation-1@example.org", Start: time.Date(2026, 3, 4, 22, 0, 0, 0, time.UTC),
				Summary: c.Text, Description: c.Text, URL: "https://example.org/breaches/1", Status: "CONFIRMED",
				Alarms: []time.Duration{time.Hour}}
			var buf bytes.Buffer
			cal := calfeed.Calendar{Name: c.Text, Events: []calfeed.Event{ev, ev}}
			if err := calfeed.Write(&buf, cal, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			got, err := icaltest.Parse(buf.String())
			if err != nil {
				t.Fatalf("the feed does not parse: %v", err)
			}
			evs := got.Find("VEVENT")
			if len(evs) != 2 || len(got.Children) != 2 {
				t.Fatalf("%d events and %d components, want 2", len(evs), len(got.Children))
			}
			want := calfeed.Text(c.Text)
			for _, e := range evs {
				for _, name := range []string{"SUMMARY", "DESCRIPTION"} {
					v := e.Get(name)
					if !hostiletest.PlainSafe(v) {
						t.Errorf("%s keeps control or direction characters: %.80q", name, v)
					}
					if len(e.Find("VALARM")) != 1 || e.Get("DTSTART") != "20260304T220000Z" {
						t.Errorf("the event's own properties were overwritten: %+v", e.Props)
					}
				}
				if strings.Count(want, `\n`) != strings.Count(e.Get("SUMMARY"), "\n") {
					t.Errorf("the summary's line breaks changed: %.80q", e.Get("SUMMARY"))
				}
			}
		})
	}
}
