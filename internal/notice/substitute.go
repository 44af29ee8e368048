package notice

import (
	"context"
	"strings"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
)

// Substitute is the substitute notice of a campaign: the public text that
// reaches the people the campaign could not reach directly (no e-mail and
// no postal address, or letters returned), to publish on the incident page
// or in the media as the rule allows.
type Substitute struct {
	// Covers counts the people it stands in for, by reason.
	Covers map[string]int64 `json:"covers"`
	// Text is the notice in each language the campaign is written in.
	Text map[string]string `json:"text"`
}

// Substitute builds a campaign's substitute notice. It holds nothing
// personal: the breach's facts and the campaign's texts only.
func (s *Service) Substitute(ctx context.Context, p *auth.Principal, id int64) (Substitute, error) {
	cp, err := s.campaign(ctx, s.db.Gorm, p, id, auth.Read)
	if err != nil {
		return Substitute{}, err
	}
	r, err := s.newRenderer(ctx, s.db.Gorm, &cp)
	if err != nil {
		return Substitute{}, err
	}
	pr, err := s.progress(ctx, s.db.Gorm, &cp)
	if err != nil {
		return Substitute{}, err
	}
	out := Substitute{Covers: map[string]int64{Undeliverable: pr.ByStatus[Undeliverable], Returned: pr.ByStatus[Returned]},
		Text: map[string]string{}}
	for lang := range r.parts {
		out.Text[lang] = r.substituteText(lang)
	}
	return out, nil
}

// substituteWords are the fixed words of a substitute notice.
var substituteWords = map[string][]string{
	"en": {"Notice of a privacy breach at %s", "What happened", "When", "What information was involved",
		"What we are doing", "What you can do", "Services offered", "How to contact us", "How to complain",
		"If you received a letter or an e-mail from us about this breach, you can check that it is genuine at %s with the reference code it gives."},
	"fr": {"Avis d'incident de confidentialité chez %s", "Ce qui s'est passé", "Quand", "Les renseignements en cause",
		"Ce que nous faisons", "Ce que vous pouvez faire", "Les services offerts", "Pour nous joindre", "Pour porter plainte",
		"Si vous avez reçu une lettre ou un courriel de notre part au sujet de cet incident, vous pouvez vérifier qu'il est authentique à %s avec le code de référence qu'il indique."},
}

// substituteText writes the substitute notice in lang from the campaign's
// shared values; a section whose value is empty is left out.
func (r *renderer) substituteText(lang string) string {
	w := substituteWords[lang]
	if w == nil {
		w = substituteWords["en"]
	}
	v := r.common[lang]
	var b strings.Builder
	b.WriteString(strings.Replace(w[0], "%s", v["organization"], 1) + "\n\n")
	cats := r.categories(roster.StoredPerson{}, lang)
	for _, sec := range []struct{ head, body string }{
		{w[1], v["what_happened"]}, {w[2], v["when"]}, {w[3], cats}, {w[4], v["what_we_are_doing"]},
		{w[5], v["what_you_can_do"]}, {w[6], v["remediation"]}, {w[7], v["contact"]}, {w[8], v["complaint_process"]},
	} {
		if strings.TrimSpace(sec.body) == "" {
			continue
		}
		b.WriteString(sec.head + "\n" + inert(strings.TrimSpace(sec.body)) + "\n\n")
	}
	b.WriteString(strings.Replace(w[9], "%s", strings.TrimRight(r.s.opts.BaseURL, "/")+"/verify", 1) + "\n")
	return b.String()
}
