package report

import (
	"fmt"
	"strings"
)

func genericKind() kindDef {
	return kindDef{
		info: KindInfo{ID: "generic", Title: "Breach report (generic, from the rule's content requirements)",
			Language: "en", RuleIDs: []string{"*"}, Filing: true},
		spec: genericSpec,
	}
}

// genericSpec builds a filing from Input.Requirements: each requirement names a
// catalogue key or an answer key, with the wording and citation of the rule.
func genericSpec(in Input) (filingSpec, error) {
	if len(in.Requirements) == 0 {
		return filingSpec{}, fmt.Errorf("%w: the generic filing needs the rule's content requirements", ErrInvalidInput)
	}
	fields := make([]field, 0, len(in.Requirements))
	for _, r := range in.Requirements {
		key := strings.TrimSpace(r.Field)
		if key == "" {
			return filingSpec{}, fmt.Errorf("%w: a content requirement has no field", ErrInvalidInput)
		}
		label := r.Label
		if label == "" {
			label = key
		}
		fields = append(fields, field{key: key, label: label, why: r.Citation, optional: r.Optional, long: isLongKey(key)})
	}
	title, subtitle := in.Title, ""
	if ob := in.Obligation; ob != nil {
		if title == "" && ob.Recipient != "" {
			title = "Breach report to " + ob.Recipient
		}
		subtitle = joinComma(ob.Jurisdiction, ob.Citation)
	}
	if title == "" {
		title = "Breach report"
	}
	org := section{title: "Organization", fields: []field{
		opt("org.name", "Organization", ""), opt("org.contact", "Contact person", ""),
	}}
	return filingSpec{title: title, subtitle: subtitle, lang: "en", paper: "Letter",
		sections: []section{org, {title: "Required content", fields: fields}}}, nil
}

// isLongKey tells which catalogue values are prose, printed as paragraphs.
func isLongKey(key string) bool {
	switch key {
	case "breach.description", "breach.cause", "breach.how_discovered", "breach.other_organizations",
		"breach.agents", "breach.containment", "breach.mitigation", "breach.prevention", "breach.harm",
		"breach.notification", "breach.individual_steps", "breach.safeguards", "breach.law_enforcement",
		"breach.delay_reason", "breach.data":
		return true
	}
	return !strings.Contains(key, ".") && !strings.HasPrefix(key, "residents:")
}
