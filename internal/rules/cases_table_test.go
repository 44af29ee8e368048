package rules

// org builds an organization profile for the case table.
func org(home, zone string, roles ...string) Organization {
	return Organization{Home: home, TimeZone: zone, Roles: roles}
}

func ev(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func aff(kv ...any) []Affected {
	var out []Affected
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Affected{Region: kv[i].(string), Count: kv[i+1].(int)})
	}
	return out
}

type answers = map[string]any

// caseTable translates the free-form facts of deadline-cases.json into
// Facts, by hand, one or more runs per case.
func caseTable() map[string][]caseRun {
	hipaa := answers{"hipaa_unsecured_phi": true, "hipaa_low_probability": false}
	return map[string][]caseRun{
		"TC01": {{Facts{Organization: org("DE", "Europe/Berlin", "controller"), Events: ev("aware", "2025-10-24T10:00:00+02:00"),
			Affected: aff("DE", 40000), DataCategories: []string{"name", "contact", "credentials"}, Answers: answers{"gdpr_risk": "risk"}},
			map[int]string{0: "EU-GDPR-SA", 1: "EU-GDPR-DS", 2: "EU-GDPR-DOC"}}},
		"TC03": {
			{Facts{Organization: org("IE", "UTC", "processor"), Events: ev("aware", "2025-06-02T09:00:00Z"), Affected: aff("IE", 12000)},
				map[int]string{0: "EU-GDPR-PROC"}},
			{Facts{Organization: org("IE", "UTC", "controller"), Events: ev("aware", "2025-06-03T15:00:00Z"), Affected: aff("IE", 12000),
				Answers: answers{"gdpr_risk": "risk"}}, map[int]string{1: "EU-GDPR-SA"}},
		},
		"TC04": {{Facts{Organization: org("IE", "Europe/Dublin", "controller"), Events: ev("aware", "2025-12-24T16:00:00+00:00"),
			Affected: aff("IE", 3000), Answers: answers{"gdpr_risk": "risk"}}, map[int]string{0: "EU-GDPR-SA"}}},
		"TC05": {
			{Facts{Organization: org("GB", "Europe/London", "pecs_provider"), Events: ev("aware", "2025-08-10T10:00:00+01:00")}, map[int]string{0: "UK-PECR-ICO"}},
			{Facts{Organization: org("GB", "Europe/London", "pecs_provider"), Events: ev("aware", "2025-09-10T10:00:00+01:00")}, map[int]string{1: "UK-PECR-ICO"}},
		},
		"TC06": {{Facts{Organization: org("BE", "Europe/Brussels", "nis2_entity"), Events: ev("aware", "2026-02-27T22:00:00+01:00"),
			Completed: ev("EU-NIS2-IN", "2026-03-02T20:00:00+01:00"), Answers: answers{"nis2_significant": true}},
			map[int]string{0: "EU-NIS2-EW", 1: "EU-NIS2-IN", 2: "EU-NIS2-FIN", 3: "EU-NIS2-INT"}}},
		"TC08": {{Facts{Organization: org("FR", "Europe/Paris", "dora_financial_entity"),
			Events:  ev("aware", "2025-12-11T10:00:00+01:00", "classified_major", "2025-12-12T21:00:00+01:00"),
			Answers: answers{"dora_relief_eligible": true}}, map[int]string{0: "EU-DORA-INIT"}}},
		"TC09": {
			{Facts{Organization: org("US-CA", "America/Los_Angeles", "hipaa_covered_entity"), Events: ev("discovered", "2025-03-03"),
				Affected: aff("US-CA", 300, "US-NV", 200), DataCategories: []string{"health"}, Answers: hipaa},
				map[int]string{0: "US-HIPAA-IND", 1: "US-HIPAA-HHS500", 2: "US-HIPAA-MEDIA@US-CA"}},
			{Facts{Organization: org("US-CA", "America/Los_Angeles", "hipaa_covered_entity"), Events: ev("discovered", "2025-03-03"),
				Affected: aff("US-OH", 500), DataCategories: []string{"health"}, Answers: hipaa}, map[int]string{3: "US-HIPAA-MEDIA@US-OH"}},
		},
		"TC12": {
			{Facts{Organization: org("US-NY", "America/New_York", "hipaa_business_associate"), Events: ev("discovered", "2025-07-01"),
				Affected: aff("US", 320), DataCategories: []string{"health"}, Answers: hipaa}, map[int]string{0: "US-HIPAA-BA"}},
			{Facts{Organization: org("US-NY", "America/New_York", "hipaa_covered_entity"), Events: ev("discovered", "2025-08-15", "ba_discovered", "2025-07-01"),
				Affected: aff("US", 320), DataCategories: []string{"health"}, Answers: merge(hipaa, answers{"hipaa_ba_is_agent": false})}, map[int]string{1: "US-HIPAA-IND"}},
			{Facts{Organization: org("US-NY", "America/New_York", "hipaa_covered_entity"), Events: ev("discovered", "2025-08-15", "ba_discovered", "2025-07-01"),
				Affected: aff("US", 320), DataCategories: []string{"health"}, Answers: merge(hipaa, answers{"hipaa_ba_is_agent": true})}, map[int]string{2: "US-HIPAA-IND"}},
		},
		"TC13": {{Facts{Organization: org("US-NY", "America/New_York", "hipaa_covered_entity"), Events: ev("discovered", "2025-04-01", "le_oral_statement", "2025-04-10"),
			Affected: aff("US-NY", 200), DataCategories: []string{"health"}, Answers: hipaa}, map[int]string{0: "US-HIPAA-LE", 1: "US-HIPAA-IND"}}},
		"TC14": {{Facts{Organization: org("US", "", "sec_registrant"), Events: ev("materiality_determined", "2025-11-26T14:00:00-05:00")}, map[int]string{0: "US-SEC-8K"}}},
		"TC16": {{Facts{Organization: org("CA-ON", "America/Toronto", "sec_registrant"), Events: ev("materiality_determined", "2025-10-10T16:00:00-04:00")}, map[int]string{0: "US-SEC-8K"}}},
		"TC19": {
			{Facts{Organization: org("US-CO", "America/Denver", "glba_ftc_institution"), Events: ev("discovered", "2025-02-10"), Affected: aff("US-CO", 500),
				DataCategories: []string{"name", "ssn", "financial_account"}, Answers: answers{"glba_notification_event": true}}, map[int]string{0: "US-GLBA-FTC"}},
			{Facts{Organization: org("US-CO", "America/Denver", "glba_ftc_institution"), Events: ev("discovered", "2025-02-10"), Affected: aff("US-CO", 499),
				DataCategories: []string{"name", "ssn", "financial_account"}, Answers: answers{"glba_notification_event": true}}, map[int]string{1: "US-GLBA-FTC"}},
		},
		"TC20": {
			{Facts{Organization: org("US-CA", "America/Los_Angeles", "phr_vendor"), Events: ev("discovered", "2024-07-01"), Affected: aff("US-CA", 600),
				DataCategories: []string{"health"}}, map[int]string{0: "US-FTC-HBNR-FTC", 1: "US-FTC-HBNR-IND"}},
			{Facts{Organization: org("US-CA", "America/Los_Angeles", "phr_vendor"), Events: ev("discovered", "2024-08-05"), Affected: aff("US-CA", 600),
				DataCategories: []string{"health"}}, map[int]string{2: "US-FTC-HBNR-FTC", 3: "US-FTC-HBNR-IND"}},
		},
		"TC21": {{Facts{Organization: org("US-NY", "America/New_York", "banking_organization"), Events: ev("determined", "2026-03-07T20:00:00-05:00"),
			Answers: answers{"bank_notification_incident": true}}, map[int]string{0: "US-BANK-36H"}}},
		"TC22": {{Facts{Organization: org("US-NY", "America/New_York", "nydfs_covered_entity"),
			Events:  ev("determined", "2025-05-23T16:00:00-04:00", "ransom_paid", "2025-05-25T11:00:00-04:00"),
			Answers: answers{"nydfs_cybersecurity_incident": true}}, map[int]string{0: "US-NYDFS-72", 1: "US-NYDFS-EXT/payment", 2: "US-NYDFS-EXT/explanation"}}},
		"TC25": {
			{stateFacts("US-NY", "America/New_York", 1200, "discovered", "2024-12-10"), map[int]string{0: "US-NY/individuals"}},
			{stateFacts("US-NY", "America/New_York", 1200, "discovered", "2025-01-06"), map[int]string{1: "US-NY/individuals", 2: "US-NY/ag", 3: "US-NY/dfs"}},
		},
		"TC26": {
			{stateFacts("US-OK", "America/Chicago", 650, "discovered", "2025-11-15", "individuals_notified", "2025-12-10"), map[int]string{0: "US-OK/ag"}},
			{stateFacts("US-OK", "America/Chicago", 650, "discovered", "2026-01-10", "individuals_notified", "2026-02-10"), map[int]string{1: "US-OK/ag", 2: "US-OK/individuals"}},
		},
		"TC27": {{stateFacts("US-VT", "America/New_York", 90, "discovered", "2026-01-20", "individuals_notified", "2026-02-20"), map[int]string{0: "US-VT/ag", 1: "US-VT/individuals"}}},
		"TC29": {{stateFacts("US-LA", "America/Chicago", 75, "discovered", "2026-01-20", "individuals_notified", "2026-03-02"), map[int]string{0: "US-LA/ag", 1: "US-LA/individuals"}}},
		"TC30": {{stateFacts("US-PR", "America/Puerto_Rico", 30, "discovered", "2026-01-20"), map[int]string{0: "US-PR/regulator", 1: "US-PR/individuals"}}},
		"TC31": {
			{Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("discovered", "2026-02-12", "determined", "2026-02-16"),
				Affected: aff("CA-ON", 1800), DataCategories: []string{"name", "payment_card", "contact"},
				Answers: answers{"rrosh": true, "third_party_can_mitigate": true}},
				map[int]string{0: "CA-PIPEDA-OPC", 1: "CA-PIPEDA-IND", 2: "CA-PIPEDA-ORG", 3: "CA-PIPEDA-REC"}},
			{Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("discovered", "2026-02-18", "determined", "2026-02-20"),
				Affected: aff("CA-ON", 40), Answers: answers{"rrosh": false}}, map[int]string{4: "CA-PIPEDA-REC"}},
		},
		"TC33": {{Facts{Organization: org("CA-ON", "America/Toronto", "hic"), Events: ev("occurred", "2026-05-05", "discovered", "2026-05-05"),
			Affected: aff("CA-ON", 1), Kinds: []string{"unauthorized_disclosure"}, DataCategories: []string{"health"},
			Answers: answers{"phipa_ipc_category": "none"}}, map[int]string{0: "ON-PHIPA-IND", 1: "ON-PHIPA-IPC", 2: "ON-PHIPA-STATS"}}},
		"TC37": {{Facts{Organization: org("SG", "Asia/Singapore", "controller"), Events: ev("assessed_notifiable", "2025-12-30T16:00:00+08:00"),
			Affected: aff("SG", 620), Answers: answers{"sg_significant_harm": false}}, map[int]string{0: "SG-PDPA-PDPC", 1: "SG-PDPA-IND"}}},
		"TC39": {{Facts{Organization: org("AU-NSW", "Australia/Sydney", "app_entity"), Events: ev("suspected", "2025-09-01"), Affected: aff("AU-NSW", 1000)},
			map[int]string{0: "AU-NDB-ASSESS", 1: "AU-NDB-OAIC", 2: "AU-NDB-IND"}}},
		"TC40": {
			{Facts{Organization: org("KR", "Asia/Seoul", "controller"), Events: ev("aware", "2025-11-03T09:00:00+09:00"), Affected: aff("KR", 999),
				DataCategories: []string{"name", "contact"}, Kinds: []string{"unauthorized_disclosure"}}, map[int]string{0: "KR-PIPA-DS", 1: "KR-PIPA-PIPC"}},
			{Facts{Organization: org("KR", "Asia/Seoul", "controller"), Events: ev("aware", "2025-11-03T09:00:00+09:00"), Affected: aff("KR", 1000),
				DataCategories: []string{"name", "contact"}, Kinds: []string{"unauthorized_disclosure"}}, map[int]string{2: "KR-PIPA-PIPC"}},
		},
		"TC41": {
			{Facts{Organization: org("IN-KA", "Asia/Kolkata", "controller", "certin_entity"), Events: ev("aware", "2026-05-10T10:00:00+05:30"),
				Affected: aff("IN-KA", 5000), Answers: answers{"in_certin_listed_incident": true}}, map[int]string{0: "IN-DPDP-BOARD/report", 1: "IN-CERTIN"}},
			{Facts{Organization: org("IN-KA", "Asia/Kolkata", "controller", "certin_entity"), Events: ev("aware", "2027-06-01T10:00:00+05:30"),
				Affected: aff("IN-KA", 5000)}, map[int]string{2: "IN-DPDP-BOARD/intimation", 3: "IN-DPDP-BOARD/report", 4: "IN-DPDP-DP"}},
		},
	}
}

// stateFacts is a private business with SSNs of residents of one state.
func stateFacts(region, zone string, count int, events ...string) Facts {
	return Facts{Organization: org(region, zone, "business"), Events: ev(events...), Affected: aff(region, count),
		DataCategories: []string{"name", "ssn"}}
}

func merge(a, b answers) answers {
	out := answers{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
