package web

import (
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/roster"
)

func TestStalledImports(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { at := now.Add(-d); return &at }
	for _, tc := range []struct {
		name string
		imp  roster.Import
		want string
	}{
		{"queued a moment ago", roster.Import{Status: roster.StatusQueued, CreatedAt: *ago(time.Minute)}, ""},
		{"queued long ago", roster.Import{Status: roster.StatusQueued, CreatedAt: *ago(5 * time.Minute)}, "No worker has started"},
		{"running with recent progress", roster.Import{Status: roster.StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(10 * time.Minute), ProgressAt: ago(time.Second)}, ""},
		{"running, progress stopped", roster.Import{Status: roster.StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(10 * time.Minute), ProgressAt: ago(3 * time.Minute)}, "since 11:57 UTC"},
		{"running, never reported", roster.Import{Status: roster.StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(5 * time.Minute)}, "since 11:55 UTC"},
		{"done long ago", roster.Import{Status: roster.StatusDone, CreatedAt: *ago(48 * time.Hour)}, ""},
	} {
		got := stalled(tc.imp, now)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
