package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// eachDialect runs fn once per dialect on its own application, the
// dialects in parallel: the calling test must not do anything after it.
func eachDialect(t *testing.T, fn func(t *testing.T, e *apptest.Env)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, apptest.New(t, d))
		})
	}
}

var newBreach = map[string]any{
	"organization":    "acme",
	"title":           "Laptop stolen",
	"description":     "A laptop with patient lists was stolen.",
	"nature":          []string{"confidentiality"},
	"kinds":           []string{"theft"},
	"data_categories": []string{"name", "health"},
	"events": []map[string]string{
		{"kind": "discovered", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto", "note": "Reported by staff"},
	},
}

func TestBreachCreateReadUpdate(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)

		res := e.Do("POST", "/api/v1/breaches", tok, newBreach)
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var b struct {
			ID        int64
			Reference string
			Title     string
			Events    []struct{ Kind, At, Zone string }
		}
		res.JSON(t, &b)
		if !strings.HasPrefix(b.Reference, "BR-") || b.Title != "Laptop stolen" || len(b.Events) != 1 {
			t.Fatalf("created breach wrong: %+v", b)
		}
		if b.Events[0].At != "2025-10-24T14:00:00Z" || b.Events[0].Zone != "America/Toronto" {
			t.Fatalf("event not stored as UTC instant plus zone: %+v", b.Events[0])
		}

		got := e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d", b.ID), tok, nil)
		if got.Status != 200 || !strings.Contains(string(got.Body), "Laptop stolen") {
			t.Fatalf("read back: %d %s", got.Status, got.Body)
		}
		up := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", b.ID), tok, map[string]any{"status": "contained", "title": "Laptop stolen from car"})
		if up.Status != 200 {
			t.Fatalf("update: %d %s", up.Status, up.Body)
		}
		m := up.Map(t)
		if m["status"] != "contained" || m["title"] != "Laptop stolen from car" || m["description"] != "A laptop with patient lists was stolen." {
			t.Fatalf("update lost or ignored fields: %v", m)
		}
		ev := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/events", b.ID), tok, map[string]string{"kind": "aware", "at": "2025-10-25T09:00:00-04:00", "zone": "America/Toronto"})
		if ev.Status != 201 {
			t.Fatalf("add event: %d %s", ev.Status, ev.Body)
		}
		ans := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/rrosh", b.ID), tok, map[string]string{"value": "yes", "rationale": "Health data"})
		if ans.Status != 200 {
			t.Fatalf("answer: %d %s", ans.Status, ans.Body)
		}
		list := e.Do("GET", "/api/v1/breaches?organization=acme", tok, nil)
		var l struct {
			Breaches []struct{ ID int64 }
			Total    int
		}
		list.JSON(t, &l)
		if l.Total != 1 || l.Breaches[0].ID != b.ID {
			t.Fatalf("list: %s", list.Body)
		}
		second := e.Do("POST", "/api/v1/breaches", tok, newBreach)
		var b2 struct{ Reference string }
		second.JSON(t, &b2)
		if b2.Reference == b.Reference {
			t.Fatalf("two breaches share reference %s", b.Reference)
		}
	})
}

