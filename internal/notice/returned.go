package notice

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// maxReturnedRows bounds one returned-mail file.
const maxReturnedRows = 100000

// ReturnedMail is what a returned-mail file changed.
type ReturnedMail struct {
	// Marked letters are now returned; Already were returned before.
	Marked  int `json:"marked"`
	Already int `json:"already"`
	// Problems are the rows that changed nothing, and why.
	Problems []ReturnedProblem `json:"problems"`
	// Unreached counts the campaign's people who now have no notice (see
	// the deliveries with status=unreached).
	Unreached int64 `json:"unreached"`
}

// ReturnedProblem is a row of a returned-mail file that changed nothing.
type ReturnedProblem struct {
	Row    int    `json:"row"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// returnedRow is one parsed row: a delivery id or a reference code, and
// the date the letter came back (today when not given).
type returnedRow struct {
	row      int
	value    string
	delivery int64
	codeHash string
	at       time.Time
}

// ImportReturned reads the mail house's list of returned letters (CSV with
// a header: a delivery_id or a reference column, and optionally
// returned_on as YYYY-MM-DD) and marks those letters returned. Privacy
// officers and admins; audited.
func (s *Service) ImportReturned(ctx context.Context, c breach.Call, campaignID int64, r io.Reader) (ReturnedMail, error) {
	rows, problems, err := s.readReturned(r)
	if err != nil {
		return ReturnedMail{}, err
	}
	out := ReturnedMail{Problems: problems}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaign(ctx, tx, c.P, campaignID, auth.Write)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := s.markReturned(ctx, tx, &cp, row, &out); err != nil {
				return err
			}
		}
		if err := tx.WithContext(ctx).Model(&Delivery{}).Where("campaign_id = ? AND status IN ?", cp.ID, UnreachedStatuses).
			Count(&out.Unreached).Error; err != nil {
			return fmt.Errorf("unreached: %w", err)
		}
		return s.audit(ctx, tx, c, &cp, "campaign.letters_returned", map[string]any{"marked": out.Marked, "already": out.Already,
			"problems": len(out.Problems)})
	})
	if err != nil {
		return ReturnedMail{}, err
	}
	_, err = s.completeIfDone(ctx, campaignID)
	return out, err
}

// readReturned parses the file; a file without a usable column is refused
// whole, a bad row is a problem of its own.
func (s *Service) readReturned(r io.Reader) ([]returnedRow, []ReturnedProblem, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, &errs.Invalid{Message: "the file has no header row", Fields: map[string]string{"file": "CSV with a delivery_id or reference column"}}
	}
	idCol, codeCol, dateCol := -1, -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "delivery_id", "delivery":
			idCol = i
		case "reference", "reference_code", "code":
			codeCol = i
		case "returned_on", "returned", "date":
			dateCol = i
		}
	}
	if idCol < 0 && codeCol < 0 {
		return nil, nil, &errs.Invalid{Message: "the file names no letter", Fields: map[string]string{"file": "a delivery_id or reference column"}}
	}
	var rows []returnedRow
	var problems []ReturnedProblem
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, &errs.Invalid{Message: fmt.Sprintf("row %d cannot be read", n), Fields: map[string]string{"file": err.Error()}}
		}
		if len(rows)+len(problems) >= maxReturnedRows {
			return nil, nil, &errs.Limit{Message: fmt.Sprintf("a returned-mail file may have at most %d rows", maxReturnedRows)}
		}
		row, problem := s.parseReturned(n, rec, idCol, codeCol, dateCol)
		if problem != "" {
			problems = append(problems, ReturnedProblem{Row: n, Value: trimTo(strings.Join(rec, ","), 200), Reason: problem})
			continue
		}
		rows = append(rows, row)
	}
	return rows, problems, nil
}

func (s *Service) parseReturned(n int, rec []string, idCol, codeCol, dateCol int) (returnedRow, string) {
	cell := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(strings.TrimPrefix(rec[i], "'"))
	}
	row := returnedRow{row: n, at: s.now()}
	if v := cell(dateCol); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil || t.After(s.now()) {
			return row, "returned_on is not a past date written YYYY-MM-DD"
		}
		row.at = t
	}
	if v := cell(idCol); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return row, "delivery_id is not a number"
		}
		row.value, row.delivery = v, id
		return row, ""
	}
	if v := cell(codeCol); v != "" {
		code, ok := NormalizeCode(v)
		if !ok {
			return row, "the reference is not a notice reference code"
		}
		row.value, row.codeHash = v, CodeHash(code)
		return row, ""
	}
	return row, "the row names no letter"
}

// markReturned marks one letter returned, or records why it cannot be.
func (s *Service) markReturned(ctx context.Context, tx *gorm.DB, cp *Campaign, row returnedRow, out *ReturnedMail) error {
	q := tx.WithContext(ctx).Where("campaign_id = ?", cp.ID)
	if row.delivery != 0 {
		q = q.Where("id = ?", row.delivery)
	} else {
		q = q.Where("code_key = ? AND code_hash = ?", CodeKey(row.codeHash), row.codeHash)
	}
	var d Delivery
	err := q.Take(&d).Error
	problem := func(reason string) {
		out.Problems = append(out.Problems, ReturnedProblem{Row: row.row, Value: row.value, Reason: reason})
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		problem("no letter of this campaign")
		return nil
	case err != nil:
		return fmt.Errorf("returned letter: %w", err)
	case d.Status == Returned:
		out.Already++
		return nil
	case d.Status != Mailed && d.Status != Printed:
		problem("the letter was not mailed (it is " + d.Status + ")")
		return nil
	}
	err = tx.WithContext(ctx).Model(&Delivery{}).Where("id = ?", d.ID).
		Updates(map[string]any{"status": Returned, "returned_at": row.at.UTC(), "updated_at": s.now()}).Error
	if err != nil {
		return fmt.Errorf("returned letter %d: %w", d.ID, err)
	}
	out.Marked++
	return nil
}
