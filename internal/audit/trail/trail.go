// Package trail shows the audit trail to the people allowed to read it: an
// organization's whole chain to its administrators, a breach's entries to
// its administrators and legal reviewers, as pages of JSON or as CSV, and
// whether the organization's chain verifies. Every read is itself audited:
// the trail names the members who acted, by e-mail address.
package trail

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rosterfile"
)

// Who may read what. An organization's chain holds its membership changes
// (with e-mail addresses) and every export: administrators only. A breach's
// entries are the record legal reviewers defend decisions with: they and
// administrators read them. Privacy officers and viewers read neither.
const (
	orgPermission    = auth.Administer
	breachPermission = auth.Approve
)

// Breaches checks a caller's access to a breach (breach.Reader).
type Breaches interface {
	OrganizationOf(ctx context.Context, p *auth.Principal, breachID int64, perm auth.Permission) (int64, error)
}

// Records names, by object type (obligation, document, campaign, import,
// person), the records of a breach that audit entries point at; app wires
// it from the packages that own them.
type Records interface {
	BreachRecords(ctx context.Context, breachID int64) (map[string][]string, error)
}

// Service reads the audit trail.
type Service struct {
	db       *gorm.DB
	breaches Breaches
	records  Records
	// Now is the clock of checkpoints (time.Now when nil).
	Now func() time.Time
	// Installation names the installation in checkpoints (its base URL).
	Installation string
}

// NewService returns the trail service.
func NewService(db *gorm.DB, b Breaches, r Records, installation string) *Service {
	return &Service{db: db, breaches: b, records: r, Installation: installation}
}

// Query pages through a trail, newest first: entries before the place
// Before in the chain (0: from the newest), at most Limit (default 100,
// at most 1000).
type Query struct {
	Before int64
	Limit  int
	// Filter narrows the entries (pages and exports alike).
	Filter
}

// Filter narrows a trail: to one actor (their e-mail address, or the name
// a system actor writes), one action, and entries at or after From and
// before To (zero: no bound).
type Filter struct {
	Actor  string
	Action string
	From   time.Time
	To     time.Time
}

// apply narrows q to the filter's entries.
func (f Filter) apply(q *gorm.DB) *gorm.DB {
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	return q
}

// details describes the filter in an audit entry of a read.
func (f Filter) details(d map[string]any) map[string]any {
	if f.Actor != "" {
		d["actor"] = f.Actor
	}
	if f.Action != "" {
		d["action"] = f.Action
	}
	if !f.From.IsZero() {
		d["from"] = f.From.UTC().Format(time.RFC3339)
	}
	if !f.To.IsZero() {
		d["to"] = f.To.UTC().Format(time.RFC3339)
	}
	return d
}

// Entry is an audit entry as the trail shows it.
type Entry struct {
	ID          int64           `json:"id"`
	Seq         int64           `json:"seq"`
	At          time.Time       `json:"at"`
	Actor       string          `json:"actor"`
	ActorUserID *int64          `json:"actor_user_id,omitempty"`
	Action      string          `json:"action"`
	ObjectType  string          `json:"object_type"`
	ObjectID    string          `json:"object_id"`
	Details     json.RawMessage `json:"details"`
	RequestID   string          `json:"request_id"`
	Hash        string          `json:"hash"`
}

// Page is one page of a trail.
type Page struct {
	Entries []Entry `json:"entries"`
	// NextBefore is the Before of the next (older) page; nil at the end.
	NextBefore *int64 `json:"next_before"`
}

// scope selects the entries of one organization, or of one breach in it.
type scope struct {
	orgID    int64
	breachID int64
	records  map[string][]string
}

func (s *Service) orgScope(p *auth.Principal, orgID int64) (scope, error) {
	if err := p.Require(orgID, orgPermission); err != nil {
		return scope{}, err
	}
	return scope{orgID: orgID}, nil
}

func (s *Service) breachScope(ctx context.Context, p *auth.Principal, breachID int64) (scope, error) {
	org, err := s.breaches.OrganizationOf(ctx, p, breachID, breachPermission)
	if err != nil {
		return scope{}, err
	}
	recs, err := s.records.BreachRecords(ctx, breachID)
	if err != nil {
		return scope{}, err
	}
	return scope{orgID: org, breachID: breachID, records: recs}, nil
}

