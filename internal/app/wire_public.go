package app

import (
	"context"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/incident"
	"github.com/breachline/breachline/internal/ratelimit"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/internal/web/public"
)

// wirePublic builds the incident pages' service and the limiter of code
// checks on /verify (its counts live in the database, shared by every
// process).
func (a *App) wirePublic(context.Context) error {
	a.Incidents = incident.NewService(a.DB.Gorm, breach.Reader{}, auth.Reader{})
	secret, err := a.secretKey()
	if err != nil {
		return err
	}
	a.VerifyLimit, err = ratelimit.New(a.DB.Gorm, secret, ratelimit.Policy{Name: "verify", Window: a.Cfg.VerifyWindow,
		PerClient: a.Cfg.VerifyPerClient, Global: a.Cfg.VerifyGlobal})
	return err
}

// registerPublic adds the pages for affected people to the server.
func (a *App) registerPublic(srv *web.Server) error {
	return public.Register(srv, public.Deps{Notices: a.Notices, Incidents: a.Incidents, Limit: a.VerifyLimit})
}
