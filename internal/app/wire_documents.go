package app

import (
	"context"

	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/roster"
)

// wireDocuments builds the document service (filings, register, statistics)

func (a *App) wireDocuments(context.Context) error {
	svc := document.NewService(a.DB.Gorm, document.Deps{
		Breaches: a.Breaches, Orgs: a.Auth, Roster: roster.CountReader{}, Obligations: a.Obligations, Rules: a.Rules,
		Checkpoints: a.Trail,
	}, document.RenderLimits{MaxPages: a.Cfg.RenderMaxPages, Timeout: a.Cfg.RenderTimeout})
	a.Documents = svc
	return nil
}
