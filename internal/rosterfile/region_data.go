package rosterfile

// subdivision is a Canadian province or territory or a US state, district or territory.
type subdivision struct {
	code    string   // ISO 3166-2, e.g. CA-ON
	names   []string // full names and abbreviations (matched after folding)
	postal1 string   // Canadian postal code first letters for the province
}

// canada lists the provinces and territories with English and French names and the usual
// abbreviations (Canada Post, the older ones such as PQ and Nfld, and the French ones).
var canada = []subdivision{
	{"CA-AB", []string{"Alberta", "Alta", "Alb"}, "T"},
	{"CA-BC", []string{"British Columbia", "Colombie-Britannique", "B.C.", "C.-B.", "CB"}, "V"},
	{"CA-MB", []string{"Manitoba", "Man"}, "R"},
	{"CA-NB", []string{"New Brunswick", "Nouveau-Brunswick", "N.-B."}, "E"},
	{"CA-NL", []string{"Newfoundland and Labrador", "Newfoundland & Labrador", "Newfoundland",
		"Terre-Neuve-et-Labrador", "Terre-Neuve", "Nfld", "NF", "T.-N.-L.", "TNL", "Labrador"}, "A"},
	{"CA-NS", []string{"Nova Scotia", "Nouvelle-Écosse", "N.-É."}, "B"},
	{"CA-NT", []string{"Northwest Territories", "Territoires du Nord-Ouest", "NWT", "T.N.-O.", "TNO"}, "X"},
	{"CA-NU", []string{"Nunavut", "Nvt"}, "X"},
	{"CA-ON", []string{"Ontario", "Ont"}, "KLMNP"},
	{"CA-PE", []string{"Prince Edward Island", "Île-du-Prince-Édouard", "P.E.I.", "Î.-P.-É.", "IPE"}, "C"},
	{"CA-QC", []string{"Quebec", "Québec", "Que", "Qué", "PQ", "P.Q."}, "GHJ"},
	{"CA-SK", []string{"Saskatchewan", "Sask"}, "S"},
	{"CA-YT", []string{"Yukon", "Yukon Territory", "Yuk", "YK"}, "Y"},
}

// unitedStates lists the states, the District of Columbia and the territories with a USPS code.
var unitedStates = []subdivision{
	{"US-AL", []string{"Alabama", "Ala"}, ""}, {"US-AK", []string{"Alaska"}, ""},
	{"US-AZ", []string{"Arizona", "Ariz"}, ""}, {"US-AR", []string{"Arkansas", "Ark"}, ""},
	{"US-CA", []string{"California", "Californie", "Calif"}, ""},
	{"US-CO", []string{"Colorado", "Colo"}, ""}, {"US-CT", []string{"Connecticut", "Conn"}, ""},
	{"US-DE", []string{"Delaware", "Del"}, ""},
	{"US-DC", []string{"District of Columbia", "Washington DC", "Washington D.C.", "D.C."}, ""},
	{"US-FL", []string{"Florida", "Floride", "Fla"}, ""}, {"US-GA", []string{"Georgia"}, ""},
	{"US-HI", []string{"Hawaii", "Hawaï"}, ""}, {"US-ID", []string{"Idaho"}, ""},
	{"US-IL", []string{"Illinois", "Ill"}, ""}, {"US-IN", []string{"Indiana", "Ind"}, ""},
	{"US-IA", []string{"Iowa"}, ""}, {"US-KS", []string{"Kansas", "Kan"}, ""},
	{"US-KY", []string{"Kentucky"}, ""}, {"US-LA", []string{"Louisiana", "Louisiane"}, ""},
	{"US-ME", []string{"Maine"}, ""}, {"US-MD", []string{"Maryland"}, ""},
	{"US-MA", []string{"Massachusetts", "Mass"}, ""}, {"US-MI", []string{"Michigan", "Mich"}, ""},
	{"US-MN", []string{"Minnesota", "Minn"}, ""}, {"US-MS", []string{"Mississippi", "Miss"}, ""},
	{"US-MO", []string{"Missouri"}, ""}, {"US-MT", []string{"Montana", "Mont"}, ""},
	{"US-NE", []string{"Nebraska", "Neb"}, ""}, {"US-NV", []string{"Nevada", "Nev"}, ""},
	{"US-NH", []string{"New Hampshire"}, ""}, {"US-NJ", []string{"New Jersey"}, ""},
	{"US-NM", []string{"New Mexico", "Nouveau-Mexique"}, ""},
	{"US-NY", []string{"New York", "New York State", "État de New York"}, ""},
	{"US-NC", []string{"North Carolina", "Caroline du Nord"}, ""},
	{"US-ND", []string{"North Dakota", "Dakota du Nord"}, ""}, {"US-OH", []string{"Ohio"}, ""},
	{"US-OK", []string{"Oklahoma", "Okla"}, ""}, {"US-OR", []string{"Oregon", "Ore"}, ""},
	{"US-PA", []string{"Pennsylvania", "Pennsylvanie", "Penn"}, ""},
	{"US-RI", []string{"Rhode Island"}, ""},
	{"US-SC", []string{"South Carolina", "Caroline du Sud"}, ""},
	{"US-SD", []string{"South Dakota", "Dakota du Sud"}, ""},
	{"US-TN", []string{"Tennessee", "Tenn"}, ""}, {"US-TX", []string{"Texas", "Tex"}, ""},
	{"US-UT", []string{"Utah"}, ""}, {"US-VT", []string{"Vermont"}, ""},
	{"US-VA", []string{"Virginia", "Virginie"}, ""},
	{"US-WA", []string{"Washington", "Washington State", "Wash"}, ""},
	{"US-WV", []string{"West Virginia", "Virginie-Occidentale"}, ""},
	{"US-WI", []string{"Wisconsin", "Wis"}, ""}, {"US-WY", []string{"Wyoming", "Wyo"}, ""},
	{"US-PR", []string{"Puerto Rico", "Porto Rico"}, ""},
	{"US-GU", []string{"Guam"}, ""}, {"US-VI", []string{"U.S. Virgin Islands", "US Virgin Islands"}, ""},
	{"US-AS", []string{"American Samoa"}, ""}, {"US-MP", []string{"Northern Mariana Islands"}, ""},
}

// countryAliases adds names people write that the CLDR country names do not cover.
var countryAliases = map[string]string{
	"usa": "US", "us": "US", "unitedstatesofamerica": "US", "etatsunisdamerique": "US",
	"america": "US", "uk": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB",
	"wales": "GB", "northernireland": "GB", "grandebretagne": "GB", "angleterre": "GB",
	"ecosse": "GB", "holland": "NL", "hollande": "NL", "deutschland": "DE", "espana": "ES",
	"italia": "IT", "schweiz": "CH", "suisse": "CH", "osterreich": "AT", "nederland": "NL",
	"belgie": "BE", "brasil": "BR", "mexique": "MX", "republicofireland": "IE", "eire": "IE",
	"southkorea": "KR", "coreedusud": "KR", "russia": "RU", "russie": "RU", "vietnam": "VN",
	"ivorycoast": "CI", "cotedivoire": "CI", "czechia": "CZ", "czechrepublic": "CZ",
}
