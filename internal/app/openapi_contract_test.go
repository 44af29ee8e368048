package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
)

// TestOpenAPIRealResponsesValidate drives the API end to end, on each
// database, as its users would: accounts, organizations and members,
// tokens, a breach with its events and answers, a roster import, the
// obligations and deadlines, documents and their filing, the calendar feed,
// notice campaigns and the audit trail, with the errors callers meet on the
// way. Every request the server accepts and every answer it gives is
// validated against the served OpenAPI document.
func TestOpenAPIRealResponsesValidate(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		c := watchContract(t, e)
		acme := e.Org("acme")
		d := &drive{t: t, e: e, acme: acme}
		d.admin = e.User(apptest.OperatorEmail, acme, auth.RoleAdmin)
		d.po = e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		d.legal = e.User("legal@acme.example", acme, auth.RoleLegal)
		d.viewer = e.User("viewer@acme.example", acme, auth.RoleViewer)
		startWorkers(t, e)

		d.service()
		d.accounts()
		id := d.breaches()
		d.roster(id)
		d.obligations(id)
		d.documents(id)
		d.calendar()
		d.notices(id)
		d.audit(id)
		d.errors(id)

		ops := c.exercised()
		if len(ops) < 80 {
			t.Errorf("only %d operation answers exercised: %v", len(ops), ops)
		}
	})
}

// drive is the callers of one application under contract.
type drive struct {
	t                        *testing.T
	e                        *apptest.Env
	acme                     auth.Organization
	admin, po, legal, viewer string
}

// call makes a request and fails the test unless it answers want; the JSON
// answer is decoded into a map when there is one.
func (d *drive) call(method, path, tok string, body any, want int) map[string]any {
	d.t.Helper()
	res := d.e.Do(method, path, tok, body)
	return d.expect(method, path, res, want)
}

func (d *drive) expect(method, path string, res apptest.Response, want int) map[string]any {
	d.t.Helper()
	if res.Status != want {
		d.t.Fatalf("%s %s: %d, want %d: %.500s", method, path, res.Status, want, res.Body)
	}
	var m map[string]any
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(res.Body, &m)
	}
	return m
}

// id reads a numeric field of an answer.
func id(m map[string]any, key string) int64 {
	f, _ := m[key].(float64)
	return int64(f)
}

