package report

// canadianKinds are the Ontario, federal and other provincial filings.
func canadianKinds() []kindDef {
	return []kindDef{phipaKind(), fippaKind(), mfippaKind(), pipedaKind(), caiKind(), albertaKind(), bcKind()}
}

func pipedaKind() kindDef {
	const s2 = "SOR/2018-64 s.2(1)"
	secs := []section{
		{title: "Organization", fields: []field{
			req("org.name", "Organization", s2),
			opt("org.type", "Sector", "OPC practice"),
			req("org.address", "Address", s2),
			req("org.contact", "Name and contact information of a person who can answer the Commissioner's questions about the breach", s2+"(g)"),
		}},
		{title: "The breach", fields: []field{
			para("breach.description", "Description of the circumstances of the breach", s2+"(a)"),
			{key: "breach.cause", label: "Cause of the breach, if known", why: s2 + "(a)", optional: true, long: true},
			req("breach.period", "Day on which, or period during which, the breach occurred (or an approximate period)", s2+"(b)"),
			opt("breach.discovered", "Date the breach was discovered", "OPC practice"),
			para("breach.data", "Personal information that is the subject of the breach", s2+"(c)"),
			req("breach.affected", "Number of individuals affected by the breach (or an approximate number)", s2+"(d)"),
			opt("breach.affected_by_region", "Individuals affected by province, territory or country", "OPC practice"),
			paraOpt("breach.harm", "Assessment of the real risk of significant harm (sensitivity, probability of misuse)", "PIPEDA s.10.1(7)-(8)"),
		}},
		{title: "Response", fields: []field{
			paraOpt("breach.containment", "Containment", "OPC practice"),
			para("breach.mitigation", "Steps taken to reduce the risk of harm to affected individuals or to mitigate that harm", s2+"(e)"),
			para("breach.notification", "Steps taken or intended to notify affected individuals", s2+"(f)"),
			paraOpt("breach.other_organizations", "Other organizations or government institutions notified", "PIPEDA s.10.2"),
			paraOpt("breach.law_enforcement", "Law enforcement involvement", "OPC practice"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "ca-opc-pipeda", Title: "Report of a breach of security safeguards (PIPEDA)",
			Regulator: "Office of the Privacy Commissioner of Canada", Language: "en",
			RuleIDs: []string{"CA-PIPEDA-OPC"}, Filing: true},
		spec: fixed(filingSpec{title: "Report of a breach of security safeguards involving personal information",
			subtitle: "To the Privacy Commissioner of Canada under PIPEDA s.10.1(1) and the Breach of Security Safeguards Regulations (SOR/2018-64)",
			lang:     "en", paper: "Letter",
			notes:    []string{"Information is given to the extent it is known to the organization; new information will be submitted as it becomes known (SOR/2018-64 s.2(2))."},
			sections: secs}),
	}
}

func caiKind() kindDef {
	const r = "Règlement sur les incidents de confidentialité, art. 3"
	secs := []section{
		{title: "Organisation et personne-ressource", fields: []field{
			req("org.name", "Nom de l'entreprise ou de l'organisme public", r+", par. 1"),
			opt("org.enterprise_number", "Numéro d'entreprise du Québec (NEQ)", r+", par. 1"),
			req("org.contact", "Nom et coordonnées de la personne à contacter au sujet de l'incident", r+", par. 2"),
		}},
		{title: "Description de l'incident", fields: []field{
			para("breach.data", "Description des renseignements personnels visés par l'incident (ou motifs pour lesquels il est impossible de la fournir)", r+", par. 3"),
			para("breach.description", "Brève description des circonstances de l'incident", r+", par. 4"),
			{key: "breach.cause", label: "Cause de l'incident, si elle est connue", why: r + ", par. 4", optional: true, long: true},
			req("breach.period", "Date ou période où l'incident a eu lieu (ou approximation)", r+", par. 5"),
			req("breach.aware", "Date ou période où l'organisation a pris connaissance de l'incident", r+", par. 6"),
			req("breach.affected", "Nombre de personnes concernées par l'incident", r+", par. 7"),
			req("residents:CA-QC", "Nombre de personnes concernées qui résident au Québec", r+", par. 7"),
		}},
		{title: "Risque de préjudice sérieux et mesures", fields: []field{
			para("breach.harm", "Éléments permettant de conclure à un risque de préjudice sérieux (sensibilité des renseignements, utilisations malveillantes possibles, conséquences appréhendées, probabilité)", r+", par. 8"),
			para("breach.notification", "Mesures prises ou envisagées pour aviser les personnes concernées, et date de l'avis ou délai prévu", r+", par. 9"),
			para("breach.mitigation", "Mesures prises ou envisagées pour diminuer les risques qu'un préjudice soit causé et pour atténuer ce préjudice", r+", par. 10"),
			paraOpt("breach.prevention", "Mesures prises ou envisagées pour éviter que de nouveaux incidents de même nature ne se produisent", r),
			paraOpt(AnswerOutsideBodies, "Personnes ou organismes à l'extérieur du Québec qui ont été avisés", r),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "qc-cai", Title: "Avis à la Commission d'accès à l'information (incident de confidentialité)",
			Regulator: "Commission d'accès à l'information du Québec", Language: "fr",
			RuleIDs: []string{"QC-PPIPS-CAI"}, Filing: true},
		spec: fixed(filingSpec{title: "Avis à la Commission d'accès à l'information — incident de confidentialité",
			subtitle: "Loi sur la protection des renseignements personnels dans le secteur privé, art. 3.5; Règlement sur les incidents de confidentialité, art. 3",
			lang:     "fr", paper: "Letter",
			notes:    []string{"Tout nouveau renseignement sera transmis à la Commission dès que l'organisation en prendra connaissance."},
			citation: "Loi sur la protection des renseignements personnels dans le secteur privé (RLRQ, c. P-39.1), art. 3.5; Règlement sur les incidents de confidentialité (RLRQ, c. A-2.1, r. 3.1), art. 3",
			standard: "Avec diligence (Loi sur la protection des renseignements personnels dans le secteur privé, art. 3.5)",
			sections: secs}),
	}
}

func albertaKind() kindDef {
	const r = "PIPA Regulation s.19"
	secs := []section{
		{title: "Section A: Information of organization and notifying entity", fields: []field{
			req("org.name", "Organization", r),
			req("org.address", "Mailing address", r),
			req("org.contact", "Contact person who can answer questions about the breach", r),
		}},
		{title: "Section B: Breach description", fields: []field{
			para("breach.description", "Description of the circumstances of the breach", r),
			req("breach.period", "Date of the incident or time period during which it occurred", r),
			opt("breach.discovered", "Date the incident was discovered", "OIPC breach report form"),
			paraOpt("breach.how_discovered", "How was the incident discovered and who discovered it?", "OIPC breach report form"),
			opt("breach.location", "Location of the incident", "OIPC breach report form"),
			para("breach.data", "Personal information involved and the form it was in", r),
		}},
		{title: "Section C: Significant harm", fields: []field{
			para("breach.harm", "Assessment of the real risk of significant harm: type of harm, sensitivity, likelihood", r),
			req("breach.affected", "Estimated number of individuals affected", r),
		}},
		{title: "Section D: Notice to affected individuals", fields: []field{
			para("breach.notification", "Steps taken to notify affected individuals", r),
			para("breach.mitigation", "Steps taken to reduce the risk of harm", r),
		}},
		{title: "Section E: Additional relevant information", fields: []field{
			paraOpt("breach.safeguards", "Physical and technical security at the time of the incident", "OIPC breach report form"),
			paraOpt("breach.prevention", "Steps to prevent a recurrence", "OIPC breach report form"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "ab-oipc-pipa", Title: "PIPA privacy breach notification", Regulator: "Office of the Information and Privacy Commissioner of Alberta",
			Language: "en", RuleIDs: []string{"AB-PIPA-OIPC"}, Filing: true},
		spec: fixed(filingSpec{title: "Notice of a privacy breach — Personal Information Protection Act (Alberta), s.34.1",
			subtitle: "To the Information and Privacy Commissioner of Alberta (PIPA Regulation s.19)", lang: "en", paper: "Letter",
			notes:    []string{"Given to the extent the organization currently knows; the Commissioner will be updated as more becomes known."},
			sections: secs}),
	}
}

func bcKind() kindDef {
	const r = "FIPPA (BC) s.36.3; FIPP Regulation"
	secs := []section{
		{title: "Public body or organization", fields: []field{
			req("org.name", "Name of the public body or organization", r),
			req("org.contact", "Contact person who can answer questions about the breach", r),
		}},
		{title: "The breach", fields: []field{
			req("breach.discovered", "Date the public body learned of the breach", r),
			para("breach.description", "Description of the breach", r),
			req("breach.period", "Date or period of the breach", r),
			para("breach.data", "Personal information involved", r),
			req("breach.affected", "Estimated number of individuals affected", r),
		}},
		{title: "Response", fields: []field{
			paraOpt("breach.containment", "Containment", "OIPC BC form"),
			para("breach.mitigation", "Steps taken or planned to reduce the risk of harm to individuals", r),
			paraOpt("breach.notification", "Notification of affected individuals", r),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "bc-oipc", Title: "Privacy breach report (British Columbia)", Regulator: "Office of the Information and Privacy Commissioner for British Columbia",
			Language: "en", RuleIDs: []string{"BC-FIPPA-OIPC", "BC-PIPA"}, Filing: true},
		spec: fixed(filingSpec{title: "Privacy breach report — British Columbia",
			subtitle: "To the Information and Privacy Commissioner for British Columbia", lang: "en", paper: "Letter",
			notes:    []string{"Items not yet known are marked for a follow-up report."},
			sections: secs}),
	}
}
