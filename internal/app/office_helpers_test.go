package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
)

// officeEnv is two organizations that number their breaches alike (each
// has a BR-…-0001), a member of each role in acme, one of the other, and
// a privacy officer of both.
type officeEnv struct {
	*apptest.Env
	acme, other auth.Organization
	// po is acme's privacy officer's API token; otherPO the other's.
	po, otherPO string
	// open is acme's breach with a question left open (GDPR risk),
	// decided the one with it answered, elsewhere the other's breach.
	open, decided, elsewhere int64
}

func newOfficeEnv(t *testing.T, e *apptest.Env) *officeEnv {
	t.Helper()
	o := &officeEnv{Env: e, acme: e.Org("acme"), other: e.Org("other")}
	for _, org := range []auth.Organization{o.acme, o.other} {
		admin := e.User("admin@"+org.Slug+".example", org, auth.RoleAdmin)
		res := e.Do("PATCH", "/api/v1/organizations/"+org.Slug, admin, map[string]any{"roles": []string{"controller"},
			"sectors": []string{"technology"}, "home_jurisdiction": "CA-ON"})
		if res.Status != http.StatusOK {
			t.Fatalf("organization: %d %s", res.Status, res.Body)
		}
	}
	o.po = e.User("po@acme.example", o.acme, auth.RolePrivacyOfficer)
	e.User("legal@acme.example", o.acme, auth.RoleLegal)
	e.User("viewer@acme.example", o.acme, auth.RoleViewer)
	o.otherPO = e.User("po@other.example", o.other, auth.RolePrivacyOfficer)
	e.User("both@acme.example", o.acme, auth.RolePrivacyOfficer)
	e.User("both@acme.example", o.other, auth.RolePrivacyOfficer)
	o.open = o.breach(t, o.po, "acme", "Exposed bucket", "")
	o.decided = o.breach(t, o.po, "acme", "Stolen laptop", "risk")
	o.elsewhere = o.breach(t, o.otherPO, "other", "Misdirected letter", "risk")
	for _, id := range []int64{o.open, o.decided} {
		e.People(id, apptest.Many("DE", 3)...)
	}
	e.People(o.elsewhere, apptest.Person{Name: "Zoé Other", Email: "zoe@other.example", Region: "DE"})
	return o
}

// breach opens a breach aware on 24 October 2025 in Toronto with people in
// Germany, answering the GDPR risk question when risk is set.
func (o *officeEnv) breach(t *testing.T, token, org, title, risk string) int64 {
	t.Helper()
	id := o.Breach(token, map[string]any{"organization": org, "title": title,
		"kinds": []string{"unauthorized_access"}, "data_categories": []string{"name", "health_card"},
		"events": []map[string]string{{"kind": "aware", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto"}}})
	if risk != "" {
		if res := o.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/gdpr_risk", id), token, map[string]string{"value": risk}); res.Status != http.StatusOK {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
	}
	return id
}

// importCSV imports a roster file into a breach through the importer.
func (o *officeEnv) importCSV(t *testing.T, breachID int64, csv string) {
	t.Helper()
	ctx := context.Background()
	imp, err := roster.Queue(ctx, o.App.DB.Gorm, nil, breachID, roster.Upload{FileName: "people.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := o.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(csv), roster.RunOptions{}); err != nil || res.Rejected != 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
}

// auditCount counts the audit entries of an action on an object.
func (o *officeEnv) auditCount(t *testing.T, action, objType, objID string) int64 {
	t.Helper()
	var n int64
	err := o.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_type = ? AND object_id = ?", action, objType, objID).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// officePage GETs a page with the session, asking for a language.
func officePage(t *testing.T, o *officeEnv, s pageSession, lang, path string) pageResponse {
	t.Helper()
	req, err := http.NewRequest("GET", o.HTTP.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", lang)
	return sendPage(t, req, s.cookie)
}

// officeRows cuts a page's table body into its rows.
func officeRows(body string) []string {
	start, end := strings.Index(body, "<tbody>"), strings.Index(body, "</tbody>")
	if start < 0 || end < start {
		return nil
	}
	parts := strings.Split(body[start:end], "<tr")
	return parts[1:]
}

// officeLacks fails on any text the page must not have.
func officeLacks(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s has %q", what, u)
		}
	}
}
