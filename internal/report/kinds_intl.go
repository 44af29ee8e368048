package report

// internationalKinds are the EU, UK and US filings.
func internationalKinds() []kindDef {
	return []kindDef{gdprKind(), icoKind(), hhsKind(), stateKind()}
}

func gdprKind() kindDef {
	const a = "GDPR Art. 33(3)"
	secs := []section{
		{title: "Controller", fields: []field{
			req("org.name", "Controller", a),
			req("org.address", "Address", a),
			req("org.contact", "Name and contact details of the data protection officer or other contact point", a+"(b)"),
		}},
		{title: "Nature of the personal data breach", fields: []field{
			para("breach.description", "Description of the personal data breach", a+"(a)"),
			req("breach.nature", "Type of breach (confidentiality, integrity, availability)", a+"(a)"),
			opt("breach.period", "When the breach occurred", "GDPR Art. 33(5)"),
			req("breach.aware", "When the controller became aware of the breach", "GDPR Art. 33(1)"),
			req("breach.subjects", "Categories of data subjects concerned", a+"(a)"),
			req("breach.affected", "Approximate number of data subjects concerned", a+"(a)"),
			req("breach.data", "Categories of personal data records concerned", a+"(a)"),
			opt("breach.records", "Approximate number of personal data records concerned", a+"(a)"),
		}},
		{title: "Consequences and measures", fields: []field{
			para("breach.harm", "Likely consequences of the personal data breach", a+"(c)"),
			para("breach.mitigation", "Measures taken or proposed to address the breach, including measures to mitigate its possible adverse effects", a+"(d)"),
			paraOpt("breach.containment", "Containment", a+"(d)"),
			paraOpt("breach.notification", "Communication to data subjects", "GDPR Art. 34"),
			paraOpt("breach.delay_reason", "Reasons for any delay beyond 72 hours", "GDPR Art. 33(1)"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "eu-gdpr-33", Title: "Notification of a personal data breach (GDPR Art. 33)",
			Regulator: "Lead supervisory authority", Language: "en", RuleIDs: []string{"EU-GDPR-SA"}, Filing: true},
		spec: fixed(filingSpec{title: "Notification of a personal data breach to the supervisory authority",
			subtitle: "Regulation (EU) 2016/679, Article 33", lang: "en", paper: "A4",
			notes:    []string{"Where information cannot be provided at the same time, it is provided in phases without undue further delay (Art. 33(4))."},
			sections: secs}),
	}
}

func icoKind() kindDef {
	const a = "UK GDPR Art. 33(3)"
	const ico = "ICO breach report form"
	secs := []section{
		{title: "About the breach", fields: []field{
			para("breach.description", "What has happened? What went wrong and how it happened", a+"(a)"),
			req(AnswerCyberIncident, "Was the breach caused by a cyber incident?", ico),
			paraOpt("breach.how_discovered", "How did you find out about the breach?", ico),
			req("breach.discovered", "When did you discover the breach?", "UK GDPR Art. 33(1)"),
			req("breach.period", "When did the breach happen?", ico),
			req("breach.data", "Categories of personal data included in the breach", a+"(a)"),
			opt("breach.records", "Number of personal data records concerned", a+"(a)"),
			req("breach.affected", "How many data subjects could be affected?", a+"(a)"),
			req("breach.subjects", "Categories of data subjects affected", a+"(a)"),
			para("breach.harm", "Potential consequences of the breach", a+"(c)"),
		}},
		{title: "Containment and recovery", fields: []field{
			paraOpt("breach.safeguards", "Preventative measures in place before the breach", ico),
			para("breach.mitigation", "Actions taken to contain the breach and limit its effects", a+"(d)"),
			paraOpt("breach.prevention", "Actions taken to stop it happening again", ico),
			paraOpt("breach.notification", "Have the data subjects been told?", "UK GDPR Art. 34"),
			paraOpt("breach.other_organizations", "Other organisations told, or to be told", ico),
			paraOpt("breach.delay_reason", "Reasons for reporting after 72 hours", "UK GDPR Art. 33(1)"),
		}},
		{title: "About you", fields: []field{
			req("org.name", "Organisation", a),
			opt("org.address", "Address", ico),
			req("org.contact", "Contact person (data protection officer or other contact point)", a+"(b)"),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "uk-ico", Title: "Personal data breach report (UK ICO)",
			Regulator: "Information Commissioner's Office", Language: "en", RuleIDs: []string{"UK-GDPR-ICO"}, Filing: true},
		spec: fixed(filingSpec{title: "Personal data breach report to the Information Commissioner's Office",
			subtitle: "UK GDPR Article 33; Data Protection Act 2018", lang: "en", paper: "A4", sections: secs}),
	}
}

func hhsKind() kindDef {
	const c = "45 CFR 164.408"
	const portal = "HHS OCR breach portal"
	secs := []section{
		{title: "Breach affecting", fields: []field{req("hipaa.size", "Breach affecting", c)}},
		{title: "Section 1 - Covered entity", fields: []field{
			req("org.name", "Name of covered entity", portal),
			req(AnswerHIPAAEntityType, "Type of covered entity (health plan, healthcare clearinghouse, healthcare provider)", portal),
			req("org.address", "Address", portal),
			req("org.contact", "Point of contact (name, e-mail, telephone)", portal),
		}},
		{title: "Section 2 - Business associate", fields: []field{
			paraOpt(AnswerBusinessAssociate, "Business associate involved (name, address, contact), if the breach occurred at or by a business associate", portal),
		}},
		{title: "Section 3 - Breach", fields: []field{
			req("breach.period", "Breach start and end date", portal),
			req("breach.discovered", "Date of discovery", portal),
			req("breach.affected", "Approximate number of individuals affected", portal),
			req("breach.kinds", "Type of breach", portal),
			req("breach.location", "Location of breached information", portal),
			req("breach.data", "Type of protected health information involved", portal),
			para("breach.description", "Brief description of the breach (location, how it occurred, type of media and PHI involved)", portal),
			para("breach.safeguards", "Safeguards in place prior to the breach", portal),
		}},
		{title: "Section 4 - Notice of breach and actions taken", fields: []field{
			req("breach.notified", "Individual notice provided: start date", "45 CFR 164.404"),
			paraOpt(AnswerSubstituteNotice, "Substitute notice", "45 CFR 164.404(d)(2)"),
			paraOpt(AnswerMediaNotice, "Media notice", "45 CFR 164.406"),
			para("breach.mitigation", "Actions taken in response to the breach", portal),
		}},
	}
	return kindDef{
		info: KindInfo{ID: "us-hhs-hipaa", Title: "Notice to the Secretary of HHS of a breach of unsecured PHI",
			Regulator: "U.S. Department of Health and Human Services, Office for Civil Rights", Language: "en",
			RuleIDs: []string{"US-HIPAA-HHS500", "US-HIPAA-HHS"}, Filing: true},
		spec: fixed(filingSpec{title: "Notice to the Secretary of HHS of breach of unsecured protected health information",
			subtitle: "HIPAA Breach Notification Rule, 45 CFR 164.408", lang: "en", paper: "Letter",
			notes:    []string{"The portal accepts a description of up to 4,000 characters; an addendum to a previous report cites its transaction number."},
			sections: secs}),
	}
}
