package notice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
)

// Message is one person's notice as rendered.
type Message struct {
	Language string `json:"language"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html"`
	Letter   string `json:"letter"`
	// Used lists the fields that printed a value anywhere in the notice.
	Used map[string]bool `json:"-"`
}

// renderer renders one campaign's notices: the parsed template of each
// language and the values every recipient shares, computed once.
type renderer struct {
	s        *Service
	c        *Campaign
	set      TemplateSet
	parts    map[string]*compiled
	org      auth.Organization
	breach   breach.Breach
	catNames map[string][2]string // id -> English, French name
	common   map[string]map[string]string
	now      time.Time
}

// newRenderer loads what a campaign's notices print and parses its
// template set with the campaign's fields; an unknown field is an error
// naming the part, line and column.
func (s *Service) newRenderer(ctx context.Context, tx *gorm.DB, c *Campaign) (*renderer, error) {
	set, err := s.templateSet(ctx, tx, c.OrganizationID, c.TemplateSet)
	if err != nil {
		return nil, err
	}
	r := &renderer{s: s, c: c, set: set, parts: map[string]*compiled{}, now: s.now()}
	known := knownFields(c.PersonFields)
	for lang, p := range set.Parts {
		if r.parts[lang], err = compileParts(p, lang, known); err != nil {
			return nil, invalidTemplate(err)
		}
	}
	if r.org, err = s.deps.Orgs.OrganizationByID(ctx, tx, c.OrganizationID); err != nil {
		return nil, err
	}
	if r.breach, err = s.deps.Breaches.Load(ctx, tx, c.BreachID); err != nil {
		return nil, err
	}
	cats, err := s.deps.Breaches.CategoryList(ctx, tx)
	if err != nil {
		return nil, err
	}
	r.catNames = make(map[string][2]string, len(cats))
	for _, cat := range cats {
		r.catNames[cat.ID] = [2]string{cat.Name, firstNonEmpty(cat.NameFR, cat.Name)}
	}
	r.common = map[string]map[string]string{}
	for lang := range set.Parts {
		r.common[lang] = r.commonValues(lang)
	}
	return r, nil
}

// invalidTemplate reports a template that does not parse with the
// campaign's fields (an unknown field), naming the part, line and column.
func invalidTemplate(err error) error {
	return &errs.Invalid{Message: "the template does not fit the campaign: " + err.Error(),
		Fields: map[string]string{"template_set": err.Error()}}
}

// commonValues are the fields every recipient of a language shares.
func (r *renderer) commonValues(lang string) map[string]string {
	b := r.breach
	v := map[string]string{
		"organization":         firstNonEmpty(r.org.Name, r.org.LegalName),
		"organization_address": r.org.Address,
		"breach_reference":     b.Reference,
		"notice_date":          longDate(r.noticeDate(), lang),
		"when":                 period(b.Events, lang, r.org.Location()),
		"discovered_on":        eventDate(b.Events, "discovered", lang, r.org.Location()),
	}
	if lang == r.c.DefaultLanguage {
		for k, d := range r.defaults() {
			v[k] = d
		}
	}
	for k, text := range r.c.Content[lang] {
		if strings.TrimSpace(text) != "" {
			v[k] = text
		}
	}
	return v
}

// noticeDate is when the campaign started sending (today before then).
func (r *renderer) noticeDate() time.Time {
	if r.c.StartedAt != nil {
		return *r.c.StartedAt
	}
	return r.now
}

// defaults are the content fields as the breach record states them, used
// in the campaign's main language unless the campaign gives its own text.
func (r *renderer) defaults() map[string]string {
	b, o := r.breach, r.org
	answers := map[string]string{}
	for _, a := range b.Answers {
		answers[a.QuestionID] = a.Value
	}
	return map[string]string{
		"what_happened":       b.Description,
		"what_we_are_doing":   joinNonEmpty("\n\n", b.Containment, b.Mitigation),
		"what_you_can_do":     answers["individual_steps"],
		"contact":             joinNonEmpty("\n", o.ContactName, o.ContactEmail, o.ContactPhone),
		"complaint_process":   answers["complaint_process"],
		"likely_consequences": answers["harm_assessment"],
		"remediation":         answers["remediation_services"],
	}
}

// values gives every field of one person's notice in lang.
func (r *renderer) values(lang string, p roster.StoredPerson, code string) func(string) string {
	common := r.common[lang]
	return func(name string) string {
		if v, ok := common[name]; ok {
			return v
		}
		switch name {
		case "name":
			return personName(p)
		case "recipient_name":
			return recipientName(p, lang)
		case "salutation":
			return salutation(p, lang)
		case "data_categories":
			return r.categories(p, lang)
		case "reference_code":
			return code
		case "verify_url":
			n, _ := NormalizeCode(code)
			return strings.TrimRight(r.s.opts.BaseURL, "/") + "/verify?code=" + n
		case "postal_address":
			return strings.Join(addressLines(p, lang, r.homeCountry()), "\n")
		}
		if col, ok := r.c.PersonFields[name]; ok {
			return p.Attributes[col]
		}
		return ""
	}
}

