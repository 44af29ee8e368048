package rosterfile

import (
	"errors"
	"strings"
)

// dialPlan describes a country's numbers: calling code, national trunk prefix dropped when
// writing E.164 ("0" in the UK, none in Italy), and the national significant number length.
type dialPlan struct {
	cc       string
	trunk    string
	min, max int
}

// dialPlans covers North America and the European countries our rosters come from.
var dialPlans = map[string]dialPlan{
	"CA": {"1", "", 10, 10}, "US": {"1", "", 10, 10}, "PR": {"1", "", 10, 10},
	"GB": {"44", "0", 9, 10}, "IE": {"353", "0", 7, 9}, "FR": {"33", "0", 9, 9},
	"DE": {"49", "0", 6, 13}, "BE": {"32", "0", 8, 9}, "NL": {"31", "0", 9, 9},
	"LU": {"352", "", 4, 11}, "CH": {"41", "0", 9, 9}, "AT": {"43", "0", 4, 13},
	"IT": {"39", "", 6, 11}, "ES": {"34", "", 9, 9}, "PT": {"351", "", 9, 9},
	"DK": {"45", "", 8, 8}, "NO": {"47", "", 8, 8}, "SE": {"46", "0", 7, 13},
	"FI": {"358", "0", 5, 12}, "IS": {"354", "", 7, 9}, "PL": {"48", "", 9, 9},
	"CZ": {"420", "", 9, 9}, "SK": {"421", "0", 9, 9}, "HU": {"36", "06", 8, 9},
	"RO": {"40", "0", 9, 9}, "BG": {"359", "0", 8, 9}, "GR": {"30", "", 10, 10},
	"HR": {"385", "0", 8, 9}, "SI": {"386", "0", 8, 8}, "EE": {"372", "", 7, 8},
	"LV": {"371", "", 8, 8}, "LT": {"370", "8", 8, 8}, "MT": {"356", "", 8, 8},
	"CY": {"357", "", 8, 8}, "MC": {"377", "", 8, 9}, "LI": {"423", "", 7, 9},
}

// Phone problems.
var (
	errPhoneChars    = errors.New("contains characters that are not part of a phone number")
	errPhoneCountry  = errors.New("no country code and no country to read it with")
	errPhoneCode     = errors.New("unknown or unsupported country calling code")
	errPhoneLength   = errors.New("wrong number of digits for the country")
	errPhoneNANP     = errors.New("not a valid North American number (area code and exchange cannot start with 0 or 1)")
	errPhoneNoPrefix = errors.New("does not start with the national prefix or a country code")
)

// NormalisePhone returns a number in E.164 (+14165550123). A number without "+" or "00" is
// read with country (alpha-2: the row's country or the default). Extensions ("x12", "ext. 12",
// "poste 12") are not part of E.164 and survive only in the original. What cannot be read
// unambiguously is an error.
func NormalisePhone(value, country string) (string, error) {
	digits, intl, err := phoneDigits(value)
	if err != nil {
		return "", err
	}
	if intl {
		return international(digits)
	}
	plan, ok := dialPlans[country]
	if !ok {
		if country == "" {
			return "", errPhoneCountry
		}
		return "", errPhoneCode
	}
	if plan.cc == "1" && strings.HasPrefix(digits, "011") {
		return international(digits[3:])
	}
	if plan.cc == "1" {
		return nanp(strings.TrimPrefix(digits, "1"), len(digits) == 11 && digits[0] == '1' || len(digits) == 10)
	}
	if strings.HasPrefix(digits, "00") {
		return international(digits[2:])
	}
	if plan.trunk != "" {
		if !strings.HasPrefix(digits, plan.trunk) {
			return "", errPhoneNoPrefix
		}
		digits = digits[len(plan.trunk):]
	}
	if len(digits) < plan.min || len(digits) > plan.max {
		return "", errPhoneLength
	}
	return "+" + plan.cc + digits, nil
}

// phoneDigits keeps the digits of a number, dropping spaces, dots, dashes, slashes and
// brackets and any extension. intl reports a leading "+".
func phoneDigits(value string) (digits string, intl bool, err error) {
	v := strings.TrimSpace(cutExtension(value))
	if strings.HasPrefix(v, "+") {
		intl, v = true, v[1:]
	}
	if strings.Contains(v, "(0)") {
		v = strings.ReplaceAll(v, "(0)", "")
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c):
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return "", false, errPhoneChars
		}
	}
	if b.Len() == 0 {
		return "", false, errPhoneChars
	}
	return b.String(), intl, nil
}

// cutExtension removes a trailing extension marker and its digits.
func cutExtension(v string) string {
	if strings.IndexFunc(v, isExtensionMark) < 0 {
		return v
	}
	// Lower-case ASCII only: strings.ToLower would turn invalid UTF-8 into
	// U+FFFD and shift the byte offsets used to cut v.
	lower := asciiLower(v)
	for _, m := range []string{" ext.", " ext", " x", " poste", ",", ";", "#"} {
		if i := strings.LastIndex(lower, m); i > 0 && isDigits(strings.TrimSpace(strings.TrimLeft(lower[i+len(m):], ". :"))) {
			return v[:i]
		}
	}
	return v
}

// asciiLower lower-cases A-Z and leaves every other byte where it is.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// international reads digits that start with a country calling code.
func international(digits string) (string, error) {
	digits = strings.TrimPrefix(digits, "00")
	if strings.HasPrefix(digits, "1") {
		return nanp(digits[1:], true)
	}
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc := digits[:n]
		for _, plan := range dialPlans {
			if plan.cc != cc {
				continue
			}
			nsn := digits[n:]
			if len(nsn) < plan.min || len(nsn) > plan.max {
				return "", errPhoneLength
			}
			return "+" + digits, nil
		}
	}
	return "", errPhoneCode
}

// nanp checks a 10-digit North American number: area code and exchange start with 2-9.
func nanp(d string, lengthOK bool) (string, error) {
	if !lengthOK || len(d) != 10 {
		return "", errPhoneLength
	}
	if d[0] < '2' || d[3] < '2' {
		return "", errPhoneNANP
	}
	return "+1" + d, nil
}

// isExtensionMark reports characters that can only belong to an extension marker.
func isExtensionMark(r rune) bool {
	return r == ',' || r == ';' || r == '#' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