// where narrows q to the scope's entries.
func (sc scope) where(q *gorm.DB) *gorm.DB {
	q = q.Where("organization_id = ?", sc.orgID)
	if sc.breachID == 0 {
		return q
	}
	cond := q.Session(&gorm.Session{NewDB: true}).Where("object_type = 'breach' AND object_id = ?", strconv.FormatInt(sc.breachID, 10))
	for typ, ids := range sc.records {
		if len(ids) > 0 {
			cond = cond.Or("object_type = ? AND object_id IN ?", typ, ids)
		}
	}
	return q.Where(cond)
}

// Organization returns a page of an organization's trail.
func (s *Service) Organization(ctx context.Context, p *auth.Principal, requestID string, orgID int64, q Query) (Page, error) {
	sc, err := s.orgScope(p, orgID)
	if err != nil {
		return Page{}, err
	}
	return s.page(ctx, p, requestID, sc, q)
}

// Breach returns a page of a breach's trail.
func (s *Service) Breach(ctx context.Context, p *auth.Principal, requestID string, breachID int64, q Query) (Page, error) {
	sc, err := s.breachScope(ctx, p, breachID)
	if err != nil {
		return Page{}, err
	}
	return s.page(ctx, p, requestID, sc, q)
}

func (s *Service) page(ctx context.Context, p *auth.Principal, requestID string, sc scope, q Query) (Page, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	if q.Limit > 1000 || q.Before < 0 {
		return Page{}, &errs.Invalid{Message: "the request has invalid fields",
			Fields: map[string]string{"limit": "1 to 1000", "before": "a place in the chain (seq)"}}
	}
	var rows []audit.Entry
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		query := q.apply(sc.where(tx.Model(&audit.Entry{})))
		if q.Before > 0 {
			query = query.Where("seq < ?", q.Before)
		}
		if err := query.Order("seq DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
			return fmt.Errorf("audit trail: %w", err)
		}
		return sc.audit(ctx, tx, p, requestID, "audit.view", q.details(map[string]any{"entries": min(len(rows), q.Limit)}))
	})
	if err != nil {
		return Page{}, err
	}
	out := Page{Entries: make([]Entry, 0, len(rows))}
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		next := rows[len(rows)-1].Seq
		out.NextBefore = &next
	}
	for i := range rows {
		out.Entries = append(out.Entries, view(&rows[i]))
	}
	return out, nil
}

// audit records a read of the trail in the organization's chain.
func (sc scope) audit(ctx context.Context, tx *gorm.DB, p *auth.Principal, requestID, action string, details map[string]any) error {
	objType, objID := "organization", strconv.FormatInt(sc.orgID, 10)
	if sc.breachID != 0 {
		objType, objID = "breach", strconv.FormatInt(sc.breachID, 10)
	}
	return auth.Audit(ctx, tx, p, requestID, sc.orgID, action, objType, objID, details)
}

func view(e *audit.Entry) Entry {
	details := json.RawMessage(e.Details)
	if !json.Valid(details) {
		details, _ = json.Marshal(e.Details)
	}
	return Entry{ID: e.ID, Seq: e.Seq, At: e.At.UTC(), Actor: e.Actor, ActorUserID: e.ActorUserID, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Details: details, RequestID: e.RequestID, Hash: e.Hash}
}

// csvHeader names the columns of a trail export.
var csvHeader = []string{"seq", "id", "at", "actor", "actor_user_id", "action", "object_type", "object_id", "details", "request_id", "prev_hash", "hash"}

// OrganizationCSV writes an organization's whole trail as CSV, oldest
// first, and audits the export. open is called for the writer once the
// caller may read it (an HTTP handler sets its headers then): an error
// returned before is the caller's to answer with.
func (s *Service) OrganizationCSV(ctx context.Context, p *auth.Principal, requestID string, orgID int64, open func() io.Writer) error {
	sc, err := s.orgScope(p, orgID)
	if err != nil {
		return err
	}
	return s.writeCSV(ctx, p, requestID, sc, Filter{}, open)
}

// BreachCSV writes a breach's trail as CSV, oldest first, and audits the
// export; open as for OrganizationCSV.
func (s *Service) BreachCSV(ctx context.Context, p *auth.Principal, requestID string, breachID int64, open func() io.Writer) error {
	return s.BreachCSVFiltered(ctx, p, requestID, breachID, Filter{}, open)
}

