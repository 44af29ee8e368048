package rosterfile

import (
	"strings"
	"unicode/utf8"
)

// maskValue hides a rejected value so that a reject list can be shared: an address keeps its
// first letter and the start of its domain (j***@ex***), other values their first character.
// Values that identify no one (a region, a language, a yes/no flag) are shown when short, so
// that the user can see what to fix.
func maskValue(f Field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	switch f {
	case FieldRegion, FieldCountry, FieldLanguage, FieldMinor, FieldDataCategories:
		if utf8.RuneCountInString(v) <= 20 {
			return v
		}
	case FieldEmail, FieldGuardianEmail:
		if at := strings.LastIndexByte(v, '@'); at > 0 {
			return firstRunes(v[:at], 1) + "***@" + firstRunes(v[at+1:], 2) + "***"
		}
	}
	if utf8.RuneCountInString(v) < 4 {
		return "***"
	}
	return firstRunes(v, 1) + "***"
}

func firstRunes(s string, n int) string {
	for j := range s {
		if n == 0 {
			return s[:j]
		}
		n--
	}
	return s
}
