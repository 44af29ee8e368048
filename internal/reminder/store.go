package reminder

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// due is a pending dated obligation the job may remind about.
type due struct {
	ID             int64
	OrganizationID int64
	BreachID       int64
	Reference      string
	Title          string
	OrgName        string
	TimeZone       string
	RuleID         string
	Kind           string
	Recipient      string // the recipient's name
	// french is the same duty in French words, when they are known.
	french *due
	// DueAt is the instant reminded against: the statutory deadline, or
	// (Target) the internal target of a duty the law gives no fixed date,
	// or a regulator's practice date.
	DueAt      time.Time
	Target     bool
	Standard   string
	Citation   string
	RuleStatus string
	// Region and Count name the region of a per-region duty.
	Region string
	Count  *int
	// Alternatives are the other readings, after the primary date.
	Alternatives []rules.Alternative
	StatusNote   string
	Notes        string
	// Source is the official text of the rule; SeeAlso are secondary
	// sources.
	Source  string
	SeeAlso []string
	// EffectiveFrom, EffectiveTo and EffectiveNote say when the rule's
	// version is in force.
	EffectiveFrom, EffectiveTo, EffectiveNote string
}

// person is someone who gets reminders for an organization.
type person struct {
	OrganizationID int64
	Role           auth.Role
	UserID         int64
	Email          string
	Name           string
	// Language is the person's choice, OrgLanguage their organization's
	// default; the reminder is written in the first that is set.
	Language, OrgLanguage string
}

// sendRow is a row of reminder_sends.
type sendRow struct {
	ID             int64 `gorm:"primaryKey"`
	ObligationID   int64
	OrganizationID int64
	UserID         int64
	DueKey         string
	DueAt          time.Time
	LeadLabel      string
	Email          string
	State          string
	Attempts       int
	MessageID      string
	SMTPCode       int `gorm:"column:smtp_code"`
	LastError      string
	ClaimedAt      time.Time
	NextAt         *time.Time
	SentAt         *time.Time
	CreatedAt      time.Time
}

func (sendRow) TableName() string { return "reminder_sends" }

// dueObligations lists pending, required (or not yet decided) duties whose
// deadline, or internal target when the law gives no fixed date, lies
// between now-MaxOverdueDays and now+maxLead: the only ones a reminder can
// be current for. Records to keep and permitted steps are never listed.
func (r *Runner) dueObligations(ctx context.Context, now time.Time, maxLead time.Duration) ([]due, error) {
	from, to := now.Add(-MaxOverdueDays*24*time.Hour), now.Add(maxLead)
	dated, err := r.duties.DueBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("reminders: due obligations: %w", err)
	}
	targeted, err := r.duties.TargetsBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("reminders: obligations by internal target: %w", err)
	}
	out := make([]due, 0, len(dated)+len(targeted))
	for _, d := range dated {
		if d.DueAt != nil && d.Duty() {
			out = append(out, dueOf(d, *d.DueAt, false))
		}
	}
	for _, d := range targeted {
		if d.Targeted() {
			out = append(out, dueOf(d, *d.InternalTargetAt, true))
		}
	}
	return out, nil
}

// ruleName names the duty's rule as its key does: RULE, RULE/part, with
// @REGION for a per-region duty.
func ruleName(o obligation.Obligation) string {
	k := o.RuleID
	if o.RulePart != "" {
		k += "/" + o.RulePart
	}
	if o.Region != "" {
		k += "@" + o.Region
	}
	return k
}

func dueOf(d obligation.Deadline, at time.Time, target bool) due {
	u := dueWords(d, at, target)
	if d.French != nil {
		fr := d
		fr.Obligation = d.Obligation.In("fr")
		f := dueWords(fr, at, target)
		u.french = &f
	}
	return u
}

