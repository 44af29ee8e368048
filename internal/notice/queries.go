package notice

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rosterfile"
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

// Unreached selects the deliveries whose person has no notice: the e-mail
// failed or bounced with no letter to fall back on, the letter came back,
// or there was no way to reach them. The substitute notice covers them.
const Unreached = "unreached"

// UnreachedStatuses are the final states of a person who has no notice.
var UnreachedStatuses = []string{Failed, Bounced, Returned, Undeliverable}

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
		if f.Status != "" && f.Status != Unreached && !contains(Statuses, f.Status) {
			return &errs.Invalid{Message: "unknown status", Fields: map[string]string{"status": "unreached or one of " + strings.Join(Statuses, ", ")}}
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
		switch f.Status {
		case "":
		case Unreached:
			q = q.Where("status IN ?", UnreachedStatuses)
		default:
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
	// The first and the last by index order (an aggregate would lose the
	// column's type on SQLite).
	for _, end := range []struct {
		order string
		into  **time.Time
	}{{"sent_at", &ev.FirstSent}, {"sent_at DESC", &ev.LastSent}} {
		var d []Delivery
		err := s.db.Gorm.WithContext(ctx).Select("sent_at").Where("campaign_id = ? AND sent_at IS NOT NULL", cp.ID).
			Order(end.order).Limit(1).Find(&d).Error
		if err != nil {
			return Evidence{}, fmt.Errorf("campaign evidence: %w", err)
		}
		if len(d) == 1 {
			*end.into = d[0].SentAt
		}
	}
	return ev, nil
}

// MarkObligationDone records the campaign's obligation as done, dated when
// the campaign completed and naming the campaign as its reference: the
// obligation's history keeps who did it. Only a completed campaign linked
// to an obligation can; privacy officers and admins.
func (s *Service) MarkObligationDone(ctx context.Context, c breach.Call, id int64) (Evidence, error) {
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		switch {
		case cp.ObligationID == nil:
			return &errs.Conflict{Message: "the campaign answers no obligation; link it to one first"}
		case cp.Status != CampaignCompleted || cp.CompletedAt == nil:
			return &errs.Conflict{Message: "the campaign is " + cp.Status + ": an obligation is done only when every notice reached a final state"}
		}
		ref := "campaign " + strconv.FormatInt(cp.ID, 10) + " (" + cp.Name + ")"
		done, err := s.deps.Duties.MarkFiled(ctx, tx, c, cp.BreachID, *cp.ObligationID, obligation.Filing{FiledAt: *cp.CompletedAt, Reference: ref})
		if err != nil {
			return err
		}
		if !done {
			return &errs.Conflict{Message: "the obligation is already recorded as done"}
		}
		return s.audit(ctx, tx, c, &cp, "campaign.obligation_done", map[string]any{"obligation_id": *cp.ObligationID})
	})
	if err != nil {
		return Evidence{}, err
	}
	return s.Evidence(ctx, c.P, id)
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

// DeliveriesCSV writes a campaign's ledger (one status, unreached, or all)
// as CSV with people's names and addresses: the export permission, audited
// once with the number of rows.
func (s *Service) DeliveriesCSV(ctx context.Context, c breach.Call, id int64, status string, w io.Writer) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.ExportPersonalData)
		if err != nil {
			return err
		}
		if status != "" && status != Unreached && !contains(Statuses, status) {
			return &errs.Invalid{Message: "unknown status", Fields: map[string]string{"status": "unreached or one of " + strings.Join(Statuses, ", ")}}
		}
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"delivery_id", "status", "channel", "language", "name", "email", "smtp_code", "server_reply",
			"sent_at", "mailed_at", "returned_at"})
		rows, after := 0, int64(0)
		for {
			page, err := s.deliveryPage(ctx, tx, &cp, DeliveryFilter{Status: status, After: after, Limit: 500})
			if err != nil {
				return err
			}
			for _, d := range page {
				rec := []string{strconv.FormatInt(d.ID, 10), d.Status, d.Channel, d.Language, d.Name, d.Email,
					strconv.Itoa(d.SMTPCode), firstNonEmpty(d.SMTPReply, d.EmailFailure), csvTime(d.SentAt), csvTime(d.MailedAt), csvTime(d.ReturnedAt)}
				for i := range rec {
					rec[i] = rosterfile.SafeCell(rec[i])
				}
				_ = cw.Write(rec)
			}
			rows += len(page)
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].ID
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("deliveries CSV: %w", err)
		}
		return s.audit(ctx, tx, c, &cp, "campaign.deliveries_exported", map[string]any{"status": status, "rows": rows})
	})
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
