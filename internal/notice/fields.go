package notice

import (
	"sort"
	"strings"
)

// FieldInfo describes a merge field for the template editor.
type FieldInfo struct {
	Name string `json:"name"`
	// PerPerson fields differ from one recipient to the next.
	PerPerson bool   `json:"per_person"`
	Help      string `json:"help"`
}

// Fields lists the merge fields every template may use. A campaign adds
// its own person fields (taken from the roster's extra columns).
var Fields = []FieldInfo{
	{"salutation", true, "Greeting line: \"Dear Ann Lee,\", or for a minor \"To the parent or guardian of Ann Lee,\""},
	{"name", true, "The person's name (for a minor, the child's name)"},
	{"recipient_name", true, "Who the notice is addressed to: the person, or the guardian of a minor"},
	{"data_categories", true, "The kinds of this person's information involved, in the notice's language"},
	{"reference_code", true, "The person's reference code, to check the notice is genuine"},
	{"verify_url", true, "Link to the page where the code can be checked"},
	{"postal_address", true, "The address block of a letter"},
	{"organization", false, "The organization's name"},
	{"organization_address", false, "The organization's postal address"},
	{"breach_reference", false, "The breach's reference, e.g. BR-2026-0001"},
	{"notice_date", false, "The date of the notice, in the notice's language"},
	{"when", false, "When the breach happened (date or period), in the notice's language"},
	{"discovered_on", false, "When the breach was discovered, in the notice's language"},
	{"what_happened", false, "What happened, in plain language"},
	{"what_we_are_doing", false, "What the organization is doing about it"},
	{"what_you_can_do", false, "Steps the person can take to protect themselves"},
	{"contact", false, "How to reach the organization (a toll-free number or e-mail address)"},
	{"complaint_process", false, "How to complain to the organization, and to the regulator"},
	{"likely_consequences", false, "The likely consequences of the breach (GDPR Art. 34)"},
	{"remediation", false, "Services offered (credit monitoring, identity protection) and how to enrol"},
}

// ContentFields are the fields whose text the campaign gives (per
// language), defaulting from the breach.
var ContentFields = []string{"what_happened", "what_we_are_doing", "what_you_can_do", "contact",
	"complaint_process", "likely_consequences", "remediation"}

// Languages a notice can be written in.
var Languages = []string{"en", "fr"}

func knownLanguage(l string) bool {
	for _, v := range Languages {
		if v == l {
			return true
		}
	}
	return false
}

// knownFields is the set of field names a template may use, given a
// campaign's person fields.
func knownFields(personFields map[string]string) func(string) bool {
	return func(name string) bool {
		for _, f := range Fields {
			if f.Name == name {
				return true
			}
		}
		_, ok := personFields[name]
		return ok
	}
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