func TestAccessControl(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		acme, other := e.Org("acme"), e.Org("other")
		po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		viewer := e.User("viewer@acme.example", acme, auth.RoleViewer)
		outsider := e.User("po@other.example", other, auth.RolePrivacyOfficer)

		res := e.Do("POST", "/api/v1/breaches", po, newBreach)
		var b struct{ ID int64 }
		res.JSON(t, &b)
		path := fmt.Sprintf("/api/v1/breaches/%d", b.ID)

		cases := []struct {
			name, method, path, token string
			body                      any
			want                      int
		}{
			{"no token", "GET", "/api/v1/breaches", "", nil, 401},
			{"garbage token", "GET", "/api/v1/breaches", "blt_nope", nil, 401},
			{"viewer reads", "GET", path, viewer, nil, 200},
			{"viewer writes", "PATCH", path, viewer, map[string]string{"title": "x"}, 403},
			{"viewer creates", "POST", "/api/v1/breaches", viewer, newBreach, 403},
			{"outsider reads", "GET", path, outsider, nil, 404},
			{"outsider writes", "PATCH", path, outsider, map[string]string{"title": "x"}, 404},
			{"outsider adds event", "POST", path + "/events", outsider, map[string]string{"kind": "aware", "at": "2025-10-25T09:00:00Z", "zone": "UTC"}, 404},
			{"outsider org", "GET", "/api/v1/organizations/acme", outsider, nil, 404},
			{"outsider creates in org", "POST", "/api/v1/breaches", outsider, newBreach, 404},
			{"missing breach", "GET", "/api/v1/breaches/999999", po, nil, 404},
			{"non-admin adds member", "POST", "/api/v1/organizations/acme/members", po, map[string]string{"email": "x@acme.example", "role": "admin"}, 403},
		}
		for _, c := range cases {
			got := e.Do(c.method, c.path, c.token, c.body)
			if got.Status != c.want {
				t.Errorf("%s: got %d %s, want %d", c.name, got.Status, got.Body, c.want)
			}
		}
		// The outsider's list does not include acme's breach.
		var l struct{ Total int }
		e.Do("GET", "/api/v1/breaches", outsider, nil).JSON(t, &l)
		if l.Total != 0 {
			t.Fatalf("outsider sees %d breaches", l.Total)
		}
	})
}

func TestValidationErrorsPerField(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		bad := map[string]any{
			"organization":    "acme",
			"nature":          []string{"secrecy"},
			"data_categories": []string{"name", "shoe_size"},
			"events":          []map[string]string{{"kind": "noticed", "at": "yesterday", "zone": "Mars/Olympus"}},
		}
		res := e.Do("POST", "/api/v1/breaches", tok, bad)
		if res.Status != 400 {
			t.Fatalf("want 400, got %d %s", res.Status, res.Body)
		}
		var body struct {
			Error struct {
				Code   string
				Fields map[string]string
			}
		}
		res.JSON(t, &body)
		if body.Error.Code != "invalid" {
			t.Fatalf("code %q", body.Error.Code)
		}
		for _, f := range []string{"title", "nature", "data_categories", "events[0].kind", "events[0].at", "events[0].zone"} {
			if body.Error.Fields[f] == "" {
				t.Errorf("no error for field %s: %v", f, body.Error.Fields)
			}
		}
		if body.Error.Fields["title"] != "required" {
			t.Errorf("title: %q", body.Error.Fields["title"])
		}
		// Nothing was stored.
		var l struct{ Total int }
		e.Do("GET", "/api/v1/breaches", tok, nil).JSON(t, &l)
		if l.Total != 0 {
			t.Fatalf("an invalid breach was stored")
		}
	})
}

func TestStrictJSON(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	cases := map[string]struct {
		body      string
		wantField string
	}{
		"unknown field":  {`{"organization":"acme","title":"x","titel":"y"}`, "titel"},
		"wrong type":     {`{"organization":"acme","title":5}`, "title"},
		"malformed":      {`{"organization":`, ""},
		"trailing value": {`{"organization":"acme","title":"x"} {}`, ""},
		"empty":          {``, ""},
	}
	for name, c := range cases {
		res := e.Do("POST", "/api/v1/breaches", tok, c.body)
		if res.Status != 400 {
			t.Errorf("%s: got %d %s", name, res.Status, res.Body)
			continue
		}
		var body struct {
			Error struct {
				Code   string
				Fields map[string]string
			}
		}
		res.JSON(t, &body)
		if body.Error.Code != "invalid" || (c.wantField != "" && body.Error.Fields[c.wantField] == "") {
			t.Errorf("%s: %s", name, res.Body)
		}
	}
	huge := `{"organization":"acme","title":"x","description":"` + strings.Repeat("a", 2<<20) + `"}`
	if res := e.Do("POST", "/api/v1/breaches", tok, huge); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", res.Status)
	}
}

