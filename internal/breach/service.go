package breach

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// FactsChanged is told, inside the transaction of every change to a
// breach's facts, events or answers, which breach changed and why. The
// obligations service implements it and re-evaluates the breach there, so
// a change and its consequences commit together.
type FactsChanged interface {
	BreachChanged(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error
}

// Service stores breaches, scoped to the caller's organizations.
type Service struct {
	Reader
	db      *gorm.DB
	terms   Terms
	changed FactsChanged
}

// NewService returns a Service on db that validates with terms (the
// regulation catalogue's vocabulary) and reports every change to changed.
func NewService(db *gorm.DB, terms Terms, changed FactsChanged) *Service {
	if terms == nil || changed == nil {
		panic("breach.NewService: terms and changed are required")
	}
	return &Service{db: db, terms: terms, changed: changed}
}

// Input is the editable part of a breach; nil fields stay as they are.
type Input struct {
	Title          *string      `json:"title"`
	Description    *string      `json:"description"`
	Nature         *[]string    `json:"nature"`
	Kinds          *[]string    `json:"kinds"`
	DataCategories *[]string    `json:"data_categories"`
	Status         *string      `json:"status"`
	Cause          *string      `json:"cause"`
	Containment    *string      `json:"containment"`
	Mitigation     *string      `json:"mitigation"`
	Events         []EventInput `json:"events"`
	// Estimates replace the estimated numbers of affected people by
	// region; a region at 0 is dropped.
	Estimates *map[string]int64 `json:"estimates"`
}

// EventInput records one timeline event.
type EventInput struct {
	Kind string `json:"kind"`
	At   string `json:"at"`
	Zone string `json:"zone"`
	Note string `json:"note"`
}

// Call identifies the caller of a service method.
type Call struct {
	P         *auth.Principal
	RequestID string
}

// MaxDescription bounds free-text fields.
const MaxDescription = 20000

func (in Input) apply(b *Breach, cats map[string]bool, t vocab, creating bool, f errs.Fields) {
	text := func(dst *string, v *string, field string, max int, required bool) {
		if v == nil {
			if creating && required {
				f.Add(field, "required")
			}
			return
		}
		s := strings.TrimSpace(*v)
		if required && s == "" {
			f.Add(field, "required")
		}
		if len(s) > max {
			f.Add(field, fmt.Sprintf("at most %d characters", max))
		}
		*dst = s
	}
	text(&b.Title, in.Title, "title", 300, true)
	if strings.ContainsFunc(b.Title, unicode.IsControl) {
		// A title is one line: in a subject, a file name, a calendar.
		f.Add("title", "one line, without control characters such as line breaks or tabs")
	}
	text(&b.Description, in.Description, "description", MaxDescription, false)
	text(&b.Cause, in.Cause, "cause", MaxDescription, false)
	text(&b.Containment, in.Containment, "containment", MaxDescription, false)
	text(&b.Mitigation, in.Mitigation, "mitigation", MaxDescription, false)
	list(&b.Nature, in.Nature, "nature", func(s string) bool { return contains(Natures, s) }, "one of "+strings.Join(Natures, ", "), f)
	list(&b.Kinds, in.Kinds, "kinds", t.kind, t.kindWant(), f)
	list(&b.DataCategories, in.DataCategories, "data_categories", func(s string) bool { return cats[s] }, "a data category id from GET /api/v1/data-categories", f)
	if in.Status != nil {
		b.Status = *in.Status
		if !contains(Statuses, b.Status) {
			f.Add("status", "one of open, contained, closed")
		}
	}
	if b.Status == "" {
		b.Status = "open"
	}
	if in.Estimates != nil {
		checkEstimates(*in.Estimates, f)
	}
}

func list(dst *[]string, v *[]string, field string, ok func(string) bool, want string, f errs.Fields) {
	if v == nil {
		if *dst == nil {
			*dst = []string{}
		}
		return
	}
	seen := map[string]bool{}
	out := []string{}
	for i, s := range *v {
		if !ok(s) {
			f.Add(field, fmt.Sprintf("item %d (%q): want %s", i+1, truncate(s, 40), want))
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	*dst = out
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

var refRe = regexp.MustCompile(`^BR-(\d{4})-(\d{4,})$`)

// parseEvent validates one event; field prefixes the field names.
func parseEvent(in EventInput, t vocab, field string, f errs.Fields) Event {
	e := Event{Kind: strings.TrimSpace(in.Kind), Zone: strings.TrimSpace(in.Zone), Note: strings.TrimSpace(in.Note)}
	if !t.event(e.Kind) {
		f.Add(field+".kind", t.eventWant())
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(in.At))
	if err != nil {
		f.Add(field+".at", "an RFC 3339 time with offset, e.g. 2025-10-24T10:00:00-04:00")
	}
	if e.Zone == "" {
		f.Add(field+".zone", "required: the IANA zone the time was recorded in, e.g. America/Toronto")
	} else if _, err := time.LoadLocation(e.Zone); err != nil || e.Zone == "Local" {
		f.Add(field+".zone", "an IANA time zone such as America/Toronto")
	}
	if len(e.Note) > 2000 {
		f.Add(field+".note", "at most 2000 characters")
	}
	e.At = at.UTC()
	return e
}

func (s *Service) categories(ctx context.Context, tx *gorm.DB) (map[string]bool, error) {
	var ids []string
	if err := tx.WithContext(ctx).Model(&Category{}).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("data categories: %w", err)
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}

// Categories lists the data categories.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	var out []Category
	err := s.db.WithContext(ctx).Order("id").Find(&out).Error
	return out, err
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// notFound hides whether a breach exists in another organization.
func notFound(id int64) error { return fmt.Errorf("breach %d: %w", id, errs.ErrNotFound) }

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("not an id: %q", s)
	}
	return id, nil
}
