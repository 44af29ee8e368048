package obligation

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/errs"
)

// CanManageClosures reports whether the caller may add and remove calendar
// closures (an operator of the installation).
func (s *Service) CanManageClosures(p *auth.Principal) bool { return s.isOperator(p) }

// RemoveClosure deletes a closure stored at run time, then re-evaluates the
// breaches whose dated duties fall on or after its day, as adding one does.
// Operators only; the removal is audited in every organization the operator
// administers (or, when none, in the installation's log).
func (s *Service) RemoveClosure(ctx context.Context, c breach.Call, id int64) (Closure, Summary, error) {
	if !s.isOperator(c.P) {
		return Closure{}, Summary{}, fmt.Errorf("closures are for operators: %w", errs.ErrForbidden)
	}
	var cl Closure
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Take(&cl, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("closure %d: %w", id, errs.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("closure %d: %w", id, err)
		}
		if err := tx.Delete(&Closure{}, id).Error; err != nil {
			return fmt.Errorf("delete closure: %w", err)
		}
		orgs := c.P.OrgIDsWith(auth.Administer)
		if len(orgs) == 0 {
			orgs = []int64{0}
		}
		for _, org := range orgs {
			if err := auth.Audit(ctx, tx, c.P, c.RequestID, org, "calendar.closure.remove", "calendar", cl.CalendarID,
				map[string]string{"id": strconv.FormatInt(cl.ID, 10), "date": cl.Day, "name": cl.Name}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Closure{}, Summary{}, err
	}
	d, err := clock.ParseDate(cl.Day)
	if err != nil {
		return cl, Summary{}, fmt.Errorf("closure %d date %q: %w", id, cl.Day, err)
	}
	sum, err := s.reevaluateFrom(ctx, d, "closure of "+cl.CalendarID+" on "+cl.Day+" removed")
	return cl, sum, err
}
