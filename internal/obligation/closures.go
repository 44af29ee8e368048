package obligation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/errs"
)

// Closure is a one-off closure of a calendar (an office closed by executive
// order, a storm day) added without a release: by an operator through the
// API, or from the settings at start. Closures are data in the database,
// read before every evaluation, so every serve and worker process counts
// the same business days.
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

// calendars returns the calendars with every stored closure applied. The
// closures are read in tx on every call; the registry built from them is
// kept while they stay the same, so the common case costs one small query.
// A stored closure of a calendar that is no longer shipped is left out.
func (s *Service) calendars(ctx context.Context, tx *gorm.DB) (*clock.Registry, error) {
	var rows []Closure
	if err := tx.WithContext(ctx).Select("calendar_id", "day", "name").Order("calendar_id, day, name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("calendar closures: %w", err)
	}
	h := sha256.New()
	list := make([]clock.Closure, 0, len(rows))
	for _, r := range rows {
		d, err := clock.ParseDate(r.Day)
		if err != nil {
			return nil, fmt.Errorf("calendar closure %s %q: %w", r.CalendarID, r.Day, err)
		}
		if _, err := s.cals.Calendar(r.CalendarID); errors.Is(err, clock.ErrUnknownCalendar) {
			continue
		}
		list = append(list, clock.Closure{Calendar: r.CalendarID, Date: d, Name: r.Name})
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", r.CalendarID, r.Day, r.Name)
	}
	key := hex.EncodeToString(h.Sum(nil))
	s.closedMu.Lock()
	defer s.closedMu.Unlock()
	if s.closed != nil && s.closedKey == key {
		return s.closed, nil
	}
	reg, err := s.cals.WithClosures(list)
	if err != nil {
		return nil, err
	}
	s.closed, s.closedKey = reg, key
	return reg, nil
}

// SeedClosures stores the closures named in the settings, so that every
// process (whatever its own settings) counts them; one already stored for
// the same calendar and day is left as it is. An unknown calendar is an
// error wrapping clock.ErrUnknownCalendar.
func (s *Service) SeedClosures(ctx context.Context, list []clock.Closure) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, cl := range list {
			if _, err := s.cals.Calendar(cl.Calendar); err != nil {
				return err
			}
			var n int64
			if err := tx.Model(&Closure{}).Where("calendar_id = ? AND day = ?", cl.Calendar, cl.Date.String()).Count(&n).Error; err != nil {
				return fmt.Errorf("calendar closures: %w", err)
			}
			if n > 0 {
				continue
			}
			row := Closure{CalendarID: cl.Calendar, Day: cl.Date.String(), Name: cl.Name, CreatedAt: s.Now().UTC()}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("store closure from the settings: %w", err)
			}
		}
		return nil
	})
}

// isOperator reports whether the caller operates the installation. A
// closure moves every organization's business-day deadlines, so an
// administrator of one organization may not add one; the operators are named
// in the settings (operators / BREACHLINE_OPERATORS).
func (s *Service) isOperator(p *auth.Principal) bool {
	for _, e := range s.deps.Operators {
		if strings.EqualFold(e, p.User.Email) {
			return true
		}
	}
	return false
}

// AddClosure stores a closure, then re-evaluates the breaches whose dated
// duties fall on or after the day. Calendars are shared by every
// organization, so only an operator may.
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
			return fmt.Errorf("calendar closures: %w", err)
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

// CalendarList lists the calendars, with the holidays of year (0: none),
// the closures stored at run time included, and those closures apart.
func (s *Service) CalendarList(ctx context.Context, year int) ([]CalendarInfo, error) {
	var added []Closure
	if err := s.db.WithContext(ctx).Order("calendar_id, day").Find(&added).Error; err != nil {
		return nil, fmt.Errorf("calendar closures: %w", err)
	}
	cals, err := s.calendars(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := []CalendarInfo{}
	for _, id := range cals.IDs() {
		c, err := cals.Calendar(id)
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
