package app

import (
	"context"
	"time"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/document/docapi"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/rules"
)

// wireDocuments builds the document service (filings, register, statistics)
// and registers its API.
func (a *App) wireDocuments(context.Context) error {
	svc := document.NewService(a.DB.Gorm, a.Breaches)
	svc.Obligations = document.SQLObligations{}
	svc.Rules = ruleContent{cat: a.Rules}
	svc.Limits = document.RenderLimits{MaxPages: a.Cfg.RenderMaxPages, Timeout: a.Cfg.RenderTimeout}
	if a.Obligations != nil {
		svc.Filer = obligationFiler{svc: a.Obligations}
	}
	a.Documents = svc
	h := &docapi.Handlers{Docs: svc, Orgs: a.Auth}
	a.routes = append(a.routes, h.Register)
	return nil
}

// obligationFiler marks an obligation filed when the document answering it
// is filed with the regulator, carrying the regulator's reference.
type obligationFiler struct{ svc *obligation.Service }

// MarkFiled implements document.ObligationFiler.
func (f obligationFiler) MarkFiled(ctx context.Context, c breach.Call, breachID int64, fl document.Filing) error {
	docID := fl.DocumentID
	_, err := f.svc.SetStatus(ctx, c, breachID, fl.ObligationID, obligation.StatusInput{
		Status:     "filed",
		FiledAt:    fl.FiledAt.UTC().Format(time.RFC3339),
		Reference:  fl.Reference,
		DocumentID: &docID,
	})
	return err
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
