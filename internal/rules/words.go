package rules

import (
	"fmt"
	"strings"
)

// listWords phrases a list condition (roles, sectors, breach kinds, data
// categories) in the vocabulary's words rather than its ids.
type listWords struct {
	field    string // the facts field to fill when the list is empty
	notGiven string
	names    func(ids []string) string
	yes      func(names string, ids []string) string
	no       func(names string) string
}

func roleWords(v *Vocabulary) listWords {
	return listWords{
		field: "organization.roles", notGiven: "the organization's roles are not given",
		names: func(ids []string) string { return v.termList(v.Roles, ids, "or") },
		yes: func(_ string, ids []string) string {
			return "the organization is " + phrase(v.Roles, ids[0])
		},
		no: func(names string) string { return "the organization is not " + names },
	}
}

func sectorWords(v *Vocabulary) listWords {
	return listWords{
		field: "organization.sectors", notGiven: "the organization's sectors are not given",
		names: func(ids []string) string { return v.termList(v.Sectors, ids, "or") },
		yes: func(_ string, ids []string) string {
			return "the organization is in the " + phrase(v.Sectors, ids[0]) + " sector"
		},
		no: func(names string) string { return "the organization is not in the " + names + " sector" },
	}
}

func kindWords(v *Vocabulary) listWords {
	return listWords{
		field: "kinds", notGiven: "the kind of breach (theft, loss, unauthorized access…) is not given",
		names: func(ids []string) string { return v.termList(v.Kinds, ids, "or") },
		yes:   func(names string, _ []string) string { return "the breach involves " + names },
		no:    func(names string) string { return "the breach involves none of: " + names },
	}
}

func dataWords(v *Vocabulary) listWords {
	return listWords{
		field: "data_categories", notGiven: "the categories of personal information involved are not given",
		names: func(ids []string) string { return v.termList(v.DataCategories, ids, "or") },
		yes:   func(names string, _ []string) string { return "the information involved includes " + names },
		no:    func(names string) string { return "the information involved includes none of: " + names },
	}
}

// termList names terms as "a, b or c" (or "and").
func (v *Vocabulary) termList(terms []Term, ids []string, conj string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = phrase(terms, id)
	}
	return joinWords(names, conj)
}

// regionList names regions as "A, B or C".
func (v *Vocabulary) regionList(codes []string, conj string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = v.RegionName(c)
	}
	return joinWords(names, conj)
}

// joinWords joins "a", "a or b", "a, b or c".
func joinWords(list []string, conj string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " " + conj + " " + list[len(list)-1]
}

// people says "1 affected person" or "612 affected people".
func people(n int) string {
	if n == 1 {
		return "1 affected person"
	}
	return fmt.Sprintf("%d affected people", n)
}

// opWords spells a comparison for people: "more than 500".
func opWords(op string, n int) string {
	words := map[string]string{">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most", "==": "exactly", "!=": "other than"}
	return fmt.Sprintf("%s %d", words[op], n)
}
