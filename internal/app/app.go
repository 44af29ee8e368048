// Package app is Breachline's composition root: configuration, database,
// services, the HTTP router and background workers are wired here and only
// here.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	configdata "github.com/breachline/breachline/config"
	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/audit/trail"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/incident"
	"github.com/breachline/breachline/internal/jobs"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/ratelimit"
	"github.com/breachline/breachline/internal/retention"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/internal/web/api"
	"github.com/breachline/breachline/internal/web/public"
	"github.com/breachline/breachline/internal/web/ui"
)

// Version is set at build time with -ldflags "-X …/internal/app.Version=…".
var Version = "dev"

// App holds the opened database and the services built on it.
type App struct {
	Cfg       config.Config
	Log       *slog.Logger
	DB        *db.DB
	Auth      *auth.Service
	Breaches  *breach.Service
	Calendars *clock.Registry
	Rules     *rules.Catalogue
	// RulesFR is the same catalogue with its texts in French.
	RulesFR *rules.Catalogue
	// Documents stores generated filings, registers and statistics.
	Documents *document.Service
	// Obligations keeps each breach's duties (re-evaluated on every change).
	Obligations *obligation.Service
	// Roster imports and serves the affected people of each breach.
	Roster *roster.Service
	// Mail sends e-mail: SMTP when configured, otherwise the file outbox.
	Mail mail.Sender

	// Feed renders each user's calendar feed.
	Feed *calfeed.Service
	// Notices sends notices to affected people and keeps their ledger.
	Notices *notice.Service
	// AuditKey keys the audit chain; Trail shows it to those allowed.
	AuditKey *audit.Key
	Trail    *trail.Service
	// Retention removes contact data past its retention period.
	Retention *retention.Service
	// Incidents keeps the public incident pages; VerifyLimit limits the
	// checks of notice codes.
	Incidents   *incident.Service
	VerifyLimit *ratelimit.Limiter
	// public are the public pages' services; publicDB their own pool on
	// PostgreSQL (nil when they share the application's).
	public   public.Deps
	publicDB *db.DB

	// The background jobs the capabilities register while wiring.
	workerFn []func(w *river.Workers)
	periodic []*river.PeriodicJob
	// extraRoutes, when set, adds routes to the server (this package's
	// tests add a slow one to watch a shutdown drain it).
	extraRoutes func(*web.Server)
}

// NewLogger builds the process logger: JSON unless writing to a terminal.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Open connects to the database, applies migrations (under a lock on
// PostgreSQL), seeds reference data and builds the services.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(), Logger: log})
	if err != nil {
		return nil, err
	}
	a, err := New(ctx, cfg, log, d)
	if err != nil {
		_ = d.Close()
		return nil, err
	}
	return a, nil
}

