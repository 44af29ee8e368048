package app_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// personLinkRe finds the person pages a roster page links to.
var personLinkRe = regexp.MustCompile(`href="/breaches/\d+/people/(\d+)"`)

// TestOfficeRosterPages: the roster is searched by name, e-mail or
// reference and paged by the last person shown, only by those who may
// export it (another organization's breach is not found), and every page
// and person read is written to the audit log.
func TestOfficeRosterPages(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newOfficeEnv(t, e)
		var b strings.Builder
		b.WriteString("name,email,reference,province,country\n")
		b.WriteString("Alice Martin,alice@example.com,EMP-7,ON,CA\nBob Roy,bob@example.com,EMP-8,QC,CA\n")
		for i := range 58 {
			fmt.Fprintf(&b, "Filler %02d,filler%02d@example.com,F-%02d,ON,CA\n", i, i, i)
		}
		id := o.Breach(o.po, map[string]any{"organization": "acme", "title": "Roster", "kinds": []string{"theft"}})
		o.importCSV(t, id, b.String())
		bid := strconv.FormatInt(id, 10)
		po := signedIn(t, e, "po@acme.example")
		base := fmt.Sprintf("/breaches/%d/people", id)

		views := o.auditCount(t, "roster.view", "breach", bid)
		first := getPage(t, e, po.cookie, base)
		if first.Status != http.StatusOK {
			t.Fatalf("roster: %d", first.Status)
		}
		mustContain(t, first.Body, "60 people match.", "Alice Martin", "alice@example.com", "EMP-7", "not flagged",
			fmt.Sprintf(`href="/breaches/%d/review"`, id), "Org acme")
		links := personLinkRe.FindAllStringSubmatch(first.Body, -1)
		next := regexp.MustCompile(`href="(/breaches/\d+/people\?after=\d+)" rel="next"`).FindStringSubmatch(first.Body)
		if len(links) != 50 || next == nil {
			t.Fatalf("first page: %d people, next %v", len(links), next)
		}
		second := getPage(t, e, po.cookie, strings.ReplaceAll(next[1], "&amp;", "&"))
		if got := personLinkRe.FindAllStringSubmatch(second.Body, -1); len(got) != 10 || strings.Contains(second.Body, `rel="next"`) ||
			strings.Contains(second.Body, "Alice Martin") || !strings.Contains(second.Body, "First page") {
			t.Fatalf("second page: %d people", len(got))
		}
		for q, want := range map[string]string{"alice": "Alice Martin", "BOB@EXAMPLE": "Bob Roy", "emp-8": "Bob Roy", "50%": ""} {
			res := getPage(t, e, po.cookie, base+"?q="+strings.ReplaceAll(q, "%", "%25"))
			got := personLinkRe.FindAllStringSubmatch(res.Body, -1)
			switch {
			case want == "" && (len(got) != 0 || !strings.Contains(res.Body, "Nobody matches the search.")):
				t.Errorf("search %q: %d people", q, len(got))
			case want != "" && (len(got) != 1 || !strings.Contains(res.Body, want)):
				t.Errorf("search %q: %d people, want %s", q, len(got), want)
			}
		}
		if got := o.auditCount(t, "roster.view", "breach", bid) - views; got != 6 {
			t.Errorf("%d roster reads audited, want 6", got)
		}
		var logged string
		o.App.DB.Gorm.Raw("SELECT details FROM audit_log WHERE action = 'roster.view' AND details LIKE ? ORDER BY id DESC", "%alice%").Scan(&logged)
		if !strings.Contains(logged, `"query":"alice"`) {
			t.Errorf("the search is not in the audit entry: %q", logged)
		}

		pid := links[0][1]
		person := getPage(t, e, po.cookie, base+"/"+pid)
		mustContain(t, person.Body, "Alice Martin", "alice@example.com", "EMP-7", "row 2", "import ")
		if n := o.auditCount(t, "roster.view_person", "person", pid); n != 1 {
			t.Errorf("%d person reads audited, want 1", n)
		}

		var stranger string
		o.App.DB.Gorm.Raw("SELECT CAST(id AS TEXT) FROM affected_people WHERE breach_id = ?", o.elsewhere).Scan(&stranger)
		for _, c := range []struct {
			who, path string
			status    int
		}{
			{"viewer@acme.example", base, http.StatusForbidden},
			{"legal@acme.example", base, http.StatusForbidden},
			{"viewer@acme.example", base + "/" + pid, http.StatusForbidden},
			{"po@other.example", base, http.StatusNotFound},
			{"po@other.example", base + "/" + pid, http.StatusNotFound},
			{"po@acme.example", base + "/" + stranger, http.StatusNotFound},
			{"po@acme.example", fmt.Sprintf("/breaches/%d/people/%s", o.elsewhere, stranger), http.StatusNotFound},
		} {
			res := getPage(t, e, signedIn(t, e, c.who).cookie, c.path)
			if res.Status != c.status || !strings.HasPrefix(res.Type, "text/html") || strings.Contains(res.Body, "zoe@other.example") {
				t.Errorf("%s %s: %d %s, want an HTML %d", c.who, c.path, res.Status, res.Type, c.status)
			}
		}
		if n := o.auditCount(t, "roster.view_person", "person", pid); n != 1 {
			t.Errorf("refused reads were audited as reads: %d", n)
		}

		breach := getPage(t, e, po.cookie, fmt.Sprintf("/breaches/%d", id)).Body
		mustContain(t, breach, fmt.Sprintf(`href="/breaches/%d/people"`, id))
		viewer := getPage(t, e, signedIn(t, e, "viewer@acme.example").cookie, fmt.Sprintf("/breaches/%d", id)).Body
		officeLacks(t, "a viewer's breach page", viewer, fmt.Sprintf(`href="/breaches/%d/people"`, id))
	})
}
