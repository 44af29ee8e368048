package document

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/report"
)

// Register generates the breach register of an organization: every breach
// placed in [from, to) by the date the organization became aware of it,
// notifiable or not, with a CSV beside the PDF. A zero bound leaves that side
// open. The caller needs Write; the generation is audited.
func (s *Service) Register(ctx context.Context, c Call, orgID int64, from, to time.Time) (Document, error) {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return Document{}, &errs.Invalid{Message: "the period ends before it starts", Fields: map[string]string{"to": "after from"}}
	}
	o, in, err := s.orgInput(ctx, c.P, orgID)
	if err != nil {
		return Document{}, err
	}
	in.PeriodStart, in.PeriodEnd = from.UTC(), to.UTC()
	if s.deps.Checkpoints != nil {
		if in.AuditCheckpoint, err = s.deps.Checkpoints.Checkpoint(ctx, orgID); err != nil {
			return Document{}, err
		}
	}
	p := Params{}
	if !from.IsZero() {
		f := from.UTC()
		p.From = &f
	}
	if !to.IsZero() {
		t := to.UTC()
		p.To = &t
	}
	series := "register:" + stamp(from, time.RFC3339) + ":" + stamp(to, time.RFC3339)
	base := o.Slug + "-register-" + stamp(from, "20060102") + "-" + stamp(to, "20060102")
	return s.generateOrg(ctx, c, o, "register", series, base, p, in)
}

// AnnualStatistics generates the annual breach statistics of an organization
// (kind phipa-annual-stats or fippa-annual-stats) for a calendar year, with a
// CSV beside the PDF. The caller needs Write; the generation is audited.
func (s *Service) AnnualStatistics(ctx context.Context, c Call, orgID int64, kind string, year int) (Document, error) {
	f := errs.Fields{}
	if kind != "phipa-annual-stats" && kind != "fippa-annual-stats" {
		f.Add("kind", "one of phipa-annual-stats, fippa-annual-stats")
	}
	if year < 1990 || year > s.now().Year()+1 {
		f.Add("year", "a calendar year such as 2025")
	}
	if err := f.Err(); err != nil {
		return Document{}, err
	}
	o, in, err := s.orgInput(ctx, c.P, orgID)
	if err != nil {
		return Document{}, err
	}
	in.Year = year
	series := fmt.Sprintf("%s:%d", kind, year)
	return s.generateOrg(ctx, c, o, kind, series, fmt.Sprintf("%s-%s-%d", o.Slug, kind, year), Params{Year: year}, in)
}

func stamp(t time.Time, layout string) string {
	if t.IsZero() {
		return "open"
	}
	return t.UTC().Format(layout)
}

// orgInput checks Write in the organization and loads its register entries.
func (s *Service) orgInput(ctx context.Context, p *auth.Principal, orgID int64) (auth.Organization, report.Input, error) {
	if err := p.Require(orgID, auth.Write); err != nil {
		return auth.Organization{}, report.Input{}, err
	}
	o, err := s.deps.Orgs.OrganizationByID(ctx, s.db, orgID)
	if err != nil {
		return o, report.Input{}, err
	}
	entries, err := s.registerEntries(ctx, s.db.WithContext(ctx), orgID)
	if err != nil {
		return o, report.Input{}, err
	}
	return o, report.Input{Org: reportOrg(o), Zone: o.Location(), Register: entries}, nil
}

// generateOrg renders and stores the next version of an organization document.
func (s *Service) generateOrg(ctx context.Context, c Call, o auth.Organization, kind, series, base string, p Params, in report.Input) (Document, error) {
	info, err := kindInfo(kind)
	if err != nil {
		return Document{}, err
	}
	for attempt := 1; ; attempt++ {
		hist, err := s.history(ctx, o.ID, series)
		if err != nil {
			return Document{}, err
		}
		d := s.newDocument(c, o.ID, info, series, hist.version+1)
		d.Params = p
		d.DocumentID = fmt.Sprintf("%s-v%d", base, d.Version)
		in.DocumentID, in.GeneratedAt, in.Preparer = d.DocumentID, d.GeneratedAt, d.GeneratedByLabel
		in.PreparedBy = preparedBy(ctx, c.P, o.ID, info.Language)
		if err := s.renderInto(ctx, &d, info, in); err != nil {
			return Document{}, err
		}
		err = s.store(ctx, c, &d)
		if err == nil || !isUnique(err) || attempt == maxAttempts {
			return d, err
		}
	}
}

// ParseBound reads a period bound: "" (open), a date (midnight in loc) or an
// RFC 3339 time.
func ParseBound(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}
