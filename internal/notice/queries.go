package notice

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// Progress returns where a campaign's deliveries stand: counts only, which
// every member may see.
func (s *Service) Progress(ctx context.Context, p *auth.Principal, id int64) (Progress, error) {
	cp, err := s.campaign(ctx, s.db.Gorm, p, id, auth.Read)
	if err != nil {
		return Progress{}, err
	}
	return s.progress(ctx, s.db.Gorm, &cp)
}

// DeliveryRow is a delivery with the person it is for, as the ledger lists
// it to those who may see personal data.
type DeliveryRow struct {
	Delivery
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// DeliveryFilter narrows the ledger.
type DeliveryFilter struct {
	Status string
	// Query matches the person's name or e-mail address (case-insensitive).
	Query string
	After int64
	Limit int
}

// Deliveries lists a campaign's ledger, by id (keyset paging with After).
// It shows people's names and addresses, so it needs the export
// permission and the read is audited.
func (s *Service) Deliveries(ctx context.Context, c breach.Call, id int64, f DeliveryFilter) ([]DeliveryRow, error) {
	var out []DeliveryRow
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.ExportPersonalData)
		if err != nil {
			return err
		}
		if f.Status != "" && !contains(Statuses, f.Status) {
			return &errs.Invalid{Message: "unknown status", Fields: map[string]string{"status": "one of " + strings.Join(Statuses, ", ")}}
		}
		if out, err = s.deliveryPage(ctx, tx, &cp, f); err != nil {
			return err
		}
		return s.audit(ctx, tx, c, &cp, "campaign.deliveries_read", map[string]any{"status": f.Status, "query": f.Query != "", "rows": len(out)})
	})
	return out, err
}

// deliveryPage reads deliveries and their people until the page is full:
// a search reads on past the rows that do not match, a page at a time.
func (s *Service) deliveryPage(ctx context.Context, tx *gorm.DB, cp *Campaign, f DeliveryFilter) ([]DeliveryRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	out := []DeliveryRow{}
	after := f.After
	for len(out) < f.Limit {
		var list []Delivery
		q := tx.WithContext(ctx).Where("campaign_id = ? AND id > ?", cp.ID, after)
		if f.Status != "" {
			q = q.Where("status = ?", f.Status)
		}
		if err := q.Order("id").Limit(500).Find(&list).Error; err != nil {
			return nil, fmt.Errorf("deliveries: %w", err)
		}
		rows, err := s.withPeople(ctx, tx, cp, list, strings.ToLower(strings.TrimSpace(f.Query)))
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(list) < 500 {
			break
		}
		after = list[len(list)-1].ID
	}
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// withPeople joins the people to deliveries, keeping those the query matches.
func (s *Service) withPeople(ctx context.Context, tx *gorm.DB, cp *Campaign, list []Delivery, query string) ([]DeliveryRow, error) {
	ids := make([]int64, len(list))
	for i, d := range list {
		ids[i] = d.PersonID
	}
	people, err := s.deps.People.ByIDs(ctx, tx, cp.BreachID, ids)
	if err != nil {
		return nil, err
	}
	var out []DeliveryRow
	for _, d := range list {
		p := people[d.PersonID]
		row := DeliveryRow{Delivery: d, Name: personName(p), Email: emailOf(reachOfPerson(p))}
		if query != "" && !strings.Contains(strings.ToLower(row.Name+" "+row.Email), query) {
			continue
		}
		out = append(out, row)
	}
	return out, nil
}

// Evidence is what a campaign shows for the obligation it answers: when it
// was sent, how many deliveries ended in each state and the letters mailed.
type Evidence struct {
	CampaignID   int64            `json:"campaign_id"`
	ObligationID *int64           `json:"obligation_id,omitempty"`
	Status       string           `json:"status"`
	StartedAt    *time.Time       `json:"started_at,omitempty"`
	CompletedAt  *time.Time       `json:"completed_at,omitempty"`
	FirstSent    *time.Time       `json:"first_sent,omitempty"`
	LastSent     *time.Time       `json:"last_sent,omitempty"`
	ByStatus     map[string]int64 `json:"by_status"`
	Recipients   int              `json:"recipients"`
	// Reference is how the obligation records the campaign when it is
	// marked done from here.
	Reference string `json:"reference"`
}

// Evidence sums up a campaign for its obligation.
func (s *Service) Evidence(ctx context.Context, p *auth.Principal, id int64) (Evidence, error) {
	cp, err := s.campaign(ctx, s.db.Gorm, p, id, auth.Read)
	if err != nil {
		return Evidence{}, err
	}
	pr, err := s.progress(ctx, s.db.Gorm, &cp)
	if err != nil {
		return Evidence{}, err
	}
	ev := Evidence{CampaignID: cp.ID, ObligationID: cp.ObligationID, Status: cp.Status, StartedAt: cp.StartedAt,
		CompletedAt: cp.CompletedAt, ByStatus: pr.ByStatus, Recipients: cp.Total,
		Reference: "campaign " + strconv.FormatInt(cp.ID, 10) + " (" + cp.Name + ")"}
	var span struct{ First, Last *time.Time }
	err = s.db.Gorm.WithContext(ctx).Model(&Delivery{}).Select("MIN(sent_at) AS first, MAX(sent_at) AS last").
		Where("campaign_id = ? AND sent_at IS NOT NULL", cp.ID).Scan(&span).Error
	if err != nil {
		return Evidence{}, fmt.Errorf("campaign evidence: %w", err)
	}
	ev.FirstSent, ev.LastSent = span.First, span.Last
	return ev, nil
}

// CampaignsForObligation lists the campaigns that answer an obligation, for
// the deadlines page and the obligation's evidence.
func (s *Service) CampaignsForObligation(ctx context.Context, p *auth.Principal, obligationIDs []int64) (map[int64][]Campaign, error) {
	out := map[int64][]Campaign{}
	if len(obligationIDs) == 0 {
		return out, nil
	}
	var list []Campaign
	if err := s.db.Gorm.WithContext(ctx).Where("obligation_id IN ? AND organization_id IN ?", obligationIDs, p.OrgIDs()).
		Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("campaigns of obligations: %w", err)
	}
	for _, c := range list {
		out[*c.ObligationID] = append(out[*c.ObligationID], c)
	}
	return out, nil
}
