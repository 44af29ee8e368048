package notice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
)

// CampaignInput creates or edits a campaign; nil fields stay as they are.
type CampaignInput struct {
	Name            *string            `json:"name"`
	TemplateSet     *string            `json:"template_set"`
	DefaultLanguage *string            `json:"default_language"`
	ObligationID    *int64             `json:"obligation_id"`
	FollowsID       *int64             `json:"follows_id"`
	Audience        *Audience          `json:"audience"`
	Content         *Content           `json:"content"`
	PersonFields    *map[string]string `json:"person_fields"`
}

// maxContent bounds a content field's text.
const maxContent = 20000

var personFieldRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// CreateCampaign starts a draft campaign for a breach. Privacy officers
// and admins. A campaign that follows an earlier one (a correction or a
// supplement) reaches the same people unless told otherwise.
func (s *Service) CreateCampaign(ctx context.Context, c breach.Call, breachID int64, in CampaignInput) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		b, err := s.deps.Breaches.Access(ctx, tx, c.P, breachID, auth.Write)
		if err != nil {
			return err
		}
		now := s.now()
		out = Campaign{OrganizationID: b.OrganizationID, BreachID: b.ID, Status: CampaignDraft, DefaultLanguage: "en",
			TemplateSet: "general", Content: Content{}, PersonFields: map[string]string{},
			CreatedBy: userID(c.P), CreatedAt: now, UpdatedAt: now}
		if in.FollowsID != nil && in.Audience == nil {
			in.Audience = &Audience{SameAs: *in.FollowsID}
		}
		if err := s.apply(ctx, tx, &out, in, true); err != nil {
			return err
		}
		if out.ContentHash, err = s.contentHash(ctx, tx, &out); err != nil {
			return err
		}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("create campaign: %w", err)
		}
		return s.audit(ctx, tx, c, &out, "campaign.create", map[string]any{"name": out.Name, "template_set": out.TemplateSet})
	})
	return out, err
}

// UpdateCampaign edits a draft or approved campaign. An edit that changes
// what would be sent voids the approval: the campaign is a draft again.
func (s *Service) UpdateCampaign(ctx context.Context, c breach.Call, id int64, in CampaignInput) (Campaign, error) {
	var out Campaign
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cur, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if cur.Status != CampaignDraft && cur.Status != CampaignApproved {
			return &errs.Conflict{Message: "a campaign can only be edited before it is sent; start a corrective campaign instead"}
		}
		if in.FollowsID != nil {
			return &errs.Invalid{Message: "a campaign's predecessor is set when it is created", Fields: map[string]string{"follows_id": "cannot change"}}
		}
		if err := s.apply(ctx, tx, &cur, in, false); err != nil {
			return err
		}
		if err := s.rehash(ctx, tx, c, &cur); err != nil {
			return err
		}
		out = cur
		return s.audit(ctx, tx, c, &cur, "campaign.update", in)
	})
	return out, err
}

// apply validates and sets the input's fields.
func (s *Service) apply(ctx context.Context, tx *gorm.DB, cp *Campaign, in CampaignInput, creating bool) error {
	f := errs.Fields{}
	if in.Name != nil {
		cp.Name = strings.TrimSpace(*in.Name)
	}
	if cp.Name == "" || len(cp.Name) > 200 {
		f.Add("name", "required, at most 200 characters")
	}
	if in.DefaultLanguage != nil {
		cp.DefaultLanguage = *in.DefaultLanguage
	}
	if !knownLanguage(cp.DefaultLanguage) {
		f.Add("default_language", "one of "+strings.Join(Languages, ", "))
	}
	if in.TemplateSet != nil {
		cp.TemplateSet = *in.TemplateSet
	}
	if set, err := s.templateSet(ctx, tx, cp.OrganizationID, cp.TemplateSet); err != nil {
		f.Add("template_set", "a template set of the organization (GET …/notice-templates)")
	} else if _, ok := set.Parts[cp.DefaultLanguage]; !ok && f["default_language"] == "" {
		f.Add("default_language", "the template has no "+cp.DefaultLanguage+" version")
	}
	s.applyContent(cp, in, f)
	if err := s.applyLinks(ctx, tx, cp, in, creating, f); err != nil {
		return err
	}
	return f.Err()
}

