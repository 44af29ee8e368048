package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/audit"
)

// TestOfficeAuditTrailPage: administrators and legal read a breach's
// trail, newest first, filtered by actor, action and day, and download it
// as CSV with every formula-like cell neutralised; privacy officers and
// viewers are refused, another organization's breach is not found, and
// every read is itself audited.
func TestOfficeAuditTrailPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newOfficeEnv(t, e)
		bid := strconv.FormatInt(o.decided, 10)
		err := e.App.DB.Gorm.Transaction(func(tx *gorm.DB) error {
			return audit.Record(context.Background(), tx, audit.Actor{Label: "=HYPERLINK(\"http://x.example\")", RequestID: "@SUM(1)"},
				o.acme.ID, "breach.update", "breach", bid, map[string]string{"title": "-2+3"})
		})
		if err != nil {
			t.Fatal(err)
		}
		legal := signedIn(t, e, "legal@acme.example")
		base := fmt.Sprintf("/breaches/%d/audit", o.decided)
		page := getPage(t, e, legal.cookie, base)
		if page.Status != http.StatusOK {
			t.Fatalf("audit page: %d", page.Status)
		}
		mustContain(t, page.Body, "po@acme.example", "breach opened", "question answered", "=HYPERLINK(&#34;http://x.example&#34;)",
			`<option value="breach.answer"`, base+".csv", "Org acme")
		all := len(officeRows(page.Body))

		answers := officeRows(getPage(t, e, legal.cookie, base+"?action=breach.answer").Body)
		if len(answers) == 0 || len(answers) >= all {
			t.Fatalf("action filter kept %d of %d", len(answers), all)
		}
		for _, r := range answers {
			if !strings.Contains(r, "<code class=\"muted\">breach.answer</code>") {
				t.Errorf("action filter kept:\n%s", r)
			}
		}
		byPO := officeRows(getPage(t, e, legal.cookie, base+"?actor=po%40acme.example").Body)
		for _, r := range byPO {
			if !strings.Contains(r, "po@acme.example") {
				t.Errorf("actor filter kept:\n%s", r)
			}
		}
		tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		if rows := officeRows(getPage(t, e, legal.cookie, base+"?from="+tomorrow).Body); len(rows) != 0 {
			t.Errorf("a filter from the day after tomorrow kept %d entries", len(rows))
		}
		if rows := officeRows(getPage(t, e, legal.cookie, base+"?to="+tomorrow).Body); len(rows) <= all {
			t.Errorf("a filter to the day after tomorrow kept %d of %d", len(rows), all)
		}
		bad := getPage(t, e, legal.cookie, base+"?from=yesterday")
		mustContain(t, bad.Body, "A date could not be read")

		req, _ := http.NewRequest("GET", e.HTTP.URL+base+".csv", nil)
		res := sendPage(t, req, legal.cookie)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Type, "text/csv") {
			t.Fatalf("csv: %d %s", res.Status, res.Type)
		}
		recs, err := csv.NewReader(bytes.NewReader([]byte(res.Body))).ReadAll()
		if err != nil || len(recs) < 3 {
			t.Fatalf("csv: %d records, %v", len(recs), err)
		}
		joined := res.Body
		for _, want := range []string{`'=HYPERLINK(""http://x.example"")`, "'@SUM(1)"} {
			if !strings.Contains(joined, want) {
				t.Errorf("csv lacks the neutralised %q:\n%s", want, joined)
			}
		}
		for _, r := range recs[1:] {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("csv cell %q would run as a formula", cell)
				}
			}
		}
		filtered := sendPage(t, officeRequest(t, e.HTTP.URL+base+".csv?action=breach.answer"), legal.cookie)
		if n := strings.Count(filtered.Body, "\n"); n != len(answers)+1 {
			t.Errorf("filtered csv: %d lines, want %d", n, len(answers)+1)
		}
		if n := o.auditCount(t, "audit.export", "breach", bid); n != 2 {
			t.Errorf("%d exports audited, want 2", n)
		}
		if n := o.auditCount(t, "audit.view", "breach", bid); n < 6 {
			t.Errorf("%d page reads audited", n)
		}

		// Paged by place in the chain: 60 more entries make two pages of 50.
		err = e.App.DB.Gorm.Transaction(func(tx *gorm.DB) error {
			for i := range 60 {
				if err := audit.Record(context.Background(), tx, audit.Actor{Label: "cli"}, o.acme.ID, "breach.update", "breach", bid,
					map[string]int{"n": i}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		first := getPage(t, e, legal.cookie, base+"?actor=cli")
		next := regexp.MustCompile(`href="(/breaches/\d+/audit\?[^"]+)" rel="next"`).FindStringSubmatch(first.Body)
		if len(officeRows(first.Body)) != 50 || next == nil {
			t.Fatalf("first page: %d entries, next %v", len(officeRows(first.Body)), next)
		}
		older := getPage(t, e, legal.cookie, strings.ReplaceAll(next[1], "&amp;", "&"))
		if rows := officeRows(older.Body); len(rows) != 10 || strings.Contains(older.Body, `rel="next"`) || !strings.Contains(rows[9], `{&#34;n&#34;:0}`) {
			t.Fatalf("older page: %d entries", len(rows))
		}

		admin := getPage(t, e, signedIn(t, e, "admin@acme.example").cookie, base)
		if admin.Status != http.StatusOK {
			t.Errorf("admin: %d", admin.Status)
		}
		for _, c := range []struct {
			who, path string
			status    int
		}{
			{"po@acme.example", base, http.StatusForbidden},
			{"viewer@acme.example", base, http.StatusForbidden},
			{"viewer@acme.example", base + ".csv", http.StatusForbidden},
			{"po@other.example", base, http.StatusNotFound},
			{"po@other.example", base + ".csv", http.StatusNotFound},
		} {
			res := getPage(t, e, signedIn(t, e, c.who).cookie, c.path)
			if res.Status != c.status || !strings.HasPrefix(res.Type, "text/html") {
				t.Errorf("%s %s: %d %s, want an HTML %d", c.who, c.path, res.Status, res.Type, c.status)
			}
		}
		mustContain(t, getPage(t, e, legal.cookie, "/breaches/"+bid).Body, `href="`+base+`"`)
		officeLacks(t, "a privacy officer's breach page", getPage(t, e, signedIn(t, e, "po@acme.example").cookie, "/breaches/"+bid).Body, `href="`+base+`"`)
	})
}

func officeRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
