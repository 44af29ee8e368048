package app_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/audit"
)

// TestAuditTrailRoutes: an organization's trail is for its administrators,
// a breach's for administrators and legal reviewers; each read and export
// is itself audited; the breach's trail holds its obligation's decisions
// and not other breaches' entries; the verification holds and signs a
// checkpoint.
func TestAuditTrailRoutes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		other := e.Do("POST", "/api/v1/breaches", a.po, map[string]any{"organization": "acme", "title": "Another", "kinds": []string{"loss"}})
		var ob struct{ ID int64 }
		other.JSON(t, &ob)
		waive := map[string]any{"status": "waived", "rationale": "Encrypted at rest with the key held elsewhere."}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/status", a.breach, a.obligation), a.legal, waive); res.Status != 200 {
			t.Fatalf("waive: %d %s", res.Status, res.Body)
		}
		orgTrail, orgCSV := "/api/v1/organizations/acme/audit", "/api/v1/organizations/acme/audit.csv"
		verification := "/api/v1/organizations/acme/audit/verification"
		breachTrail := fmt.Sprintf("/api/v1/breaches/%d/audit", a.breach)
		breachCSV := breachTrail + ".csv"
		cases := []struct {
			path, token string
			want        int
		}{
			{orgTrail, a.admin, 200}, {orgTrail, a.legal, 403}, {orgTrail, a.po, 403}, {orgTrail, a.viewer, 403},
			{orgCSV, a.admin, 200}, {orgCSV, a.legal, 403}, {orgCSV, a.po, 403},
			{verification, a.admin, 200}, {verification, a.legal, 403},
			{breachTrail, a.admin, 200}, {breachTrail, a.legal, 200}, {breachTrail, a.po, 403}, {breachTrail, a.viewer, 403},
			{breachCSV, a.legal, 200}, {breachCSV, a.po, 403},
		}
		for _, c := range cases {
			if res := e.Do("GET", c.path, c.token, nil); res.Status != c.want {
				t.Errorf("GET %s: %d %s, want %d", c.path, res.Status, res.Body, c.want)
			}
		}
		var page struct {
			Entries []struct {
				Seq        int64
				Actor      string
				Action     string
				ObjectType string `json:"object_type"`
				ObjectID   string `json:"object_id"`
				Hash       string
			}
			NextBefore *int64 `json:"next_before"`
		}
		e.Do("GET", breachTrail, a.legal, nil).JSON(t, &page)
		actions := map[string]bool{}
		for _, en := range page.Entries {
			actions[en.Action] = true
			if en.ObjectType == "breach" && en.ObjectID == fmt.Sprint(ob.ID) {
				t.Errorf("another breach's entry in the trail: %+v", en)
			}
		}
		for _, want := range []string{"breach.create", "obligation.status", "document.generate", "audit.view"} {
			if !actions[want] {
				t.Errorf("breach trail lacks %s: %v", want, actions)
			}
		}
		e.Do("GET", orgTrail+"?limit=2", a.admin, nil).JSON(t, &page)
		if len(page.Entries) != 2 || page.NextBefore == nil || page.Entries[0].Seq <= page.Entries[1].Seq {
			t.Fatalf("first page: %+v", page)
		}
		before := *page.NextBefore
		e.Do("GET", fmt.Sprintf("%s?limit=2&before=%d", orgTrail, before), a.admin, nil).JSON(t, &page)
		if len(page.Entries) != 2 || page.Entries[0].Seq >= before {
			t.Fatalf("second page: %+v", page)
		}
		if res := e.Do("GET", orgTrail+"?limit=5000", a.admin, nil); res.Status != 400 {
			t.Errorf("limit 5000: %d", res.Status)
		}
		res := e.Do("GET", orgCSV, a.admin, nil)
		rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
		if err != nil || len(rows) < 5 || rows[0][0] != "seq" || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("csv: %v %d %q", err, len(rows), res.Header.Get("Content-Type"))
		}
		var n int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action IN ('audit.view', 'audit.export') AND organization_id = ?", a.org.ID).Scan(&n)
		if n < 6 {
			t.Errorf("%d reads of the trail audited", n)
		}
		var v struct {
			OK         bool
			Checkpoint string
		}
		e.Do("GET", verification, a.admin, nil).JSON(t, &v)
		cp, err := audit.ParseCheckpoint(strings.NewReader(v.Checkpoint))
		if !v.OK || err != nil || cp.CheckSignature(e.App.AuditKey.PublicKey()) != nil || len(cp.Heads) != 1 || cp.Heads[0].OrganizationID != a.org.ID {
			t.Fatalf("verification: %+v %v", v, err)
		}
	})
}

// TestRegisterPrintsTheAuditCheckpoint: the register ends with the signed
// head of the organization's chain.
func TestRegisterPrintsTheAuditCheckpoint(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	e := apptest.New(t, "sqlite")
	a := newTenant(t, e, "acme")
	res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", a.register), a.po, nil)
	if res.Status != 200 {
		t.Fatalf("register pdf: %d", res.Status)
	}
	path := filepath.Join(t.TempDir(), "register.pdf")
	if err := os.WriteFile(path, res.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(text, "Audit trail checkpoint") || !strings.Contains(text, fmt.Sprintf("chain %d seq", a.org.ID)) ||
		!strings.Contains(text, e.App.AuditKey.PublicKey()[:20]) {
		t.Fatalf("register text lacks the checkpoint:\n%s", text)
	}
}
