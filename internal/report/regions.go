package report

import "strings"

// regionName names a region code ("CA-AB" → "Alberta", "US-TX" → "Texas",
// "DE" → "Germany") in the document's language; an unknown code is
// returned as it is.
func regionName(code, lang string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if b, ok := regionNames[code]; ok {
		return b.in(lang)
	}
	if st, ok := strings.CutPrefix(code, "US-"); ok {
		if fr, ok := stateNamesFR[st]; ok && lang == "fr" {
			return fr
		}
		if n := stateName(st); n != "" {
			return n
		}
	}
	return code
}

// regionNames are Canada's provinces and territories and the countries the
// catalogue covers, in English and French.
var regionNames = map[string]bilingual{
	"CA": {"Canada", "Canada"}, "CA-AB": {"Alberta", "Alberta"}, "CA-BC": {"British Columbia", "Colombie-Britannique"},
	"CA-MB": {"Manitoba", "Manitoba"}, "CA-NB": {"New Brunswick", "Nouveau-Brunswick"},
	"CA-NL": {"Newfoundland and Labrador", "Terre-Neuve-et-Labrador"}, "CA-NS": {"Nova Scotia", "Nouvelle-Écosse"},
	"CA-NT": {"Northwest Territories", "Territoires du Nord-Ouest"}, "CA-NU": {"Nunavut", "Nunavut"},
	"CA-ON": {"Ontario", "Ontario"}, "CA-PE": {"Prince Edward Island", "Île-du-Prince-Édouard"},
	"CA-QC": {"Quebec", "Québec"}, "CA-SK": {"Saskatchewan", "Saskatchewan"}, "CA-YT": {"Yukon", "Yukon"},
	"US": {"United States", "États-Unis"}, "GB": {"United Kingdom", "Royaume-Uni"}, "IE": {"Ireland", "Irlande"},
	"FR": {"France", "France"}, "DE": {"Germany", "Allemagne"}, "BE": {"Belgium", "Belgique"}, "NL": {"Netherlands", "Pays-Bas"},
	"LU": {"Luxembourg", "Luxembourg"}, "IT": {"Italy", "Italie"}, "ES": {"Spain", "Espagne"}, "PT": {"Portugal", "Portugal"},
	"AT": {"Austria", "Autriche"}, "DK": {"Denmark", "Danemark"}, "FI": {"Finland", "Finlande"}, "SE": {"Sweden", "Suède"},
	"PL": {"Poland", "Pologne"}, "CH": {"Switzerland", "Suisse"}, "NO": {"Norway", "Norvège"}, "AU": {"Australia", "Australie"},
	"NZ": {"New Zealand", "Nouvelle-Zélande"}, "SG": {"Singapore", "Singapour"}, "BR": {"Brazil", "Brésil"},
	"JP": {"Japan", "Japon"}, "KR": {"South Korea", "Corée du Sud"}, "IN": {"India", "Inde"}, "CN": {"China", "Chine"},
	"ZA": {"South Africa", "Afrique du Sud"}, "MX": {"Mexico", "Mexique"},
}

// stateNamesFR are the US states whose French name differs.
var stateNamesFR = map[string]string{
	"CA": "Californie", "FL": "Floride", "GA": "Géorgie", "HI": "Hawaï", "LA": "Louisiane",
	"NM": "Nouveau-Mexique", "NY": "État de New York", "NC": "Caroline du Nord", "SC": "Caroline du Sud",
	"ND": "Dakota du Nord", "SD": "Dakota du Sud", "PA": "Pennsylvanie", "VA": "Virginie",
	"WV": "Virginie-Occidentale", "PR": "Porto Rico", "DC": "District de Columbia",
}
