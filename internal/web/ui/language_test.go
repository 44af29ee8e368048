package ui

import (
	"testing"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rosterfile"
	"github.com/breachline/breachline/internal/rules"
)

// TestEveryVocabularyTermIsTranslated: every value a page names with
// {{term "group" id}}, or by a key built from an id, has a message in every
// language, so a new status, kind or event of the catalogue fails here
// until it is translated.
func TestEveryVocabularyTermIsTranslated(t *testing.T) {
	cat, err := rules.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string][]string{
		"breach_status":     breach.Statuses,
		"nature":            breach.Natures,
		"obligation_status": {obligation.StatusPending, obligation.StatusFiled, obligation.StatusNotRequired, obligation.StatusWaived, obligation.StatusUndetermined},
		"rule_status":       {rules.StatusVerified, rules.StatusSecondary, rules.StatusUnverified},
		"required":          {requiredWord(nil), requiredWord(new(bool)), "yes", "permitted", "does_not_apply"},
		"legal.kind":        {rules.KindDuty, rules.KindPermitted, rules.KindRetention, rules.KindTarget},
		"legal.provision":   {"definition", rules.ExemptOutright, rules.ExemptDeemedCompliant, rules.ExemptSafeHarbour, rules.ExemptUnknown, "law_enforcement_delay"},
		"import_status":     {roster.StatusQueued, roster.StatusRunning, roster.StatusDone, roster.StatusFailed, roster.StatusCancelled},
		"stage":             {document.StagePreliminary, document.StageUpdate, document.StageFinal},
		"channel":           {rosterfile.ChannelEmail, rosterfile.ChannelPostal, rosterfile.ChannelNone, roster.UnknownValue},
		"language":          {roster.UnknownValue, "en", "fr"},
		"region":            {roster.UnknownValue},
	}
	for _, r := range auth.Roles {
		groups["role"] = append(groups["role"], string(r))
	}
	for _, r := range cat.Rules {
		groups["recipient_kind"] = append(groups["recipient_kind"], r.Recipient.Kind)
	}
	for _, k := range cat.Vocabulary.Kinds {
		groups["kind"] = append(groups["kind"], k.ID)
	}
	for _, ev := range cat.Vocabulary.Events {
		groups["event"] = append(groups["event"], ev.ID)
		groups["event_help"] = append(groups["event_help"], ev.ID)
	}
	for _, lang := range i18n.Languages {
		l := i18n.For(lang)
		for group, ids := range groups {
			for _, id := range ids {
				if id != "" && !l.Has(group+"."+id) {
					t.Errorf("%s: no message %s.%s", lang, group, id)
				}
			}
		}
	}
}