func TestTokensAndMembersAPI(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		admin := e.User("admin@acme.example", org, auth.RoleAdmin)
		res := e.Do("POST", "/api/v1/tokens", admin, map[string]string{"name": "ci"})
		if res.Status != 201 {
			t.Fatalf("create token: %d %s", res.Status, res.Body)
		}
		var created struct {
			Token   string
			Details struct{ ID int64 }
		}
		res.JSON(t, &created)
		if e.Do("GET", "/api/v1/me", created.Token, nil).Status != 200 {
			t.Fatal("new token does not authenticate")
		}
		if strings.Contains(string(e.Do("GET", "/api/v1/tokens", admin, nil).Body), created.Token) {
			t.Fatal("token list reveals a secret")
		}
		if s := e.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.Details.ID), admin, nil).Status; s != 204 {
			t.Fatalf("revoke: %d", s)
		}
		if e.Do("GET", "/api/v1/me", created.Token, nil).Status != 401 {
			t.Fatal("revoked token still works")
		}
		// A new address is invited; it is a member once the person accepts.
		add := e.Do("POST", "/api/v1/organizations/acme/members", admin, map[string]string{"email": "Legal@Acme.example", "role": "legal"})
		if add.Status != 202 || !strings.Contains(string(add.Body), `"invitation":{`) || !strings.Contains(string(add.Body), `"legal@acme.example"`) {
			t.Fatalf("add member: %d %s", add.Status, add.Body)
		}
		var ms struct {
			Members []struct{ Email, Role string }
		}
		e.Do("GET", "/api/v1/organizations/acme/members", admin, nil).JSON(t, &ms)
		if len(ms.Members) != 1 {
			t.Fatalf("members before the invitation is accepted: %+v", ms)
		}
		// A current member's role is changed at once.
		e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		add = e.Do("POST", "/api/v1/organizations/acme/members", admin, map[string]string{"email": "po@acme.example", "role": "legal"})
		if add.Status != 200 || !strings.Contains(string(add.Body), `"member":{`) || !strings.Contains(string(add.Body), `"role":"legal"`) {
			t.Fatalf("change role: %d %s", add.Status, add.Body)
		}
	})
}

func TestInternalErrorsHideDetails(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	// Break the database under the service: the client must see a request id
	// and a generic message, never the SQL error.
	res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{"organization": "acme", "title": "x"})
	e.App.DB.Gorm.Exec("DROP TABLE assessment_answers")
	res2 := e.Do("GET", "/api/v1/breaches/1", tok, nil)
	if res2.Status != 500 {
		t.Fatalf("want 500, got %d %s (create: %d)", res2.Status, res2.Body, res.Status)
	}
	var body struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		}
	}
	res2.JSON(t, &body)
	if body.Error.Code != "internal" || body.Error.RequestID == "" || strings.Contains(strings.ToLower(string(res2.Body)), "assessment_answers") {
		t.Fatalf("internal error leaked or lacks request id: %s", res2.Body)
	}
	if res2.Header.Get("X-Request-ID") != body.Error.RequestID {
		t.Fatalf("request id header %q differs from body", res2.Header.Get("X-Request-ID"))
	}
}

func TestUploadLimitAppliesToMultipartOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	// A JSON body over the JSON limit is refused before any handler runs.
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	if res := e.Do("POST", "/api/v1/tokens", tok, big); res.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("JSON over the limit: %d", res.Status)
	}
	// A multipart body of the same size is allowed through to its handler
	// (the upload limit is larger); the route answers, not the limiter.
	var buf strings.Builder
	buf.WriteString("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n\r\n")
	buf.WriteString("name,email\r\n" + strings.Repeat("Jo Example,jo@example.org\r\n", 80000))
	buf.WriteString("\r\n--b--\r\n")
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/tokens", strings.NewReader(buf.String()))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusRequestEntityTooLarge {
		t.Fatalf("multipart body of %d bytes refused by the JSON limit", buf.Len())
	}
}

func TestBreachSearchTreatsWildcardsLiterally(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		for _, title := range []string{"100% of staff files exposed", "Staff files exposed", "Payroll_export left public"} {
			if res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{"organization": "acme", "title": title}); res.Status != 201 {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
		}
		for q, want := range map[string]int{"100%": 1, "%": 1, "_export": 1, "staff": 2, "payroll_": 1, `\`: 0} {
			var l struct{ Total int }
			e.Do("GET", "/api/v1/breaches?q="+url.QueryEscape(q), tok, nil).JSON(t, &l)
			if l.Total != want {
				t.Errorf("search %q: %d results, want %d", q, l.Total, want)
			}
		}
	})
}
