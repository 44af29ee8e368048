package obligation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/rules"
)

// Summary counts what one re-evaluation changed.
type Summary struct {
	Created   int `json:"created"`
	Changed   int `json:"changed"`
	Dropped   int `json:"dropped"`
	Unchanged int `json:"unchanged"`
}

// Reevaluate evaluates the stored breach and brings its obligations up to
// date inside tx: new duties are created, changed terms are snapshotted,
// duties the breach no longer touches are marked not considered, and each
// change writes a history row with cause. People's decisions are kept.
func (s *Service) Reevaluate(ctx context.Context, tx *gorm.DB, breachID int64, cause string) (Summary, error) {
	st, err := s.load(ctx, tx, breachID)
	if err != nil {
		return Summary{}, err
	}
	cals, err := s.calendars(ctx, tx)
	if err != nil {
		return Summary{}, err
	}
	now := s.Now().UTC()
	res := rules.Evaluate(s.cat, st.facts, options(st.org, now, cals))
	french := s.french(st.facts, options(st.org, now, cals))
	var existing []Obligation
	if err := tx.WithContext(ctx).Where("breach_id = ?", breachID).Find(&existing).Error; err != nil {
		return Summary{}, fmt.Errorf("load obligations: %w", err)
	}
	byKey := make(map[string]*Obligation, len(existing))
	for i := range existing {
		byKey[existing[i].RuleKey] = &existing[i]
	}
	u := &upsert{tx: tx.WithContext(ctx), now: now, cause: cause}
	seen := make(map[string]bool, len(res.Obligations))
	perRegion := map[string]bool{}
	for i := range res.Obligations {
		r := &res.Obligations[i]
		seen[r.Key()] = true
		if r.Region != "" {
			perRegion[r.Rule] = true
		}
		if cur, ok := byKey[r.Key()]; ok {
			u.update(cur, r, french[r.Key()])
		} else {
			u.create(st.breach.ID, st.org.ID, r, french[r.Key()])
		}
	}
	for i := range existing {
		if o := &existing[i]; !seen[o.RuleKey] && o.Considered {
			u.drop(o, perRegion)
		}
	}
	if err := u.flush(); err != nil {
		return Summary{}, err
	}
	sum := u.sum
	sum.Unchanged = len(res.Obligations) - sum.Created - sum.Changed
	if sum.Created+sum.Changed+sum.Dropped == 0 {
		return sum, nil
	}
	return sum, auth.Audit(ctx, tx, nil, "", st.org.ID, "obligations.reevaluate", "breach", strconv.FormatInt(breachID, 10),
		map[string]any{"cause": cause, "summary": sum})
}

// upsert collects the writes of one re-evaluation so that new rows go in
// one batch.
type upsert struct {
	tx      *gorm.DB
	now     time.Time
	cause   string
	sum     Summary
	created []*Obligation
	err     error
}

func (u *upsert) create(breachID, orgID int64, r *rules.Obligation, fr *rules.Texts) {
	o := &Obligation{BreachID: breachID, OrganizationID: orgID, RuleKey: r.Key(), CreatedAt: u.now, French: fr}
	setTerms(o, r)
	o.Considered, o.Status = true, autoStatus(o)
	o.EvaluatedAt, o.UpdatedAt = u.now, u.now
	u.created = append(u.created, o)
	u.sum.Created++
}

func (u *upsert) update(o *Obligation, r *rules.Obligation, fr *rules.Texts) {
	before := o.snapshot()
	frChanged := !sameJSON(o.French, fr)
	setTerms(o, r)
	o.French = fr
	o.Considered = true
	if o.DecidedAt == nil {
		o.Status = autoStatus(o)
	}
	changes := diff(before, o.snapshot())
	if len(changes) == 0 {
		if frChanged {
			u.saveTexts(o)
		}
		return
	}
	u.sum.Changed++
	u.save(o, before, changes)
}

