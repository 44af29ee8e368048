package notice

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	configdata "github.com/breachline/breachline/config"
	"github.com/breachline/breachline/internal/obligation"
)

// Requirement is what a rule to individuals requires a notice to contain
// (config/notices/requirements.yaml).
type Requirement struct {
	Rule     string `yaml:"rule" json:"rule"`
	Citation string `yaml:"citation" json:"citation"`
	Items    []Item `yaml:"items" json:"items"`
}

// Item is one thing a notice must (or must not) contain.
type Item struct {
	ID    string `yaml:"id" json:"id"`
	Label string `yaml:"label" json:"label"`
	// Fields: the notice must print at least one of them, not empty.
	Fields []string `yaml:"fields" json:"fields,omitempty"`
	// Phrases: the notice must contain one of the phrases of its language;
	// AllPhrases: every one.
	Phrases    map[string][]string `yaml:"phrases" json:"phrases,omitempty"`
	AllPhrases map[string][]string `yaml:"all_phrases" json:"all_phrases,omitempty"`
	// In is where the phrases must be: "subject", or the body (default).
	In string `yaml:"in" json:"in,omitempty"`
	// Forbid: fields the notice must not print.
	Forbid []string `yaml:"forbid" json:"forbid,omitempty"`
	// Language the rule's recipients in Regions must receive.
	Language string   `yaml:"language" json:"language,omitempty"`
	Regions  []string `yaml:"regions" json:"regions,omitempty"`
}

