package roster

import "strings"

// DedupKey returns the keys under which two people are the same person: the address in lower
// case, and the folded name with the folded street address, postal code and country. A key
// is empty when the person lacks what it needs (no email; no name or no street address).
func DedupKey(p *Person) (emailKey, nameAddressKey string) {
	if p.Email != "" {
		emailKey = strings.ToLower(p.Email)
	}
	name := foldWords(p.Name)
	street := foldWords(p.Address1)
	if name != "" && street != "" {
		postal := strings.ReplaceAll(p.PostalCode, " ", "")
		nameAddressKey = name + "|" + street + "|" + foldWords(p.Address2) + "|" + postal + "|" + p.Country
	}
	return emailKey, nameAddressKey
}
