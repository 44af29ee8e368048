package rosterfile

import (
	"errors"
	"net/mail"
	"strings"
)

// Email problems, as shown to the user.
var (
	errEmailSyntax   = errors.New("not a valid address")
	errEmailMultiple = errors.New("more than one address in the cell")
	errEmailDomain   = errors.New("the domain has no dot or an empty label")
	errEmailSpace    = errors.New("the address contains a space")
	errEmailLength   = errors.New("the address is too long")
)

// NormaliseEmail checks an address and returns it with the domain in lower case. The local
// part is kept as written. "Name <addr>" is accepted and reduced to the address.
func NormaliseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errEmailSyntax
	}
	if strings.ContainsAny(s, ";,") && strings.Count(s, "@") > 1 {
		return "", errEmailMultiple
	}
	if !strings.ContainsAny(s, "<\"(") && strings.ContainsAny(s, " \t") {
		return "", errEmailSpace
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", errEmailSyntax
	}
	return checkAddress(a.Address)
}

// checkAddress applies the sanity rules net/mail does not: one @, a dotted domain of
// letters, digits and hyphens, no spaces, sensible lengths.
func checkAddress(addr string) (string, error) {
	if strings.ContainsAny(addr, " \t\r\n") {
		return "", errEmailSpace
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.IndexByte(addr, '@') != at {
		return "", errEmailSyntax
	}
	local, domain := addr[:at], addr[at+1:]
	if len(local) > 64 || len(addr) > 254 {
		return "", errEmailLength
	}
	if !validLocal(local) {
		return "", errEmailSyntax
	}
	if hasUpper(domain) {
		domain = strings.ToLower(domain)
		addr = local + "@" + domain
	}
	if err := checkDomain(domain); err != nil {
		return "", err
	}
	return addr, nil
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// validLocal accepts the dot-atom form of RFC 5322 (quoted local parts are refused).
func validLocal(local string) bool {
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if isAlnum(c) || c >= 0x80 || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func checkDomain(domain string) error {
	if !strings.Contains(domain, ".") {
		return errEmailDomain
	}
	tld := ""
	for rest := domain; rest != ""; {
		label, after, _ := strings.Cut(rest, ".")
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' || after == "" && strings.HasSuffix(rest, ".") {
			return errEmailDomain
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' && c < 0x80 {
				return errEmailSyntax
			}
		}
		tld, rest = label, after
	}
	if len(tld) < 2 || isDigits(tld) {
		return errEmailDomain
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
