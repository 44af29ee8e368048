package reminder

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxOverdueDays stops daily overdue reminders this many days after the due
// instant; the obligation still shows as overdue everywhere else.
const MaxOverdueDays = 30

// MorningHour is the local hour after which a day's overdue reminder is sent
// (on the due day itself it goes as soon as the deadline passes).
const MorningHour = 9

// Window returns the reminder label that is current at now for a deadline
// due at due, and whether a reminder is due at all. Before the deadline it
// is the smallest lead whose time has come, so a job that runs late (or an
// obligation created 10 hours before its deadline) sends one reminder for
// the current window, not one for every window already passed.
func Window(due, now time.Time, leads []time.Duration, loc *time.Location) (string, bool) {
	if !now.Before(due) {
		return overdueLabel(due, now, loc)
	}
	sorted := append([]time.Duration(nil), leads...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for _, lead := range sorted {
		if !now.Before(due.Add(-lead)) {
			return LeadLabel(lead), true
		}
	}
	return "", false
}

func overdueLabel(due, now time.Time, loc *time.Location) (string, bool) {
	if now.Sub(due) > MaxOverdueDays*24*time.Hour {
		return "", false
	}
	local := now.In(loc)
	day := local.Format("2006-01-02")
	if day != due.In(loc).Format("2006-01-02") && local.Hour() < MorningHour {
		return "", false
	}
	return "overdue:" + day, true
}

// TargetLabel turns a window label into the label of a reminder counted
// towards an internal target: "target:24h", or "target:passed:2025-03-05"
// once the target is past (a target is never overdue in law).
func TargetLabel(label string) string {
	if day, ok := strings.CutPrefix(label, "overdue:"); ok {
		return "target:passed:" + day
	}
	return "target:" + label
}

// LeadLabel names a lead time compactly: "72h", "90m", "1h30m".
func LeadLabel(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0 && d < time.Hour:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// MaxLead is the longest lead time (how far ahead the job must look).
func MaxLead(leads []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range leads {
		m = max(m, d)
	}
	return m
}

// DueKey is the canonical text of a due instant in the claim key.
func DueKey(due time.Time) string { return due.UTC().Format(time.RFC3339) }
