package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// zoneOf picks the zone printed times use: Input.Zone, then the organization's
// zone, then UTC.
func zoneOf(in Input) *time.Location {
	if in.Zone != nil {
		return in.Zone
	}
	if in.Org.TimeZone != "" {
		if z, err := time.LoadLocation(in.Org.TimeZone); err == nil {
			return z
		}
	}
	return time.UTC
}

// formatDate prints the local calendar date of an instant.
func formatDate(t time.Time, z *time.Location) string {
	return t.In(z).Format("2006-01-02")
}

// formatOptTime prints an optional instant, or "" when nil.
func formatOptTime(t *time.Time, z *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return formatTime(*t, z)
}

// count prints a number with thousands separators in the document's language.
func count(n int, lang string) string {
	s := strconv.Itoa(n)
	sep := ","
	if lang == "fr" {
		sep = "\u00a0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// joinList joins non-empty items with "; ".
func joinList(items []string) string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// countsLine prints counts by region as "Alberta: 160; Ontario: 1,000",
// by region name.
func countsLine(m map[string]int, lang string) string {
	type row struct {
		name string
		n    int
	}
	rows := make([]row, 0, len(m))
	for k, n := range m {
		rows = append(rows, row{regionName(k, lang), n})
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.name, b.name) })
	sep := ": "
	if lang == "fr" {
		sep = "\u00a0: "
	}
	parts := make([]string, 0, len(rows))
	for _, r := range rows {
		parts = append(parts, r.name+sep+count(r.n, lang))
	}
	return strings.Join(parts, "; ")
}

// kindLabel names a breach kind or characteristic for people.
func kindLabel(k, lang string) string { return lookupLabel(breachKinds, k, lang) }

// natureLabel names the security property a breach affected.
func natureLabel(n, lang string) string {
	fr := map[string]string{"confidentiality": "Confidentialité", "integrity": "Intégrité", "availability": "Disponibilité"}
	en := map[string]string{"confidentiality": "Confidentiality", "integrity": "Integrity", "availability": "Availability"}
	table := en
	if lang == "fr" {
		table = fr
	}
	if s, ok := table[strings.ToLower(n)]; ok {
		return s
	}
	return n
}

// stageLabel names a stage in the document's language.
func stageLabel(stage string, w words) string {
	if s, ok := w.stages[stage]; ok {
		return s
	}
	return stage
}

// normStage validates a filing stage; empty means preliminary.
func normStage(s string) (string, error) {
	switch s {
	case "":
		return StagePreliminary, nil
	case StagePreliminary, StageUpdate, StageFinal:
		return s, nil
	}
	return "", fmt.Errorf("%w: stage %q is not preliminary, update or final", ErrInvalidInput, s)
}
