package rules

import (
	"net/url"
	"strings"
	"testing"
)

// officialHosts are the publishers of official text: legislatures and
// official law sites, regulators and government departments. A host
// matches itself and its subdomains. US government (.gov) and Australian,
// Brazilian, Indian, Chinese, South African and other government domains
// are matched by suffix below.
var officialHosts = []string{
	// Canada
	"laws-lois.justice.gc.ca", "priv.gc.ca", "gazette.gc.ca", "legisquebec.gouv.qc.ca", "cai.gouv.qc.ca",
	"oipc.ab.ca", "kings-printer.alberta.ca", "alberta.ca", "bclaws.gov.bc.ca", "gov.bc.ca", "oipc.bc.ca",
	"laws.gnb.ca", "ombudnb-aip-aivp.ca", "assembly.nl.ca", "oipc.nl.ca", "nslegislature.ca",
	"ontario.ca", "ipc.on.ca", "ola.org",
	// Europe
	"eur-lex.europa.eu", "legislation.gov.uk", "ico.org.uk", "fedlex.admin.ch", "edoeb.admin.ch",
	// Asia-Pacific, Americas, Africa
	"legislation.gov.au", "oaic.gov.au", "legislation.govt.nz", "privacy.org.nz", "sso.agc.gov.sg", "pdpc.gov.sg",
	"planalto.gov.br", "gov.br", "ppc.go.jp", "pipc.go.kr", "law.go.kr", "meity.gov.in", "cert-in.org.in",
	"npc.gov.cn", "cac.gov.cn", "inforegulator.org.za",
	// US state official sites outside .gov
	"leg.state.fl.us", "ag.state.la.us", "leg.state.nv.us", "gencourt.state.nh.us", "legis.state.pa.us", "ksrevisor.org",
}

// officialSuffixes are government top-level domains.
var officialSuffixes = []string{".gov"}

func officialSource(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range officialHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	for _, s := range officialSuffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// TestEveryRuleCitesTheOfficialTextFirst: a rule's source is the statute,
// the regulation or the regulator's own page; magazines, vendor blogs and
// law-firm summaries may only follow as "see also".
func TestEveryRuleCitesTheOfficialTextFirst(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, r := range cat.Rules {
		if !officialSource(r.Source) {
			t.Errorf("%s (%s, version %s): first source %q is not on the official list", r.Key(), r.Family, r.Version, r.Source)
		}
		for _, s := range r.SeeAlso {
			if s == r.Source {
				t.Errorf("%s: see_also repeats the source", r.Key())
			}
		}
	}
}

func TestOfficialSourceCheck(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://www.ecfr.gov/current/title-45/section-164.404": true,
		"https://leginfo.legislature.ca.gov/faces/x":            true,
		"https://www.ontario.ca/laws/statute/04p03":             true,
		"https://www.gov.br/anpd/pt-br":                         true,
		"https://gdprhub.eu/Article_33_GDPR":                    false,
		"https://www.mondaq.com/canada/x/694252/":               false,
		"https://gov.br.example.com/x":                          false,
		"https://notontario.ca/x":                               false,
		"":                                                      false,
	} {
		if got := officialSource(raw); got != want {
			t.Errorf("officialSource(%q) = %v, want %v", raw, got, want)
		}
	}
}

// TestEveryRuleCarriesCitationDatesAndCertainty: each rule says which text
// it rests on, when it is in force (or what is known of that), and how far
// it was checked.
func TestEveryRuleCarriesCitationDatesAndCertainty(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, r := range cat.Rules {
		if r.Citation == "" || r.Status == "" {
			t.Errorf("%s (%s): citation %q status %q", r.Key(), r.Version, r.Citation, r.Status)
		}
		if r.EffectiveFrom == "" && r.EffectiveNote == "" && !r.Pending {
			t.Errorf("%s (%s): no effective_from and no effective_note", r.Key(), r.Version)
		}
		if r.Status == StatusUnverified && r.StatusNote == "" {
			t.Errorf("%s (%s): unverified without a status note saying what", r.Key(), r.Version)
		}
	}
}
