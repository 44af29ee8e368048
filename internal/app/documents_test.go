package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/roster"
)

// docMeta is a document's metadata as the API returns it.
type docMeta struct {
	ID              int64
	Kind            string
	Stage           string
	Version         int
	DocumentID      string `json:"document_id"`
	SHA256          string
	Size            int64
	HasCSV          bool       `json:"has_csv"`
	FiledAt         *time.Time `json:"filed_at"`
	FilingReference string     `json:"filing_reference"`
	Missing         []struct{ Field, Label, Why string }
}

// docBreach creates a breach in org "acme" and returns its id and reference.
func docBreach(t *testing.T, e *apptest.Env, tok, title, discovered string) (int64, string) {
	t.Helper()
	res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{
		"organization": "acme", "title": title,
		"description": "A courier lost a box of paper files between two offices.",
		"kinds":       []string{"loss"},
		"events":      []map[string]string{{"kind": "discovered", "at": discovered, "zone": "America/Toronto"}},
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("create breach: %d %s", res.Status, res.Body)
	}
	var b struct {
		ID        int64
		Reference string
	}
	res.JSON(t, &b)
	return b.ID, b.Reference
}

// addPeople imports n affected people in a region into the breach.
func addPeople(t *testing.T, e *apptest.Env, breachID int64, region string, n int) {
	t.Helper()
	e.People(breachID, apptest.Many(region, n)...)
}

func generate(t *testing.T, e *apptest.Env, tok string, breachID int64, body map[string]any, want int) docMeta {
	t.Helper()
	res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/documents", breachID), tok, body)
	if res.Status != want {
		t.Fatalf("generate %v: %d %s", body, res.Status, res.Body)
	}
	var d docMeta
	if want == http.StatusCreated {
		res.JSON(t, &d)
	}
	return d
}

