package app_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// feedText is what a person reads in a feed: the calendar's name and
// description and every event's title and description.
func feedText(t *testing.T, e *apptest.Env, url string) string {
	t.Helper()
	status, cal := fetchFeed(t, e, url)
	if status != http.StatusOK {
		t.Fatalf("feed: %d", status)
	}
	texts := []string{cal.Get("X-WR-CALNAME"), cal.Get("X-WR-CALDESC")}
	for _, ev := range cal.Find("VEVENT") {
		texts = append(texts, ev.Get("SUMMARY"), ev.Get("DESCRIPTION"))
	}
	return strings.Join(texts, "\n")
}

// feedEnglish lists the English words of a feed, less what is the law's
// own name for itself (citations, longest first, and rule keys, in the
// catalogue's language), zone abbreviations and links.
func feedEnglish(text string, citations []string) []string {
	sort.Slice(citations, func(i, j int) bool { return len(citations[i]) > len(citations[j]) })
	for _, c := range citations {
		text = strings.ReplaceAll(text, c, " ")
	}
	return english(ruleKeysAndLinks.ReplaceAllString(text, " "))
}

var ruleKeysAndLinks = regexp.MustCompile(`[A-Z][A-Z0-9-]+[A-Z0-9](?:/[a-z_]+)?(?:@[A-Z-]+)?|https?://\S+`)

// TestCalendarFeedInTheUsersLanguage: a user who chose French gets a
// French feed (the rules' French words, French dates, no English word);
// one who chose nothing gets their organization's default, else English;
// one who chose English keeps it over a French default.
func TestCalendarFeedInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"commercial_org", "fippa_institution"}, "home_jurisdiction": "CA-ON"})
		id := l.open(t, []string{"name", "ssn"}, map[string]string{"discovered": "2025-08-01T09:00:00-04:00",
			"aware": "2025-08-04T09:00:00-04:00", "determined": "2025-08-05T09:00:00-04:00"}, map[string]string{"rrosh": "true"})
		l.affected(t, id, map[string]int{"CA-ON": 3})
		var citations []string
		e.App.DB.Gorm.Raw("SELECT DISTINCT citation FROM obligations WHERE breach_id = ?", id).Scan(&citations)
		setLanguage := func(tok, lang string) {
			t.Helper()
			if res := e.Do("PATCH", "/api/v1/me", tok, map[string]string{"language": lang}); res.Status != http.StatusOK {
				t.Fatalf("PATCH /me: %d %s", res.Status, res.Body)
			}
		}
		setLanguage(l.legal, "fr")
		frURL, enURL := issueFeed(t, e, l.legal), issueFeed(t, e, l.po)
		isFrench := func(who, url string) {
			t.Helper()
			text := feedText(t, e, url)
			mustContain(t, text, "Échéances Breachline", "Atteinte BR-", "Destinataire\u00a0: Commissariat à la protection de la vie privée du Canada",
				"Cible interne (pas un délai prévu par la loi)\u00a0: 8 août 2025 à 9\u00a0h HAE (America/Toronto), 8 août 2025 à 13\u00a0h UTC",
				"Statut\u00a0: en attente", "(vérifiée)", "Norme\u00a0: le plus tôt possible", "En vigueur\u00a0: depuis le 1er novembre 2018",
				"Fin de la conservation du registre (jamais en retard)\u00a0: 5 août 2027", ", registre à conserver jusqu'à cette date (")
			if found := feedEnglish(text, citations); len(found) > 0 {
				t.Errorf("%s: English words in the French feed: %q\n%s", who, found, text)
			}
		}
		isEnglish := func(who, url string) {
			t.Helper()
			text := feedText(t, e, url)
			mustContain(t, text, "Breachline deadlines", "Breach BR-", "Recipient: Office of the Privacy Commissioner of Canada",
				"Internal target (not a statutory deadline): 2025-08-08 09:00 EDT (America/Toronto), 2025-08-08 13:00 UTC",
				"Status: pending", "(verified)", "Standard: as soon as feasible", "In force: from 2018-11-01",
				"Keep the record until (never overdue): 2027-08-05 23:59 EDT", " kept until (")
			for _, fr := range []string{"Échéance", "Atteinte", "Destinataire", "août", "en attente", "le plus tôt possible"} {
				if strings.Contains(text, fr) {
					t.Errorf("%s: French %q in the English feed\n%s", who, fr, text)
				}
			}
		}
		isFrench("a user who chose French", frURL)
		isEnglish("a user with no choice and no default", enURL)

		if res := e.Do("PATCH", "/api/v1/organizations/acme", l.admin, map[string]any{"default_language": "fr"}); res.Status != http.StatusOK {
			t.Fatalf("default language: %d %s", res.Status, res.Body)
		}
		isFrench("a user with no choice in a French organization", enURL)
		setLanguage(l.po, "en")
		isEnglish("a user who chose English in a French organization", enURL)
	})
}
