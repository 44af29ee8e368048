package document

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/obligation"
)

// Formats a stored document can be downloaded in.
const (
	FormatPDF = "pdf"
	FormatCSV = "csv"
)

// List returns the documents of a breach, newest first, without their bytes.
// The caller needs Read.
func (s *Service) List(ctx context.Context, p *auth.Principal, breachID int64) ([]Document, error) {
	b, err := s.deps.Breaches.Access(ctx, s.db, p, breachID, auth.Read)
	if err != nil {
		return nil, err
	}
	out := []Document{}
	err = s.db.WithContext(ctx).Select(metaColumns()).Where("breach_id = ? AND organization_id = ?", breachID, b.OrganizationID).
		Order("generated_at DESC, id DESC").Find(&out).Error
	return out, err
}

// ListOrganization returns an organization's documents that belong to no
// breach (registers, statistics), newest first. The caller needs Read.
func (s *Service) ListOrganization(ctx context.Context, p *auth.Principal, orgID int64) ([]Document, error) {
	if err := p.Require(orgID, auth.Read); err != nil {
		return nil, err
	}
	out := []Document{}
	err := s.db.WithContext(ctx).Select(metaColumns()).Where("organization_id = ? AND breach_id IS NULL", orgID).
		Order("generated_at DESC, id DESC").Find(&out).Error
	return out, err
}

// Get returns a document's metadata. The caller needs Read in its organization.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Document, error) {
	return s.load(ctx, s.db, p, id, auth.Read, false)
}

// load reads a document (with its bytes when withBytes) and checks perm; a
// document of another organization is not found.
func (s *Service) load(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission, withBytes bool) (Document, error) {
	var d Document
	q := tx.WithContext(ctx)
	if !withBytes {
		q = q.Select(metaColumns())
	}
	if err := q.Take(&d, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Document{}, fmt.Errorf("document %d: %w", id, errs.ErrNotFound)
		}
		return Document{}, fmt.Errorf("document %d: %w", id, err)
	}
	if err := p.Require(d.OrganizationID, perm); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return Document{}, fmt.Errorf("document %d: %w", id, errs.ErrNotFound)
		}
		return Document{}, err
	}
	return d, nil
}

// Download returns a document with its bytes and records who downloaded
// which format. The caller needs Read; a CSV exists for registers and statistics.
func (s *Service) Download(ctx context.Context, c Call, id int64, format string) (Document, error) {
	var d Document
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if d, err = s.load(ctx, tx, c.P, id, auth.Read, true); err != nil {
			return err
		}
		if format == FormatCSV && !d.HasCSV() {
			return fmt.Errorf("document %d has no CSV: %w", id, errs.ErrNotFound)
		}
		sum := d.SHA256
		if format == FormatCSV {
			sum = d.CSVSHA256
		}
		return auth.Audit(ctx, tx, c.P, c.RequestID, d.OrganizationID, "document.download", "document", fmt.Sprint(d.ID),
			map[string]any{"document_id": d.DocumentID, "format": format, "sha256": sum, "version": d.Version})
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// MaxReference bounds the regulator's reference.
const MaxReference = 200

// File records that a document was filed with the regulator, when, and the
// regulator's reference. A filed document is frozen. If the document answers
// an obligation, the obligation is marked filed in the same transaction (one
// already filed is left as it is, with a warning); if that fails, nothing is
// recorded. The caller needs Write.
func (s *Service) File(ctx context.Context, c Call, id int64, filedAt time.Time, reference string) (Document, error) {
	reference = strings.TrimSpace(reference)
	if err := s.checkFiling(filedAt, reference); err != nil {
		return Document{}, err
	}
	filedAt = filedAt.UTC()
	var d Document
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if d, err = s.load(ctx, tx, c.P, id, auth.Write, false); err != nil {
			return err
		}
		if d.Filed() {
			return &errs.Conflict{Message: "the document is already filed; generate a new version to file again"}
		}
		if filedAt.Before(d.GeneratedAt.Add(-time.Minute)) {
			return &errs.Invalid{Message: "a document cannot be filed before it was generated",
				Fields: map[string]string{"filed_at": "at or after " + d.GeneratedAt.Format(time.RFC3339)}}
		}
		if err := s.recordFiling(ctx, tx, c, &d, filedAt, reference); err != nil {
			return err
		}
		return s.markObligation(ctx, tx, c, &d)
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// markObligation marks the obligation a filed document answers as filed,
// in the filing's transaction.
func (s *Service) markObligation(ctx context.Context, tx *gorm.DB, c Call, d *Document) error {
	if d.ObligationID == nil || d.BreachID == nil {
		return nil
	}
	marked, err := s.deps.Obligations.MarkFiled(ctx, tx, c, *d.BreachID, *d.ObligationID,
		obligation.Filing{DocumentID: d.ID, FiledAt: *d.FiledAt, Reference: d.FilingReference})
	if err != nil {
		return err
	}
	if !marked {
		d.Warnings = append(d.Warnings, "the obligation was already marked filed; it was left as it is")
	}
	return nil
}

func (s *Service) checkFiling(filedAt time.Time, reference string) error {
	f := errs.Fields{}
	if filedAt.IsZero() {
		f.Add("filed_at", "required: when the document was filed, RFC 3339")
	} else if filedAt.After(s.now().Add(5 * time.Minute)) {
		f.Add("filed_at", "cannot be in the future")
	}
	if len(reference) > MaxReference {
		f.Add("reference", fmt.Sprintf("at most %d characters", MaxReference))
	}
	return f.Err()
}

func (s *Service) recordFiling(ctx context.Context, tx *gorm.DB, c Call, d *Document, filedAt time.Time, reference string) error {
	var by *int64
	if c.P != nil && c.P.User.ID != 0 {
		uid := c.P.User.ID
		by = &uid
	}
	res := tx.Model(&Document{}).Where("id = ? AND filed_at IS NULL", d.ID).
		Updates(map[string]any{"filed_at": filedAt, "filed_by": by, "filing_reference": reference})
	if res.Error != nil {
		return fmt.Errorf("file document %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return &errs.Conflict{Message: "the document is already filed"}
	}
	d.FiledAt, d.FiledBy, d.FilingReference = &filedAt, by, reference
	return auth.Audit(ctx, tx, c.P, c.RequestID, d.OrganizationID, "document.file", "document", fmt.Sprint(d.ID),
		map[string]any{"document_id": d.DocumentID, "filed_at": filedAt, "reference": reference, "sha256": d.SHA256,
			"stage": d.Stage, "obligation_id": d.ObligationID})
}
