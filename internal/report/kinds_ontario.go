package report

const ipcName = "Information and Privacy Commissioner of Ontario"

// ipcNotes are the instructions every version of the IPC form opens with.
func ipcNotes() []string {
	return []string{
		"Important note: do not include any personal information or personal health information with this report.",
		"Investigation, containment and remediation may not be complete when this report is submitted; " +
			"it gives as much of the requested information as is presently known. The IPC may request additional information.",
	}
}

// ipcTerms are the words that differ between the health and public-sector versions of the IPC form.
type ipcTerms struct {
	info     string // "personal health information" or "personal information"
	reporter string // "custodian" or "institution"
	cite     string // provision the report is made under
}

// ipcOrgSection is "Type of organization" and contact details.
func ipcOrgSection(t ipcTerms, orgType string) section {
	return section{title: "Reporting organization", fields: []field{
		req("org.name", "Name of the reporting "+t.reporter, t.cite),
		{key: "org.type", label: "Type of organization", why: "IPC report form (required)", fallback: orgType},
		req("org.address", "Mailing address", t.cite),
		req("org.contact", "Contact person for this report (name, title, e-mail, telephone)", t.cite),
		req("report.date", "Date of this report", "IPC report form (required)"),
	}}
}

// ipcDescription is the form's "Description of the privacy breach" block.
func ipcDescription(t ipcTerms, health bool) section {
	fields := []field{
		para("breach.description", "What happened?", t.cite),
		para("breach.cause", "How the "+t.info+" came to be stolen or lost or used or disclosed without authority", t.cite),
		req("breach.kinds", "Type of breach (theft, loss, unauthorized use, unauthorized disclosure)", t.cite),
		req("breach.period", "Date (or date range) of the theft(s), loss(es) or unauthorized use(s) or disclosure(s)", t.cite),
		req("breach.discovered", "Date the privacy breach was discovered by the reporting "+t.reporter, t.cite),
		para("breach.how_discovered", "How the privacy breach was discovered by the reporting "+t.reporter, t.cite),
	}
	if health {
		fields = append(fields,
			paraOpt("breach.agents", "How many agents of the reporting custodian were responsible, in whole or in part, for causing this privacy breach? Please explain.", t.cite),
			para("breach.other_organizations", "In addition to the reporting custodian, how many other health information custodians were involved in this privacy breach? Please explain.", t.cite))
	} else {
		fields = append(fields, para("breach.other_organizations", "Were other organizations (institutions, service providers) involved in this privacy breach? Please explain.", t.cite))
	}
	fields = append(fields,
		para("breach.data", "Nature of the "+t.info+" that was stolen or lost or used or disclosed without authority", t.cite),
		req("breach.affected", "Number of individuals whose "+t.info+" was stolen or lost or used or disclosed without authority", t.cite))
	return section{title: "Description of the privacy breach", fields: fields}
}

// ipcResponse is containment, notification and remediation.
func ipcResponse(t ipcTerms) []section {
	return []section{
		{title: "Containment", fields: []field{
			para("breach.containment", "Steps taken by, or at the direction of, the reporting "+t.reporter+" to contain the privacy breach, the dates they were taken and their outcome", t.cite),
		}},
		{title: "Notification, investigation and remediation", fields: []field{
			para("breach.notification", "Notification of affected individuals: whether, when and how", t.cite),
			para("breach.mitigation", "Investigation and remediation steps", t.cite),
			para("breach.prevention", "Steps taken or planned to prevent a similar breach", t.cite),
		}},
	}
}

func phipaKind() kindDef {
	t := ipcTerms{info: "personal health information", reporter: "custodian", cite: "PHIPA s.12(3); O. Reg. 329/04 s.6.3"}
	secs := []section{
		ipcOrgSection(t, "Health information custodian - reporting a breach as required under section 12(3) of the Personal Health Information Protection Act, 2004 and Ontario Regulation 329/04"),
		ipcDescription(t, true),
		{title: "Reason for reporting", fields: []field{
			req(AnswerPHIPACircumstance, "Circumstance(s) under O. Reg. 329/04 s.6.3 that require this report", "O. Reg. 329/04 s.6.3"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "on-ipc-phipa", Title: "Privacy breach report (PHIPA)", Regulator: ipcName,
			Language: "en", RuleIDs: []string{"ON-PHIPA-IPC"}, Filing: true},
		spec: fixed(filingSpec{title: "Privacy breach report — Personal Health Information Protection Act, 2004",
			subtitle: "Report to the " + ipcName + " under s.12(3) PHIPA and O. Reg. 329/04 s.6.3",
			lang:     "en", paper: "Letter", notes: ipcNotes(), sections: append(secs, ipcResponse(t)...)}),
	}
}

func fippaKind() kindDef {
	t := ipcTerms{info: "personal information", reporter: "institution", cite: "FIPPA s.40.1"}
	secs := []section{
		ipcOrgSection(t, "Institution (ministry or other provincial institution) - reporting a breach under section 40.1 of the Freedom of Information and Protection of Privacy Act"),
		ipcDescription(t, false),
		{title: "Determination and risk of significant harm", fields: []field{
			req("breach.determined", "Date the head determined that the theft, loss or unauthorized use or disclosure occurred", "FIPPA s.40.1 (report as soon as feasible after the head's determination)"),
			req(AnswerRiskOfHarm, "Is it reasonable in the circumstances to believe there is a real risk of significant harm to an individual?", "FIPPA s.40.1"),
			para("breach.harm", "Assessment: sensitivity of the information, likelihood of misuse, and whether individuals can take steps to reduce the harm", "FIPPA s.40.1; IPC guidance"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "on-ipc-fippa", Title: "Privacy breach report (FIPPA s.40.1)", Regulator: ipcName,
			Language: "en", RuleIDs: []string{"ON-FIPPA-IPC"}, Filing: true},
		spec: fixed(filingSpec{title: "Privacy breach report — Freedom of Information and Protection of Privacy Act, s.40.1",
			subtitle: "Report to the " + ipcName,
			lang:     "en", paper: "Letter", notes: ipcNotes(), sections: append(secs, ipcResponse(t)...)}),
	}
}

func mfippaKind() kindDef {
	t := ipcTerms{info: "personal information", reporter: "institution",
		cite: "IPC, Privacy Breaches: Guidelines for Public Sector Organizations (voluntary report)"}
	secs := []section{
		ipcOrgSection(t, "Institution under the Municipal Freedom of Information and Protection of Privacy Act - voluntary report following the IPC's guidelines for public sector organizations"),
		ipcDescription(t, false),
		{title: "Assessment", fields: []field{
			paraOpt("breach.harm", "Assessment of the risk of harm to affected individuals", t.cite),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "on-ipc-mfippa", Title: "Voluntary privacy breach report (MFIPPA)", Regulator: ipcName,
			Language: "en", RuleIDs: []string{"ON-MFIPPA"}, Filing: true},
		spec: fixed(filingSpec{title: "Privacy breach report — Municipal Freedom of Information and Protection of Privacy Act",
			subtitle: "Voluntary report to the " + ipcName + ", following Privacy Breaches: Guidelines for Public Sector Organizations",
			lang:     "en", paper: "Letter", notes: ipcNotes(), sections: append(secs, ipcResponse(t)...)}),
	}
}