// drop marks a duty the breach no longer touches (e.g. the only affected
// person in a state was removed from the roster). perRegion lists the rules
// now evaluated one duty per region: their combined row is replaced.
func (u *upsert) drop(o *Obligation, perRegion map[string]bool) {
	before := o.snapshot()
	o.Considered = false
	if o.DecidedAt == nil {
		o.Status = StatusNotRequired
	}
	o.Explanation = dropReason(o, perRegion, "en")
	if o.French != nil {
		fr := *o.French
		fr.Explanation = dropReason(o, perRegion, "fr")
		o.French = &fr
	}
	u.sum.Dropped++
	u.save(o, before, []string{"no_longer_considered"})
}

func (u *upsert) save(o *Obligation, before *Snapshot, changes []string) {
	if u.err != nil {
		return
	}
	o.EvaluatedAt, o.UpdatedAt = u.now, u.now
	if err := u.tx.Save(o).Error; err != nil {
		u.err = fmt.Errorf("save obligation %s: %w", o.RuleKey, err)
		return
	}
	h := History{ObligationID: o.ID, At: u.now, Change: strings.Join(changes, ","), Before: before, After: o.snapshot(), Cause: u.cause}
	if err := u.tx.Create(&h).Error; err != nil {
		u.err = fmt.Errorf("obligation history: %w", err)
	}
}

// flush inserts the new obligations and their first history rows.
func (u *upsert) flush() error {
	if u.err != nil || len(u.created) == 0 {
		return u.err
	}
	if err := u.tx.CreateInBatches(u.created, 200).Error; err != nil {
		return fmt.Errorf("insert obligations: %w", err)
	}
	hist := make([]History, len(u.created))
	for i, o := range u.created {
		hist[i] = History{ObligationID: o.ID, At: u.now, Change: "created", After: o.snapshot(), Cause: u.cause}
	}
	if err := u.tx.CreateInBatches(hist, 200).Error; err != nil {
		return fmt.Errorf("obligation history: %w", err)
	}
	return nil
}

// autoStatus is the status evaluation gives a duty nobody has decided. A
// permitted step is never required: it is pending (open to be done, or
// waived) while it applies, and not required only when it does not apply.
func autoStatus(o *Obligation) string {
	v := o.Required
	if o.Kind == rules.KindPermitted {
		v = o.Applies
	}
	switch {
	case v == nil:
		return StatusUndetermined
	case *v:
		return StatusPending
	}
	return StatusNotRequired
}

// setTerms snapshots the rule's terms onto the row.
func setTerms(o *Obligation, r *rules.Obligation) {
	o.RuleID, o.RulePart, o.RuleVersion, o.Jurisdiction = r.Rule, r.Part, r.Version, r.Jurisdiction
	o.EffectiveFrom, o.EffectiveTo, o.EffectiveNote = r.EffectiveFrom, r.EffectiveTo, r.EffectiveNote
	o.Kind, o.Region, o.RegionName, o.Count = r.Kind, r.Region, r.RegionName, r.Count
	if o.Kind == "" {
		o.Kind = rules.KindDuty
	}
	o.Recipient, o.Applies, o.Required, o.Standard, o.Explanation = r.Recipient, r.Applies, r.Required, r.Standard, r.Explanation
	o.Citation, o.Source, o.RuleStatus, o.StatusNote, o.Notes = r.Citation, r.Source, r.RuleStatus, r.StatusNote, r.Notes
	o.Missing, o.Anchor, o.SatisfiedBy = nonNil(r.Missing), r.Anchor, r.SatisfiedBy
	o.SeeAlso = nonNil(r.SeeAlso)
	o.Alternatives, o.Alternative = storedAlternatives(r.Alternatives), nil
	if len(o.Alternatives) > 0 {
		first := o.Alternatives[0]
		o.Alternative = &first
	}
	o.Provisions = append([]rules.Provision{}, r.Provisions...)
	o.DueAt, o.DueDate, o.DueZone = nil, "", ""
	if r.Due != nil {
		o.DueAt = copyTime(r.Due)
		if r.DueDate != nil {
			o.DueDate = *r.DueDate
		}
	}
	o.UntilAt, o.UntilDate = copyTime(r.Until), ""
	if r.UntilDate != nil {
		o.UntilDate = *r.UntilDate
	}
	o.InternalTargetAt, o.AnchorAt = copyTime(r.InternalTarget), copyTime(r.AnchorAt)
	// The zone the dates were counted in: the deadline's, else the
	// target's, else the keep-until date's.
	for _, t := range []*time.Time{r.Due, r.InternalTarget, r.Until} {
		if t != nil {
			o.DueZone = zoneName(t.Location(), *t)
			break
		}
	}
}