// pdfToText reads a PDF back with pdftotext; in CI the tool is required.
func pdfToText(t *testing.T, data []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func countAudit(t *testing.T, e *apptest.Env, action string, docID int64) int {
	t.Helper()
	var n int
	err := e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = ? AND object_id = ?", action, fmt.Sprint(docID)).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocumentGeneratedStoredAndReadBack(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		id, ref := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")
		addPeople(t, e, id, "CA-ON", 37)

		d := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa"}, http.StatusCreated)
		if d.Version != 1 || d.Stage != "preliminary" || d.Kind != "on-ipc-mfippa" || len(d.Missing) == 0 {
			t.Fatalf("metadata: %+v", d)
		}
		res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
		if res.Status != 200 || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="`+d.DocumentID+`.pdf"`) {
			t.Fatalf("download: %d %v", res.Status, res.Header)
		}
		sum := sha256.Sum256(res.Body)
		if hex.EncodeToString(sum[:]) != d.SHA256 || int64(len(res.Body)) != d.Size || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
			t.Fatalf("stored bytes do not match the sha256 %s and size %d", d.SHA256, d.Size)
		}
		text := pdfToText(t, res.Body)
		for _, want := range []string{ref, "A courier lost a box of paper files", "Org acme", "37", d.DocumentID,
			"Not yet known — will be provided in an update"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
		if n := countAudit(t, e, "document.download", d.ID); n != 1 {
			t.Fatalf("downloads audited: %d, want 1", n)
		}
		if n := countAudit(t, e, "document.generate", d.ID); n != 1 {
			t.Fatalf("generation audited: %d, want 1", n)
		}
		again := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d?download=1", d.ID), tok, nil)
		if again.Status != 200 || !bytes.Equal(again.Body, res.Body) || countAudit(t, e, "document.download", d.ID) != 2 {
			t.Fatalf("second download: %d, audited %d", again.Status, countAudit(t, e, "document.download", d.ID))
		}
	})
}

func TestDocumentMissingContent(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		id, _ := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")

		res := e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents/missing?kind=on-ipc-mfippa&stage=preliminary", id), tok, nil)
		var out struct {
			Missing []struct{ Field, Label, Why string }
		}
		if res.Status != 200 {
			t.Fatalf("missing: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &out)
		fields := map[string]bool{}
		for _, m := range out.Missing {
			fields[m.Field] = true
		}
		// Containment was never recorded; the description was.
		if !fields["breach.containment"] || fields["breach.description"] {
			t.Fatalf("missing list: %+v", out.Missing)
		}
		bad := e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents/missing?kind=no-such-kind", id), tok, nil)
		if bad.Status != 400 || !strings.Contains(string(bad.Body), "on-ipc-phipa") {
			t.Fatalf("unknown kind: %d %s", bad.Status, bad.Body)
		}
	})
}

func TestDocumentFilingStagesAndImmutability(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		id, _ := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")

		pre := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa", "stage": "preliminary"}, http.StatusCreated)
		file := func(docID int64, ref string, want int) docMeta {
			t.Helper()
			res := e.Do("POST", fmt.Sprintf("/api/v1/documents/%d/filing", docID), tok,
				map[string]any{"filed_at": time.Now().UTC().Format(time.RFC3339), "reference": ref})
			if res.Status != want {
				t.Fatalf("file %d: %d %s", docID, res.Status, res.Body)
			}
			var d docMeta
			if want == 200 {
				res.JSON(t, &d)
			}
			return d
		}
		filed := file(pre.ID, "IPC-PR25-0042", 200)
		if filed.FiledAt == nil || filed.FilingReference != "IPC-PR25-0042" {
			t.Fatalf("filing not recorded: %+v", filed)
		}
		file(pre.ID, "again", http.StatusConflict)

		// The database itself refuses to change a filed document.
		for _, stmt := range []string{
			"UPDATE documents SET sha256 = 'x' WHERE id = ?",
			"UPDATE documents SET pdf = ? WHERE id = ?",
			"UPDATE documents SET filing_reference = 'other' WHERE id = ?",
			"DELETE FROM documents WHERE id = ?",
		} {
			args := []any{pre.ID}
			if strings.Contains(stmt, "pdf = ?") {
				args = []any{[]byte("%PDF-forged"), pre.ID}
			}
			err := e.App.DB.Gorm.Exec(stmt, args...).Error
			if err == nil || !strings.Contains(err.Error(), "cannot") {
				t.Fatalf("%s on a filed document: %v, want the trigger's refusal", stmt, err)
			}
		}

		upd := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa"}, http.StatusCreated)
		if upd.Version != 2 || upd.Stage != "update" || upd.SHA256 == pre.SHA256 {
			t.Fatalf("second generation: %+v", upd)
		}
		res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", upd.ID), tok, nil)
		if text := pdfToText(t, res.Body); !strings.Contains(text, "IPC-PR25-0042") {
			t.Errorf("update does not carry the regulator's reference of the preliminary report:\n%s", text)
		}
		file(upd.ID, "IPC-PR25-0042-U1", 200)
		fin := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa", "stage": "final"}, http.StatusCreated)
		if fin.Version != 3 || fin.Stage != "final" {
			t.Fatalf("final: %+v", fin)
		}
		generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa", "stage": "preliminary"}, http.StatusConflict)

		var list struct{ Documents []docMeta }
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents", id), tok, nil).JSON(t, &list)
		var stages []string
		for i := len(list.Documents) - 1; i >= 0; i-- {
			stages = append(stages, fmt.Sprintf("%d:%s", list.Documents[i].Version, list.Documents[i].Stage))
		}
		if strings.Join(stages, ",") != "1:preliminary,2:update,3:final" {
			t.Fatalf("stages recorded: %v", stages)
		}
		var stored []byte
		if err := e.App.DB.Gorm.Raw("SELECT pdf FROM documents WHERE id = ?", pre.ID).Row().Scan(&stored); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(stored)
		if hex.EncodeToString(sum[:]) != pre.SHA256 {
			t.Fatal("the filed PDF changed")
		}
	})
}

func TestDocumentPermissions(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		viewer := e.User("viewer@acme.example", org, auth.RoleViewer)
		other := e.Org("globex")
		outsider := e.User("po@globex.example", other, auth.RolePrivacyOfficer)
		id, _ := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")
		d := generate(t, e, tok, id, map[string]any{"kind": "summary"}, http.StatusCreated)

		res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), viewer, nil)
		if res.Status != 200 {
			t.Fatalf("viewer download: %d", res.Status)
		}
		if text := pdfToText(t, res.Body); !strings.Contains(text, "Box of files lost by courier") {
			t.Errorf("summary lacks the breach title:\n%s", text)
		}
		if n := countAudit(t, e, "document.download", d.ID); n != 1 {
			t.Fatalf("viewer download audited %d times", n)
		}
		generate(t, e, viewer, id, map[string]any{"kind": "summary"}, http.StatusForbidden)
		if res := e.Do("POST", fmt.Sprintf("/api/v1/documents/%d/filing", d.ID), viewer,
			map[string]any{"filed_at": time.Now().UTC().Format(time.RFC3339)}); res.Status != http.StatusForbidden {
			t.Fatalf("viewer filing: %d", res.Status)
		}
		if res := e.Do("POST", "/api/v1/organizations/acme/register", viewer, map[string]any{}); res.Status != http.StatusForbidden {
			t.Fatalf("viewer register: %d", res.Status)
		}
		for _, path := range []string{
			fmt.Sprintf("/api/v1/documents/%d", d.ID), fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID),
			fmt.Sprintf("/api/v1/breaches/%d/documents", id), fmt.Sprintf("/api/v1/breaches/%d/documents/missing?kind=summary", id),
			"/api/v1/organizations/acme/documents",
		} {
			if res := e.Do("GET", path, outsider, nil); res.Status != http.StatusNotFound {
				t.Fatalf("outsider GET %s: %d", path, res.Status)
			}
		}
		generate(t, e, outsider, id, map[string]any{"kind": "summary"}, http.StatusNotFound)
		if res := e.Do("POST", fmt.Sprintf("/api/v1/documents/%d/filing", d.ID), outsider,
			map[string]any{"filed_at": time.Now().UTC().Format(time.RFC3339)}); res.Status != http.StatusNotFound {
			t.Fatalf("outsider filing: %d", res.Status)
		}
		if res := e.Do("POST", "/api/v1/organizations/acme/statistics", outsider, map[string]any{"kind": "phipa-annual-stats", "year": 2025}); res.Status != http.StatusNotFound {
			t.Fatalf("outsider statistics: %d", res.Status)
		}
		if n := countAudit(t, e, "document.download", d.ID); n != 1 {
			t.Fatalf("refused downloads were audited: %d", n)
		}
	})
}

func TestRegisterAndStatisticsCSV(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		a, refA := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")
		b, refB := docBreach(t, e, tok, "Misdirected e-mail with one name", "2025-11-02T16:00:00-05:00")
		_, refOld := docBreach(t, e, tok, "Old incident", "2024-06-01T12:00:00-04:00")
		addPeople(t, e, a, "CA-ON", 12)
		err := e.App.DB.Gorm.Exec(`INSERT INTO assessment_answers (breach_id, question_id, value, rationale, answered_at)
			VALUES (?, 'rrosh', 'false', 'Only a name went to a trusted recipient who deleted it.', ?)`, b, time.Now().UTC()).Error
		if err != nil {
			t.Fatal(err)
		}

		res := e.Do("POST", "/api/v1/organizations/acme/register", tok, map[string]any{"from": "2025-01-01", "to": "2026-01-01"})
		if res.Status != http.StatusCreated {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		var d docMeta
		res.JSON(t, &d)
		if !d.HasCSV || d.Stage != "none" || d.Version != 1 {
			t.Fatalf("register metadata: %+v", d)
		}
		rows := csvRows(t, e, tok, d.ID)
		refs := map[string][]string{}
		for _, r := range rows[1:] {
			refs[r[0]] = r
		}
		if len(refs) != 2 || refs[refA] == nil || refs[refB] == nil || refs[refOld] != nil {
			t.Fatalf("register rows: %v", rows)
		}
		line := strings.Join(refs[refB], "|")
		if !strings.Contains(line, "trusted recipient") {
			t.Errorf("non-notifiable breach lacks its assessment: %s", line)
		}
		if !strings.Contains(strings.Join(refs[refA], "|"), "12") {
			t.Errorf("affected count missing: %v", refs[refA])
		}
		pdf := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
		if text := pdfToText(t, pdf.Body); !strings.Contains(text, refA) || !strings.Contains(text, refB) || strings.Contains(text, refOld) {
			t.Errorf("register PDF:\n%s", text)
		}

		res = e.Do("POST", "/api/v1/organizations/acme/statistics", tok, map[string]any{"kind": "phipa-annual-stats", "year": 2025})
		if res.Status != http.StatusCreated {
			t.Fatalf("statistics: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &d)
		stats := csvRows(t, e, tok, d.ID)
		lost := ""
		for _, r := range stats {
			if len(r) == 4 && r[0] == "2025" && r[1] == "lost" && r[2] == "total" {
				lost = r[len(r)-1]
			}
		}
		if lost != "2" { // both 2025 breaches are losses; the 2024 one is outside the year
			t.Fatalf("lost incidents in 2025: %q in %v", lost, stats)
		}
		if res := e.Do("POST", "/api/v1/organizations/acme/statistics", tok, map[string]any{"kind": "register", "year": 2025}); res.Status != 400 {
			t.Fatalf("bad statistics kind: %d", res.Status)
		}
	})
}

func csvRows(t *testing.T, e *apptest.Env, tok string, docID int64) [][]string {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/csv", docID), tok, nil)
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", res.Status, res.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("csv parse: %v\n%s", err, res.Body)
	}
	return rows
}

// BenchmarkGenerateStored generates and stores a filing end to end on SQLite:
// load the breach, organization, roster counts and obligations, check, render,
// hash, insert and audit. Compare with report's BenchmarkFiling (render only).
func BenchmarkGenerateStored(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{
		"organization": "acme", "title": "Box of files lost by courier",
		"description": strings.Repeat("A courier lost a box of paper files between two offices. ", 40),
		"kinds":       []string{"loss"},
		"events":      []map[string]string{{"kind": "discovered", "at": "2025-03-10T09:30:00-04:00", "zone": "America/Toronto"}},
	})
	var br struct{ ID int64 }
	res.JSON(b, &br)
	err := e.App.DB.Gorm.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
		INSERT INTO affected_people (breach_id, name, region, language, channel, created_at)
		SELECT ?, 'Person ' || i, CASE WHEN i % 3 = 0 THEN 'CA-QC' ELSE 'CA-ON' END, 'en', 'postal', ? FROM n`, br.ID, time.Now().UTC()).Error
	if err != nil {
		b.Fatal(err)
	}
	p, err := e.App.Auth.PrincipalFromToken(context.Background(), tok)
	if err != nil {
		b.Fatal(err)
	}
	call := document.Call{P: p}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.App.Documents.Generate(context.Background(), call, br.ID, document.Request{Kind: "on-ipc-phipa"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegisterStored10k generates and stores the register of an
// organization with 10,000 breaches (PDF and CSV) on SQLite.
func BenchmarkRegisterStored10k(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	org := e.Org("acme")
	now := time.Now().UTC()
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		 INSERT INTO breaches (organization_id, reference, title, description, kinds, created_at, updated_at)
		 SELECT ?, 'BR-2025-' || printf('%05d', i), 'Incident ' || i, 'Files were disclosed to the wrong recipient.', '["unauthorized_disclosure"]', ?, ? FROM n`,
		`INSERT INTO breach_events (breach_id, kind, at, zone, created_at)
		 SELECT id, 'discovered', ?, 'America/Toronto', ? FROM breaches WHERE organization_id = ?`,
	} {
		args := []any{org.ID, now, now}
		if strings.HasPrefix(q, "INSERT INTO breach_events") {
			args = []any{time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), now, org.ID}
		}
		if err := e.App.DB.Gorm.Exec(q, args...).Error; err != nil {
			b.Fatal(err)
		}
	}
	call := document.Call{P: &auth.Principal{User: auth.User{Email: "bench"}, Memberships: map[int64]auth.Role{org.ID: auth.RoleAdmin}}}
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		d, err := e.App.Documents.Register(context.Background(), call, org.ID, from, to)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(d.Size), "pdf-bytes")
	}
}

// TestDocumentFilingMarksObligation files a PHIPA report generated for the
// breach's IPC obligation and checks the obligation is marked filed with the
// regulator's reference and the document.
func TestDocumentFilingMarksObligation(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		admin := e.User("admin@acme.example", org, auth.RoleAdmin)
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{
			"roles": []string{"hic"}, "sectors": []string{"health"}, "home_jurisdiction": "CA-ON"})
		if res.Status != 200 {
			t.Fatalf("org roles: %d %s", res.Status, res.Body)
		}
		id, _ := docBreach(t, e, tok, "Laptop with patient list stolen", "2025-03-10T09:30:00-04:00")
		if res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/phipa_ipc_category", id), tok, map[string]string{"value": "theft"}); res.Status != 200 {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
		if res := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", id), tok, map[string]any{"data_categories": []string{"name", "health"}}); res.Status != 200 {
			t.Fatalf("categories: %d %s", res.Status, res.Body)
		}
		var list struct {
			Obligations []struct {
				ID     int64
				Rule   string
				Status string
			}
		}
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), tok, nil).JSON(t, &list)
		var obID int64
		for _, o := range list.Obligations {
			if o.Rule == "ON-PHIPA-IPC" && o.Status == "pending" {
				obID = o.ID
			}
		}
		if obID == 0 {
			t.Fatalf("no pending ON-PHIPA-IPC obligation: %+v", list.Obligations)
		}
		d := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-phipa", "obligation_id": obID}, http.StatusCreated)
		filedAt := time.Now().UTC().Add(time.Minute).Truncate(time.Second)
		res = e.Do("POST", fmt.Sprintf("/api/v1/documents/%d/filing", d.ID), tok,
			map[string]any{"filed_at": filedAt.Format(time.RFC3339), "reference": "IPC-PR25-0007"})
		if res.Status != 200 {
			t.Fatalf("file: %d %s", res.Status, res.Body)
		}
		var status, ref string
		var docID *int64
		err := e.App.DB.Gorm.Raw("SELECT status, filing_reference, document_id FROM obligations WHERE id = ?", obID).Row().Scan(&status, &ref, &docID)
		if err != nil {
			t.Fatal(err)
		}
		if status != "filed" || ref != "IPC-PR25-0007" || docID == nil || *docID != d.ID {
			t.Fatalf("obligation after filing: %s %q %v (response %s)", status, ref, docID, res.Body)
		}
	})
}

// TestContentAnswersFillTheFiling answers a content question through the
// API and finds it in the filing, so a privacy officer can close every gap
// the missing list names.
func TestContentAnswersFillTheFiling(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	id, _ := docBreach(t, e, tok, "Paper files lost", "2025-03-10T09:30:00-04:00")
	missing := func() string {
		res := e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents/missing?kind=on-ipc-mfippa", id), tok, nil)
		if res.Status != 200 {
			t.Fatalf("missing: %d %s", res.Status, res.Body)
		}
		return string(res.Body)
	}
	if !strings.Contains(missing(), "breach.how_discovered") {
		t.Fatal("how the breach was discovered is not reported missing")
	}
	long := strings.Repeat("A courier reported the box missing at the depot. ", 40)
	res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/how_discovered", id), tok, map[string]string{"value": long})
	if res.Status != 200 {
		t.Fatalf("content answer: %d %s", res.Status, res.Body)
	}
	if strings.Contains(missing(), "breach.how_discovered") {
		t.Fatal("an answered content question is still reported missing")
	}
	if res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/no_such_question", id), tok, map[string]string{"value": "x"}); res.Status != 400 {
		t.Fatalf("unknown question: %d", res.Status)
	}
	// The filing prints the answer and names data categories as people read them.
	if res := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", id), tok, map[string]any{"data_categories": []string{"health_card"}}); res.Status != 200 {
		t.Fatalf("categories: %d %s", res.Status, res.Body)
	}
	d := generate(t, e, tok, id, map[string]any{"kind": "on-ipc-mfippa"}, http.StatusCreated)
	pdf := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
	text := strings.Join(strings.Fields(pdfToText(t, pdf.Body)), " ")
	if !strings.Contains(text, "A courier reported the box missing at the depot.") || !strings.Contains(text, "Health card number") {
		t.Fatalf("filing lacks the content answer or the category name:\n%s", text)
	}
}

// TestFilingsLeaveDuplicatesOut checks that a filing states the number of
// people the roster counts, without the rows flagged as duplicates.
func TestFilingsLeaveDuplicatesOut(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		id, _ := docBreach(t, e, tok, "Files lost", "2025-03-10T09:30:00-04:00")
		addPeople(t, e, id, "CA-ON", 5)
		// Flag two of the five as duplicates of the first, as an import would.
		err := e.App.DB.Gorm.Exec(`UPDATE affected_people SET review = 'duplicate',
			duplicate_of = (SELECT min(id) FROM affected_people WHERE breach_id = ?)
			WHERE breach_id = ? AND id IN (SELECT id FROM affected_people WHERE breach_id = ? ORDER BY id DESC LIMIT 2)`, id, id, id).Error
		if err != nil {
			t.Fatal(err)
		}
		if err := roster.RefreshCounts(context.Background(), e.App.DB.Gorm, id); err != nil {
			t.Fatal(err)
		}
		st, err := e.App.Documents.RosterStats(context.Background(), e.App.DB.Gorm, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 3 || st.ByRegion["CA-ON"] != 3 {
			t.Fatalf("filing counts %+v, want 3 people (2 duplicates left out)", st)
		}
	})
}

// TestEmojiInABreachDoesNotTakeTheServerDown is the regression test for the
// report of a breach whose description held 😀: the summary grew without
// bound until the kernel killed the server, and every filing answered 500.
func TestEmojiInABreachDoesNotTakeTheServerDown(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{
			"organization": "acme", "title": "Phishing 🎣 at the front desk",
			"description": "Staff clicked 😀 a link; " + strings.Repeat("🔥 ", 3000),
			"kinds":       []string{"hacking"},
			"events":      []map[string]string{{"kind": "discovered", "at": "2025-03-10T09:30:00-04:00", "zone": "America/Toronto", "note": "👀"}},
		})
		if res.Status != http.StatusCreated {
			t.Fatalf("create breach: %d %s", res.Status, res.Body)
		}
		var b struct{ ID int64 }
		res.JSON(t, &b)
		addPeople(t, e, b.ID, "CA-ON", 5)
		for _, kind := range []string{"summary", "on-ipc-mfippa", "ca-opc-pipeda"} {
			start := time.Now()
			d := generate(t, e, tok, b.ID, map[string]any{"kind": kind}, http.StatusCreated)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("%s took %v", kind, took)
			}
			pdf := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
			text := pdfToText(t, pdf.Body)
			if !strings.Contains(text, "Staff clicked [U+1F600] a link") || (kind == "summary" && !strings.Contains(text, "Phishing [U+1F3A3] at")) {
				t.Errorf("%s: the characters the font lacks are not shown as code points:\n%.2000s", kind, text)
			}
		}
		if e.Do("GET", "/healthz", "", nil).Status != http.StatusOK {
			t.Fatal("the server stopped answering")
		}
	})
}

// TestDocumentOverItsPageLimitIsAClearError: a document past the page
// limit fails the one request with a message naming the limit.
func TestDocumentOverItsPageLimitIsAClearError(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	e.App.Documents.Limits.MaxPages = 1
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	id, _ := docBreach(t, e, tok, "Box of files lost by courier", "2025-03-10T09:30:00-04:00")
	res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/documents", id), tok, map[string]any{"kind": "on-ipc-mfippa"})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `"code":"limit"`) ||
		!strings.Contains(string(res.Body), "more than 1 pages") {
		t.Fatalf("over the page limit: %d %s", res.Status, res.Body)
	}
}
