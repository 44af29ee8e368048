package rules

import "sort"

// sortObligations: required first (soonest due first), then undetermined,
// then permitted steps that apply (shown apart), then not required;
// catalogue order otherwise.
func sortObligations(list []Obligation) {
	rank := func(o *Obligation) int {
		switch {
		case o.Kind == KindPermitted && o.Applies != nil && *o.Applies:
			return 2
		case o.Required == nil:
			return 1
		case *o.Required:
			return 0
		}
		return 3
	}
	// Sort pointers: an Obligation is large and swapping values is costly.
	ptrs := make([]*Obligation, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	sort.SliceStable(ptrs, func(i, j int) bool {
		a, b := ptrs[i], ptrs[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		if a.Due != nil && b.Due != nil {
			return a.Due.Before(*b.Due)
		}
		return a.Due != nil && b.Due == nil
	})
	sorted := make([]Obligation, len(list))
	for i, p := range ptrs {
		sorted[i] = *p
	}
	copy(list, sorted)
}
