package document

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/rules"
)

// Service generates, stores, files and serves documents, scoped to the
// caller's organizations.
type Service struct {
	db   *gorm.DB
	deps Deps
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Limits bound every render: pages per document (zero: the report
	// package's default) and time (zero: no bound beyond the request's).
	Limits RenderLimits
}

// Deps are what documents read of the tables other packages own, and the
// rule content of the generic filing. Every one is required.
type Deps struct {
	Breaches    BreachReader
	Orgs        OrgReader
	Roster      RosterReader
	Obligations Obligations
	// Rules is the regulation catalogue: the content the generic filing
	// asks for under each rule.
	Rules *rules.Catalogue
	// Checkpoints, when set, signs the head of an organization's audit
	// chain for the register to print (optional).
	Checkpoints Checkpoints
}

// Checkpoints signs the current head of an organization's audit chain, as
// one line (trail.Service).
type Checkpoints interface {
	Checkpoint(ctx context.Context, orgID int64) (string, error)
}

// RenderLimits bound the rendering of one document.
type RenderLimits struct {
	MaxPages int
	Timeout  time.Duration
}

// NewService returns a Service on db.
func NewService(db *gorm.DB, d Deps, limits RenderLimits) *Service {
	if d.Breaches == nil || d.Orgs == nil || d.Roster == nil || d.Obligations == nil || d.Rules == nil {
		panic("document.NewService: every dependency is required")
	}
	return &Service{db: db, deps: d, Limits: limits}
}

// Request says which document to generate for a breach.
type Request struct {
	Kind         string `json:"kind"`
	Stage        string `json:"stage"`
	ObligationID *int64 `json:"obligation_id"`
	State        string `json:"state"` // two-letter US state for us-state-ag
}

// Call identifies the caller.
type Call = breach.Call

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Kinds lists the document kinds.
func Kinds() []report.KindInfo { return report.Kinds() }

// OrganizationKind reports whether a kind is generated for an organization, not a breach.
func OrganizationKind(kind string) bool {
	switch kind {
	case "register", "phipa-annual-stats", "fippa-annual-stats":
		return true
	}
	return false
}

func kindInfo(kind string) (report.KindInfo, error) {
	ids := make([]string, 0, 24)
	for _, k := range report.Kinds() {
		if k.ID == kind {
			return k, nil
		}
		ids = append(ids, k.ID)
	}
	return report.KindInfo{}, &errs.Invalid{Message: fmt.Sprintf("unknown document kind %q", kind),
		Fields: map[string]string{"kind": "one of " + strings.Join(ids, ", ")}}
}

// prepared is a breach document ready to render.
type prepared struct {
	info       report.KindInfo
	org        auth.Organization
	breach     breach.Breach
	in         report.Input
	obligation *ObligationRef
	series     string
	params     Params
}

// prepare loads what a breach document prints and checks the caller's permission.
func (s *Service) prepare(ctx context.Context, p *auth.Principal, breachID int64, r Request, perm auth.Permission) (*prepared, error) {
	if _, err := s.deps.Breaches.Access(ctx, s.db, p, breachID, perm); err != nil {
		return nil, err
	}
	b, err := s.deps.Breaches.Load(ctx, s.db, breachID)
	if err != nil {
		return nil, err
	}
	info, err := kindInfo(r.Kind)
	if err != nil {
		return nil, err
	}
	if OrganizationKind(info.ID) {
		return nil, &errs.Invalid{Message: fmt.Sprintf("%s is an organization document", info.ID),
			Fields: map[string]string{"kind": "generate it for the organization (register or statistics)"}}
	}
	pr := &prepared{info: info, breach: b}
	if pr.org, err = s.deps.Orgs.OrganizationByID(ctx, s.db, b.OrganizationID); err != nil {
		return nil, err
	}
	if err := s.fill(ctx, pr, r); err != nil {
		return nil, err
	}
	return pr, nil
}

// fill builds the report input: breach, organization, roster, deliveries, obligations.
func (s *Service) fill(ctx context.Context, pr *prepared, r Request) error {
	tx := s.db.WithContext(ctx)
	in := report.Input{Org: reportOrg(pr.org), Breach: reportBreach(pr.breach), Zone: pr.org.Location()}
	var err error
	if in.Breach.DataCategories, err = s.categoryNames(ctx, tx, in.Breach.DataCategories); err != nil {
		return err
	}
	if in.Roster, err = s.RosterStats(ctx, tx, pr.breach.ID); err != nil {
		return err
	}
	list, err := s.deps.Obligations.ForBreach(ctx, tx, pr.breach.ID)
	if err != nil {
		return err
	}
	for i := range list {
		// A filing in French states the duties in French.
		list[i] = list[i].In(pr.info.Language)
	}
	obs := refsOf(list)
	for _, o := range obs {
		in.Obligations = append(in.Obligations, o.Obligation)
	}
	if pr.obligation, err = pickObligation(pr.info, obs, r.ObligationID); err != nil {
		return err
	}
	if pr.obligation != nil {
		ob := pr.obligation.Obligation
		in.Obligation = &ob
	}
	if err := s.requirements(pr, &in); err != nil {
		return err
	}
	pr.params.State = strings.ToUpper(strings.TrimSpace(r.State))
	in.State = pr.params.State
	pr.in = in
	pr.series = breachSeries(pr.breach.ID, pr.info.ID, pr.obligation, pr.params.State)
	return nil
}

// pickObligation returns the obligation a filing answers: the one asked for,
// else the first of the breach whose rule the kind answers.
func pickObligation(info report.KindInfo, obs []ObligationRef, id *int64) (*ObligationRef, error) {
	if id != nil {
		for i := range obs {
			if obs[i].ID == *id {
				return &obs[i], nil
			}
		}
		return nil, &errs.Invalid{Message: "no such obligation for this breach",
			Fields: map[string]string{"obligation_id": "an obligation of this breach"}}
	}
	for i := range obs {
		rule, _, _ := strings.Cut(obs[i].RuleID, "/")
		for _, want := range info.RuleIDs {
			if want == rule || want == obs[i].RuleID {
				return &obs[i], nil
			}
		}
	}
	return nil, nil
}

// requirements gives the generic filing the content its rule asks for.
func (s *Service) requirements(pr *prepared, in *report.Input) error {
	if pr.info.ID != "generic" {
		return nil
	}
	if pr.obligation == nil {
		return &errs.Invalid{Message: "the generic filing is built from an obligation's rule",
			Fields: map[string]string{"obligation_id": "required for the generic filing"}}
	}
	title, reqs, ok := requirementsOf(s.deps.Rules, pr.obligation.RuleID, pr.obligation.Version)
	if !ok || len(reqs) == 0 {
		return &errs.Invalid{Message: "the obligation's rule lists no content requirements",
			Fields: map[string]string{"obligation_id": "an obligation whose rule lists its content"}}
	}
	in.Title, in.Requirements = title, reqs
	return nil
}

func breachSeries(breachID int64, kind string, ob *ObligationRef, state string) string {
	s := fmt.Sprintf("breach:%d:%s", breachID, kind)
	if ob != nil {
		s += fmt.Sprintf(":obligation:%d", ob.ID)
	}
	if state != "" {
		s += ":" + state
	}
	return s
}

// Missing lists what a document of this kind and stage would print as not
// yet known, without generating it. The caller needs Read.
func (s *Service) Missing(ctx context.Context, p *auth.Principal, breachID int64, kind, stage string) ([]Missing, error) {
	pr, err := s.prepare(ctx, p, breachID, Request{Kind: kind, Stage: stage}, auth.Read)
	if err != nil {
		return nil, err
	}
	st, err := checkStage(pr.info, stage, StagePreliminary)
	if err != nil {
		return nil, err
	}
	pr.in.Stage = reportStage(st)
	pr.in.GeneratedAt = s.now()
	list, err := report.Check(pr.info.ID, pr.in)
	if err != nil {
		return nil, reportErr(err)
	}
	return missingFrom(list), nil
}

// checkStage validates a stage for the kind; def is used when empty.
func checkStage(info report.KindInfo, stage, def string) (string, error) {
	stage = strings.TrimSpace(stage)
	if !info.Filing {
		if stage == "" || stage == StageNone {
			return StageNone, nil
		}
		return "", &errs.Invalid{Message: "only regulator filings have stages",
			Fields: map[string]string{"stage": "leave empty for " + info.ID}}
	}
	switch stage {
	case "":
		return def, nil
	case StagePreliminary, StageUpdate, StageFinal:
		return stage, nil
	}
	return "", &errs.Invalid{Message: "unknown stage", Fields: map[string]string{"stage": "one of preliminary, update, final"}}
}

func reportStage(stage string) string {
	if stage == StageNone {
		return ""
	}
	return stage
}

// reportErr turns the report package's input errors into validation errors;
// their text names the problem and is safe to show.
func reportErr(err error) error {
	if errors.Is(err, report.ErrTooLarge) {
		return &errs.Limit{Message: "the document would be too long to produce (" + err.Error() + ")", Setting: "BREACHLINE_RENDER_MAX_PAGES"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &errs.Limit{Message: "the document took too long to produce; shorten the longest texts and try again", Setting: "BREACHLINE_RENDER_TIMEOUT"}
	}
	if errors.Is(err, report.ErrInvalidInput) || errors.Is(err, report.ErrUnknownKind) || errors.Is(err, report.ErrNoCSV) {
		return &errs.Invalid{Message: err.Error()}
	}
	return err
}
