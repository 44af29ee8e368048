package notice

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
)

// BreachReader is what notices read of breaches (breach.Reader).
type BreachReader interface {
	Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (breach.Breach, error)
	Load(ctx context.Context, tx *gorm.DB, id int64) (breach.Breach, error)
	CategoryList(ctx context.Context, tx *gorm.DB) ([]breach.Category, error)
}

// OrgReader is what notices read of organizations and their members
// (auth.Reader).
type OrgReader interface {
	OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (auth.Organization, error)
	Contacts(ctx context.Context, tx *gorm.DB, orgIDs []int64, roles []auth.Role) ([]auth.Contact, error)
}

// PeopleReader reads the breach's affected people (roster.PeopleReader).
type PeopleReader interface {
	Audience(ctx context.Context, tx *gorm.DB, breachID int64, f roster.AudienceFilter, after int64, limit int) ([]roster.StoredPerson, error)
	Recipients(ctx context.Context, tx *gorm.DB, breachID int64, f roster.AudienceFilter, after int64, limit int) ([]roster.Recipient, error)
	CountAudience(ctx context.Context, tx *gorm.DB, breachID int64, f roster.AudienceFilter) (roster.AudienceSize, error)
	ByIDs(ctx context.Context, tx *gorm.DB, breachID int64, ids []int64) (map[int64]roster.StoredPerson, error)
	ImportsOfBreach(ctx context.Context, tx *gorm.DB, breachID int64, ids []int64) (map[int64]bool, error)
}

// Duties lists a breach's obligations, whose rules to individuals decide
// what a notice must contain (obligation.Service).
type Duties interface {
	ForBreach(ctx context.Context, tx *gorm.DB, breachID int64) ([]obligation.Obligation, error)
	MarkFiled(ctx context.Context, tx *gorm.DB, c breach.Call, breachID, id int64, f obligation.Filing) (bool, error)
}

// JobInserter enqueues background jobs (a River client).
type JobInserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Deps are the readers of other packages' tables, the mail sender and the
// job queue; every one is required.
type Deps struct {
	Breaches BreachReader
	Orgs     OrgReader
	People   PeopleReader
	Duties   Duties
	Mail     mail.Sender
	Jobs     JobInserter
}

// Options are the notice settings.
type Options struct {
	// BaseURL starts the verification links printed in notices.
	BaseURL string
	// MailFrom is the From of every notice; its domain names Message-IDs.
	MailFrom string
	// BounceAddress, when set, is the base of each notice's own bounce
	// address (VERP: bounces+n12.345.tag@example.org).
	BounceAddress string
	// Relay names the mail relay whose sending budget the workers share.
	Relay string
	// PerSecond and PerHour cap the messages sent through the relay by
	// every worker together; zero is no cap.
	PerSecond, PerHour int
	// MaxAttempts bounds the tries of a temporarily refused message.
	MaxAttempts int
	// RetryBase is the first wait before a retry (doubling each time, up
	// to an hour); 30 seconds when zero.
	RetryBase time.Duration
	// PauseAfter pauses a campaign after this many consecutive permanent
	// failures (a relay that refuses everything); zero never pauses.
	PauseAfter int
	// Lease is how long a claimed delivery is left to its worker before
	// another takes it back (the worker died).
	Lease time.Duration
	// LettersPerFile splits a campaign's letters into print files.
	LettersPerFile int
	// RenderLimits and RenderTimeout bound the rendering of one print file
	// of letters.
	RenderLimits  report.Limits
	RenderTimeout time.Duration
	// RegionGroups name the regions of a group jurisdiction (EU, EEA), from
	// the regulation catalogue's vocabulary.
	RegionGroups map[string][]string
	// Operators are the installation's operators' e-mail addresses: their
	// bounces apply to every organization.
	Operators []string
	Log       *slog.Logger
}

// Service runs notice templates, campaigns and their ledger.
type Service struct {
	db      *db.DB
	deps    Deps
	keys    Keys
	opts    Options
	shipped map[string]TemplateSet
	reqs    []Requirement
	now     func() time.Time
	// verifyCache keeps the texts the verify page repeats (verify.go).
	verifyCache *sharedCache
	// lookups counts the code checks until they are written (lookups.go);
	// a copy of the service on another pool shares it.
	lookups *lookupTally
}

// NewService builds the service; the shipped templates and the content
// requirements are read from the binary.
func NewService(d *db.DB, deps Deps, keys Keys, opts Options) (*Service, error) {
	if deps.Breaches == nil || deps.Orgs == nil || deps.People == nil || deps.Duties == nil || deps.Mail == nil || deps.Jobs == nil {
		return nil, fmt.Errorf("notice: every dependency is required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts = withDefaults(opts)
	shipped, err := LoadShipped(templateFS(), "notices")
	if err != nil {
		return nil, err
	}
	reqs, err := LoadRequirements()
	if err != nil {
		return nil, err
	}
	return &Service{db: d, deps: deps, keys: keys, opts: opts, shipped: shipped, reqs: reqs, verifyCache: &sharedCache{},
		lookups: newLookupTally(d, opts.Log),
		now:     func() time.Time { return time.Now().UTC() }}, nil
}

func withDefaults(o Options) Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 45 * time.Second
	}
	if o.LettersPerFile <= 0 {
		o.LettersPerFile = 500
	}
	if o.Relay == "" {
		o.Relay = "default"
	}
	return o
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }
