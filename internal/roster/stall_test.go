package roster

import (
	"strings"
	"testing"
	"time"
)

func TestStalledImports(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { at := now.Add(-d); return &at }
	for _, tc := range []struct {
		name string
		imp  Import
		want string
	}{
		{"queued a moment ago", Import{Status: StatusQueued, CreatedAt: *ago(time.Minute)}, ""},
		{"queued long ago", Import{Status: StatusQueued, CreatedAt: *ago(5 * time.Minute)}, "No worker has started"},
		{"running with recent progress", Import{Status: StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(10 * time.Minute), ProgressAt: ago(time.Second)}, ""},
		{"running, progress stopped", Import{Status: StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(10 * time.Minute), ProgressAt: ago(3 * time.Minute)}, "since 11:57 UTC"},
		{"running, never reported", Import{Status: StatusRunning, CreatedAt: *ago(time.Hour), StartedAt: ago(5 * time.Minute)}, "since 11:55 UTC"},
		{"done long ago", Import{Status: StatusDone, CreatedAt: *ago(48 * time.Hour)}, ""},
	} {
		got := stalledReason(tc.imp, now)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
