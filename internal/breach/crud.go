package breach

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// Create opens a breach in an organization, with its initial events.
func (s *Service) Create(ctx context.Context, c Call, orgID int64, in Input) (Breach, error) {
	if err := c.P.Require(orgID, auth.Write); err != nil {
		return Breach{}, err
	}
	var b Breach
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cats, err := s.categories(ctx, tx)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		in.apply(&b, cats, vocab{s.terms}, true, f)
		events := make([]Event, len(in.Events))
		for i, ei := range in.Events {
			events[i] = parseEvent(ei, vocab{s.terms}, fmt.Sprintf("events[%d]", i), f)
		}
		if err := f.Err(); err != nil {
			return err
		}
		b.OrganizationID = orgID
		uid := c.P.User.ID
		b.CreatedBy = &uid
		if b.Reference, err = nextReference(tx, orgID, time.Now().UTC().Year()); err != nil {
			return err
		}
		if err := tx.Create(&b).Error; err != nil {
			return fmt.Errorf("insert breach: %w", err)
		}
		for i := range events {
			events[i].BreachID, events[i].CreatedBy = b.ID, &uid
		}
		if len(events) > 0 {
			if err := tx.Create(&events).Error; err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
		}
		b.Events, b.Answers = events, []Answer{}
		if in.Estimates != nil {
			if err := saveEstimates(ctx, tx, b.ID, *in.Estimates); err != nil {
				return err
			}
			b.Estimates = *in.Estimates
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, orgID, "breach.create", "breach", idString(b.ID), map[string]any{"reference": b.Reference, "events": len(events)}); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, b.ID, "breach created")
	})
	return b, err
}

// nextReference gives the organization's next BR-YYYY-NNNN. The unique index
// on (organization_id, reference) settles a race; the loser's transaction fails
// and the caller retries, which is rare enough for breaches.
func nextReference(tx *gorm.DB, orgID int64, year int) (string, error) {
	prefix := fmt.Sprintf("BR-%d-", year)
	var refs []string
	if err := tx.Model(&Breach{}).Where("organization_id = ? AND reference LIKE ?", orgID, prefix+"%").Pluck("reference", &refs).Error; err != nil {
		return "", fmt.Errorf("breach reference: %w", err)
	}
	max := 0
	for _, r := range refs {
		if m := refRe.FindStringSubmatch(r); m != nil {
			if n, _ := strconv.Atoi(m[2]); n > max {
				max = n
			}
		}
	}
	return fmt.Sprintf("%s%04d", prefix, max+1), nil
}

// ListFilter narrows a breach list.
type ListFilter struct {
	OrganizationID int64
	Status         string
	Query          string
	Limit, Offset  int
}

// List returns the caller's breaches, newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) ([]Breach, int64, error) {
	ids := p.OrgIDs()
	if f.OrganizationID != 0 {
		if err := p.Require(f.OrganizationID, auth.Read); err != nil {
			return nil, 0, err
		}
		ids = []int64{f.OrganizationID}
	}
	out := []Breach{}
	if len(ids) == 0 {
		return out, 0, nil
	}
	q := s.db.WithContext(ctx).Model(&Breach{}).Where("organization_id IN ?", ids)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Query != "" {
		// Escape LIKE's wildcards so "100%" or "BR_2025" match literally.
		esc := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Query))
		like := "%" + esc + "%"
		q = q.Where(`(lower(title) LIKE ? ESCAPE '\' OR lower(reference) LIKE ? ESCAPE '\')`, like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	err := q.Order("created_at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error
	return out, total, err
}

// Get returns a breach with its events and answers if the caller may read it.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Breach, error) {
	if _, err := s.Access(ctx, s.db, p, id, auth.Read); err != nil {
		return Breach{}, err
	}
	return s.Load(ctx, s.db, id)
}

func notFoundIfOutside(err error, id int64) error {
	if errsIs(err, errs.ErrNotFound) {
		return notFound(id)
	}
	return err
}

// Update changes a breach's facts.
func (s *Service) Update(ctx context.Context, c Call, id int64, in Input) (Breach, error) {
	if len(in.Events) > 0 {
		return Breach{}, &errs.Invalid{Message: "events are added one at a time", Fields: map[string]string{"events": "use POST /api/v1/breaches/{id}/events"}}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.Access(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		cats, err := s.categories(ctx, tx)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		in.apply(&b, cats, vocab{s.terms}, false, f)
		if err := f.Err(); err != nil {
			return err
		}
		b.UpdatedAt = time.Now().UTC()
		if err := tx.Select("*").Omit("created_at", "created_by", "organization_id", "reference").Updates(&b).Error; err != nil {
			return fmt.Errorf("update breach: %w", err)
		}
		if in.Estimates != nil {
			if err := saveEstimates(ctx, tx, id, *in.Estimates); err != nil {
				return err
			}
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, b.OrganizationID, "breach.update", "breach", idString(id), in); err != nil {
			return err
		}
		return s.changed.BreachChanged(ctx, tx, id, "breach facts changed")
	})
	if err != nil {
		return Breach{}, err
	}
	return s.Get(ctx, c.P, id)
}