func (d *drive) accounts() {
	d.call("GET", "/api/v1/me", d.po, nil, 200)
	d.call("PATCH", "/api/v1/me", d.po, map[string]any{"language": "fr"}, 200)
	d.call("PATCH", "/api/v1/me", d.po, map[string]any{"language": ""}, 200)
	d.call("GET", "/api/v1/organizations", d.po, nil, 200)
	d.call("GET", "/api/v1/organizations/acme", d.po, nil, 200)
	d.call("PATCH", "/api/v1/organizations/acme", d.admin, map[string]any{"roles": []string{"commercial_org"}, "sectors": []string{"retail"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100",
		"address": "1 Main Street\nToronto ON  M5V 1A1\nCanada"}, 200)
	d.call("POST", "/api/v1/organizations", d.admin, map[string]any{"slug": "acme-health", "name": "Acme Health", "time_zone": "America/Toronto"}, 201)
	d.call("GET", "/api/v1/data-categories", d.viewer, nil, 200)

	members := d.call("GET", "/api/v1/organizations/acme/members", d.admin, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/members", d.viewer, nil, 200)
	if list, _ := members["members"].([]any); len(list) != 4 {
		d.t.Fatalf("members: %v", members)
	}
	d.call("POST", "/api/v1/organizations/acme/members", d.admin, map[string]any{"email": "viewer@acme.example", "role": "legal"}, 200)
	d.call("POST", "/api/v1/organizations/acme/members", d.admin, map[string]any{"email": "viewer@acme.example", "role": "viewer"}, 200)
	inv := d.call("POST", "/api/v1/organizations/acme/members", d.admin, map[string]any{"email": "new@acme.example", "name": "New Person", "role": "viewer"}, 202)
	invID := id(inv["invitation"].(map[string]any), "id")
	d.call("GET", "/api/v1/organizations/acme/invitations", d.admin, nil, 200)
	again := d.call("POST", fmt.Sprintf("/api/v1/organizations/acme/invitations/%d/resend", invID), d.admin, nil, 202)
	d.call("DELETE", fmt.Sprintf("/api/v1/organizations/acme/invitations/%d", id(again["invitation"].(map[string]any), "id")), d.admin, nil, 204)
	leaving := d.e.User("leaving@acme.example", d.acme, auth.RoleViewer)
	me := d.call("GET", "/api/v1/me", leaving, nil, 200)
	d.call("DELETE", fmt.Sprintf("/api/v1/organizations/acme/members/%d", id(me["user"].(map[string]any), "id")), d.admin, nil, 204)

	d.call("GET", "/api/v1/tokens", d.po, nil, 200)
	tok := d.call("POST", "/api/v1/tokens", d.po, map[string]any{"name": "reporting", "scope": "read",
		"expires_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}, 201)
	read := tok["token"].(string)
	d.call("GET", "/api/v1/tokens", read, nil, 200)
	d.call("POST", "/api/v1/tokens", read, map[string]any{"name": "x"}, 403)
	d.call("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id(tok["details"].(map[string]any), "id")), d.po, nil, 204)
	d.call("GET", "/api/v1/me", read, nil, 401)
}

func (d *drive) breaches() int64 {
	bare := d.call("POST", "/api/v1/breaches", d.po, map[string]any{"organization": "acme", "title": "Misdirected letter"}, 201)
	if events, ok := bare["events"].([]any); !ok || len(events) != 0 {
		d.t.Errorf("a breach without events answers events %v, want []", bare["events"])
	}
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d", id(bare, "id")), d.viewer, nil, 200)

	b := d.call("POST", "/api/v1/breaches", d.po, newBreach, 201)
	bid := id(b, "id")
	path := fmt.Sprintf("/api/v1/breaches/%d", bid)
	d.call("GET", "/api/v1/breaches", d.viewer, nil, 200)
	d.call("GET", "/api/v1/breaches?organization=acme&status=open&q=Laptop&limit=10&offset=0", d.viewer, nil, 200)
	d.call("GET", path, d.viewer, nil, 200)
	d.call("PATCH", path, d.po, map[string]any{"status": "contained", "cause": "Theft from a car", "containment": "Remote wipe",
		"mitigation": "Disk encryption", "nature": []string{"confidentiality"}, "kinds": []string{"theft"}}, 200)
	d.call("POST", path+"/events", d.po, map[string]string{"kind": "occurred", "at": "2025-10-23T22:00:00-04:00", "zone": "America/Toronto"}, 201)
	d.call("POST", path+"/events", d.po, map[string]string{"kind": "aware", "at": "2025-10-25T09:00:00-04:00", "zone": "America/Toronto", "note": "Told the privacy office"}, 201)
	mistake := d.call("POST", path+"/events", d.po, map[string]string{"kind": "contained", "at": "2025-10-26T09:00:00-04:00", "zone": "America/Toronto"}, 201)
	d.call("DELETE", fmt.Sprintf("%s/events/%d", path, id(mistake, "id")), d.po, nil, 204)
	d.call("PUT", path+"/answers/rrosh", d.po, map[string]string{"value": "yes", "rationale": "Health data"}, 200)
	d.call("GET", path, d.viewer, nil, 200)
	return bid
}

const contractRoster = "name,email,country,province\n" +
	"Alice Martin,alice@example.com,CA,ON\n" +
	"Bob Tremblay,bob@example.com,CA,QC\n" +
	"Bad Row,not-an-email,CA,ON\n" +
	"Alice M,ALICE@example.com,CA,ON\n"

// upload posts a roster file as multipart/form-data.
func (d *drive) upload(breachID int64, tok string) apptest.Response {
	d.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "people.csv")
	_, _ = io.WriteString(fw, contractRoster)
	_ = mw.WriteField("format", "csv")
	_ = mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/breaches/%d/imports", d.e.HTTP.URL, breachID), &body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return apptest.Response{Status: res.StatusCode, Body: raw, Header: res.Header}
}

func (d *drive) roster(bid int64) {
	up := d.expect("POST", "imports", d.upload(bid, d.po), 202)
	d.expect("POST", "imports", d.upload(bid, d.viewer), 403)
	imp := waitImport(d.t, d.e, d.po, id(up, "id"))
	if imp.Status != "done" {
		d.t.Fatalf("import: %+v", imp)
	}
	d.expect("POST", "imports", d.upload(bid, d.po), 409)
	d.call("GET", fmt.Sprintf("/api/v1/imports/%d", imp.ID), d.viewer, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/imports/%d/rejects.csv", imp.ID), d.po, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/counts", bid), d.viewer, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/export.csv", bid), d.po, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/export.csv", bid), d.viewer, nil, 403)
	people := d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/people?limit=1", bid), d.po, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/people?after=%d", bid, id(people, "next_after")), d.po, nil, 200)
	flagged := d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/people?review=1", bid), d.po, nil, 200)
	list, _ := flagged["people"].([]any)
	if len(list) != 1 {
		d.t.Fatalf("flagged people: %v", flagged)
	}
	pid := id(list[0].(map[string]any), "id")
	d.call("POST", fmt.Sprintf("/api/v1/people/%d/review", pid), d.po, map[string]string{"decision": "distinct", "note": "Two people"}, 200)
	d.call("POST", fmt.Sprintf("/api/v1/imports/%d/review", imp.ID), d.po, map[string]string{"decision": "confirmed"}, 409)
}

