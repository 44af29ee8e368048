package app

import (
	"context"
	"fmt"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
)

// wireObligations builds the obligations service on the readers of the
// breach, organization, roster-count and document tables, stores the
// closures named in the settings (every process then counts them, whatever
// its own settings).
func (a *App) wireObligations(ctx context.Context) error {
	s := obligation.NewService(a.DB.Gorm, a.Rules, a.Calendars, obligation.Deps{
		Breaches: breach.Reader{}, Orgs: auth.Reader{}, Counts: roster.CountReader{}, Documents: document.Reader{},
		Operators: a.Cfg.Operators, French: a.RulesFR,
	})
	a.Obligations = s
	closures, err := configuredClosures(a.Cfg.Closures, a.Calendars)
	if err != nil {
		return err
	}
	if err := s.SeedClosures(ctx, closures); err != nil {
		return err
	}
	if n, err := s.FillFrench(ctx); err != nil {
		return err
	} else if n > 0 {
		a.Log.Info("obligations: French texts filled", "count", n)
	}
	return nil
}

// Reevaluate re-evaluates a breach's obligations in a transaction of its
// own.
func (a *App) Reevaluate(ctx context.Context, breachID int64, cause string) error {
	_, err := a.Obligations.ReevaluateBreach(ctx, breachID, cause)
	return err
}

// configuredClosures reads the closures listed in the settings; an unknown
// calendar stops start-up naming the setting.
func configuredClosures(list []config.Closure, cals *clock.Registry) ([]clock.Closure, error) {
	out := make([]clock.Closure, 0, len(list))
	for i, cl := range list {
		d, err := clock.ParseDate(cl.Date)
		if err != nil {
			return nil, &config.Error{Setting: fmt.Sprintf("closures[%d].date", i), Problem: err.Error()}
		}
		if _, err := cals.Calendar(cl.Calendar); err != nil {
			return nil, &config.Error{Setting: fmt.Sprintf("closures[%d].calendar", i),
				Problem: fmt.Sprintf("unknown calendar %q (see GET /api/v1/calendars)", cl.Calendar)}
		}
		out = append(out, clock.Closure{Calendar: cl.Calendar, Date: d, Name: cl.Name})
	}
	return out, nil
}
