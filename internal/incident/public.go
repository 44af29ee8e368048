package incident

import (
	"context"
	"fmt"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// PublicPage is the page at slug as a visitor sees it: a published page
// with its updates, or a withdrawn one (Status Withdrawn, no content). A
// page never published is not found, like a slug that names nothing.
func (s *Service) PublicPage(ctx context.Context, slug string) (Public, error) {
	if !ValidSlug(slug) {
		return Public{}, errs.ErrNotFound
	}
	var list []Incident
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Limit(1).Find(&list).Error; err != nil {
		return Public{}, fmt.Errorf("incident %q: %w", slug, err)
	}
	if len(list) == 0 || list[0].FirstPublishedAt == nil {
		return Public{}, errs.ErrNotFound
	}
	inc := list[0]
	if inc.Status == Withdrawn {
		return Public{Slug: inc.Slug, Status: Withdrawn}, nil
	}
	return s.render(ctx, &inc, inc.PublishedVersion, false)
}

// Preview is the latest draft of a breach's page as it would look,
// marked as a preview. Anyone who may read the breach.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, breachID int64) (Public, error) {
	if _, err := s.breaches.Access(ctx, s.db, p, breachID, auth.Read); err != nil {
		return Public{}, err
	}
	inc, err := s.byBreach(ctx, s.db, breachID)
	if err != nil {
		return Public{}, err
	}
	if inc == nil {
		return Public{}, errs.ErrNotFound
	}
	return s.render(ctx, inc, inc.DraftVersion, true)
}

// render reads a version of a page with its updates and organization.
func (s *Service) render(ctx context.Context, inc *Incident, version int, preview bool) (Public, error) {
	q := s.db.WithContext(ctx)
	var v Version
	if err := q.Where("incident_id = ? AND version = ?", inc.ID, version).Take(&v).Error; err != nil {
		return Public{}, fmt.Errorf("incident version: %w", err)
	}
	org, err := s.orgs.OrganizationByID(ctx, s.db, inc.OrganizationID)
	if err != nil {
		return Public{}, err
	}
	out := Public{Slug: inc.Slug, Status: inc.Status, Organization: firstNonEmpty(org.Name, org.LegalName), Content: v.Content,
		PublishedAt: inc.PublishedAt, FirstPublishedAt: inc.FirstPublishedAt, Preview: preview}
	if err := q.Where("incident_id = ?", inc.ID).Order("posted_at DESC, id DESC").Find(&out.Updates).Error; err != nil {
		return Public{}, fmt.Errorf("incident updates: %w", err)
	}
	return out, nil
}

// PublishedSlug is the address of a breach's published page ("" when it
// has none): the verify page links to it. The answer is remembered for a
// few seconds (slugTTL), and forgotten when this process publishes or
// withdraws the page.
func (s *Service) PublishedSlug(ctx context.Context, breachID int64) (string, error) {
	now := time.Now()
	slug, ok, gen := s.slugs.get(breachID, now)
	if ok {
		return slug, nil
	}
	var list []Incident
	if err := s.db.WithContext(ctx).Select("slug").Where("breach_id = ? AND status = ?", breachID, Published).Limit(1).Find(&list).Error; err != nil {
		return "", fmt.Errorf("incident of breach %d: %w", breachID, err)
	}
	slug = ""
	if len(list) == 1 {
		slug = list[0].Slug
	}
	s.slugs.put(breachID, slug, gen, now)
	return slug, nil
}

// PublicIndex lists an organization's published pages, when its privacy
// office turned the index on; otherwise it is not found.
func (s *Service) PublicIndex(ctx context.Context, slug string) (Index, error) {
	if !ValidSlug(slug) {
		return Index{}, errs.ErrNotFound
	}
	q := s.db.WithContext(ctx)
	var st []Settings
	if err := q.Where("index_slug = ? AND public_index = ?", slug, true).Limit(1).Find(&st).Error; err != nil {
		return Index{}, fmt.Errorf("incident index: %w", err)
	}
	if len(st) == 0 {
		return Index{}, errs.ErrNotFound
	}
	org, err := s.orgs.OrganizationByID(ctx, s.db, st[0].OrganizationID)
	if err != nil {
		return Index{}, err
	}
	var pages []Incident
	if err := q.Where("organization_id = ? AND status = ?", org.ID, Published).Order("published_at DESC, id DESC").Find(&pages).Error; err != nil {
		return Index{}, fmt.Errorf("incident index: %w", err)
	}
	out := Index{Organization: firstNonEmpty(org.Name, org.LegalName), Slug: slug}
	for _, p := range pages {
		var v Version
		if err := q.Where("incident_id = ? AND version = ?", p.ID, p.PublishedVersion).Take(&v).Error; err != nil {
			return Index{}, fmt.Errorf("incident version: %w", err)
		}
		e := IndexEntry{Slug: p.Slug, Titles: map[string]string{}}
		if p.PublishedAt != nil {
			e.PublishedAt = *p.PublishedAt
		}
		for _, lang := range Languages {
			e.Titles[lang] = v.Content.In(lang).Title
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
