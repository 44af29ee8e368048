package report

import (
	"fmt"
	"strings"
)

func stateKind() kindDef {
	return kindDef{
		info: KindInfo{ID: "us-state-ag", Title: "Notice of a security breach to a state attorney general",
			Regulator: "Attorney General of the state concerned (or the agency its law names)", Language: "en", RuleIDs: []string{"US-XX"}, Filing: true},
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
	law := stateLaw(code)
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
		title:    "Notice of security breach to the " + StateRegulator(code),
		subtitle: name + " — " + law, lang: "en", paper: "Letter", notes: stateNotes(code), sections: secs,
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

// StateRegulator names the authority a state's breach law sends its notice
// to: the Attorney General, or the agency the law names instead (New
// Jersey's Division of State Police, Puerto Rico's DACO). "" for an
// unknown code.
func StateRegulator(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	name := stateName(code)
	if name == "" {
		return ""
	}
	switch code {
	case "NJ":
		return "New Jersey Division of State Police"
	case "PR":
		return "Puerto Rico Department of Consumer Affairs (DACO)"
	case "FL":
		return "Florida Department of Legal Affairs"
	case "HI":
		return "Hawaii Office of Consumer Protection"
	case "SC":
		return "South Carolina Department of Consumer Affairs"
	case "DC":
		return "Attorney General for the District of Columbia"
	}
	return name + " Attorney General"
}

// stateLaw names a state's breach notification statute.
func stateLaw(code string) string {
	if c, ok := stateStatutes[code]; ok {
		return c
	}
	return stateName(code) + " breach notification law"
}

// stateStatutes are the citations of the state breach statutes
// (regulations.md §1.6).
var stateStatutes = map[string]string{
	"AL": "Ala. Code §8-38-1 et seq.", "AK": "Alaska Stat. §45.48.010 et seq.", "AZ": "A.R.S. §18-551-552",
	"AR": "Ark. Code §4-110-101 et seq.", "CA": "Cal. Civ. Code §1798.82", "CO": "C.R.S. §6-1-716",
	"CT": "Conn. Gen. Stat. §36a-701b", "DE": "6 Del. C. §12B-101 et seq.", "DC": "D.C. Code §28-3851 et seq.",
	"FL": "Fla. Stat. §501.171", "GA": "O.C.G.A. §10-1-910 et seq.", "HI": "HRS ch. 487N",
	"ID": "Idaho Code §28-51-104 et seq.", "IL": "815 ILCS 530/10", "IN": "Ind. Code §24-4.9", "IA": "Iowa Code ch. 715C",
	"KS": "K.S.A. 50-7a01 et seq.", "KY": "KRS 365.732", "LA": "La. R.S. 51:3071 et seq.; LAC 16:III.701",
	"ME": "10 M.R.S. §1346-1350-B", "MD": "Md. Com. Law §14-3501 et seq.", "MA": "M.G.L. c.93H §3", "MI": "MCL 445.72",
	"MN": "Minn. Stat. §325E.61", "MS": "Miss. Code §75-24-29", "MO": "Mo. Rev. Stat. §407.1500", "MT": "Mont. Code §30-14-1704",
	"NE": "Neb. Rev. Stat. §87-803", "NV": "NRS 603A.220", "NH": "RSA 359-C:20", "NJ": "N.J.S.A. 56:8-161 to -166",
	"NM": "N.M. Stat. §57-12C-1 et seq.", "NY": "N.Y. GBL §899-aa", "NC": "N.C.G.S. §75-61, §75-65", "ND": "N.D.C.C. §51-30-02",
	"OH": "ORC §1349.19", "OK": "24 O.S. §161-166", "OR": "ORS 646A.604", "PA": "73 P.S. §2301 et seq.",
	"PR": "10 L.P.R.A. §4051 et seq.", "RI": "R.I. Gen. Laws §11-49.3-4", "SC": "S.C. Code §39-1-90", "SD": "SDCL §22-40-20",
	"TN": "T.C.A. §47-18-2107", "TX": "Tex. Bus. & Com. Code §521.053", "UT": "Utah Code §13-44-202", "VT": "9 V.S.A. §2435",
	"VA": "Va. Code §18.2-186.6", "WA": "RCW 19.255.010", "WV": "W. Va. Code §46A-2A-101 et seq.", "WI": "Wis. Stat. §134.98",
	"WY": "Wyo. Stat. §40-12-501 et seq.",
}
