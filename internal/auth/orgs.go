package auth

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

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
)

// OrgInput is the editable part of an organization. Nil fields are left as
// they are on update.
type OrgInput struct {
	Slug                *string   `json:"slug"`
	Name                *string   `json:"name"`
	LegalName           *string   `json:"legal_name"`
	Sectors             *[]string `json:"sectors"`
	Roles               *[]string `json:"roles"`
	HomeJurisdiction    *string   `json:"home_jurisdiction"`
	TimeZone            *string   `json:"time_zone"`
	InternalTargetHours *int      `json:"internal_target_hours"`
	ContactName         *string   `json:"contact_name"`
	ContactEmail        *string   `json:"contact_email"`
	ContactPhone        *string   `json:"contact_phone"`
	Address             *string   `json:"address"`
	DefaultLanguage     *string   `json:"default_language"`
	// Retention of affected people's contact data (retention.go).
	ContactRetentionDays *int  `json:"contact_retention_days"`
	RetentionHold        *bool `json:"retention_hold"`
}

// SlugTaken is the problem of the slug field when another organization
// already uses the slug asked for.
const SlugTaken = "already used by another organization"

// MayCreateOrganization says whether the caller may create an
// organization: an administrator of any organization may (a breach coach or
// law firm serving several clients), and becomes the new one's admin. The
// API and the pages both ask it.
func (p *Principal) MayCreateOrganization() error {
	if len(p.OrgIDsWith(Administer)) == 0 {
		return fmt.Errorf("creating an organization takes an administrator: %w", errs.ErrForbidden)
	}
	return nil
}

var (
	slugRe         = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	tagRe          = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	jurisdictionRe = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
)

// apply validates in and copies it onto o, collecting every field problem.
func (in OrgInput) apply(o *Organization, terms OrgTerms, creating bool) error {
	f := errs.Fields{}
	setStr := func(dst *string, v *string, field string, max int, required bool) {
		if v == nil {
			if creating && required {
				f.Add(field, "required")
			}
			return
		}
		s := strings.TrimSpace(*v)
		switch {
		case required && s == "":
			f.Add(field, "required")
		case len(s) > max:
			f.Add(field, fmt.Sprintf("at most %d characters", max))
		case field != "address" && strings.ContainsFunc(s, unicode.IsControl):
			// One line: a line break would end a header or an envelope's line.
			f.Add(field, "one line, without control characters such as line breaks or tabs")
		}
		*dst = s
	}
	setStr(&o.Name, in.Name, "name", 200, true)
	setStr(&o.LegalName, in.LegalName, "legal_name", 300, false)
	setStr(&o.ContactName, in.ContactName, "contact_name", 200, false)
	setStr(&o.ContactPhone, in.ContactPhone, "contact_phone", 50, false)
	setStr(&o.Address, in.Address, "address", 1000, false)
	setStr(&o.ContactEmail, in.ContactEmail, "contact_email", 254, false)
	if o.ContactEmail != "" && in.ContactEmail != nil {
		if e, err := NormalizeEmail(o.ContactEmail); err != nil {
			f.Add("contact_email", "not a valid e-mail address")
		} else {
			o.ContactEmail = e
		}
	}
	if in.Slug != nil {
		o.Slug = strings.TrimSpace(*in.Slug)
		if !slugRe.MatchString(o.Slug) {
			f.Add("slug", "2-63 lower-case letters, digits and hyphens")
		}
	} else if creating {
		f.Add("slug", "required")
	}
	in.applyLists(o, terms, f)
	in.applyZone(o, f)
	in.applyRetention(o, f)
	if in.DefaultLanguage != nil {
		o.DefaultLanguage = strings.TrimSpace(*in.DefaultLanguage)
		if o.DefaultLanguage != "" && !i18n.Supported(o.DefaultLanguage) {
			f.Add("default_language", "one of "+strings.Join(i18n.Languages, ", ")+", or empty")
		}
	}
	return f.Err()
}

func (in OrgInput) applyLists(o *Organization, terms OrgTerms, f errs.Fields) {
	check := func(field string, v *[]string, dst *[]string, known func(string) bool, ids func() []string) {
		if v == nil {
			if *dst == nil {
				*dst = []string{}
			}
			return
		}
		for i, s := range *v {
			switch {
			case !tagRe.MatchString(s):
				f.Add(field, "item "+strconv.Itoa(i+1)+" must be a lower-case identifier such as mfippa_institution")
			case terms != nil && !known(s):
				f.Add(field, "item "+strconv.Itoa(i+1)+" ("+s+"): want one of "+strings.Join(ids(), ", "))
			}
		}
		*dst = append([]string{}, *v...)
	}
	if terms != nil {
		check("sectors", in.Sectors, &o.Sectors, terms.Sector, terms.SectorIDs)
		check("roles", in.Roles, &o.Roles, terms.Role, terms.RoleIDs)
	} else {
		check("sectors", in.Sectors, &o.Sectors, nil, nil)
		check("roles", in.Roles, &o.Roles, nil, nil)
	}
	if in.HomeJurisdiction != nil {
		o.HomeJurisdiction = strings.ToUpper(strings.TrimSpace(*in.HomeJurisdiction))
		if o.HomeJurisdiction != "" && !jurisdictionRe.MatchString(o.HomeJurisdiction) {
			f.Add("home_jurisdiction", "an ISO 3166 code such as CA-ON, US-TX or DE")
		}
	}
}

