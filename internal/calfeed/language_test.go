package calfeed_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/calfeed/icaltest"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// users is a calfeed.Users of one user and their organizations.
type users struct {
	user    auth.User
	orgs    []auth.Organization
	orgsErr error
}

func (u *users) UserByCalendarHash(_ context.Context, _ *gorm.DB, hash string) (auth.User, error) {
	out := u.user
	out.CalendarTokenHash = hash
	return out, nil
}

func (u *users) SetCalendarHash(context.Context, *gorm.DB, int64, string) error { return nil }

func (u *users) Principal(_ context.Context, user auth.User, via string, _ int64) (*auth.Principal, error) {
	return &auth.Principal{User: user, Via: via, Memberships: map[int64]auth.Role{1: auth.RoleViewer}}, nil
}

func (u *users) Organizations(context.Context, *auth.Principal) ([]auth.Organization, error) {
	return u.orgs, u.orgsErr
}

// duties is a calfeed.Duties of fixed deadlines.
type duties []obligation.Deadline

func (d duties) Dated(context.Context, []int64, int) ([]obligation.Deadline, error) { return d, nil }

func ptr[T any](v T) *T { return &v }

// deadlines are a duty with every line a description can have (French
// words included, as the rules catalogue gives them), a filed record to
// keep and a regulator's practice date, after one the feed leaves out.
func deadlines() duties {
	due := time.Date(2026, 3, 5, 22, 0, 0, 0, time.UTC)
	duty := obligation.Deadline{BreachReference: "BR-2026-0001", OrganizationName: "Ville", TimeZone: "America/Toronto",
		Obligation: obligation.Obligation{ID: 1, BreachID: 7, RuleID: "CA-ON-X", Region: "CA-ON", RegionName: "Ontario", Count: ptr(3),
			Kind: rules.KindDuty, Applies: ptr(true), Required: ptr(true), Status: obligation.StatusPending, DueAt: &due,
			Recipient: rules.Recipient{Kind: "regulator", Name: "Information and Privacy Commissioner"},
			Standard:  "as soon as feasible", Citation: "LPRPDE art. 10.1", RuleStatus: "verified",
			EffectiveFrom: "2018-11-01", EffectiveNote: "the day the regulation came into force",
			StatusNote: "the threshold is not yet verified", Notes: "report to the commissioner first",
			Alternatives: []rules.Alternative{{Due: ptr(due.Add(24 * time.Hour)), Basis: "a reading of the due date"},
				{SatisfiedBy: "CA-PIPEDA-OPC", Basis: "a federal filing is deemed compliant"},
				{Required: ptr(false), Basis: "the exemption may apply"}, {Basis: "the standard alone"}},
			French: &rules.Texts{Recipient: rules.Recipient{Kind: "regulator", Name: "Commissaire à l'information et à la protection de la vie privée"},
				RegionName: "Ontario", Standard: "dès que possible", EffectiveNote: "le jour de l'entrée en vigueur du règlement",
				StatusNote: "le seuil n'est pas encore vérifié", Notes: "aviser d'abord le commissaire",
				Alternatives: []string{"une lecture de la date", "un dépôt fédéral vaut conformité", "l'exemption peut jouer", "la norme seule"}}}}
	record := duty
	record.Obligation = obligation.Obligation{ID: 2, BreachID: 7, RuleID: "CA-PIPEDA-REC", Kind: rules.KindRetention,
		Applies: ptr(true), Required: ptr(true), Status: obligation.StatusFiled, UntilAt: ptr(due.AddDate(2, 0, 0)),
		Recipient: rules.Recipient{Kind: "internal"}, Citation: "DORS/2018-64", RuleStatus: "secondary"}
	practice := duty
	practice.Obligation = obligation.Obligation{ID: 3, BreachID: 7, RuleID: "ON-FIPPA-ANNUAL", Kind: rules.KindTarget,
		Status: obligation.StatusUndetermined, InternalTargetAt: ptr(due.AddDate(0, 1, 0)), Citation: "LAIPVP", RuleStatus: "unverified"}
	// The feed's limit leaves out the deadline due first.
	first := practice
	first.ID = 4
	return duties{first, duty, record, practice}
}

// feedTexts renders the feed of a user and returns its calendar's name
// and description and every event's title and description.
func feedTexts(t *testing.T, u *users) string {
	t.Helper()
	s := calfeed.NewService(nil, u, deadlines(), "https://breachline.example", []time.Duration{time.Hour})
	s.MaxEvents = 3
	body, err := s.Feed(context.Background(), strings.Repeat("t", 43))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := icaltest.Parse(string(body))
	if err != nil {
		t.Fatalf("the feed does not parse: %v", err)
	}
	texts := []string{cal.Get("X-WR-CALNAME"), cal.Get("X-WR-CALDESC")}
	for _, ev := range cal.Find("VEVENT") {
		texts = append(texts, ev.Get("SUMMARY"), ev.Get("DESCRIPTION"))
	}
	return strings.Join(texts, "\n")
}

