package report

import "strings"

// The documents print labels, never the codes the application stores
// (data categories, breach kinds, sectors, region codes, statuses). A code
// with no label is printed as it is: it is then free text someone typed.

// bilingual is one label in English and French.
type bilingual struct{ en, fr string }

func (b bilingual) in(lang string) string {
	if lang == "fr" && b.fr != "" {
		return b.fr
	}
	return b.en
}

// lookupLabel returns the label of code in lang, or code itself.
func lookupLabel(table map[string]bilingual, code, lang string) string {
	if b, ok := table[strings.TrimSpace(code)]; ok {
		return b.in(lang)
	}
	return code
}

// dataCategories are the categories of personal information of the rule
// vocabulary (config/regulations/vocabulary.yaml).
var dataCategories = map[string]bilingual{
	"name":              {"Name", "Nom"},
	"contact":           {"Contact details (e-mail, telephone, address)", "Coordonnées (courriel, téléphone, adresse)"},
	"government_id":     {"Government identifier (SIN, national ID, tax number)", "Identifiant gouvernemental (NAS, numéro d'identité, numéro fiscal)"},
	"ssn":               {"US Social Security number", "Numéro de sécurité sociale américain"},
	"drivers_license":   {"Driver's licence or state ID number", "Numéro de permis de conduire ou de carte d'identité"},
	"passport":          {"Passport number", "Numéro de passeport"},
	"financial_account": {"Bank or financial account number", "Numéro de compte bancaire ou financier"},
	"payment_card":      {"Payment card number", "Numéro de carte de paiement"},
	"credentials":       {"User name or e-mail with password or security answer", "Nom d'utilisateur ou courriel avec mot de passe ou réponse de sécurité"},
	"health":            {"Health or medical information", "Renseignements de santé ou médicaux"},
	"health_insurance":  {"Health insurance information", "Renseignements d'assurance maladie"},
	"biometric":         {"Biometric data", "Données biométriques"},
	"genetic":           {"Genetic data", "Données génétiques"},
	"sensitive":         {"Sensitive data (beliefs, ethnicity, sex life, union membership, criminal records)", "Renseignements sensibles (convictions, origine ethnique, vie sexuelle, appartenance syndicale, antécédents judiciaires)"},
	"children":          {"Data of children or adolescents", "Renseignements concernant des enfants ou des adolescents"},
	"location":          {"Precise location", "Localisation précise"},
	"secrecy":           {"Data under legal, judicial or professional secrecy", "Renseignements protégés par un secret légal, judiciaire ou professionnel"},
	"other":             {"Other personal information", "Autres renseignements personnels"},
}

// breachKinds are the breach kinds of the rule vocabulary and the
// characteristics the statistics count.
var breachKinds = map[string]bilingual{
	KindTheft:                  {"Theft", "Vol"},
	KindLoss:                   {"Loss", "Perte"},
	KindUnauthorizedUse:        {"Unauthorized use", "Utilisation non autorisée"},
	KindUnauthorizedDisclosure: {"Unauthorized disclosure", "Communication non autorisée"},
	KindUnauthorizedCollection: {"Unauthorized collection", "Collecte non autorisée"},
	"unauthorized_access":      {"Unauthorized access", "Accès non autorisé"},
	"hacking":                  {"External attack (hacking, intrusion)", "Attaque externe (piratage, intrusion)"},
	"alteration":               {"Alteration, forgery or tampering", "Altération ou falsification"},
	"destruction":              {"Destruction or damage", "Destruction ou endommagement"},
	"unavailability":           {"Loss of availability", "Perte de disponibilité"},
	TagInternalParty:           {"Internal party", "Partie interne"},
	TagStranger:                {"Stranger", "Personne externe"},
	TagRansomware:              {"Ransomware", "Rançongiciel"},
	TagCyberattack:             {"Cyberattack", "Cyberattaque"},
	TagUnencryptedDevice:       {"Unencrypted portable device", "Appareil portable non chiffré"},
	TagPaperRecords:            {"Paper records", "Dossiers papier"},
	TagMisdirected:             {"Misdirected communication", "Envoi mal acheminé"},
}

// sectors are the organization sectors of the rule vocabulary.
var sectors = map[string]bilingual{
	"health": {"Health care", "Santé"}, "finance": {"Financial services", "Services financiers"},
	"public": {"Public sector", "Secteur public"}, "education": {"Education", "Éducation"},
	"retail": {"Retail and e-commerce", "Commerce de détail et en ligne"}, "telecom": {"Telecommunications", "Télécommunications"},
	"energy": {"Energy", "Énergie"}, "technology": {"Technology and online services", "Technologies et services en ligne"},
	"other": {"Other", "Autre"}, "private": {"Private sector", "Secteur privé"},
}

// languages, channels and statuses the roster, deliveries and obligations use.
var (
	languages = map[string]bilingual{"en": {"English", "anglais"}, "fr": {"French", "français"}, "es": {"Spanish", "espagnol"},
		"pt": {"Portuguese", "portugais"}, "de": {"German", "allemand"}, "it": {"Italian", "italien"}, "zh": {"Chinese", "chinois"}}
	channels = map[string]bilingual{"email": {"E-mail", "Courriel"}, "postal": {"Postal mail", "Poste"}, "letter": {"Letter", "Lettre"},
		"sms": {"Text message", "Texto"}, "phone": {"Telephone", "Téléphone"}}
	deliveryStatuses = map[string]bilingual{"pending": {"Pending", "En attente"}, "sending": {"Sending", "En cours d'envoi"},
		"sent": {"Sent", "Envoyé"}, "retry": {"To retry", "À réessayer"}, "failed": {"Failed", "Échec"},
		"bounced": {"Bounced", "Rejeté"}, "returned": {"Returned", "Retourné"}}
	obligationStatuses = map[string]bilingual{"pending": {"Pending", "À faire"}, "filed": {"Filed", "Déposé"},
		"not_required": {"Not required", "Non exigé"}, "waived": {"Waived", "Renoncé"}, "undetermined": {"Undetermined", "À déterminer"}}
)

// dataLabel names a category of personal information.
func dataLabel(code, lang string) string { return lookupLabel(dataCategories, code, lang) }

// sectorLabel names an organization sector.
func sectorLabel(code, lang string) string { return lookupLabel(sectors, code, lang) }

// labelsOf maps every code of a list to its label.
func labelsOf(codes []string, label func(code, lang string) string, lang string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = label(c, lang)
	}
	return out
}
