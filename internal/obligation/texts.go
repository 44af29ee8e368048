package obligation

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/rules"
)

// french evaluates the facts on the French catalogue and returns each
// duty's French words by key; nil when the service has no French catalogue.
func (s *Service) french(facts rules.Facts, opts rules.Options) map[string]*rules.Texts {
	if s.deps.French == nil {
		return nil
	}
	res := rules.Evaluate(s.deps.French, facts, opts)
	out := make(map[string]*rules.Texts, len(res.Obligations))
	for i := range res.Obligations {
		t := res.Obligations[i].Texts()
		out[res.Obligations[i].Key()] = &t
	}
	return out
}

// In returns the obligation with its words in lang, when they are known in
// that language; ids, dates, citations and decisions are the same in every
// language.
func (o Obligation) In(lang string) Obligation {
	if lang != "fr" || o.French == nil {
		return o
	}
	t := o.French
	o.Recipient, o.Standard, o.Explanation = t.Recipient, t.Standard, t.Explanation
	o.StatusNote, o.Notes, o.EffectiveNote = t.StatusNote, t.Notes, t.EffectiveNote
	if t.RegionName != "" {
		o.RegionName = t.RegionName
	}
	o.Alternatives = withBases(o.Alternatives, t.Alternatives)
	if o.Alternative != nil && len(o.Alternatives) > 0 {
		first := o.Alternatives[0]
		o.Alternative = &first
	}
	if len(t.Provisions) == len(o.Provisions) {
		ps := make([]rules.Provision, len(o.Provisions))
		for i, p := range o.Provisions {
			p.Label, p.Note = t.Provisions[i].Label, t.Provisions[i].Note
			ps[i] = p
		}
		o.Provisions = ps
	}
	return o
}

// withBases copies alternatives with their bases replaced, when the two
// lists match.
func withBases(alts []rules.Alternative, bases []string) []rules.Alternative {
	if len(bases) != len(alts) {
		return alts
	}
	out := make([]rules.Alternative, len(alts))
	for i, a := range alts {
		a.Basis = bases[i]
		out[i] = a
	}
	return out
}

// FillFrench writes the French words of the obligations evaluated before
// the service had a French catalogue: each such breach is evaluated again
// on the French catalogue and only the words are written (the terms and
// their history are left as they are; the next change re-evaluates them
// fully). It returns how many obligations it filled. Several processes may
// run it at once: each write only fills an empty column.
func (s *Service) FillFrench(ctx context.Context) (int, error) {
	if s.deps.French == nil {
		return 0, nil
	}
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&Obligation{}).Where("texts_fr IS NULL").
		Distinct("breach_id").Pluck("breach_id", &ids).Error; err != nil {
		return 0, fmt.Errorf("obligations without French: %w", err)
	}
	filled := 0
	for _, id := range ids {
		n, err := s.fillBreach(ctx, id)
		if err != nil {
			return filled, err
		}
		filled += n
	}
	return filled, nil
}

func (s *Service) fillBreach(ctx context.Context, breachID int64) (int, error) {
	filled := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := s.load(ctx, tx, breachID)
		if err != nil {
			return err
		}
		cals, err := s.calendars(ctx, tx)
		if err != nil {
			return err
		}
		french := s.french(st.facts, options(st.org, s.Now().UTC(), cals))
		var rows []Obligation
		if err := tx.Where("breach_id = ? AND texts_fr IS NULL", breachID).Find(&rows).Error; err != nil {
			return fmt.Errorf("load obligations: %w", err)
		}
		for i := range rows {
			// A duty the breach no longer touches has no French evaluation:
			// "null" records that it was looked at, and it reads in English.
			data, err := json.Marshal(french[rows[i].RuleKey])
			if err != nil {
				return err
			}
			res := tx.Model(&Obligation{}).Where("id = ? AND texts_fr IS NULL", rows[i].ID).UpdateColumn("texts_fr", string(data))
			if res.Error != nil {
				return fmt.Errorf("fill obligation %d: %w", rows[i].ID, res.Error)
			}
			filled += int(res.RowsAffected)
		}
		return nil
	})
	return filled, err
}
