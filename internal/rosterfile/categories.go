package rosterfile

import (
	"fmt"
	"slices"
	"strings"
)

// splitCategories splits a cell on ; , and | and returns category ids: the alias's id when
// aliases are given (an unknown label is then an error), otherwise the label as a slug
// ("Date of birth" -> "date_of_birth"). Duplicates are removed; order is kept.
func splitCategories(cell string, aliases map[string]string) ([]string, error) {
	parts := strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ',' || r == '|' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		id := FoldWords(p)
		if id == "" {
			continue
		}
		if aliases != nil {
			mapped, ok := aliases[FoldKey(p)]
			if !ok {
				return nil, fmt.Errorf("unknown data category %q", strings.TrimSpace(p))
			}
			id = mapped
		} else {
			id = strings.ReplaceAll(id, " ", "_")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