// New builds the application on an opened database, migrating it first.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, d *db.DB) (*App, error) {
	a := &App{Cfg: cfg, Log: log, DB: d}
	if err := a.migrate(ctx); err != nil {
		return nil, err
	}
	if err := a.wireAudit(ctx); err != nil {
		return nil, err
	}
	if err := a.loadCatalogue(); err != nil {
		return nil, err
	}
	if err := a.wire(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// wire builds the services. The obligations come first: the breach, auth
// and roster services report every change of facts to them (the one
// in-transaction seam), and they read the tables those services own through
// stateless readers, so no service is built half-wired.
func (a *App) wire(ctx context.Context) error {
	sender, err := newSender(a)
	if err != nil {
		return err
	}
	a.Mail = sender
	if err := a.wireObligations(ctx); err != nil {
		return err
	}
	a.Breaches = breach.NewService(a.DB.Gorm, a.Obligations.Terms(), a.Obligations)
	secret, err := a.secretKey()
	if err != nil {
		return err
	}
	a.Auth = auth.NewService(a.DB.Gorm, auth.Deps{Terms: a.Obligations.Terms(), Changed: a.Obligations, Mail: sender,
		BaseURL: a.Cfg.BaseURL, Secret: secret, Options: a.accountOptions(), Log: a.Log})
	for _, step := range []func(context.Context) error{
		a.wireHousekeeping,
		a.wireReminders,
		a.wireRoster,
		a.wireDocuments,
		a.wireNotices,
		a.wireAuditWatch,
		a.wireRetention,
		a.wirePublic,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// accountOptions are the account settings of the configuration.
func (a *App) accountOptions() auth.Options {
	return auth.Options{
		Argon2: auth.Argon2Params{Memory: uint32(a.Cfg.PasswordMemoryKiB), Iterations: uint32(a.Cfg.PasswordIterations), // #nosec G115 -- config validates the memory and iterations
			Parallelism: uint8(a.Cfg.PasswordParallelism)}, // #nosec G115 -- config validates the parallelism (1-16)
		SessionIdle: a.Cfg.SessionIdle,
		TokenMaxTTL: a.Cfg.TokenMaxTTL,
		Throttle:    auth.ThrottlePolicy{LockAfter: a.Cfg.SigninLockAfter, LockFor: a.Cfg.SigninLockFor},
	}
}

// loadCatalogue loads the holiday calendars and the regulation catalogue and
// checks that every calendar a rule names exists.
func (a *App) loadCatalogue() error {
	cals, err := clock.LoadDefault()
	if err != nil {
		return fmt.Errorf("calendars: %w", err)
	}
	cat, err := rules.LoadDefault()
	if err != nil {
		return fmt.Errorf("regulation catalogue: %w", err)
	}
	if err := cat.CheckCalendars(cals); err != nil {
		return fmt.Errorf("regulation catalogue: %w", err)
	}
	fr, err := rules.LoadDefaultLang("fr")
	if err != nil {
		return fmt.Errorf("regulation catalogue in French: %w", err)
	}
	a.Calendars, a.Rules, a.RulesFR = cals, cat, fr
	return nil
}

func (a *App) wireHousekeeping(context.Context) error {
	a.workerFn = append(a.workerFn, func(w *river.Workers) {
		river.AddWorker(w, &jobs.PurgeSessionsWorker{Sessions: a.Auth, Now: time.Now})
	})
	a.periodic = append(a.periodic, jobs.PurgeSessionsPeriodic())
	return nil
}

func (a *App) migrate(ctx context.Context) error {
	if err := a.DB.Migrate(ctx); err != nil {
		return err
	}
	cats, err := breach.LoadCategories(configdata.FS, "data-categories.yaml")
	if err != nil {
		return err
	}
	return breach.SeedCategories(ctx, a.DB.Gorm, cats)
}

// Close waits for the account e-mails still being sent, writes the public
// pages' counts, then releases the mail connections and the database.
func (a *App) Close() error {
	if a.Auth != nil {
		a.Auth.Wait()
	}
	if err := a.StopCounting(context.Background()); err != nil {
		a.Log.Warn("public pages' counts not written at shutdown", slog.String("error", err.Error()))
	}
	if c, ok := a.Mail.(io.Closer); ok {
		_ = c.Close() // idle SMTP connections; nothing is lost if this fails
	}
	if a.publicDB != nil {
		_ = a.publicDB.Close() // only reads and counters; the main pool closes below
	}
	return a.DB.Close()
}

// Ready reports whether the database answers and no migration is pending.
func (a *App) Ready(ctx context.Context) error {
	if err := a.DB.Ping(ctx); err != nil {
		return err
	}
	cur, latest, err := a.DB.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if cur != latest {
		return fmt.Errorf("database at migration %d, binary expects %d", cur, latest)
	}
	return nil
}

// InsertOnlyJobs returns a River client that enqueues jobs without working
// them, for processes (the CLI, a server run with --no-workers) that hand
// work to workers elsewhere.
func (a *App) InsertOnlyJobs() (*jobs.Client, error) { return a.jobClient(0) }

// Router builds the HTTP application: the core server, the JSON API and
// the pages.
func (a *App) Router() (*web.Server, error) {
	srv, err := web.New(web.Options{
		Sessions: a.Auth, Ready: a, Logger: a.Log, BodyLimit: a.Cfg.BodyLimit, UploadLimit: a.Cfg.UploadLimit,
		SecureCookies: strings.HasPrefix(a.Cfg.BaseURL, "https://"), TrustedProxies: a.Cfg.TrustedProxies, Version: Version,
		ReadWriteWait: a.Cfg.ReadWriteWait, QueryMaxBytes: a.Cfg.QueryMaxBytes, QueryMaxParams: a.Cfg.QueryMaxParams,
		JSONMaxDepth: a.Cfg.JSONMaxDepth, JSONMaxItems: a.Cfg.JSONMaxItems,
	})
	if err != nil {
		return nil, err
	}
	uploads := web.RosterUploads{Store: a.Roster.Uploads, Limit: a.Cfg.UploadLimit}
	api.Register(srv, api.Deps{Auth: a.Auth, Breaches: a.Breaches, Obligations: a.Obligations, Documents: a.Documents,
		Roster: a.Roster, Feed: a.Feed, Notices: a.Notices, Audit: a.Trail, Uploads: uploads})
	err = ui.Register(srv, ui.Deps{Auth: a.Auth, Breaches: a.Breaches, Obligations: a.Obligations, Documents: a.Documents,
		Roster: a.Roster, Notices: a.Notices, Incidents: a.Incidents, Admin: a.Auth, Calendars: a.Obligations, Uploads: uploads,
		SessionTTL: a.Cfg.SessionTTL, TokenMaxTTL: a.Cfg.TokenMaxTTL, Feed: a.Feed, People: a.Roster, Trail: a.Trail})
	if err != nil {
		return nil, err
	}
	if err := a.registerPublic(srv); err != nil {
		return nil, err
	}
	if a.extraRoutes != nil {
		a.extraRoutes(srv)
	}
	return srv, nil
}

// workers registers every background job this binary runs.
func (a *App) workers() *river.Workers {
	w := river.NewWorkers()
	for _, fn := range a.workerFn {
		fn(w)
	}
	return w
}

func (a *App) jobClient(workers int) (*jobs.Client, error) {
	return jobs.NewClient(a.DB, a.workers(), jobs.Options{
		Workers:  workers,
		Logger:   a.Log,
		Periodic: a.periodic,
	})
}

// RunWorkers processes background jobs until ctx is cancelled.
func (a *App) RunWorkers(ctx context.Context) error {
	if n, err := a.Roster.RecoverInterrupted(ctx); err != nil {
		return err
	} else if n > 0 {
		a.Log.Info("imports interrupted by the last stop queued again", slog.Int("imports", n))
	}
	// Campaigns a dead worker left move at once, without waiting for the
	// job queue to elect the process that schedules the periodic sweep.
	if err := a.Notices.Sweep(ctx); err != nil {
		a.Log.Warn("notice sweep at start", slog.String("error", err.Error()))
	}
	c, err := a.jobClient(a.Cfg.Workers)
	if err != nil {
		return err
	}
	return jobs.Run(ctx, c, a.Cfg.ShutdownTimeout)
}

// httpServer is the HTTP server with its limits (settings): a client has
// BREACHLINE_HEADER_TIMEOUT (10 s) to send its headers, at most
// BREACHLINE_HEADER_LIMIT (64 KiB) of them, and BREACHLINE_READ_TIMEOUT
// (10 minutes) for a whole request (roster uploads are large); an idle
// keep-alive connection is closed after BREACHLINE_IDLE_TIMEOUT (2
// minutes). Responses have no write deadline: exports stream for as long
// as they take, bounded by the client reading them.
func (a *App) httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: a.Cfg.HeaderTimeout, ReadTimeout: a.Cfg.ReadTimeout,
		IdleTimeout: a.Cfg.IdleTimeout, MaxHeaderBytes: a.Cfg.HeaderLimit, ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
}

// Serve runs the HTTP server and, unless withWorkers is false, the job
// workers in the same process, until ctx is cancelled; it then drains both.
// ready, if not nil, receives the bound address once listening.
func (a *App) Serve(ctx context.Context, withWorkers bool, ready func(addr string)) error {
	srv, err := a.Router()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (BREACHLINE_LISTEN): %w", a.Cfg.Listen, err)
	}
	hs := a.httpServer(srv.Handler())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.Log.Info("shutting down: draining HTTP requests")
		sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownTimeout)
		defer cancel()
		return hs.Shutdown(sctx)
	})
	if withWorkers {
		g.Go(func() error { return a.RunWorkers(gctx) })
	}
	a.Log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("database", string(a.DB.Dialect)), slog.String("version", Version))
	if ready != nil {
		ready(ln.Addr().String())
	}
	return g.Wait()
}
