package app

import (
	"context"

	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/document/docapi"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// wireDocuments builds the document service (filings, register, statistics)
// and registers its API.
func (a *App) wireDocuments(context.Context) error {
	svc := document.NewService(a.DB.Gorm, document.Deps{
		Breaches: a.Breaches, Orgs: a.Auth, Roster: roster.CountReader{}, Obligations: a.Obligations, Rules: ruleContent{cat: a.Rules},
	}, document.RenderLimits{MaxPages: a.Cfg.RenderMaxPages, Timeout: a.Cfg.RenderTimeout})
	a.Documents = svc
	h := &docapi.Handlers{Docs: svc, Orgs: a.Auth}
	a.routes = append(a.routes, h.Register)
	return nil
}

// ruleContent gives the generic filing the content requirements of a rule version.
type ruleContent struct{ cat *rules.Catalogue }

// Requirements implements document.RuleContent.
func (r ruleContent) Requirements(key, version string) (string, []report.Requirement, bool) {
	for _, rule := range r.cat.Versions(key) {
		if version != "" && rule.Version != version {
			continue
		}
		ids, labels := make([]string, len(rule.Content)), make([]string, len(rule.Content))
		for i, f := range rule.Content {
			ids[i], labels[i] = f.ID, f.Label
		}
		title := "Breach report to " + rule.Recipient.Name
		return title, document.Requirements(rule.Citation, ids, labels), true
	}
	return "", nil, false
}