// BreachCSVFiltered is BreachCSV with only the entries the filter keeps.
func (s *Service) BreachCSVFiltered(ctx context.Context, p *auth.Principal, requestID string, breachID int64, f Filter, open func() io.Writer) error {
	sc, err := s.breachScope(ctx, p, breachID)
	if err != nil {
		return err
	}
	return s.writeCSV(ctx, p, requestID, sc, f, open)
}

// BreachActors lists, sorted, the actors and the actions of a breach's
// trail (the choices of a filter), after checking the caller may read it.
func (s *Service) BreachActors(ctx context.Context, p *auth.Principal, breachID int64) (actors, actions []string, err error) {
	sc, err := s.breachScope(ctx, p, breachID)
	if err != nil {
		return nil, nil, err
	}
	q := sc.where(s.db.WithContext(ctx).Model(&audit.Entry{}))
	if err := q.Distinct("actor").Order("actor").Pluck("actor", &actors).Error; err != nil {
		return nil, nil, fmt.Errorf("audit trail actors: %w", err)
	}
	q = sc.where(s.db.WithContext(ctx).Model(&audit.Entry{}))
	if err := q.Distinct("action").Order("action").Pluck("action", &actions).Error; err != nil {
		return nil, nil, fmt.Errorf("audit trail actions: %w", err)
	}
	return actors, actions, nil
}

// csvPage is how many entries an export reads at a time.
const csvPage = 5000

// writeCSV records the export first (an export that fails half-way has
// still shown what it wrote), then writes the entries in pages. Every
// value is made safe for spreadsheets.
func (s *Service) writeCSV(ctx context.Context, p *auth.Principal, requestID string, sc scope, f Filter, open func() io.Writer) error {
	var total int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := f.apply(sc.where(tx.Model(&audit.Entry{}))).Count(&total).Error; err != nil {
			return fmt.Errorf("audit trail: %w", err)
		}
		return sc.audit(ctx, tx, p, requestID, "audit.export", f.details(map[string]any{"entries": total}))
	})
	if err != nil {
		return err
	}
	cw := csv.NewWriter(open())
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	after := int64(0)
	for {
		var rows []audit.Entry
		q := f.apply(sc.where(s.db.WithContext(ctx).Model(&audit.Entry{}))).Where("seq > ?", after)
		if err := q.Order("seq").Limit(csvPage).Find(&rows).Error; err != nil {
			return fmt.Errorf("audit trail: %w", err)
		}
		for i := range rows {
			if err := cw.Write(record(&rows[i])); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(rows) < csvPage {
			return nil
		}
		after = rows[len(rows)-1].Seq
	}
}

func record(e *audit.Entry) []string {
	user := ""
	if e.ActorUserID != nil {
		user = strconv.FormatInt(*e.ActorUserID, 10)
	}
	rec := []string{strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, user, e.Action, e.ObjectType, e.ObjectID, e.Details, e.RequestID, e.PrevHash, e.Hash}
	for i := range rec {
		rec[i] = rosterfile.SafeCell(rec[i])
	}
	return rec
}

// Verification is whether an organization's chain holds, with a signed
// checkpoint of its head to keep.
type Verification struct {
	OK         bool              `json:"ok"`
	Chain      audit.ChainReport `json:"chain"`
	Checkpoint string            `json:"checkpoint"`
}

// Verify walks an organization's chain (administrators) and signs a
// checkpoint of its head.
func (s *Service) Verify(ctx context.Context, p *auth.Principal, orgID int64) (Verification, error) {
	if err := p.Require(orgID, orgPermission); err != nil {
		return Verification{}, err
	}
	rep, err := audit.Verify(ctx, s.db, []int64{orgID}, nil)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{OK: rep.OK()}
	if len(rep.Chains) == 1 {
		v.Chain = rep.Chains[0]
	}
	cp, err := audit.MakeCheckpoint(ctx, s.db, s.Installation, s.now(), []int64{orgID})
	if err != nil {
		return v, err
	}
	v.Checkpoint = cp.String()
	return v, nil
}

// Checkpoint signs the current head of an organization's chain, for print
// (the register); it checks no permission: the caller has.
func (s *Service) Checkpoint(ctx context.Context, orgID int64) (string, error) {
	cp, err := audit.MakeCheckpoint(ctx, s.db, s.Installation, s.now(), []int64{orgID})
	if err != nil {
		return "", err
	}
	return cp.Line(), nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