func (s *Service) applyContent(cp *Campaign, in CampaignInput, f errs.Fields) {
	if in.Audience != nil {
		cp.Audience = *in.Audience
	}
	for _, ch := range cp.Audience.Channels {
		if ch != ChannelEmail && ch != ChannelPostal {
			f.Add("audience.channels", "email or postal")
		}
	}
	if in.Content != nil {
		cp.Content = *in.Content
	}
	for lang, fields := range cp.Content {
		if !knownLanguage(lang) {
			f.Add("content."+lang, "not a language a notice can be written in")
		}
		for name, text := range fields {
			if !isContentField(name) {
				f.Add("content."+lang+"."+name, "not a content field; one of "+strings.Join(ContentFields, ", "))
			} else if len(text) > maxContent {
				f.Add("content."+lang+"."+name, fmt.Sprintf("at most %d characters", maxContent))
			}
		}
	}
	if in.PersonFields != nil {
		cp.PersonFields = *in.PersonFields
	}
	for name, col := range cp.PersonFields {
		switch {
		case !personFieldRe.MatchString(name) || knownFields(nil)(name):
			f.Add("person_fields."+name, "a new field name (lower-case letters, digits and _) that is not a standard field")
		case strings.TrimSpace(col) == "" || len(col) > 200:
			f.Add("person_fields."+name, "the roster column that holds it")
		}
	}
}

func isContentField(name string) bool {
	for _, c := range ContentFields {
		if c == name {
			return true
		}
	}
	return false
}

// applyLinks checks that every record the input names by id (the
// obligation, the earlier campaign, the audience's imports) belongs to the
// campaign's breach: an id of another breach or organization, or of
// nothing, is refused like one that does not exist.
func (s *Service) applyLinks(ctx context.Context, tx *gorm.DB, cp *Campaign, in CampaignInput, creating bool, f errs.Fields) error {
	if in.ObligationID != nil {
		cp.ObligationID = in.ObligationID
		if *in.ObligationID == 0 {
			cp.ObligationID = nil
		}
	}
	if cp.ObligationID != nil {
		duties, err := s.deps.Duties.ForBreach(ctx, tx, cp.BreachID)
		if err != nil {
			return err
		}
		found := false
		for _, d := range duties {
			found = found || d.ID == *cp.ObligationID
		}
		if !found {
			f.Add("obligation_id", "an obligation of this breach")
		}
	}
	if creating && in.FollowsID != nil {
		cp.FollowsID = in.FollowsID
	}
	for _, ref := range []*int64{cp.FollowsID, nonZero(cp.Audience.SameAs)} {
		if ref == nil {
			continue
		}
		var n int64
		if err := tx.Model(&Campaign{}).Where("id = ? AND breach_id = ?", *ref, cp.BreachID).Count(&n).Error; err != nil {
			return fmt.Errorf("campaign: %w", err)
		}
		if n == 0 {
			f.Add("follows_id", "an earlier campaign of this breach")
		}
	}
	if len(cp.Audience.Imports) > 0 {
		own, err := s.deps.People.ImportsOfBreach(ctx, tx, cp.BreachID, cp.Audience.Imports)
		if err != nil {
			return err
		}
		for _, id := range cp.Audience.Imports {
			if !own[id] {
				f.Add("audience.imports", "imports of this breach")
			}
		}
	}
	return nil
}

