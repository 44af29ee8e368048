package report

import (
	"fmt"
	"strings"
)

func stateKind() kindDef {
	return kindDef{
		info: KindInfo{ID: "us-state-ag", Title: "Notice of a security breach to a state attorney general",
			Regulator: "State attorney general (Input.State)", Language: "en", RuleIDs: []string{"US-XX"}, Filing: true},
		spec: stateSpec,
	}
}

// stateSpec builds the attorney-general notice for Input.State: a common core
// and the content the state's statute or form adds (regulations.md §2.12).
func stateSpec(in Input) (filingSpec, error) {
	code := strings.ToUpper(strings.TrimSpace(in.State))
	name := stateName(code)
	if name == "" {
		return filingSpec{}, fmt.Errorf("%w: %q is not a US state code", ErrInvalidInput, in.State)
	}
	law := "state breach notification law (" + code + ")"
	core := section{title: "The breach", fields: []field{
		req("breach.period", "Date of the breach (or estimated date or range)", law),
		req("breach.discovered", "Date the breach was discovered", law),
		para("breach.description", "Summary of the incident", law),
		req("breach.data", "Types of personal information involved", law),
		req("breach.affected", "Total number of persons affected", law),
		req("residents:US-"+code, "Number of "+name+" residents affected", law),
	}}
	org := section{title: "Notifying organization", fields: []field{
		req("org.name", "Organization name", law),
		req("org.address", "Organization address", law),
		req("org.contact", "Contact person", law),
	}}
	secs := []section{org, core}
	if extra := stateExtra(code, law); len(extra.fields) > 0 {
		secs = append(secs, extra)
	}
	return filingSpec{
		title:    "Notice of security breach to the " + name + " Attorney General",
		subtitle: name, lang: "en", paper: "Letter", notes: stateNotes(code), sections: secs,
	}, nil
}

// stateExtra is the content a state adds to the core.
func stateExtra(code, law string) section {
	s := section{title: "Additional content required by " + stateName(code)}
	switch code {
	case "TX":
		s.fields = []field{
			para("breach.cause", "Nature and circumstances of the breach", "Tex. Bus. & Com. Code §521.053"),
			req("notice.sent", "Number of Texas residents sent notice", "Tex. Bus. & Com. Code §521.053"),
			para("breach.mitigation", "Measures taken regarding the breach", "Tex. Bus. & Com. Code §521.053"),
			para("breach.prevention", "Measures planned to be taken regarding the breach", "Tex. Bus. & Com. Code §521.053"),
			req("breach.law_enforcement", "Whether law enforcement is engaged in investigating the breach", "Tex. Bus. & Com. Code §521.053"),
		}
	case "CA":
		s.title = "Notice of Data Breach (sample of the consumer notice)"
		s.fields = []field{
			para("breach.mitigation", "What We Are Doing", "Cal. Civ. Code §1798.82(d)"),
			para("breach.individual_steps", "What You Can Do", "Cal. Civ. Code §1798.82(d)"),
		}
	case "NM":
		s.fields = []field{para("breach.individual_steps", "Advice to review account statements and credit reports; rights under the FCRA", "NMSA 57-12C-7")}
	case "RI":
		s.fields = []field{
			para("breach.cause", "How the breach occurred", "R.I. Gen. Laws §11-49.3-4"),
			para(AnswerRemediationService, "Remediation services offered (provider, contact)", "R.I. Gen. Laws §11-49.3-4"),
			para("breach.individual_steps", "Police report and security freeze information", "R.I. Gen. Laws §11-49.3-4"),
		}
	case "OK":
		s.fields = []field{
			req("breach.determined", "Date the breach was determined", law),
			req("breach.kinds", "Nature of the breach", law),
			req("breach.monetary_impact", "Estimated monetary impact", law),
			para("breach.safeguards", "Reasonable safeguards the entity uses", law),
		}
	case "UT":
		s.fields = []field{opt("breach.kinds", "Nature of the breach", "Utah Code §13-44-202")}
	}
	return s
}

// stateNotes carries state-specific warnings about the notice's content.
func stateNotes(code string) []string {
	switch code {
	case "VT":
		return []string{"Vermont: a preliminary notice is due within 14 business days; the number of Vermont consumers affected and a copy of the consumer notice follow when consumers are notified (9 V.S.A. §2435)."}
	case "LA":
		return []string{"Louisiana: the names of all affected Louisiana residents are provided to the Attorney General separately; they are not printed in this document."}
	case "IL":
		return []string{"Illinois: the consumer notice must not state the number of Illinois residents affected."}
	case "UT":
		return []string{"Utah: the same notice goes to the Utah Cyber Center."}
	}
	return nil
}

// stateName names a US state, DC or Puerto Rico by its two-letter code, or "".
func stateName(code string) string {
	names := map[string]string{
		"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
		"CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
		"FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
		"IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
		"ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
		"MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
		"NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
		"NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
		"PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
		"SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
		"VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
	}
	return names[code]
}
