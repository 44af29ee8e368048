package obligation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/errs"
)

// Closure is a one-off closure an administrator added to a calendar (an
// office closed by executive order, a storm day) without a release.
type Closure struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	CalendarID string    `json:"calendar"`
	Day        string    `json:"date"`
	Name       string    `json:"name"`
	CreatedBy  *int64    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName is the closures table.
func (Closure) TableName() string { return "calendar_closures" }

// ClosureInput adds a closure.
type ClosureInput struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

// LoadClosures adds every stored closure to the calendar registry (at
// start). A closure of a calendar that no longer exists is skipped.
func (s *Service) LoadClosures(ctx context.Context) error {
	var list []Closure
	if err := s.db.WithContext(ctx).Order("id").Find(&list).Error; err != nil {
		return fmt.Errorf("calendar closures: %w", err)
	}
	for _, c := range list {
		d, err := clock.ParseDate(c.Day)
		if err != nil {
			continue
		}
		if err := s.cals.AddClosure(c.CalendarID, d, c.Name); err != nil && !strings.Contains(err.Error(), clock.ErrUnknownCalendar.Error()) {
			return err
		}
	}
	return nil
}

// isOperator reports whether the caller operates the installation. A
// closure moves every organization's business-day deadlines, so an
// administrator of one organization may not add one; the operators are named
// in the settings (operators / BREACHLINE_OPERATORS).
func (s *Service) isOperator(p *auth.Principal) bool {
	for _, e := range s.Operators {
		if strings.EqualFold(e, p.User.Email) {
			return true
		}
	}
	return false
}

// AddClosure stores a closure and adds it to the running registry, then
// re-evaluates the breaches whose dated duties fall on or after the day.
// Calendars are shared by every organization, so only an operator may.
func (s *Service) AddClosure(ctx context.Context, c breach.Call, calendarID string, in ClosureInput) (Closure, Summary, error) {
	if !s.isOperator(c.P) {
		return Closure{}, Summary{}, fmt.Errorf("closures are for operators: %w", errs.ErrForbidden)
	}
	if _, err := s.cals.Calendar(calendarID); err != nil {
		return Closure{}, Summary{}, fmt.Errorf("calendar %q: %w", calendarID, errs.ErrNotFound)
	}
	f := errs.Fields{}
	d, err := clock.ParseDate(strings.TrimSpace(in.Date))
	if err != nil {
		f.Add("date", "a date YYYY-MM-DD")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		f.Add("name", "required, at most 200 characters")
	}
	if err := f.Err(); err != nil {
		return Closure{}, Summary{}, err
	}
	uid := c.P.User.ID
	cl := Closure{CalendarID: calendarID, Day: d.String(), Name: name, CreatedBy: &uid, CreatedAt: s.Now().UTC()}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Closure{}).Where("calendar_id = ? AND day = ?", calendarID, cl.Day).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &errs.Conflict{Message: "that day is already a closure of " + calendarID}
		}
		if err := tx.Create(&cl).Error; err != nil {
			return fmt.Errorf("insert closure: %w", err)
		}
		for _, org := range c.P.OrgIDsWith(auth.Administer) {
			if err := auth.Audit(ctx, tx, c.P, c.RequestID, org, "calendar.closure.add", "calendar", calendarID, cl); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Closure{}, Summary{}, err
	}
	if err := s.cals.AddClosure(calendarID, d, name); err != nil {
		return Closure{}, Summary{}, err
	}
	sum, err := s.reevaluateFrom(ctx, d, "closure of "+calendarID+" on "+cl.Day)
	return cl, sum, err
}

// reevaluateFrom re-evaluates every breach with a dated duty due on or
// after the day (a closure can only move deadlines that reach it).
func (s *Service) reevaluateFrom(ctx context.Context, d clock.Date, cause string) (Summary, error) {
	from := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-14 * time.Hour)
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Obligation{}).Distinct("breach_id").
		Where("considered AND due_at >= ?", from).Pluck("breach_id", &ids).Error
	if err != nil {
		return Summary{}, fmt.Errorf("breaches to re-evaluate: %w", err)
	}
	var total Summary
	for _, id := range ids {
		sum, err := s.ReevaluateBreach(ctx, id, cause)
		if err != nil {
			return total, err
		}
		total.add(sum)
	}
	return total, nil
}

// Day is a non-working day of a calendar.
type Day struct {
	Date string `json:"date"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// CalendarInfo describes a loaded calendar.
type CalendarInfo struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Source   string    `json:"source,omitempty"`
	Holidays []Day     `json:"holidays,omitempty"`
	Added    []Closure `json:"added_closures"`
}

// CalendarList lists the calendars, with the holidays of year (0: none) and
// the closures administrators added.
func (s *Service) CalendarList(ctx context.Context, year int) ([]CalendarInfo, error) {
	var added []Closure
	if err := s.db.WithContext(ctx).Order("calendar_id, day").Find(&added).Error; err != nil {
		return nil, fmt.Errorf("calendar closures: %w", err)
	}
	out := []CalendarInfo{}
	for _, id := range s.cals.IDs() {
		c, err := s.cals.Calendar(id)
		if err != nil {
			return nil, err
		}
		info := CalendarInfo{ID: id, Name: c.Name(), Status: c.Status(), Source: c.Source(), Added: []Closure{}}
		if year > 0 {
			for _, h := range c.Holidays(year) {
				info.Holidays = append(info.Holidays, Day{Date: h.Date.String(), Name: h.Name, Kind: h.Kind})
			}
		}
		for _, a := range added {
			if a.CalendarID == id {
				info.Added = append(info.Added, a)
			}
		}
		out = append(out, info)
	}
	return out, nil
}
