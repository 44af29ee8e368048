package app

import (
	"context"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/retention"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// wireRetention builds the purge of contact data past its retention and
// its daily job.
func (a *App) wireRetention(context.Context) error {
	a.Retention = retention.NewService(a.DB.Gorm, retention.Deps{
		Orgs: auth.Reader{}, Breaches: breach.Reader{}, Notices: notice.Retention{}, People: roster.Retention{},
		Records: keptRecords{a},
	})
	a.workerFn = append(a.workerFn, func(w *river.Workers) { river.AddWorker(w, &retention.PurgeWorker{Service: a.Retention}) })
	a.periodic = append(a.periodic, retention.PurgePeriodic())
	return nil
}

// keptRecords are a breach's obligations whose rule is of kind retention:
// the duties to keep the breach's record, with how long.
type keptRecords struct{ a *App }

func (k keptRecords) KeptRecords(ctx context.Context, tx *gorm.DB, breachID int64) ([]retention.KeptRecord, error) {
	obs, err := k.a.Obligations.ForBreach(ctx, tx, breachID)
	if err != nil {
		return nil, err
	}
	out := []retention.KeptRecord{}
	for _, o := range obs {
		if !k.retentionRule(o.RuleKey) || (o.Required != nil && !*o.Required) {
			continue
		}
		out = append(out, retention.KeptRecord{Rule: o.RuleID, Citation: o.Citation, Until: o.DueAt, Standard: o.Standard})
	}
	return out, nil
}

func (k keptRecords) retentionRule(key string) bool {
	for _, r := range k.a.Rules.Versions(key) {
		if r.Kind == rules.KindRetention {
			return true
		}
	}
	return false
}
