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
	say := v.p()
	return listWords{
		field: "organization.roles", notGiven: say.rolesNotGiven,
		names: func(ids []string) string { return v.termList(v.Roles, ids, say.or) },
		yes: func(_ string, ids []string) string {
			return fmt.Sprintf(say.roleIs, phrase(v.Roles, ids[0]))
		},
		no: func(names string) string { return fmt.Sprintf(say.roleIsNot, names) },
	}
}

func sectorWords(v *Vocabulary) listWords {
	say := v.p()
	return listWords{
		field: "organization.sectors", notGiven: say.sectorsNotGiven,
		names: func(ids []string) string { return v.termList(v.Sectors, ids, say.or) },
		yes: func(_ string, ids []string) string {
			return fmt.Sprintf(say.sectorIs, phrase(v.Sectors, ids[0]))
		},
		no: func(names string) string { return fmt.Sprintf(say.sectorIsNot, names) },
	}
}

func kindWords(v *Vocabulary) listWords {
	say := v.p()
	return listWords{
		field: "kinds", notGiven: say.kindsNotGiven,
		names: func(ids []string) string { return v.termList(v.Kinds, ids, say.or) },
		yes:   func(names string, _ []string) string { return fmt.Sprintf(say.kindIs, names) },
		no:    func(names string) string { return fmt.Sprintf(say.kindIsNot, names) },
	}
}

func dataWords(v *Vocabulary) listWords {
	say := v.p()
	return listWords{
		field: "data_categories", notGiven: say.dataNotGiven,
		names: func(ids []string) string { return v.termList(v.DataCategories, ids, say.or) },
		yes:   func(names string, _ []string) string { return fmt.Sprintf(say.dataIs, names) },
		no:    func(names string) string { return fmt.Sprintf(say.dataIsNot, names) },
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
func (v *Vocabulary) people(n int) string {
	if n == 1 {
		return v.p().onePerson
	}
	return fmt.Sprintf(v.p().manyPeople, n)
}

// opWords spells a comparison for people: "more than 500".
func (p *phrases) opWords(op string, n int) string {
	return fmt.Sprintf("%s %d", p.ops[op], n)
}
