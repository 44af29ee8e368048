package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// feedURLRe finds the feed address a page shows.
var feedURLRe = regexp.MustCompile(`value="(http[^"]+/calendar/[A-Za-z0-9_-]+\.ics)"`)

// TestOfficeCalendarSubscription: the page makes the caller's feed address
// and shows it once (only with the form's token); making a new one stops
// the old; revoking stops it. The feed names each breach with its
// organization (a member of two organizations sees two BR-…-0001) and puts
// a duty the law gives no fixed date on its internal target, so labelled.
func TestOfficeCalendarSubscription(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		newOfficeEnv(t, e)
		s := signedIn(t, e, "both@acme.example")
		page := getPage(t, e, s.cookie, "/deadlines/calendar")
		mustContain(t, page.Body, "You have no calendar address yet.", `action="/deadlines/calendar"`, "Make my calendar address")
		if res := postPageForm(t, e, s, "/deadlines/calendar", url.Values{}); res.Status != http.StatusForbidden || !strings.HasPrefix(res.Type, "text/html") {
			t.Fatalf("no form token: %d %s", res.Status, res.Type)
		}
		issue := func() string {
			t.Helper()
			res := postPageForm(t, e, s, "/deadlines/calendar", url.Values{"csrf_token": {s.csrf}})
			m := feedURLRe.FindStringSubmatch(res.Body)
			if res.Status != http.StatusOK || m == nil {
				t.Fatalf("issue: %d\n%s", res.Status, res.Body)
			}
			return m[1]
		}
		first := issue()
		status, cal := fetchFeed(t, e, first)
		if status != http.StatusOK {
			t.Fatalf("feed: %d", status)
		}
		var titles []string
		for _, ev := range cal.Find("VEVENT") {
			titles = append(titles, ev.Get("SUMMARY"))
		}
		all := strings.Join(titles, "\n")
		for _, want := range []string{"(Org acme): ", "(Org other): ", "internal target, no statutory date"} {
			if !strings.Contains(all, want) {
				t.Errorf("no event title has %q:\n%s", want, all)
			}
		}
		again := getPage(t, e, s.cookie, "/deadlines/calendar")
		mustContain(t, again.Body, "You have a calendar address.", "Make a new address", `action="/deadlines/calendar/revoke"`)
		if feedURLRe.MatchString(again.Body) {
			t.Fatal("the address is shown again")
		}

		second := issue()
		if second == first {
			t.Fatal("rotation kept the address")
		}
		if status, _ := fetchFeed(t, e, first); status != http.StatusNotFound {
			t.Fatalf("the replaced address answers %d", status)
		}
		if status, _ := fetchFeed(t, e, second); status != http.StatusOK {
			t.Fatalf("the new address answers %d", status)
		}
		res := postPageForm(t, e, s, "/deadlines/calendar/revoke", url.Values{"csrf_token": {s.csrf}})
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Your calendar address no longer works.") {
			t.Fatalf("revoke: %d", res.Status)
		}
		if status, _ := fetchFeed(t, e, second); status != http.StatusNotFound {
			t.Fatalf("the revoked address answers %d", status)
		}
	})
}