// LoadRequirements reads config/notices/requirements.yaml.
func LoadRequirements() ([]Requirement, error) {
	raw, err := configdata.FS.ReadFile("notices/requirements.yaml")
	if err != nil {
		return nil, fmt.Errorf("notice requirements: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var out []Requirement
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("notice requirements: %w", err)
	}
	for _, r := range out {
		if r.Rule == "" || r.Citation == "" || len(r.Items) == 0 {
			return nil, fmt.Errorf("notice requirements: rule %q needs a citation and items", r.Rule)
		}
		for _, it := range r.Items {
			if it.ID == "" || it.Label == "" {
				return nil, fmt.Errorf("notice requirements: %s: every item needs an id and a label", r.Rule)
			}
		}
	}
	return out, nil
}

// requiredLanguage is the language a rule requires for people in region.
func (s *Service) requiredLanguage(region string) string {
	for _, r := range s.reqs {
		for _, it := range r.Items {
			for _, reg := range it.Regions {
				if it.Language != "" && reg == region {
					return it.Language
				}
			}
		}
	}
	return ""
}

// CheckItem is the outcome of one item of a rule's checklist.
type CheckItem struct {
	Rule     string `json:"rule"`
	Citation string `json:"citation"`
	Item     string `json:"item"`
	Label    string `json:"label"`
	OK       bool   `json:"ok"`
	// Why says what failed, in which language.
	Why string `json:"why,omitempty"`
}

// inPlay is a rule to individuals a campaign must satisfy, with the
// jurisdiction of the duty that brought it in.
type inPlay struct {
	Requirement
	jurisdiction string
}

// governing lists the rules to individuals a campaign must satisfy: those
// of the breach's obligations that are (or may be) required and reach at
// least one of the campaign's recipients, and the campaign's own
// obligation's rule. regions are the recipients' regions; home is the
// organization's.
func (s *Service) governing(duties []obligation.Obligation, own *int64, regions []string, home string, groups map[string][]string) []inPlay {
	byRule := map[string]Requirement{}
	for _, r := range s.reqs {
		byRule[r.Rule] = r
	}
	var out []inPlay
	seen := map[string]bool{}
	for _, d := range duties {
		req, ok := byRule[d.RuleID]
		if !ok || seen[d.RuleID] || !d.Considered || (d.Required != nil && !*d.Required) {
			continue
		}
		mine := own != nil && *own == d.ID
		if !mine && !reaches(d.Jurisdiction, regions, home, groups) {
			continue
		}
		seen[d.RuleID] = true
		out = append(out, inPlay{Requirement: req, jurisdiction: d.Jurisdiction})
	}
	return out
}

// reaches reports whether a duty's jurisdiction covers any recipient: a
// region in it, or the organization's home in it (a home-law duty covers
// everyone the organization notifies).
func reaches(jur string, regions []string, home string, groups map[string][]string) bool {
	if within(home, jur, groups) {
		return true
	}
	for _, r := range regions {
		if within(r, jur, groups) {
			return true
		}
	}
	return false
}

// within reports whether a region is in a jurisdiction: the same code, a
// subdivision of it (CA-ON in CA), or a member of a region group (DE in EU).
func within(region, jur string, groups map[string][]string) bool {
	if region == "" || jur == "" {
		return false
	}
	if region == jur || strings.HasPrefix(region, jur+"-") {
		return true
	}
	country, _, _ := strings.Cut(region, "-")
	for _, m := range groups[jur] {
		if m == region || m == country {
			return true
		}
	}
	return false
}

// audienceView is what the checklist knows of the recipients: the
// languages each region's people receive, and the organization's home.
type audienceView struct {
	langsByRegion map[string]map[string]bool
	home          string
	groups        map[string][]string
}

// languagesUnder lists the languages the recipients under a jurisdiction
// receive (every recipient's, when the duty follows the home's law).
func (a audienceView) languagesUnder(jur string) map[string]bool {
	out := map[string]bool{}
	home := within(a.home, jur, a.groups)
	for region, langs := range a.langsByRegion {
		if home || within(region, jur, a.groups) {
			for l := range langs {
				out[l] = true
			}
		}
	}
	return out
}

// evaluate checks every item of every rule in play on the notice each of
// its recipients' languages renders (samples by language).
func evaluate(rules []inPlay, samples map[string]Message, a audienceView) []CheckItem {
	var out []CheckItem
	for _, r := range rules {
		langs := a.languagesUnder(r.jurisdiction)
		for _, it := range r.Items {
			ci := CheckItem{Rule: r.Rule, Citation: r.Citation, Item: it.ID, Label: it.Label}
			ci.Why = checkItem(it, samples, langs, a.langsByRegion)
			ci.OK = ci.Why == ""
			out = append(out, ci)
		}
	}
	return out
}

// checkItem returns why an item fails, or "".
func checkItem(it Item, samples map[string]Message, langs map[string]bool, langsByRegion map[string]map[string]bool) string {
	if it.Language != "" {
		for _, reg := range it.Regions {
			for _, lang := range sortedKeys(langsByRegion[reg]) {
				if lang != it.Language {
					return fmt.Sprintf("recipients in %s would receive the notice in %s, not %s", reg, lang, it.Language)
				}
			}
		}
		return ""
	}
	for _, lang := range sortedKeys(langs) {
		if why := checkSample(it, lang, samples[lang]); why != "" {
			return why
		}
	}
	return ""
}

func checkSample(it Item, lang string, m Message) string {
	if len(it.Fields) > 0 && !anyUsed(m.Used, it.Fields) {
		return fmt.Sprintf("the %s notice does not print %s", lang, orList(it.Fields))
	}
	for _, f := range it.Forbid {
		if m.Used[f] {
			return fmt.Sprintf("the %s notice prints {{%s}}", lang, f)
		}
	}
	where := strings.Join([]string{m.Subject, m.Text, m.HTML, m.Letter}, "\n")
	if it.In == "subject" {
		where = m.Subject
	}
	if len(it.Phrases) > 0 {
		ps, ok := it.Phrases[lang]
		if !ok {
			return fmt.Sprintf("this must be said in %s; the recipients who get the %s notice would not read it", keysOf(it.Phrases), lang)
		}
		if !containsAny(where, ps) {
			return fmt.Sprintf("the %s notice does not say %q", lang, ps[0])
		}
	}
	if len(it.AllPhrases) > 0 {
		ps, ok := it.AllPhrases[lang]
		if !ok {
			return fmt.Sprintf("this must be said in %s; the recipients who get the %s notice would not read it", keysOf(it.AllPhrases), lang)
		}
		for _, p := range ps {
			if !strings.Contains(strings.ToLower(where), strings.ToLower(p)) {
				return fmt.Sprintf("the %s notice does not contain %q", lang, p)
			}
		}
	}
	return ""
}

func anyUsed(used map[string]bool, fields []string) bool {
	for _, f := range fields {
		if used[f] {
			return true
		}
	}
	return false
}

func containsAny(s string, phrases []string) bool {
	low := strings.ToLower(s)
	for _, p := range phrases {
		if strings.Contains(low, strings.ToLower(p)) {
			return true
		}
	}
	return false
}

func orList(fields []string) string {
	return "{{" + strings.Join(fields, "}} or {{") + "}}"
}

func keysOf(m map[string][]string) string {
	return strings.Join(sortedKeys(m), ", ")
}
