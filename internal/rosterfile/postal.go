package rosterfile

import (
	"errors"
	"strings"
)

// Postal code problems.
var (
	errPostalCA     = errors.New("not a Canadian postal code (A1A 1A1)")
	errPostalUS     = errors.New("not a US ZIP code (12345 or 12345-6789)")
	errPostalUSZero = errors.New("not a US ZIP code: 4 digits, a leading zero was probably lost in a spreadsheet")
	errPostalGB     = errors.New("not a UK postcode")
	errPostal5      = errors.New("not a 5-digit postal code")
	errPostalNL     = errors.New("not a Dutch postcode (1234 AB)")
	errPostalDigits = errors.New("not a 4-digit postal code")
	errPostal       = errors.New("not a postal code")
)

// NormalisePostal checks a postal code against its country (alpha-2; empty when unknown) and
// returns it in the country's usual form: "k1a0b1" -> "K1A 0B1" for Canada.
func NormalisePostal(value, country string) (string, error) {
	v := cleanPostal(value)
	switch country {
	case "CA":
		return canadianPostal(v)
	case "US":
		return usZIP(v)
	case "GB":
		return ukPostcode(v)
	case "DE", "FR", "ES", "IT", "FI", "HR", "EE", "LT":
		return fixedDigits(strings.TrimPrefix(strings.TrimPrefix(v, country+"-"), "D-"), 5, errPostal5)
	case "BE", "AT", "CH", "DK", "NO", "LU", "HU", "SI", "BG", "CY":
		return fixedDigits(strings.TrimPrefix(v, country+"-"), 4, errPostalDigits)
	case "NL":
		return dutchPostal(v)
	case "":
		if p, err := canadianPostal(v); err == nil {
			return p, nil
		}
	}
	return genericPostal(v)
}

// canadaPostalLetters are the letters Canada Post uses (no D, F, I, O, Q, U; no W, Z first).
const (
	canadaFirst = "ABCEGHJKLMNPRSTVXY"
	canadaOther = "ABCEGHJKLMNPRSTVWXYZ"
)

// cleanPostal upper-cases a postal code and collapses its spaces, without allocating
// when it is already clean.
func cleanPostal(value string) string {
	v := strings.TrimSpace(value)
	clean := true
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= 'a' && c <= 'z' || c == ' ' && v[i-1] == ' ' || c == '\t' || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return v
	}
	return strings.ToUpper(strings.Join(strings.Fields(v), " "))
}

func canadianPostal(v string) (string, error) {
	var c [6]byte
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' || v[i] == '-' {
			continue
		}
		if n == 6 {
			return "", errPostalCA
		}
		c[n] = v[i]
		n++
	}
	if n != 6 {
		return "", errPostalCA
	}
	for i := range 6 {
		ch := c[i]
		switch {
		case i == 0 && strings.IndexByte(canadaFirst, ch) >= 0:
		case i%2 == 0 && i > 0 && strings.IndexByte(canadaOther, ch) >= 0:
		case i%2 == 1 && ch >= '0' && ch <= '9':
		default:
			return "", errPostalCA
		}
	}
	if len(v) == 7 && v[3] == ' ' {
		return v, nil // already in A1A 1A1 form: no allocation
	}
	return string(c[:3]) + " " + string(c[3:]), nil
}

// postalInProvince reports whether a Canadian postal code's first letter belongs to region.
func postalInProvince(postal, region string) bool {
	for _, s := range canada {
		if s.code == region {
			return postal != "" && strings.IndexByte(s.postal1, postal[0]) >= 0
		}
	}
	return false
}

// provincesForPostal lists the provinces a Canadian postal code's first letter belongs to.
func provincesForPostal(postal string) []string {
	p, err := canadianPostal(strings.ToUpper(strings.TrimSpace(postal)))
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range canada {
		if strings.IndexByte(s.postal1, p[0]) >= 0 {
			out = append(out, s.code)
		}
	}
	return out
}

func usZIP(v string) (string, error) {
	c := strings.ReplaceAll(v, " ", "")
	switch {
	case len(c) == 5 && isDigits(c):
		return c, nil
	case len(c) == 10 && c[5] == '-' && isDigits(c[:5]) && isDigits(c[6:]):
		return c, nil
	case len(c) == 9 && isDigits(c):
		return c[:5] + "-" + c[5:], nil
	case len(c) == 4 && isDigits(c):
		return "", errPostalUSZero
	}
	return "", errPostalUS
}

// ukPostcode checks the outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA).
func ukPostcode(v string) (string, error) {
	c := strings.ReplaceAll(v, " ", "")
	if len(c) < 5 || len(c) > 7 {
		return "", errPostalGB
	}
	out, in := c[:len(c)-3], c[len(c)-3:]
	if !isDigit(in[0]) || !isLetter(in[1]) || !isLetter(in[2]) || !isLetter(out[0]) {
		return "", errPostalGB
	}
	rest := out[1:]
	if len(rest) > 0 && isLetter(rest[0]) {
		rest = rest[1:]
	}
	if len(rest) == 0 || !isDigit(rest[0]) || len(rest) > 2 {
		return "", errPostalGB
	}
	if len(rest) == 2 && !isDigit(rest[1]) && !isLetter(rest[1]) {
		return "", errPostalGB
	}
	return out + " " + in, nil
}

func dutchPostal(v string) (string, error) {
	c := strings.ReplaceAll(v, " ", "")
	if len(c) != 6 || !isDigits(c[:4]) || c[0] == '0' || !isLetter(c[4]) || !isLetter(c[5]) {
		return "", errPostalNL
	}
	return c[:4] + " " + c[4:], nil
}

func fixedDigits(v string, n int, bad error) (string, error) {
	if len(v) != n || !isDigits(v) {
		return "", bad
	}
	return v, nil
}

// genericPostal accepts 2 to 10 letters, digits, spaces and hyphens with at least one digit.
func genericPostal(v string) (string, error) {
	if len(v) < 2 || len(v) > 10 {
		return "", errPostal
	}
	digit := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c):
			digit = true
		case isLetter(c), c == ' ', c == '-':
		default:
			return "", errPostal
		}
	}
	if !digit {
		return "", errPostal
	}
	return v, nil
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