func nonZero(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// rehash recomputes what would be sent; a change voids the approval.
func (s *Service) rehash(ctx context.Context, tx *gorm.DB, c breach.Call, cp *Campaign) error {
	h, err := s.contentHash(ctx, tx, cp)
	if err != nil {
		return err
	}
	set := map[string]any{"content_hash": h, "updated_at": s.now(), "name": cp.Name, "template_set": cp.TemplateSet,
		"default_language": cp.DefaultLanguage, "audience": mustJSON(cp.Audience), "content": mustJSON(cp.Content),
		"person_fields": mustJSON(cp.PersonFields), "obligation_id": cp.ObligationID}
	voided := cp.Status == CampaignApproved && h != cp.ApprovedHash
	if voided {
		set["status"] = CampaignDraft
	}
	if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Updates(set).Error; err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	cp.ContentHash = h
	if voided {
		cp.Status = CampaignDraft
		return s.audit(ctx, tx, c, cp, "campaign.approval_voided", map[string]any{"approved_hash": cp.ApprovedHash, "content_hash": h})
	}
	return nil
}

// contentHash is the SHA-256 of everything about a campaign that is the
// same for every recipient: the template set and every language of it (with
// its edit version), the campaign's texts, its person fields and audience.
func (s *Service) contentHash(ctx context.Context, tx *gorm.DB, cp *Campaign) (string, error) {
	set, err := s.templateSet(ctx, tx, cp.OrganizationID, cp.TemplateSet)
	if err != nil {
		return "", err
	}
	doc := map[string]any{"template_set": cp.TemplateSet, "parts": set.Parts, "versions": set.Versions,
		"default_language": cp.DefaultLanguage, "content": cp.Content, "person_fields": cp.PersonFields,
		"audience": cp.Audience, "obligation_id": cp.ObligationID}
	raw, err := json.Marshal(doc) // map keys are sorted: the encoding is canonical
	if err != nil {
		return "", fmt.Errorf("campaign hash: %w", err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// voidApprovals voids the approval of the organization's campaigns that
// use a template set that has just been edited.
func (s *Service) voidApprovals(ctx context.Context, tx *gorm.DB, c breach.Call, orgID int64, key string) error {
	var list []Campaign
	if err := tx.Where("organization_id = ? AND template_set = ? AND status IN ?", orgID, key,
		[]string{CampaignDraft, CampaignApproved}).Find(&list).Error; err != nil {
		return fmt.Errorf("campaigns: %w", err)
	}
	for i := range list {
		if err := s.rehash(ctx, tx, c, &list[i]); err != nil {
			return err
		}
	}
	return nil
}

// campaign loads a campaign the caller may act on with perm; another
// organization's campaign is not found.
func (s *Service) campaign(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (Campaign, error) {
	var cp Campaign
	err := tx.WithContext(ctx).Take(&cp, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Campaign{}, fmt.Errorf("campaign %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("campaign %d: %w", id, err)
	}
	if err := p.Require(cp.OrganizationID, perm); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return Campaign{}, fmt.Errorf("campaign %d: %w", id, errs.ErrNotFound)
		}
		return Campaign{}, err
	}
	return cp, nil
}

// Campaign returns a campaign the caller may read.
func (s *Service) Campaign(ctx context.Context, p *auth.Principal, id int64) (Campaign, error) {
	return s.campaign(ctx, s.db.Gorm, p, id, auth.Read)
}

// Campaigns lists a breach's campaigns, newest first.
func (s *Service) Campaigns(ctx context.Context, p *auth.Principal, breachID int64) ([]Campaign, error) {
	if _, err := s.deps.Breaches.Access(ctx, s.db.Gorm, p, breachID, auth.Read); err != nil {
		return nil, err
	}
	out := []Campaign{}
	err := s.db.Gorm.WithContext(ctx).Where("breach_id = ?", breachID).Order("id DESC").Find(&out).Error
	return out, err
}

// AudienceSize counts the people of a breach an audience would reach, by
// region, language and channel, before a campaign is made of it: counts
// only, which every member may see. Only the filters count here: an
// audience that repeats an earlier campaign's people (SameAs) is counted by
// the campaign's review.
func (s *Service) AudienceSize(ctx context.Context, p *auth.Principal, breachID int64, a Audience) (roster.AudienceSize, error) {
	if _, err := s.deps.Breaches.Access(ctx, s.db.Gorm, p, breachID, auth.Read); err != nil {
		return roster.AudienceSize{}, err
	}
	return s.deps.People.CountAudience(ctx, s.db.Gorm, breachID, audienceFilter(a))
}

// audit records a campaign's change in the audit log.
func (s *Service) audit(ctx context.Context, tx *gorm.DB, c breach.Call, cp *Campaign, action string, details any) error {
	return auth.Audit(ctx, tx, c.P, c.RequestID, cp.OrganizationID, action, "campaign", strconv.FormatInt(cp.ID, 10), details)
}
