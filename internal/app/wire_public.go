package app

import (
	"context"
	"errors"
	"net/url"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/incident"
	"github.com/breachline/breachline/internal/ratelimit"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/internal/web/public"
)

// publicPoolSize is the connections of the public pages' own pool.
const publicPoolSize = 10

// wirePublic builds the incident pages' service and the limiter of code
// checks on /verify (its counts live in the database, shared by every
// process). On PostgreSQL the public pages read through a pool of their
// own: the notice workers hold connections while they send, and a visitor
// checking a code must not wait for one of them.
func (a *App) wirePublic(ctx context.Context) error {
	a.Incidents = incident.NewService(a.DB.Gorm, breach.Reader{}, auth.Reader{})
	pool := a.DB
	if a.DB.Dialect == db.Postgres && a.Cfg.DatabaseURL != "" {
		var err error
		if pool, err = db.Open(ctx, db.Options{URL: publicURL(a.Cfg.DatabaseURL), Logger: a.Log}); err != nil {
			return err
		}
		pool.SQL.SetMaxOpenConns(publicPoolSize)
		pool.SQL.SetMaxIdleConns(publicPoolSize)
		a.publicDB = pool
	}
	secret, err := a.secretKey()
	if err != nil {
		return err
	}
	a.VerifyLimit, err = ratelimit.New(pool.Gorm, secret, ratelimit.Policy{Name: "verify", Window: a.Cfg.VerifyWindow,
		PerClient: a.Cfg.VerifyPerClient, Global: a.Cfg.VerifyGlobal}, a.Log)
	if err != nil {
		return err
	}
	a.public = public.Deps{Notices: a.Notices.OnPool(pool), Incidents: a.Incidents.OnPool(pool.Gorm),
		Limit: a.VerifyLimit}
	return nil
}

// registerPublic adds the pages for affected people to the server.
func (a *App) registerPublic(srv *web.Server) error {
	return public.Register(srv, a.public)
}

// publicURL is the database address of the public pages' pool: their
// writes are counters (lookups, rate windows), whose commits need not wait
// for the disk; a crash may lose the last moment's counts, nothing else.
func publicURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// StopCounting writes the counts the public pages keep in memory (rate
// windows, code checks) and stops writing them in the background: at
// shutdown, once no request is being served.
func (a *App) StopCounting(ctx context.Context) error {
	var errs []error
	if a.VerifyLimit != nil {
		errs = append(errs, a.VerifyLimit.Close(ctx))
	}
	if a.Notices != nil {
		errs = append(errs, a.Notices.Close(ctx))
	}
	return errors.Join(errs...)
}