// dueWords is the reminder's view of a deadline, in the words it carries.
func dueWords(d obligation.Deadline, at time.Time, target bool) due {
	name := d.Recipient.Name
	if name == "" {
		name = d.Recipient.Kind
	}
	return due{ID: d.ID, OrganizationID: d.OrganizationID, BreachID: d.BreachID, Reference: d.BreachReference,
		Title: d.BreachTitle, OrgName: d.OrganizationName, TimeZone: d.TimeZone, RuleID: ruleName(d.Obligation), Kind: d.Kind, Recipient: name,
		DueAt: at, Target: target, Standard: d.Standard, Citation: d.Citation, RuleStatus: d.RuleStatus,
		Region: d.RegionName, Count: d.Count, Alternatives: d.Alternatives, StatusNote: d.StatusNote, Notes: d.Notes,
		Source: d.Source, SeeAlso: d.SeeAlso, EffectiveFrom: d.EffectiveFrom, EffectiveTo: d.EffectiveTo, EffectiveNote: d.EffectiveNote}
}

// remindedRoles are the roles that receive reminders; administrators only
// stand in for an organization without a privacy officer.
var remindedRoles = []auth.Role{auth.RolePrivacyOfficer, auth.RoleLegal, auth.RoleAdmin}

// recipients returns, per organization, who is reminded: privacy officers
// and legal reviewers; administrators too when there is no privacy officer.
func (r *Runner) recipients(ctx context.Context, orgIDs []int64) (map[int64][]person, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	all, err := r.contacts.Contacts(ctx, r.db, orgIDs, remindedRoles)
	if err != nil {
		return nil, fmt.Errorf("reminders: recipients: %w", err)
	}
	hasPO := map[int64]bool{}
	for _, p := range all {
		if p.Role == auth.RolePrivacyOfficer {
			hasPO[p.OrganizationID] = true
		}
	}
	out := map[int64][]person{}
	for _, p := range all {
		if p.Role == auth.RoleAdmin && hasPO[p.OrganizationID] {
			continue
		}
		out[p.OrganizationID] = append(out[p.OrganizationID], person{OrganizationID: p.OrganizationID, Role: p.Role,
			UserID: p.UserID, Email: p.Email, Name: p.Name, Language: p.Language, OrgLanguage: p.OrgLanguage})
	}
	return out, nil
}

// claim inserts the row; it reports false when another worker (or an
// earlier run) already holds this reminder.
func claim(ctx context.Context, db *gorm.DB, row *sendRow) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil {
		return false, fmt.Errorf("reminders: claim: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// stale lists rows left claimed past the lease or waiting for a retry.
func stale(ctx context.Context, db *gorm.DB, now time.Time, lease time.Duration) ([]sendRow, error) {
	var rows []sendRow
	err := db.WithContext(ctx).
		Where("(state = 'claimed' AND claimed_at < ?) OR (state = 'retry' AND next_at <= ?)", now.Add(-lease).UTC(), now.UTC()).
		Order("id").Limit(1000).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reminders: stale claims: %w", err)
	}
	return rows, nil
}

// retake claims a stale row again (or drops it); only one worker's update
// matches the state and attempt count it read.
func retake(ctx context.Context, db *gorm.DB, row *sendRow, now time.Time, keep bool) (bool, error) {
	set := map[string]any{"state": "dropped"}
	if keep {
		set = map[string]any{"state": "claimed", "claimed_at": now.UTC(), "attempts": row.Attempts + 1}
	}
	res := db.WithContext(ctx).Model(&sendRow{}).
		Where("id = ? AND state = ? AND attempts = ?", row.ID, row.State, row.Attempts).Updates(set)
	if res.Error != nil {
		return false, fmt.Errorf("reminders: retake: %w", res.Error)
	}
	if res.RowsAffected == 1 && keep {
		row.State, row.ClaimedAt, row.Attempts = "claimed", now.UTC(), row.Attempts+1
	}
	return res.RowsAffected == 1 && keep, nil
}

// mark records the outcome of a send.
func mark(ctx context.Context, db *gorm.DB, id int64, set map[string]any) error {
	err := db.WithContext(ctx).Model(&sendRow{}).
		Where("id = ? AND state IN ('claimed', 'retry')", id).Updates(set).Error
	if err != nil {
		return fmt.Errorf("reminders: record outcome: %w", err)
	}
	return nil
}