func (in OrgInput) applyZone(o *Organization, f errs.Fields) {
	if in.TimeZone != nil {
		o.TimeZone = strings.TrimSpace(*in.TimeZone)
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "Local" {
		f.Add("time_zone", "an IANA time zone such as America/Toronto")
	}
	if in.InternalTargetHours != nil {
		o.InternalTargetHours = *in.InternalTargetHours
	}
	if o.InternalTargetHours == 0 {
		o.InternalTargetHours = 72
	}
	if o.InternalTargetHours < 1 || o.InternalTargetHours > 24*90 {
		f.Add("internal_target_hours", "between 1 and 2160")
	}
}

// CreateOrganization creates an organization and makes creator (if any) its
// admin, in one transaction with the audit entry.
func (s *Service) CreateOrganization(ctx context.Context, creator *Principal, requestID string, in OrgInput) (Organization, error) {
	var o Organization
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		o, err = s.CreateOrganizationTx(ctx, tx, creator, requestID, in)
		return err
	})
	return o, err
}

// CreateOrganizationTx is CreateOrganization inside the caller's transaction.
func (s *Service) CreateOrganizationTx(ctx context.Context, tx *gorm.DB, creator *Principal, requestID string, in OrgInput) (Organization, error) {
	var o Organization
	if err := in.apply(&o, s.terms, true); err != nil {
		return Organization{}, err
	}
	err := tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&o).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &errs.Invalid{Message: "slug taken", Fields: map[string]string{"slug": SlugTaken}}
			}
			return err
		}
		if creator != nil {
			if err := s.SetMembership(ctx, tx, creator.User.ID, o.ID, RoleAdmin); err != nil {
				return err
			}
		}
		return Audit(ctx, tx, creator, requestID, o.ID, "organization.create", "organization", strconv.FormatInt(o.ID, 10), map[string]string{"slug": o.Slug})
	})
	return o, err
}

// UpdateOrganization changes an organization's settings.
func (s *Service) UpdateOrganization(ctx context.Context, p *Principal, requestID string, id int64, in OrgInput) (Organization, error) {
	if err := p.Require(id, Administer); err != nil {
		return Organization{}, err
	}
	var o Organization
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&o, id).Error; err != nil {
			return fmt.Errorf("organization %d: %w", id, errs.ErrNotFound)
		}
		if err := in.apply(&o, s.terms, false); err != nil {
			return err
		}
		if err := tx.Save(&o).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &errs.Invalid{Message: "slug taken", Fields: map[string]string{"slug": SlugTaken}}
			}
			return err
		}
		if err := Audit(ctx, tx, p, requestID, o.ID, "organization.update", "organization", strconv.FormatInt(o.ID, 10), in); err != nil {
			return err
		}
		return s.changed.OrganizationChanged(ctx, tx, o.ID, "organization settings changed")
	})
	return o, err
}

// Organizations lists the organizations the caller belongs to.
func (s *Service) Organizations(ctx context.Context, p *Principal) ([]Organization, error) {
	out := []Organization{}
	ids := p.OrgIDs()
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("name").Find(&out).Error
	return out, err
}

// Organization returns one organization by id or slug if the caller belongs to it.
func (s *Service) Organization(ctx context.Context, p *Principal, ref string) (Organization, error) {
	o, err := s.OrganizationByRef(ctx, ref)
	if err != nil {
		return Organization{}, err
	}
	if err := p.Require(o.ID, Read); err != nil {
		return Organization{}, err
	}
	return o, nil
}

// OrganizationByRef finds an organization by numeric id or slug, unchecked
// (for the CLI, which runs with the operator's authority).
func (s *Service) OrganizationByRef(ctx context.Context, ref string) (Organization, error) {
	var o Organization
	q := s.db.WithContext(ctx)
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		err = q.Take(&o, id).Error
	} else {
		err = q.Where("slug = ?", ref).Take(&o).Error
	}
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Organization{}, fmt.Errorf("organization %q: %w", ref, errs.ErrNotFound)
		}
		return Organization{}, err
	}
	return o, nil
}

// Location is the organization's time zone (UTC if unreadable).
func (o Organization) Location() *time.Location {
	if loc, err := time.LoadLocation(o.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