// render renders a person's notice in lang.
func (r *renderer) render(lang string, p roster.StoredPerson, code string) (Message, error) {
	c, ok := r.parts[lang]
	if !ok {
		return Message{}, fmt.Errorf("the template has no %s version", lang)
	}
	vals := r.values(lang, p, code)
	m := Message{Language: lang, Used: map[string]bool{}}
	m.Subject = c.subject.Render(vals, Header, m.Used)
	m.Text = c.text.Render(vals, Text, m.Used)
	m.HTML = c.html.Render(vals, HTML, m.Used)
	m.Letter = c.letter.Render(vals, Text, m.Used)
	return m, nil
}

// categories names the person's data categories (the breach's when the
// roster gives none for them) in the notice's language.
func (r *renderer) categories(p roster.StoredPerson, lang string) string {
	ids := p.DataCategories
	if len(ids) == 0 {
		ids = r.breach.DataCategories
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		n, ok := r.catNames[id]
		switch {
		case !ok:
			names = append(names, strings.ReplaceAll(id, "_", " "))
		case lang == "fr":
			names = append(names, n[1])
		default:
			names = append(names, n[0])
		}
	}
	return strings.Join(names, ", ")
}

func personName(p roster.StoredPerson) string {
	return firstNonEmpty(p.Name, joinNonEmpty(" ", p.GivenName, p.FamilyName))
}

// recipientName is who the notice is addressed to: a minor's guardian.
func recipientName(p roster.StoredPerson, lang string) string {
	name := personName(p)
	if !p.Minor {
		return name
	}
	if p.GuardianName != "" {
		return p.GuardianName
	}
	if lang == "fr" {
		return "Parent ou tuteur de " + name
	}
	return "Parent or guardian of " + name
}

func salutation(p roster.StoredPerson, lang string) string {
	name := personName(p)
	switch {
	case p.Minor && lang == "fr":
		return "Au parent ou au tuteur de " + name + ","
	case p.Minor:
		return "To the parent or guardian of " + name + ","
	case name == "" && lang == "fr":
		return "Madame, Monsieur,"
	case name == "":
		return "Hello,"
	case lang == "fr":
		return "Bonjour " + name + ","
	}
	return "Dear " + name + ","
}

// addressLines is the address block of a letter; the country is its last
// line when the letter leaves the sender's country.
func addressLines(p roster.StoredPerson, lang, home string) []string {
	region := strings.TrimPrefix(p.Region, p.Country+"-")
	last := joinNonEmpty("  ", joinNonEmpty(" ", p.City, region), p.PostalCode)
	lines := []string{recipientName(p, lang), p.Address1, p.Address2, last}
	if p.Country != "" && !strings.EqualFold(p.Country, home) {
		lines = append(lines, countryLine(p.Country, lang))
	}
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// countryNames are the destination lines postal services expect (capitals,
// in the sender's language or English) for the countries most letters go
// to; any other country is printed as its code.
var countryNames = map[string][2]string{
	"CA": {"CANADA", "CANADA"}, "US": {"UNITED STATES", "ÉTATS-UNIS"}, "FR": {"FRANCE", "FRANCE"},
	"GB": {"UNITED KINGDOM", "ROYAUME-UNI"}, "DE": {"GERMANY", "ALLEMAGNE"}, "IE": {"IRELAND", "IRLANDE"},
	"BE": {"BELGIUM", "BELGIQUE"}, "CH": {"SWITZERLAND", "SUISSE"}, "MX": {"MEXICO", "MEXIQUE"},
	"IT": {"ITALY", "ITALIE"}, "ES": {"SPAIN", "ESPAGNE"}, "NL": {"NETHERLANDS", "PAYS-BAS"},
	"AU": {"AUSTRALIA", "AUSTRALIE"}, "JP": {"JAPAN", "JAPON"}, "IN": {"INDIA", "INDE"}, "CN": {"CHINA", "CHINE"},
}

func countryLine(code, lang string) string {
	n, ok := countryNames[strings.ToUpper(code)]
	switch {
	case !ok:
		return strings.ToUpper(code)
	case lang == "fr":
		return n[1]
	}
	return n[0]
}

// homeCountry is the country the organization sends from.
func (r *renderer) homeCountry() string {
	c, _, _ := strings.Cut(r.org.HomeJurisdiction, "-")
	return c
}

var frMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// longDate writes a date in words in the notice's language.
func longDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	if lang == "fr" {
		day := fmt.Sprint(t.Day())
		if t.Day() == 1 {
			day = "1er"
		}
		return fmt.Sprintf("%s %s %d", day, frMonths[t.Month()-1], t.Year())
	}
	return t.Format("January 2, 2006")
}

// eventDate is the date of the earliest event of a kind, in words.
func eventDate(events []breach.Event, kind, lang string, loc *time.Location) string {
	for _, e := range events {
		if e.Kind == kind {
			return longDate(e.At.In(loc), lang)
		}
	}
	return ""
}

// period says when the breach happened: the date it occurred, or from it
// to the date it ended.
func period(events []breach.Event, lang string, loc *time.Location) string {
	from := eventDate(events, "occurred", lang, loc)
	to := eventDate(events, "ended", lang, loc)
	switch {
	case from == "":
		return ""
	case to == "" || to == from:
		if lang == "fr" {
			return "le " + from
		}
		return "on " + from
	case lang == "fr":
		return "entre le " + from + " et le " + to
	}
	return "between " + from + " and " + to
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
