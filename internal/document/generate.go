package document

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/report"
)

// maxAttempts bounds the retries when two callers take the same version.
const maxAttempts = 4

// Generate renders a document of a breach and stores it as the next version
// of its series (breach, kind, obligation, state). The missing content at
// generation is stored with it. The caller needs Write; the generation is audited.
func (s *Service) Generate(ctx context.Context, c Call, breachID int64, r Request) (Document, error) {
	pr, err := s.prepare(ctx, c.P, breachID, r, auth.Write)
	if err != nil {
		return Document{}, err
	}
	for attempt := 1; ; attempt++ {
		d, err := s.generateOnce(ctx, c, pr, r.Stage)
		if err == nil || !isUnique(err) || attempt == maxAttempts {
			return d, err
		}
	}
}

// generateOnce takes the next version, renders outside any transaction and
// stores; a concurrent generation of the same version fails the unique index.
func (s *Service) generateOnce(ctx context.Context, c Call, pr *prepared, stage string) (Document, error) {
	hist, err := s.history(ctx, pr.org.ID, pr.series)
	if err != nil {
		return Document{}, err
	}
	def := StagePreliminary
	if hist.version > 0 {
		def = StageUpdate
	}
	st, err := checkStage(pr.info, stage, def)
	if err != nil {
		return Document{}, err
	}
	if st == StagePreliminary && hist.filedLater {
		return Document{}, &errs.Conflict{Message: "an update or final report has already been filed; a preliminary report cannot follow it"}
	}
	in := pr.in
	in.Stage = reportStage(st)
	switch {
	case in.Obligation != nil && in.Obligation.FilingReference == "":
		ob := *in.Obligation
		ob.FilingReference = hist.reference
		in.Obligation = &ob
	case in.Obligation == nil && hist.reference != "":
		// No obligation is linked: the filing still cites the regulator's
		// reference of the earlier version.
		in.Obligation = &report.Obligation{FilingReference: hist.reference}
	}
	d := s.newDocument(c, pr.org.ID, pr.info, pr.series, hist.version+1)
	d.BreachID, d.Stage, d.Params = &pr.breach.ID, st, pr.params
	if pr.obligation != nil {
		d.ObligationID = &pr.obligation.ID
	}
	d.DocumentID = documentID(pr.breach.Reference, pr.info.ID, pr.params.State, pr.obligation, d.Version)
	in.DocumentID, in.GeneratedAt, in.Preparer = d.DocumentID, d.GeneratedAt, d.GeneratedByLabel
	in.PreparedBy = preparedBy(ctx, c.P, pr.org.ID, pr.info.Language)
	if err := s.renderInto(ctx, &d, pr.info, in); err != nil {
		return Document{}, err
	}
	return d, s.store(ctx, c, &d)
}

// history is what earlier versions of a series tell a new one.
type history struct {
	version    int    // highest version so far
	reference  string // the regulator's reference of the latest filed version
	filedLater bool   // an update or final version has been filed
}

func (s *Service) history(ctx context.Context, orgID int64, series string) (history, error) {
	var rows []Document
	err := s.db.WithContext(ctx).Select("version", "stage", "filed_at", "filing_reference").
		Where("organization_id = ? AND series = ?", orgID, series).Order("version").Find(&rows).Error
	if err != nil {
		return history{}, fmt.Errorf("document versions: %w", err)
	}
	var h history
	for _, d := range rows {
		h.version = max(h.version, d.Version)
		if d.Filed() {
			if d.FilingReference != "" {
				h.reference = d.FilingReference
			}
			h.filedLater = h.filedLater || d.Stage == StageUpdate || d.Stage == StageFinal
		}
	}
	return h, nil
}

// newDocument starts a document row for the caller at the current time.
func (s *Service) newDocument(c Call, orgID int64, info report.KindInfo, series string, version int) Document {
	d := Document{OrganizationID: orgID, Kind: info.ID, Stage: StageNone, Series: series, Version: version,
		Title: info.Title, GeneratedAt: s.now().Truncate(time.Second), Missing: []Missing{}}
	if c.P != nil {
		if c.P.User.ID != 0 {
			uid := c.P.User.ID
			d.GeneratedBy = &uid
		}
		d.GeneratedByLabel = c.P.Label()
	}
	return d
}

// documentID is the identifier printed on every page: the breach reference,
// the kind, the obligation and state when they distinguish the series, and the version.
func documentID(ref, kind, state string, ob *ObligationRef, version int) string {
	id := ref + "-" + kind
	if ob != nil {
		id += fmt.Sprintf("-o%d", ob.ID)
	}
	if state != "" {
		id += "-" + state
	}
	return fmt.Sprintf("%s-v%d", id, version)
}

// renderInto checks and renders the PDF (and the CSV when the kind has one),
// within the service's render limits.
func (s *Service) renderInto(ctx context.Context, d *Document, info report.KindInfo, in report.Input) error {
	if s.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Limits.Timeout)
		defer cancel()
	}
	miss, err := report.Check(info.ID, in)
	if err != nil {
		return reportErr(err)
	}
	d.Missing = missingFrom(miss)
	var buf bytes.Buffer
	if err := report.Render(ctx, info.ID, in, &buf, report.Limits{MaxPages: s.Limits.MaxPages}); err != nil {
		return reportErr(err)
	}
	d.PDF, d.Size, d.SHA256 = buf.Bytes(), int64(buf.Len()), hexSum(buf.Bytes())
	if info.CSV {
		var cb bytes.Buffer
		if err := report.WriteCSV(info.ID, in, &cb); err != nil {
			return reportErr(err)
		}
		d.CSV, d.CSVSHA256 = cb.Bytes(), hexSum(cb.Bytes())
	}
	return nil
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// store inserts the document and audits its generation in one transaction.
func (s *Service) store(ctx context.Context, c Call, d *Document) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			return fmt.Errorf("store document: %w", err)
		}
		return auth.Audit(ctx, tx, c.P, c.RequestID, d.OrganizationID, "document.generate", "document", fmt.Sprint(d.ID),
			map[string]any{"document_id": d.DocumentID, "kind": d.Kind, "stage": d.Stage, "version": d.Version,
				"sha256": d.SHA256, "size": d.Size, "missing": len(d.Missing), "breach_id": d.BreachID, "obligation_id": d.ObligationID})
	})
}

func isUnique(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }
