package notice

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rosterfile"
)

// Letters is where a campaign's postal letters stand: how many are due
// and not yet in a print file, whether print files are being made, and
// the files made so far.
type Letters struct {
	Due         int64         `json:"due"`
	Requested   bool          `json:"requested"`
	RequestedAt *time.Time    `json:"requested_at,omitempty"`
	Batches     []LetterBatch `json:"batches"`
	// ByStatus counts the campaign's letters: due, printed, mailed,
	// returned.
	ByStatus map[string]int64 `json:"by_status"`
}

// LettersOf shows a campaign's letters and print files.
func (s *Service) LettersOf(ctx context.Context, p *auth.Principal, id int64) (Letters, error) {
	cp, err := s.campaign(ctx, s.db.Gorm, p, id, auth.Read)
	if err != nil {
		return Letters{}, err
	}
	return s.letters(ctx, s.db.Gorm, &cp)
}

func (s *Service) letters(ctx context.Context, tx *gorm.DB, cp *Campaign) (Letters, error) {
	q := tx.WithContext(ctx)
	out := Letters{Requested: cp.LettersRequestedAt != nil, RequestedAt: cp.LettersRequestedAt, ByStatus: map[string]int64{}}
	if err := q.Model(&Delivery{}).Where("campaign_id = ? AND status = ? AND batch_id IS NULL", cp.ID, Letter).Count(&out.Due).Error; err != nil {
		return Letters{}, fmt.Errorf("letters due: %w", err)
	}
	var rows []struct {
		Status string
		N      int64
	}
	if err := q.Model(&Delivery{}).Select("status, COUNT(*) AS n").Where("campaign_id = ? AND channel = ? AND status IN ?",
		cp.ID, ChannelPostal, []string{Letter, Printed, Mailed, Returned}).Group("status").Scan(&rows).Error; err != nil {
		return Letters{}, fmt.Errorf("letters: %w", err)
	}
	for _, r := range rows {
		out.ByStatus[r.Status] = r.N
	}
	if err := q.Omit("pdf", "manifest").Where("campaign_id = ?", cp.ID).Order("seq").Find(&out.Batches).Error; err != nil {
		return Letters{}, fmt.Errorf("letter files: %w", err)
	}
	return out, nil
}

// RequestLetters asks for print files of every letter due: a background
// job makes them, sorted by country and postal code, in files of the
// configured size, each with a manifest for the mail house. Letters that
// fall due later (a bounce) need another request. Privacy officers and
// admins.
func (s *Service) RequestLetters(ctx context.Context, c breach.Call, id int64) (Letters, error) {
	var out Letters
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, id, auth.Write)
		if err != nil {
			return err
		}
		if cp.Status != CampaignSending && cp.Status != CampaignPaused && cp.Status != CampaignCompleted {
			return &errs.Conflict{Message: "the campaign is " + cp.Status + ": letters are made once it is sending"}
		}
		org, err := s.deps.Orgs.OrganizationByID(ctx, tx, cp.OrganizationID)
		if err != nil {
			return err
		}
		if len(addressOf(org)) == 0 {
			return &errs.Invalid{Message: "set the organization's postal address first: letters print it as the return address",
				Fields: map[string]string{"address": "required for letters"}}
		}
		now := s.now()
		uid := userID(c.P)
		if err := tx.WithContext(ctx).Model(&Campaign{}).Where("id = ?", cp.ID).
			Updates(map[string]any{"letters_requested_at": now, "letters_requested_by": uid}).Error; err != nil {
			return fmt.Errorf("request letters: %w", err)
		}
		cp.LettersRequestedAt, cp.LettersRequestedBy = &now, uid
		if out, err = s.letters(ctx, tx, &cp); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, LettersArgs{CampaignID: cp.ID}); err != nil {
			return err
		}
		return s.audit(ctx, tx, c, &cp, "campaign.letters_requested", map[string]any{"due": out.Due})
	})
	return out, err
}

// withdrawLetters ends a request for letters that cannot be printed, and
// records why in the audit log: the request is made again once what is
// wrong (the organization's name and address) is fixed.
func (s *Service) withdrawLetters(ctx context.Context, campaignID int64, cause error) {
	ctx = context.WithoutCancel(ctx)
	s.opts.Log.Error("letters cannot be printed", slog.Int64("campaign", campaignID), slog.String("error", cause.Error()))
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var cp Campaign
		if err := tx.WithContext(ctx).Take(&cp, campaignID).Error; err != nil {
			return err
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", cp.ID).Update("letters_requested_at", nil).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, breach.Call{}, &cp, "campaign.letters_failed", map[string]any{"error": cause.Error()})
	})
	if err != nil {
		s.opts.Log.Error("letters: withdrawing the request", slog.Int64("campaign", campaignID), slog.String("error", err.Error()))
	}
}

// dueLetter is a letter waiting for a print file, with what sorts it.
type dueLetter struct {
	delivery, person int64
	lang             string
	country, postal  string
}

// MakeLetters writes print files of a campaign's due letters until none is
// left, one file per transaction, so a worker that dies leaves whole files
// only and the next run goes on from there. It returns the files made.
func (s *Service) MakeLetters(ctx context.Context, campaignID int64) (int, error) {
	cp, err := s.loadCampaign(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	if cp.LettersRequestedAt == nil {
		return 0, nil
	}
	due, err := s.dueLetters(ctx, &cp)
	if err != nil {
		return 0, err
	}
	files := 0
	for start := 0; start < len(due); start += s.opts.LettersPerFile {
		chunk := due[start:min(start+s.opts.LettersPerFile, len(due))]
		made, err := s.letterFile(ctx, &cp, chunk)
		if err != nil {
			return files, err
		}
		if made {
			files++
		}
	}
	err = s.db.Gorm.WithContext(ctx).Model(&Campaign{}).Where("id = ? AND letters_requested_at = ?", cp.ID, cp.LettersRequestedAt).
		Where("NOT EXISTS (SELECT 1 FROM deliveries WHERE campaign_id = ? AND status = ? AND batch_id IS NULL)", cp.ID, Letter).
		Update("letters_requested_at", nil).Error
	if err != nil {
		return files, fmt.Errorf("letters of campaign %d: %w", cp.ID, err)
	}
	_, err = s.completeIfDone(ctx, cp.ID)
	return files, err
}

// dueLetters lists the campaign's letters due, sorted for the mail house:
// by country, then postal code.
func (s *Service) dueLetters(ctx context.Context, cp *Campaign) ([]dueLetter, error) {
	var rows []struct {
		ID, PersonID int64
		Language     string
	}
	if err := s.db.Gorm.WithContext(ctx).Model(&Delivery{}).Select("id, person_id, language").
		Where("campaign_id = ? AND status = ? AND batch_id IS NULL", cp.ID, Letter).Order("id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("letters due: %w", err)
	}
	out := make([]dueLetter, 0, len(rows))
	for start := 0; start < len(rows); start += 1000 {
		chunk := rows[start:min(start+1000, len(rows))]
		ids := make([]int64, len(chunk))
		for i, r := range chunk {
			ids[i] = r.PersonID
		}
		people, err := s.deps.People.ByIDs(ctx, s.db.Gorm, cp.BreachID, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range chunk {
			p := people[r.PersonID]
			out = append(out, dueLetter{delivery: r.ID, person: r.PersonID, lang: r.Language,
				country: strings.ToUpper(p.Country), postal: strings.ToUpper(strings.ReplaceAll(p.PostalCode, " ", ""))})
		}
	}
	slices.SortStableFunc(out, func(a, b dueLetter) int {
		return cmp.Or(cmp.Compare(a.country, b.country), cmp.Compare(a.postal, b.postal), cmp.Compare(a.delivery, b.delivery))
	})
	return out, nil
}

// letterFile renders one print file and stores it with its deliveries, in
// one transaction. Letters whose address does not fit the envelope window
// are left out and recorded as undeliverable with the reason; made is
// false when another run took these letters first.
func (s *Service) letterFile(ctx context.Context, cp *Campaign, chunk []dueLetter) (bool, error) {
	made := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		batch, letters, unfit, err := s.renderLetters(ctx, tx, cp, chunk)
		if err != nil {
			return err
		}
		if err := s.markUnfit(ctx, tx, unfit); err != nil {
			return err
		}
		if len(letters) == 0 {
			made = len(unfit) > 0
			return nil
		}
		if err := s.storeLetterFile(ctx, tx, cp, batch, letters); err != nil {
			return err
		}
		made = true
		return nil
	})
	var conflict *errs.Conflict
	if errors.As(err, &conflict) {
		s.opts.Log.Info("letters taken by another run", slog.Int64("campaign", cp.ID))
		return false, nil
	}
	return made, err
}

// renderedFile is a print file and its manifest.
type renderedFile struct {
	pdf, manifest []byte
	stats         report.LetterStats
}

// renderLetters renders the chunk's letters into one PDF. It returns the
// letters printed (in file order) and those left out for their address.
func (s *Service) renderLetters(ctx context.Context, tx *gorm.DB, cp *Campaign, chunk []dueLetter) (renderedFile, []dueLetter, map[int64]string, error) {
	r, err := s.newRenderer(ctx, tx, cp)
	if err != nil {
		return renderedFile{}, nil, nil, err
	}
	ids := make([]int64, len(chunk))
	for i, d := range chunk {
		ids[i] = d.person
	}
	people, err := s.deps.People.ByIDs(ctx, tx, cp.BreachID, ids)
	if err != nil {
		return renderedFile{}, nil, nil, err
	}
	unfit := map[int64]string{}
	for {
		letters, inputs, err := s.letterInputs(r, chunk, people, unfit)
		if err != nil {
			return renderedFile{}, nil, nil, err
		}
		if len(inputs) == 0 {
			return renderedFile{}, nil, unfit, nil
		}
		f, err := s.writeLetters(ctx, cp, r, letters, inputs, people)
		var addr *report.AddressError
		if errors.As(err, &addr) {
			for _, pr := range addr.Problems {
				unfit[letters[pr.Index].delivery] = pr.Reason
			}
			continue
		}
		return f, letters, unfit, err
	}
}

// letterInputs renders each letter of the chunk not already left out.
func (s *Service) letterInputs(r *renderer, chunk []dueLetter, people map[int64]roster.StoredPerson, unfit map[int64]string) ([]dueLetter, []report.LetterInput, error) {
	var letters []dueLetter
	var inputs []report.LetterInput
	for _, d := range chunk {
		if _, out := unfit[d.delivery]; out {
			continue
		}
		p := people[d.person]
		code := s.keys.Code(r.c.ID, p.ID)
		m, err := r.render(d.lang, p, code)
		if err != nil {
			return nil, nil, err
		}
		letters = append(letters, d)
		inputs = append(inputs, report.LetterInput{Language: d.lang, Paper: paperFor(p.Country),
			Recipient: addressLines(p, d.lang, r.homeCountry()), Date: longDate(r.noticeDate(), d.lang), Reference: code, Body: m.Letter})
	}
	return letters, inputs, nil
}

// writeLetters renders the PDF and the manifest of one file.
func (s *Service) writeLetters(ctx context.Context, cp *Campaign, r *renderer, letters []dueLetter, inputs []report.LetterInput, people map[int64]roster.StoredPerson) (renderedFile, error) {
	var pdf bytes.Buffer
	in := report.LetterBatch{Sender: report.LetterSender{Name: firstNonEmpty(r.org.LegalName, r.org.Name), AddressLines: addressOf(r.org),
		Contact: joinNonEmpty("  ·  ", r.org.ContactPhone, r.org.ContactEmail)},
		Letters: inputs, Duplex: true, GeneratedAt: s.now(), BatchID: "campaign " + strconv.FormatInt(cp.ID, 10)}
	if s.opts.RenderTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.RenderTimeout)
		defer cancel()
	}
	stats, err := report.Letters(ctx, in, &pdf, s.opts.RenderLimits)
	if err != nil {
		return renderedFile{}, err
	}
	manifest, err := letterManifest(letters, inputs, stats, people)
	if err != nil {
		return renderedFile{}, err
	}
	return renderedFile{pdf: pdf.Bytes(), manifest: manifest, stats: stats}, nil
}

// letterManifest is the mail house's list of a file's letters, one row per
// letter in print order, safe to open in a spreadsheet.
func letterManifest(letters []dueLetter, inputs []report.LetterInput, stats report.LetterStats, people map[int64]roster.StoredPerson) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"letter", "first_page", "pages", "delivery_id", "language", "paper", "country", "postal_code",
		"address_1", "address_2", "address_3", "address_4", "address_5", "address_6"})
	for i, d := range letters {
		pages := stats.Pages + 1 - stats.PageOf[i]
		if i+1 < len(letters) {
			pages = stats.PageOf[i+1] - stats.PageOf[i]
		}
		p := people[d.person]
		row := []string{strconv.Itoa(i + 1), strconv.Itoa(stats.PageOf[i]), strconv.Itoa(pages), strconv.FormatInt(d.delivery, 10),
			d.lang, inputs[i].Paper, p.Country, p.PostalCode}
		for j := range 6 {
			line := ""
			if j < len(inputs[i].Recipient) {
				line = inputs[i].Recipient[j]
			}
			row = append(row, line)
		}
		for j := range row {
			row[j] = rosterfile.SafeCell(row[j])
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// storeLetterFile stores the file and ties its letters to it; a letter
// another run already filed makes the whole file a conflict (rolled back).
func (s *Service) storeLetterFile(ctx context.Context, tx *gorm.DB, cp *Campaign, f renderedFile, letters []dueLetter) error {
	var seq int
	if err := tx.WithContext(ctx).Model(&LetterBatch{}).Select("COALESCE(MAX(seq), 0)").Where("campaign_id = ?", cp.ID).Scan(&seq).Error; err != nil {
		return fmt.Errorf("letter files: %w", err)
	}
	sum := sha256.Sum256(f.pdf)
	b := LetterBatch{CampaignID: cp.ID, Seq: seq + 1, Letters: len(letters), Pages: f.stats.Pages, PDF: f.pdf, Manifest: f.manifest,
		SHA256: hex.EncodeToString(sum[:]), CreatedBy: cp.LettersRequestedBy, CreatedAt: s.now()}
	if err := tx.WithContext(ctx).Create(&b).Error; err != nil {
		return &errs.Conflict{Message: "another run is making this campaign's letters"}
	}
	ids := make([]int64, len(letters))
	for i, d := range letters {
		ids[i] = d.delivery
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		res := tx.WithContext(ctx).Model(&Delivery{}).Where("id IN ? AND status = ? AND batch_id IS NULL", part, Letter).
			Updates(map[string]any{"batch_id": b.ID, "updated_at": s.now()})
		if res.Error != nil {
			return fmt.Errorf("file letters: %w", res.Error)
		}
		if res.RowsAffected != int64(len(part)) {
			return &errs.Conflict{Message: "another run is making this campaign's letters"}
		}
	}
	return auth.Audit(ctx, tx, &auth.Principal{User: auth.User{Email: "system"}}, "", cp.OrganizationID, "campaign.letters_made", "campaign",
		strconv.FormatInt(cp.ID, 10), map[string]any{"file": b.Seq, "letters": b.Letters, "pages": b.Pages, "sha256": b.SHA256})
}

// markUnfit records letters whose address cannot be printed in the window.
func (s *Service) markUnfit(ctx context.Context, tx *gorm.DB, unfit map[int64]string) error {
	for id, reason := range unfit {
		err := tx.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status = ?", id, Letter).
			Updates(map[string]any{"status": Undeliverable, "smtp_reply": trimTo("the postal address does not fit the envelope window: "+reason, 1000),
				"updated_at": s.now()}).Error
		if err != nil {
			return fmt.Errorf("letter %d: %w", id, err)
		}
	}
	return nil
}

// LetterFile returns one print file's PDF or manifest: people's names and
// addresses, so it needs the export permission and the download is
// audited.
func (s *Service) LetterFile(ctx context.Context, c breach.Call, campaignID, batchID int64, manifest bool) (LetterBatch, error) {
	var b LetterBatch
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, campaignID, auth.ExportPersonalData)
		if err != nil {
			return err
		}
		if err := tx.WithContext(ctx).Where("id = ? AND campaign_id = ?", batchID, cp.ID).Take(&b).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("letter file %d: %w", batchID, errs.ErrNotFound)
			}
			return fmt.Errorf("letter file %d: %w", batchID, err)
		}
		what := "pdf"
		if manifest {
			what = "manifest"
		}
		return s.audit(ctx, tx, c, &cp, "campaign.letters_downloaded", map[string]any{"file": b.Seq, "part": what, "letters": b.Letters})
	})
	return b, err
}

// Letter steps a print file goes through at the mail house.
const (
	StepPrinted = "printed"
	StepMailed  = "mailed"
)

// MarkLetterFile records that a print file was printed, or mailed (its
// letters are then delivered as far as the ledger can know; a returned
// letter is recorded by ImportReturned). Privacy officers and admins.
func (s *Service) MarkLetterFile(ctx context.Context, c breach.Call, campaignID, batchID int64, step string, at time.Time) (LetterBatch, error) {
	if step != StepPrinted && step != StepMailed {
		return LetterBatch{}, &errs.Invalid{Message: "unknown step", Fields: map[string]string{"step": "printed or mailed"}}
	}
	if at.IsZero() {
		at = s.now()
	}
	if at.After(s.now().Add(5 * time.Minute)) {
		return LetterBatch{}, &errs.Invalid{Message: "the date is in the future", Fields: map[string]string{"at": "must not be in the future"}}
	}
	var b LetterBatch
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, campaignID, auth.Write)
		if err != nil {
			return err
		}
		if err := tx.WithContext(ctx).Omit("pdf", "manifest").Where("id = ? AND campaign_id = ?", batchID, cp.ID).Take(&b).Error; err != nil {
			return fmt.Errorf("letter file %d: %w", batchID, errs.ErrNotFound)
		}
		if err := s.stepLetters(ctx, tx, &b, step, at.UTC()); err != nil {
			return err
		}
		return s.audit(ctx, tx, c, &cp, "campaign.letters_"+step, map[string]any{"file": b.Seq, "letters": b.Letters, "at": at.UTC()})
	})
	if err == nil && step == StepMailed {
		_, err = s.completeIfDone(ctx, campaignID)
	}
	return b, err
}

// stepLetters moves a file and its letters to printed or mailed.
func (s *Service) stepLetters(ctx context.Context, tx *gorm.DB, b *LetterBatch, step string, at time.Time) error {
	q := tx.WithContext(ctx)
	fileSet := map[string]any{"printed_at": at}
	from, set := []string{Letter}, map[string]any{"status": Printed, "updated_at": s.now()}
	if step == StepMailed {
		if b.MailedAt != nil {
			return &errs.Conflict{Message: "the file is already recorded as mailed"}
		}
		fileSet = map[string]any{"mailed_at": at}
		if b.PrintedAt == nil {
			fileSet["printed_at"] = at
		}
		from, set = []string{Letter, Printed}, map[string]any{"status": Mailed, "mailed_at": at, "updated_at": s.now()}
	} else if b.PrintedAt != nil {
		return &errs.Conflict{Message: "the file is already recorded as printed"}
	}
	if err := q.Model(&LetterBatch{}).Where("id = ?", b.ID).Updates(fileSet).Error; err != nil {
		return fmt.Errorf("letter file %d: %w", b.ID, err)
	}
	if err := q.Model(&Delivery{}).Where("batch_id = ? AND status IN ?", b.ID, from).Updates(set).Error; err != nil {
		return fmt.Errorf("letters of file %d: %w", b.ID, err)
	}
	return q.Omit("pdf", "manifest").Take(b, b.ID).Error
}

// paperFor is the letter paper of a destination country: North American
// letter size, else A4.
func paperFor(country string) string {
	switch strings.ToUpper(country) {
	case "CA", "US", "MX", "PR", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "SV", "NI", "HN":
		return report.PaperLetter
	}
	return report.PaperA4
}

// addressOf splits an organization's postal address into lines: one per
// line of the setting, or, written on one line, one per comma.
func addressOf(o auth.Organization) []string {
	raw := strings.TrimSpace(o.Address)
	sep := "\n"
	if !strings.Contains(raw, "\n") {
		sep = ","
	}
	var out []string
	for _, l := range strings.Split(raw, sep) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