func (d *drive) obligations(bid int64) {
	path := fmt.Sprintf("/api/v1/breaches/%d/obligations", bid)
	list := d.call("GET", path, d.viewer, nil, 200)
	obs, _ := list["obligations"].([]any)
	if len(obs) == 0 {
		d.t.Fatalf("no obligations: %v", list)
	}
	oid := id(obs[0].(map[string]any), "id")
	d.call("GET", fmt.Sprintf("%s/%d/history", path, oid), d.viewer, nil, 200)
	d.call("POST", fmt.Sprintf("%s/%d/status", path, oid), d.legal, map[string]any{"status": "waived", "rationale": "Counsel's advice"}, 200)
	d.call("POST", fmt.Sprintf("%s/%d/status", path, oid), d.legal, map[string]any{"status": "pending"}, 200)
	d.call("POST", fmt.Sprintf("%s/%d/status", path, oid), d.viewer, map[string]any{"status": "waived", "rationale": "No"}, 403)
	d.call("GET", "/api/v1/deadlines", d.viewer, nil, 200)
	d.call("GET", "/api/v1/questions", d.viewer, nil, 200)
	cals, _ := d.call("GET", "/api/v1/calendars", d.viewer, nil, 200)["calendars"].([]any)
	if len(cals) == 0 {
		d.t.Fatalf("no calendars")
	}
	cal, _ := cals[0].(map[string]any)["id"].(string)
	d.call("POST", "/api/v1/assessments", d.viewer, map[string]any{
		"organization": map[string]any{"roles": []string{"commercial_org"}, "home": "CA-ON", "time_zone": "America/Toronto"},
		"events":       map[string]string{"discovered": "2025-10-24T10:00:00-04:00"},
		"affected":     []map[string]any{{"region": "CA-ON", "count": 120}},
		"kinds":        []string{"theft"}, "data_categories": []string{"name", "health"},
	}, 200)
	d.call("POST", "/api/v1/calendars/"+cal+"/closures", d.admin, map[string]string{"date": "2025-12-29", "name": "Office closure"}, 201)
}