// feedEnglish are the English words of the feed's own texts, and dates
// written the English way.
var feedEnglish = regexp.MustCompile(`(?:^|[^\p{L}])(Breach|Recipient|Region|Status|Standard|Other|reading|Citation|Rule|` +
	`In force|Unverified|Notes|Due|due|satisfied|required|Required|no date|affected|kept|until|may|Does|apply|Filed|` +
	`pending|filed|undetermined|verified|secondary|unverified|internal|target|practice|deadlines?|earlier|latest|` +
	`from|regulator|recipient|the|and|of|by|not)(?:[^\p{L}]|$)|\d{4}-\d{2}-\d{2}|\d{2}:\d{2}`)

// TestFeedInTheUsersLanguage: the feed is written in the user's own
// language, else their organization's default, else English; French feeds
// carry the rules' French words and French dates, and no English.
func TestFeedInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	orgs := []auth.Organization{{Name: "Alpha"}, {Name: "Ville", DefaultLanguage: "fr"}}
	french := []string{"Échéances Breachline", "Les 3 dernières échéances", "Atteinte BR-2026-0001 (Ville)",
		"Destinataire\u00a0: Commissaire à l'information et à la protection de la vie privée",
		"Région\u00a0: Ontario (3 personnes touchées)", "Statut\u00a0: en attente", "Norme\u00a0: dès que possible",
		"Échéance\u00a0: 5 mars 2026 à 17\u00a0h HNE (America/Toronto), 5 mars 2026 à 22\u00a0h UTC",
		"Autre interprétation\u00a0: 6 mars 2026 à 17\u00a0h HNE (America/Toronto), 6 mars 2026 à 22\u00a0h UTC (une lecture de la date)",
		"remplie par CA-PIPEDA-OPC (un dépôt fédéral vaut conformité)", "non requise (l'exemption peut jouer)", "aucune date (la norme seule)",
		"Disposition\u00a0: LPRPDE art. 10.1", "Règle\u00a0: CA-ON-X@CA-ON (vérifiée)",
		"En vigueur\u00a0: depuis le 1er novembre 2018; le jour de l'entrée en vigueur du règlement",
		"Non vérifié\u00a0: le seuil n'est pas encore vérifié", "Remarques\u00a0: aviser d'abord le commissaire",
		"Déposée\u00a0: BR-2026-0001 (Ville)\u00a0: interne, registre à conserver jusqu'à cette date (CA-PIPEDA-REC)",
		"Fin de la conservation du registre (jamais en retard)\u00a0: 5 mars 2028"}
	english := []string{"Breachline deadlines", "The 3 deadlines due latest", "Breach BR-2026-0001 (Ville)",
		"Recipient: Information and Privacy Commissioner", "Region: Ontario (3 affected)", "Status: pending",
		"Standard: as soon as feasible", "Due: 2026-03-05 17:00 EST (America/Toronto), 2026-03-05 22:00 UTC",
		"Other reading: 2026-03-06 17:00 EST (America/Toronto), 2026-03-06 22:00 UTC (a reading of the due date)",
		"satisfied by CA-PIPEDA-OPC (a federal filing is deemed compliant)", "not required (the exemption may apply)",
		"no date (the standard alone)", "Rule: CA-ON-X@CA-ON (verified)", "In force: from 2018-11-01; the day the regulation came into force",
		"Unverified: the threshold is not yet verified", "Notes: report to the commissioner first",
		"Filed: BR-2026-0001 (Ville): internal kept until (CA-PIPEDA-REC)", "Keep the record until (never overdue): 2028-03-05"}
	for _, c := range []struct {
		name string
		u    *users
		want []string
	}{
		{"their own French", &users{user: auth.User{Language: "fr"}}, french},
		{"their organization's French", &users{user: auth.User{}, orgs: orgs}, french},
		{"their own English over the organization's French", &users{user: auth.User{Language: "en"}, orgs: orgs}, english},
		{"no choice anywhere", &users{user: auth.User{}, orgs: orgs[:1]}, english},
		{"organizations out of reach", &users{user: auth.User{}, orgsErr: errors.New("down")}, english},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := feedTexts(t, c.u)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("the feed lacks %q:\n%s", w, text)
				}
			}
			if c.want[0] != french[0] {
				return
			}
			// The rule keys and the citation are the law's own names.
			bare := regexp.MustCompile(`[A-Z][A-Z-]+[A-Z](@[A-Z-]+)?|https://\S+`).ReplaceAllString(text, " ")
			if found := feedEnglish.FindAllString(bare, -1); len(found) > 0 {
				t.Errorf("English in the French feed: %q\n%s", found, text)
			}
		})
	}
}
