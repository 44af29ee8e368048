package ui

import (
	"context"
	"html/template"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// obligations lists a breach's obligations with their words in the page's
// language.
func (u *pages) obligations(ctx context.Context, l *i18n.Locale, p *auth.Principal, breachID int64) (obligation.BreachObligations, error) {
	list, err := u.d.Obligations.List(ctx, p, breachID)
	if err != nil {
		return list, err
	}
	for i := range list.Obligations {
		list.Obligations[i] = list.Obligations[i].In(l.Lang())
	}
	v := &u.catalogue(l).Vocabulary
	for i, g := range list.Missing {
		if q, ok := v.Question(g.ID); ok {
			list.Missing[i].Question = q
		}
	}
	return list, nil
}

// catalogue is the regulation catalogue with its texts in the page's
// language.
func (u *pages) catalogue(l *i18n.Locale) *rules.Catalogue {
	return u.d.Obligations.CatalogueIn(l.Lang())
}

// funcs are the template functions of a page in lang: pageFuncs, and
// {{option id}}, an enum answer in words from the regulation catalogue.
func (u *pages) funcs(lang string) template.FuncMap {
	l := i18n.For(lang)
	f := pageFuncs(l)
	f["option"] = u.catalogue(l).Vocabulary.OptionLabel
	return f
}