func (d *drive) documents(bid int64) {
	kinds := d.call("GET", "/api/v1/document-kinds", d.viewer, nil, 200)
	if len(kinds["kinds"].([]any)) == 0 {
		d.t.Fatalf("no document kinds")
	}
	path := fmt.Sprintf("/api/v1/breaches/%d/documents", bid)
	d.call("GET", path+"/missing?kind=ca-opc-pipeda&stage=preliminary", d.po, nil, 200)
	doc := d.call("POST", path, d.po, map[string]any{"kind": "ca-opc-pipeda", "stage": "preliminary"}, 201)
	did := id(doc, "id")
	d.call("GET", path, d.viewer, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/documents/%d", did), d.viewer, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", did), d.po, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/documents/%d?download=1", did), d.po, nil, 200)
	filed := time.Now().UTC().Add(time.Minute).Format(time.RFC3339)
	d.call("POST", fmt.Sprintf("/api/v1/documents/%d/filing", did), d.po, map[string]any{"filed_at": filed, "reference": "OPC-2025-1"}, 200)
	d.call("POST", fmt.Sprintf("/api/v1/documents/%d/filing", did), d.po, map[string]any{"filed_at": filed}, 409)
	reg := d.call("POST", "/api/v1/organizations/acme/register", d.po, map[string]any{"from": "2025-01-01", "to": "2026-01-01"}, 201)
	d.call("GET", fmt.Sprintf("/api/v1/documents/%d/csv", id(reg, "id")), d.po, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/documents", d.viewer, nil, 200)
}

func (d *drive) calendar() {
	feed := d.call("POST", "/api/v1/me/calendar-token", d.po, nil, 201)
	url, _ := feed["url"].(string)
	_, file, _ := strings.Cut(url, "/calendar/")
	d.call("GET", "/calendar/"+file, "", nil, 200)
	d.call("DELETE", "/api/v1/me/calendar-token", d.po, nil, 204)
	d.call("GET", "/calendar/"+file, "", nil, 404)
}

func (d *drive) notices(bid int64) {
	d.call("GET", "/api/v1/notice-fields", d.viewer, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/notice-templates", d.viewer, nil, 200)
	d.call("POST", "/api/v1/organizations/acme/notice-templates", d.po, map[string]string{"from": "general", "name": "Ours"}, 201)
	camp := d.call("POST", fmt.Sprintf("/api/v1/breaches/%d/campaigns", bid), d.po, map[string]any{
		"name": "First notice", "template_set": "general", "default_language": "en", "content": campaignContent()}, 201)
	cid := id(camp, "id")
	path := fmt.Sprintf("/api/v1/campaigns/%d", cid)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/campaigns", bid), d.viewer, nil, 200)
	d.call("GET", path, d.viewer, nil, 200)
	d.call("PATCH", path, d.po, map[string]any{"name": "First notice to customers"}, 200)
	d.call("GET", path+"/review", d.legal, nil, 200)
	d.call("GET", path+"/progress", d.viewer, nil, 200)
	d.call("GET", path+"/evidence", d.viewer, nil, 200)
	d.call("GET", path+"/substitute", d.viewer, nil, 200)
	d.call("GET", path+"/letters", d.viewer, nil, 200)
	d.call("GET", path+"/deliveries", d.po, nil, 200)
	d.call("GET", path+"/bounces", d.po, nil, 200)
	d.call("POST", path+"/approve", d.po, map[string]string{"content_hash": "x"}, 403)
	d.call("POST", path+"/send", d.po, nil, 409)
	rv := d.call("GET", path+"/review", d.legal, nil, 200)
	d.call("POST", path+"/approve", d.legal, map[string]any{"content_hash": rv["content_hash"]}, 200)
	d.call("POST", path+"/send", d.po, nil, 200)
	d.waitCampaign(path)
	list := d.call("GET", path+"/deliveries?limit=2", d.po, nil, 200)
	dl, _ := list["deliveries"].([]any)
	if len(dl) == 0 {
		d.t.Fatalf("no deliveries: %v", list)
	}
	person := id(dl[0].(map[string]any), "person_id")
	d.call("GET", fmt.Sprintf("%s/preview/%d", path, person), d.legal, nil, 200)
	d.call("GET", fmt.Sprintf("%s/deliveries?after=%d", path, id(list, "next_after")), d.po, nil, 200)
	d.call("GET", path+"/deliveries.csv", d.po, nil, 200)
	d.call("GET", path+"/evidence", d.viewer, nil, 200)
	d.call("GET", path+"/progress", d.viewer, nil, 200)
	d.call("POST", path+"/obligation-done", d.po, nil, 409)
	d.call("POST", path+"/cancel", d.po, nil, 409)

	other := d.call("POST", fmt.Sprintf("/api/v1/breaches/%d/campaigns", bid), d.po, map[string]any{
		"name": "Second notice", "template_set": "general", "default_language": "en", "content": campaignContent()}, 201)
	d.call("POST", fmt.Sprintf("/api/v1/campaigns/%d/cancel", id(other, "id")), d.po, nil, 200)
}

// waitCampaign waits until the workers have sent every e-mail of a campaign.
func (d *drive) waitCampaign(path string) {
	d.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if p := d.call("GET", path+"/progress", d.po, nil, 200); p["status"] == "completed" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	d.t.Fatalf("campaign %s did not complete", path)
}

// service is what probes and tools read without a token.
func (d *drive) service() {
	d.call("GET", "/healthz", "", nil, 200)
	d.call("GET", "/readyz", "", nil, 200)
	d.call("GET", "/api/openapi.yaml", "", nil, 200)
}

func (d *drive) audit(bid int64) {
	d.call("GET", "/api/v1/organizations/acme/audit?limit=5", d.admin, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/audit.csv", d.admin, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/audit/verification", d.admin, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/audit", bid), d.legal, nil, 200)
	d.call("GET", fmt.Sprintf("/api/v1/breaches/%d/audit.csv", bid), d.legal, nil, 200)
	d.call("GET", "/api/v1/organizations/acme/audit", d.viewer, nil, 403)
}

// errors are the answers callers meet when something is wrong.
func (d *drive) errors(bid int64) {
	path := fmt.Sprintf("/api/v1/breaches/%d", bid)
	d.call("GET", path, "", nil, 401)
	d.call("GET", "/api/v1/breaches/999999", d.po, nil, 404)
	d.call("PATCH", path, d.viewer, map[string]any{"title": "No"}, 403)
	d.call("PATCH", path, d.po, map[string]any{"title": 7}, 400)
	d.call("POST", "/api/v1/breaches", d.po, map[string]any{"organization": "acme", "title": ""}, 400)
	d.call("POST", "/api/v1/breaches", d.po, map[string]any{"organization": "nowhere", "title": "x"}, 404)
	d.call("POST", path+"/events", d.po, map[string]string{"kind": "aware", "at": "yesterday", "zone": "America/Toronto"}, 400)
	d.call("PUT", path+"/answers/no_such_question", d.po, map[string]string{"value": "yes"}, 400)
	d.call("POST", "/api/v1/organizations/acme/members", d.po, map[string]any{"email": "x@acme.example", "role": "viewer"}, 403)
	d.call("DELETE", "/api/v1/tokens/999999", d.po, nil, 404)
}
