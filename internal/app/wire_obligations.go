package app

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/obligation"
	obligationapi "github.com/breachline/breachline/internal/obligation/api"
)

// wireObligations builds the obligations service: the catalogue's
// vocabulary validates breaches and organizations, every change to a breach
// (or to its organization's settings) re-evaluates the obligations in the
// same transaction, closures stored by administrators are loaded into the
// calendars, and the API routes are registered.
func (a *App) wireObligations(ctx context.Context) error {
	s := obligation.NewService(a.DB.Gorm, a.Rules, a.Calendars, a.Breaches)
	a.Obligations = s
	s.Operators = a.Cfg.Operators
	a.Breaches.Terms = s.Terms()
	a.Auth.Terms = s.Terms()
	a.Breaches.OnChange = func(ctx context.Context, tx *gorm.DB, breachID int64) error {
		_, err := s.Reevaluate(ctx, tx, breachID, "breach changed")
		return err
	}
	a.Auth.OnOrgChange = func(ctx context.Context, tx *gorm.DB, orgID int64) error {
		_, err := s.ReevaluateOrganization(ctx, tx, orgID, "organization settings changed")
		return err
	}
	if err := s.LoadClosures(ctx); err != nil {
		return err
	}
	if err := a.applyConfiguredClosures(); err != nil {
		return err
	}
	h := &obligationapi.Handlers{S: s}
	a.routes = append(a.routes, h.Register)
	return nil
}

// Reevaluate re-evaluates a breach's obligations in a transaction of its
// own, e.g. after a roster import commits (the counts per region changed).
func (a *App) Reevaluate(ctx context.Context, breachID int64, cause string) error {
	_, err := a.Obligations.ReevaluateBreach(ctx, breachID, cause)
	return err
}

// applyConfiguredClosures adds the closures listed in the settings to the
// calendars; an unknown calendar stops start-up naming the setting.
func (a *App) applyConfiguredClosures() error {
	for i, cl := range a.Cfg.Closures {
		d, err := clock.ParseDate(cl.Date)
		if err != nil {
			return &config.Error{Setting: fmt.Sprintf("closures[%d].date", i), Problem: err.Error()}
		}
		if err := a.Calendars.AddClosure(cl.Calendar, d, cl.Name); err != nil {
			return &config.Error{Setting: fmt.Sprintf("closures[%d].calendar", i), Problem: fmt.Sprintf("unknown calendar %q (see GET /api/v1/calendars)", cl.Calendar)}
		}
	}
	return nil
}
