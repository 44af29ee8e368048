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

// countsLine prints a map of counts as "KEY: n; KEY: n" in key order.
func countsLine(m map[string]int, lang string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s", k, count(m[k], lang)))
	}
	return strings.Join(parts, "; ")
}

// kindLabel names a breach kind or characteristic for people.
func kindLabel(k, lang string) string {
	fr := map[string]string{
		KindTheft: "Vol", KindLoss: "Perte", KindUnauthorizedUse: "Utilisation non autorisée",
		KindUnauthorizedDisclosure: "Communication non autorisée", KindUnauthorizedCollection: "Collecte non autorisée",
		TagInternalParty: "Partie interne", TagStranger: "Personne externe", TagRansomware: "Rançongiciel",
		TagCyberattack: "Cyberattaque", TagUnencryptedDevice: "Appareil portable non chiffré",
		TagPaperRecords: "Dossiers papier", TagMisdirected: "Envoi mal acheminé",
	}
	en := map[string]string{
		KindTheft: "Theft", KindLoss: "Loss", KindUnauthorizedUse: "Unauthorized use",
		KindUnauthorizedDisclosure: "Unauthorized disclosure", KindUnauthorizedCollection: "Unauthorized collection",
		TagInternalParty: "Internal party", TagStranger: "Stranger", TagRansomware: "Ransomware",
		TagCyberattack: "Cyberattack", TagUnencryptedDevice: "Unencrypted portable device",
		TagPaperRecords: "Paper records", TagMisdirected: "Misdirected communication",
	}
	table := en
	if lang == "fr" {
		table = fr
	}
	if s, ok := table[k]; ok {
		return s
	}
	return k
}

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