// storedAlternatives copies the engine's other readings in the order it
// gives them (the conservative reading is the primary; these come after),
// as an empty list when there are none.
func storedAlternatives(list []rules.Alternative) []rules.Alternative {
	out := make([]rules.Alternative, len(list))
	copy(out, list)
	return out
}

// copyTime copies an instant in UTC: SQLite compares stored times as text,
// so every instant is stored in one zone (AfterFind shows it in DueZone).
func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := t.UTC()
	return &c
}

// ReevaluateOrganization re-evaluates every breach of an organization that
// is not closed, inside tx: its sectors, roles, home, zone and internal
// target are facts of every obligation.
func (s *Service) ReevaluateOrganization(ctx context.Context, tx *gorm.DB, orgID int64, cause string) (Summary, error) {
	ids, err := s.deps.Breaches.OfOrganization(ctx, tx, orgID, false)
	if err != nil {
		return Summary{}, err
	}
	var total Summary
	for _, id := range ids {
		sum, err := s.Reevaluate(ctx, tx, id, cause)
		if err != nil {
			return total, err
		}
		total.add(sum)
	}
	return total, nil
}

func (s *Summary) add(o Summary) {
	s.Created += o.Created
	s.Changed += o.Changed
	s.Dropped += o.Dropped
	s.Unchanged += o.Unchanged
}

// dropReason says, in lang, why a duty is no longer considered.
func dropReason(o *Obligation, perRegion map[string]bool, lang string) string {
	fr := lang == "fr"
	switch {
	case o.Region != "" && fr:
		region := o.RegionName
		if o.French != nil && o.French.RegionName != "" {
			region = o.French.RegionName
		}
		return "N'est plus considérée : plus aucune personne touchée ne réside dans la région « " + region + " »."
	case o.Region != "":
		return "No longer considered: nobody affected lives in " + o.RegionName + " any more."
	case perRegion[o.RuleID] && fr:
		return "Remplacée par une obligation par région (" + o.RuleID + "@…), chacune comptée sur ses propres résidents."
	case perRegion[o.RuleID]:
		return "Replaced by one duty per region (" + o.RuleID + "@…), each counted on its own residents."
	case fr:
		return "N'est plus considérée : ni le siège de l'organisation ni aucune région touchée ne se trouve dans " + o.Jurisdiction + "."
	}
	return "No longer considered: neither the organization's home nor any affected region is in " + o.Jurisdiction + " any more."
}

// saveTexts writes only the French words of an obligation whose terms did
// not change: a translation is not a change of the duty, so it makes no
// history row.
func (u *upsert) saveTexts(o *Obligation) {
	if u.err != nil {
		return
	}
	data, err := json.Marshal(o.French)
	if err != nil {
		u.err = fmt.Errorf("obligation %s texts: %w", o.RuleKey, err)
		return
	}
	if err := u.tx.Model(o).UpdateColumn("texts_fr", string(data)).Error; err != nil {
		u.err = fmt.Errorf("save obligation %s texts: %w", o.RuleKey, err)
	}
}
