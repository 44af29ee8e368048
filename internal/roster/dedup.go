package roster

import (
	"strings"

	"github.com/breachline/breachline/internal/rosterfile"
)

// DedupKey returns the keys under which two people are the same person: the address in lower
// case, and the folded name with the folded street address, postal code and country. A key
// is empty when the person lacks what it needs (no email; no name or no street address).
func DedupKey(p *rosterfile.Person) (emailKey, nameAddressKey string) {
	if p.Email != "" {
		emailKey = strings.ToLower(p.Email)
	}
	name := rosterfile.FoldWords(p.Name)
	street := rosterfile.FoldWords(p.Address1)
	if name != "" && street != "" {
		postal := strings.ReplaceAll(p.PostalCode, " ", "")
		nameAddressKey = name + "|" + street + "|" + rosterfile.FoldWords(p.Address2) + "|" + postal + "|" + p.Country
	}
	return emailKey, nameAddressKey
}
