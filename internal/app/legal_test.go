package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/reminder"
	"github.com/breachline/breachline/internal/roster"
)

// legalView is an obligation as the API returns it, with what the law says
// of it beyond its date.
type legalView struct {
	ID             int64
	Rule           string
	RuleKey        string `json:"rule_key"`
	Kind           string
	Region         string
	RegionName     string `json:"region_name"`
	Count          *int
	Applies        *bool
	Required       *bool
	Status         string
	Due            *string
	Until          *string
	UntilDate      string  `json:"until_date"`
	InternalTarget *string `json:"internal_target"`
	Overdue        bool
	TargetPassed   bool   `json:"target_passed"`
	SatisfiedBy    string `json:"satisfied_by"`
	Considered     bool
	Standard       string
	Notes          string
	StatusNote     string   `json:"status_note"`
	EffectiveFrom  string   `json:"effective_from"`
	SeeAlso        []string `json:"see_also"`
	Source         string
	Provisions     []struct {
		Kind, Label, Citation, Status string
		Applied                       bool
	}
	Alternative  *legalAlternative
	Alternatives []legalAlternative
}

type legalAlternative struct {
	Due         *string
	Basis       string
	Required    *bool
	SatisfiedBy string `json:"satisfied_by"`
}

// legalEnv is an organization set up for one regime, with a privacy
// officer, a legal reviewer and an administrator who operates the
// installation.
type legalEnv struct {
	*apptest.Env
	admin, po, legal string
}

func newLegalEnv(t *testing.T, e *apptest.Env, settings map[string]any) *legalEnv {
	t.Helper()
	acme := e.Org("acme")
	l := &legalEnv{Env: e}
	l.admin = e.User(apptest.OperatorEmail, acme, auth.RoleAdmin)
	l.po = e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	l.legal = e.User("legal@acme.example", acme, auth.RoleLegal)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", l.admin, settings); res.Status != http.StatusOK {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	return l
}

// open creates a breach with its events (kind -> RFC 3339) and answers.
func (l *legalEnv) open(t *testing.T, data []string, events map[string]string, answers map[string]string) int64 {
	t.Helper()
	var evs []map[string]string
	for k, at := range events {
		evs = append(evs, map[string]string{"kind": k, "at": at, "zone": "America/Toronto"})
	}
	res := l.Do("POST", "/api/v1/breaches", l.po, map[string]any{"organization": "acme", "title": "Records exposed",
		"kinds": []string{"unauthorized_access"}, "data_categories": data, "events": evs})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	for q, v := range answers {
		if res := l.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/%s", b.ID, q), l.po, map[string]string{"value": v}); res.Status != http.StatusOK {
			t.Fatalf("answer %s: %d %s", q, res.Status, res.Body)
		}
	}
	return b.ID
}

// affected stores n people per region, as an import would, and
// re-evaluates the breach as an import does once it commits.
func (l *legalEnv) affected(t *testing.T, id int64, counts map[string]int) {
	t.Helper()
	now := time.Now().UTC()
	for region, n := range counts {
		for start := 0; start < n; start += 250 {
			var rows []string
			var args []any
			for i := start; i < min(start+250, n); i++ {
				rows = append(rows, "(?, ?, ?, ?)")
				args = append(args, id, fmt.Sprintf("Person %s %d", region, i), region, now)
			}
			q := "INSERT INTO affected_people (breach_id, name, region, created_at) VALUES " + strings.Join(rows, ", ")
			if err := l.App.DB.Gorm.Exec(q, args...).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := roster.RefreshCounts(context.Background(), l.App.DB.Gorm, id); err != nil {
		t.Fatal(err)
	}
	if err := l.App.Reevaluate(context.Background(), id, "roster import"); err != nil {
		t.Fatal(err)
	}
}

func (l *legalEnv) obligations(t *testing.T, id int64) map[string]legalView {
	t.Helper()
	res := l.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), l.po, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("obligations: %d %s", res.Status, res.Body)
	}
	var list struct{ Obligations []legalView }
	res.JSON(t, &list)
	out := map[string]legalView{}
	for _, o := range list.Obligations {
		out[o.RuleKey] = o
	}
	return out
}

func (l *legalEnv) page(t *testing.T, path string) string {
	t.Helper()
	p := getPage(t, l.Env, signedIn(t, l.Env, "po@acme.example").cookie, path)
	if p.Status != http.StatusOK {
		t.Fatalf("%s: %d", path, p.Status)
	}
	return p.Body
}

// row is the HTML of a duty's row on the breach page, with its details.
func row(t *testing.T, page, key string) string {
	t.Helper()
	i := strings.Index(page, `id="duty-`+key+`"`)
	if i < 0 {
		t.Fatalf("the page has no row for %s", key)
	}
	rest := page[i:]
	if end := strings.Index(rest[1:], `<tr id="duty-`); end >= 0 {
		rest = rest[:end+1]
	}
	return rest
}

// TestHIPAAMediaNoticeIsOneDutyPerState: 45 CFR 164.406(a) requires notice
// to prominent media outlets serving a State for each State with more than
// 500 affected residents, counted State by State. The API and the breach
// page give one duty per State, each with its own count; 300 Texans are
// not enough, and are not added to the Californians.
func TestHIPAAMediaNoticeIsOneDutyPerState(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"hipaa_covered_entity"}, "sectors": []string{"health"}, "home_jurisdiction": "US-CA"})
		id := l.open(t, []string{"name", "health"}, map[string]string{"discovered": "2026-02-02T09:00:00-05:00"},
			map[string]string{"hipaa_unsecured_phi": "true", "hipaa_low_probability": "false"})
		l.affected(t, id, map[string]int{"US-CA": 501, "US-TX": 300})
		obs := l.obligations(t, id)
		ca, tx := obs["US-HIPAA-MEDIA@US-CA"], obs["US-HIPAA-MEDIA@US-TX"]
		if ca.Region != "US-CA" || ca.RegionName != "California" || ca.Count == nil || *ca.Count != 501 ||
			ca.Required == nil || !*ca.Required || ca.Due == nil || ca.Status != "pending" {
			t.Fatalf("California media notice: %+v", ca)
		}
		if tx.RegionName != "Texas" || tx.Count == nil || *tx.Count != 300 || tx.Required == nil || *tx.Required || tx.Due != nil {
			t.Fatalf("Texas media notice (300 residents, not over 500): %+v", tx)
		}
		if combined, ok := obs["US-HIPAA-MEDIA"]; ok && combined.Considered {
			t.Fatalf("a combined media duty is still considered: %+v", combined)
		}
		page := l.page(t, fmt.Sprintf("/breaches/%d", id))
		mustContain(t, row(t, page, "US-HIPAA-MEDIA@US-CA"), "US-HIPAA-MEDIA@US-CA", "California: 501 people affected", "prominent media outlets serving California")
		mustContain(t, row(t, page, "US-HIPAA-MEDIA@US-TX"), "Texas: 300 people affected")

		// The Texan count grows past the threshold: a duty of its own,
		// with its own count; California's is unchanged.
		l.affected(t, id, map[string]int{"US-TX": 201})
		obs = l.obligations(t, id)
		if tx = obs["US-HIPAA-MEDIA@US-TX"]; tx.Count == nil || *tx.Count != 501 || tx.Required == nil || !*tx.Required {
			t.Fatalf("Texas after 201 more: %+v", tx)
		}
		if ca = obs["US-HIPAA-MEDIA@US-CA"]; *ca.Count != 501 {
			t.Fatalf("California's count moved with Texas's: %+v", ca)
		}
	})
}

// TestRecordsPermittedStepsAndPracticeDatesAreNeverOverdue: a record the
// law says to keep (PIPEDA s.10.3: 24 months after determination) has a
// keep-until date, never a deadline, and is never overdue even long past
// it; a step the law permits (Québec P-39.1 s.3.5 "may notify") applies
// without being required and is listed apart, never as not required; the
// IPC's March 31 for FIPPA's annual statistics is a practice date, not a
// statutory deadline. Neither the obligations, the deadlines nor the pages
// call any of them overdue.
func TestRecordsPermittedStepsAndPracticeDatesAreNeverOverdue(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"commercial_org", "qc_enterprise", "fippa_institution"},
			"sectors": []string{"public"}, "home_jurisdiction": "CA-ON"})
		// A breach of 2020: the PIPEDA record was to be kept until
		// 2022-01-15, long past.
		old := l.open(t, []string{"name", "ssn"}, map[string]string{"discovered": "2020-01-10T09:00:00-05:00",
			"aware": "2020-01-14T09:00:00-05:00", "determined": "2020-01-15T09:00:00-05:00"}, map[string]string{"rrosh": "true"})
		l.affected(t, old, map[string]int{"CA-ON": 3})
		rec := l.obligations(t, old)["CA-PIPEDA-REC"]
		if rec.Kind != "retention" || rec.Due != nil || rec.Until == nil || !strings.HasPrefix(*rec.Until, "2022-01-15T") ||
			rec.UntilDate != "2022-01-15" || rec.Overdue || rec.TargetPassed || rec.Status != "pending" {
			t.Fatalf("PIPEDA record, kept until 2022-01-15, long past: %+v", rec)
		}
		if rec.Notes == "" || rec.EffectiveFrom != "2018-11-01" || !strings.HasPrefix(rec.Source, "https://laws-lois.justice.gc.ca/") || len(rec.SeeAlso) == 0 {
			t.Fatalf("the record's notes, dates in force and sources: %+v", rec)
		}
		// A breach of 2025, once Québec's s.3.5 and FIPPA's annual
		// statistics were in force; the IPC's March 31 2026 is past.
		id := l.open(t, []string{"name", "ssn"}, map[string]string{"discovered": "2025-08-01T09:00:00-04:00",
			"aware": "2025-08-04T09:00:00-04:00", "determined": "2025-08-05T09:00:00-04:00"},
			map[string]string{"qc_serious_injury_risk": "true", "third_party_can_mitigate": "true", "rrosh": "true"})
		l.affected(t, id, map[string]int{"CA-QC": 2, "CA-ON": 3})
		obs := l.obligations(t, id)
		third := obs["QC-PPIPS-THIRD"]
		if third.Kind != "permitted" || third.Applies == nil || !*third.Applies || third.Required == nil || *third.Required ||
			third.Status != "pending" || third.Overdue {
			t.Fatalf("Québec permitted notice to third parties: %+v", third)
		}
		annual := obs["ON-FIPPA-ANNUAL"]
		if annual.Kind != "target" || annual.Due != nil || annual.InternalTarget == nil || !strings.HasPrefix(*annual.InternalTarget, "2026-03-31T") ||
			annual.Overdue || !annual.TargetPassed || annual.StatusNote == "" {
			t.Fatalf("FIPPA annual statistics, a practice date: %+v", annual)
		}

		var dl struct{ Deadlines []legalView }
		l.Do("GET", "/api/v1/deadlines", l.po, nil).JSON(t, &dl)
		listed := map[string]legalView{}
		for _, d := range dl.Deadlines {
			listed[d.RuleKey] = d
			if d.Kind != "duty" && d.Overdue {
				t.Errorf("%s (%s) is overdue in the deadlines", d.RuleKey, d.Kind)
			}
		}
		for _, d := range dl.Deadlines {
			if d.RuleKey == "CA-PIPEDA-REC" || d.RuleKey == "QC-PPIPS-REG" {
				t.Errorf("a record to keep is listed as a deadline: %+v", d)
			}
		}
		if _, ok := listed["QC-PPIPS-THIRD"]; ok {
			t.Error("a permitted step is listed as a deadline")
		}
		if d, ok := listed["ON-FIPPA-ANNUAL"]; !ok || !d.TargetPassed {
			t.Errorf("the practice date is not in the deadlines, flagged as past its target: %+v", d)
		}

		r := row(t, l.page(t, fmt.Sprintf("/breaches/%d", old)), "CA-PIPEDA-REC")
		mustContain(t, r, "Keep until:", "a record to keep, never overdue", "record to keep", "In force: from 2018-11-01", "Notes:", "See also:")
		if strings.Contains(r, "flag-overdue") || strings.Contains(r, "target passed") {
			t.Errorf("the record's row shows it overdue:\n%s", r)
		}
		page := l.page(t, fmt.Sprintf("/breaches/%d", id))
		permitted := page[strings.Index(page, "Permitted or recommended, never required or overdue"):]
		mustContain(t, permitted[:strings.Index(permitted, "</table>")], `id="duty-QC-PPIPS-THIRD"`, "permitted, not a duty")
		if nr := strings.Index(page, "Not required"); nr >= 0 && strings.Contains(page[nr:], `id="duty-QC-PPIPS-THIRD"`) {
			t.Error("the permitted step is listed as not required")
		}
		r = row(t, page, "ON-FIPPA-ANNUAL")
		mustContain(t, r, "Regulator&#39;s practice date, not a statutory deadline:", "regulator&#39;s practice date")
		if strings.Contains(r, "flag-overdue") {
			t.Errorf("the practice date is shown overdue:\n%s", r)
		}
		dpage := l.page(t, "/deadlines")
		mustContain(t, dpage, "ON-FIPPA-ANNUAL", "Regulator&#39;s practice date, not a statutory deadline:")
		if strings.Contains(dpage, "CA-PIPEDA-REC") || strings.Contains(dpage, "QC-PPIPS-THIRD") {
			t.Error("the deadlines page lists a record or a permitted step")
		}

		// Re-evaluation keeps the record a record.
		if err := l.App.Reevaluate(context.Background(), old, "check"); err != nil {
			t.Fatal(err)
		}
		if again := l.obligations(t, old)["CA-PIPEDA-REC"]; again.Overdue || again.Kind != "retention" {
			t.Fatalf("after re-evaluation: %+v", again)
		}
	})
}

// TestConservativeDateFirstThenTheOtherReading: a closure on the day the
// PHIPA annual statistics are due (March 1) may move the deadline to the
// next day under the Legislation Act, or may not; the unextended date is
// due and the later one is the other reading, with its basis. The API, the
// breach page and the reminder e-mail give the conservative date first and
// the other after it.
func TestConservativeDateFirstThenTheOtherReading(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"controller", "hic"}, "sectors": []string{"health"}, "home_jurisdiction": "CA-ON"})
		id := l.open(t, []string{"name", "health_card"}, map[string]string{"aware": "2026-06-30T10:00:00-04:00"}, nil)
		if res := l.Do("POST", "/api/v1/calendars/CA-ON-LEGISLATION/closures", l.admin, map[string]string{"date": "2027-03-01", "name": "Ice storm"}); res.Status != http.StatusCreated {
			t.Fatalf("closure: %d %s", res.Status, res.Body)
		}
		stats := l.obligations(t, id)["ON-PHIPA-STATS"]
		if stats.Due == nil || !strings.HasPrefix(*stats.Due, "2027-03-01T") || len(stats.Alternatives) == 0 ||
			stats.Alternatives[0].Due == nil || !strings.HasPrefix(*stats.Alternatives[0].Due, "2027-03-02T") || stats.Alternatives[0].Basis == "" ||
			stats.Alternative == nil || *stats.Alternative.Due != *stats.Alternatives[0].Due {
			t.Fatalf("annual statistics: due %v, alternatives %+v", stats.Due, stats.Alternatives)
		}

		r := row(t, l.page(t, fmt.Sprintf("/breaches/%d", id)), "ON-PHIPA-STATS")
		first, other := strings.Index(r, "2027-03-01 23:59 EST"), strings.Index(r, "2027-03-02 23:59 EST")
		if first < 0 || other < 0 || other < first || !strings.Contains(r[first:], "Other reading:") ||
			!strings.Contains(r, stats.Alternatives[0].Basis) {
			t.Fatalf("the page does not give 2027-03-01 first and 2027-03-02 after it with its basis:\n%s", r)
		}

		srv := mailtest.Start(t, mailtest.Options{})
		sender, err := mail.NewSMTP(mail.SMTPOptions{URL: srv.URL(), From: l.App.Cfg.MailFrom})
		if err != nil {
			t.Fatal(err)
		}
		due, _ := time.Parse(time.RFC3339, *stats.Due)
		run := reminder.NewRunner(l.App.DB.Gorm, l.App.Obligations, l.App.Auth, sender, reminder.Options{BaseURL: l.App.Cfg.BaseURL, Leads: l.App.Cfg.ReminderLeads})
		if _, err := run.Run(context.Background(), due.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var text string
		for _, m := range srv.To("po@acme.example") {
			if _, body := readMail(t, m.Data); strings.Contains(string(m.Data), fmt.Sprintf("X-Breachline-Obligation: %d\r\n", stats.ID)) {
				text = body
			}
		}
		due1, alt := strings.Index(text, "Due:           Mon 1 Mar 2027 23:59 EST"), strings.Index(text, "Tue 2 Mar 2027 23:59 EST")
		if due1 < 0 || alt < due1 || !strings.Contains(text[due1:alt], "Other reading:") {
			t.Fatalf("the reminder does not give the due date first, then the other reading:\n%s", text)
		}
	})
}

// TestDeemedComplianceReadingLinksTheFederalDuty: N.Y. GBL §899-aa(2)(b)
// (unverified here) says notice made under HIPAA needs no further notice
// to affected persons. The New York duty stays required; the reading is
// shown after it, linked to the HIPAA duty, with the provisions the
// decision relied on.
func TestDeemedComplianceReadingLinksTheFederalDuty(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"hipaa_covered_entity"}, "sectors": []string{"health"}, "home_jurisdiction": "US-NY"})
		id := l.open(t, []string{"ssn", "health"}, map[string]string{"discovered": "2026-02-02T09:00:00-05:00"},
			map[string]string{"hipaa_unsecured_phi": "true", "hipaa_low_probability": "false"})
		l.affected(t, id, map[string]int{"US-NY": 3})
		obs := l.obligations(t, id)
		ny := obs["US-NY/individuals"]
		var reading *legalAlternative
		for i := range ny.Alternatives {
			if ny.Alternatives[i].SatisfiedBy == "US-HIPAA-IND" {
				reading = &ny.Alternatives[i]
			}
		}
		if ny.Required == nil || !*ny.Required || ny.SatisfiedBy != "" || reading == nil || reading.Due != nil {
			t.Fatalf("New York individual notice: %+v", ny)
		}
		applied, listed := false, false
		for _, p := range ny.Provisions {
			applied = applied || p.Kind == "definition" && p.Applied
			listed = listed || p.Kind == "deemed_compliant" && !p.Applied && p.Status == "unverified"
		}
		if !applied || !listed {
			t.Fatalf("provisions relied on: %+v", ny.Provisions)
		}
		if _, ok := obs["US-HIPAA-IND"]; !ok {
			t.Fatal("no HIPAA duty to link to")
		}
		page := l.page(t, fmt.Sprintf("/breaches/%d", id))
		mustContain(t, row(t, page, "US-NY/individuals"), `href="#duty-US-HIPAA-IND"`, "satisfied by US-HIPAA-IND",
			"Provisions relied on:", "deemed compliance", "not applied, shown as another reading")
		row(t, page, "US-HIPAA-IND")
	})
}

// readMail decodes the subject and text of a received e-mail.
func readMail(t *testing.T, raw []byte) (string, string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	return subj, string(body)
}

// TestFilingNamesItsPreparer: "Prepared by" on a filing is the person who
// generated it and their role in the organization, in the filing's
// language, never an account's e-mail address; an account with no name of
// its own prints none. The missing-content list keeps which items are
// asked for only if known, and the breach summary gives each rule's status
// note and notes.
func TestFilingNamesItsPreparer(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"commercial_org", "qc_enterprise"}, "home_jurisdiction": "CA-ON"})
		if err := e.App.DB.Gorm.Exec("UPDATE users SET name = 'Dana Okafor' WHERE email = 'po@acme.example'").Error; err != nil {
			t.Fatal(err)
		}
		id := l.open(t, []string{"name", "ssn"}, map[string]string{"discovered": "2026-03-02T09:00:00-05:00",
			"aware": "2026-03-02T10:00:00-05:00", "determined": "2026-03-03T09:00:00-05:00"},
			map[string]string{"rrosh": "true", "qc_serious_injury_risk": "true"})
		l.affected(t, id, map[string]int{"CA-ON": 2, "CA-QC": 2})

		read := func(tok string, kind string) (string, docMeta, string) {
			t.Helper()
			res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/documents", id), tok, map[string]any{"kind": kind})
			if res.Status != http.StatusCreated {
				t.Fatalf("generate %s: %d %s", kind, res.Status, res.Body)
			}
			var d docMeta
			res.JSON(t, &d)
			pdf := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
			return pdfToText(t, pdf.Body), d, string(res.Body)
		}
		text, _, raw := read(l.po, "ca-opc-pipeda")
		if !strings.Contains(text, "Prepared by: Dana Okafor, Privacy officer") || strings.Contains(text, "po@acme.example") {
			t.Errorf("OPC filing's preparer:\n%s", text)
		}
		if !strings.Contains(raw, `"optional":true`) {
			t.Errorf("the missing list lost which items are optional: %s", raw)
		}
		text, _, _ = read(l.po, "qc-cai")
		if !strings.Contains(text, "Préparé par : Dana Okafor, Responsable de la protection des renseignements personnels") &&
			!strings.Contains(text, "Préparé par\u00a0: Dana Okafor, Responsable de la protection des renseignements personnels") {
			t.Errorf("Québec filing's preparer, in French:\n%s", text)
		}
		// The administrator's account has only its e-mail address.
		if text, _, _ = read(l.admin, "ca-opc-pipeda"); strings.Contains(text, "Prepared by") || strings.Contains(text, apptest.OperatorEmail) {
			t.Errorf("an account with no name was printed as the preparer:\n%s", text)
		}

		text, _, _ = read(l.po, "summary")
		for _, want := range []string{"Note: Every breach of security safeguards, RROSH or not", "Unverified:"} {
			if !strings.Contains(text, want) {
				t.Errorf("summary lacks %q:\n%s", want, text)
			}
		}
	})
}

// openAPIProperties reads the served OpenAPI document's schemas: each
// schema's property names, and the enums of the Kind schema.
func openAPIProperties(t *testing.T, e *apptest.Env) map[string]map[string]bool {
	t.Helper()
	res := e.Do("GET", "/api/openapi.yaml", "", nil)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `yaml:"properties"`
				Enum       []string       `yaml:"enum"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for name, s := range doc.Components.Schemas {
		out[name] = map[string]bool{}
		for p := range s.Properties {
			out[name][p] = true
		}
		for _, v := range s.Enum {
			out[name]["enum:"+v] = true
		}
	}
	return out
}

// conforms reports every key of each object that the schema does not
// declare, and of its alternatives and provisions.
func conforms(t *testing.T, where string, schemas map[string]map[string]bool, schema string, list []map[string]any) {
	t.Helper()
	check := func(what, schema string, obj map[string]any) {
		for k := range obj {
			if !schemas[schema][k] {
				t.Errorf("%s: %s has %q, which the OpenAPI schema %s does not declare", where, what, k, schema)
			}
		}
	}
	for _, o := range list {
		check(fmt.Sprint(o["rule_key"], o["rule"]), schema, o)
		if k, ok := o["kind"].(string); !ok || !schemas["Kind"]["enum:"+k] {
			t.Errorf("%s: kind %v is not in the OpenAPI Kind enum", where, o["kind"])
		}
		for _, field := range []string{"alternatives", "provisions"} {
			items, _ := o[field].([]any)
			for _, it := range items {
				m, _ := it.(map[string]any)
				check(field, map[string]string{"alternatives": "Alternative", "provisions": "Provision"}[field], m)
			}
		}
		if a, ok := o["alternative"].(map[string]any); ok {
			check("alternative", "Alternative", a)
		}
	}
}

// TestObligationResponsesMatchTheOpenAPIDocument: every field the
// obligations, deadlines and assessments return, down to each alternative
// reading and provision, is declared in the served OpenAPI document, for
// per-state duties, deemed-compliance readings and provisions alike.
func TestObligationResponsesMatchTheOpenAPIDocument(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"hipaa_covered_entity", "commercial_org"}, "sectors": []string{"health"}, "home_jurisdiction": "US-NY"})
		id := l.open(t, []string{"ssn", "health"}, map[string]string{"discovered": "2026-02-02T09:00:00-05:00", "determined": "2026-02-03T09:00:00-05:00"},
			map[string]string{"hipaa_unsecured_phi": "true", "hipaa_low_probability": "false", "rrosh": "true"})
		l.affected(t, id, map[string]int{"US-NY": 3, "US-CA": 501, "CA-ON": 1})
		schemas := openAPIProperties(t, e)
		if len(schemas["Obligation"]) < 40 || len(schemas["Kind"]) != 4 {
			t.Fatalf("schemas read: %d Obligation properties, Kind %v", len(schemas["Obligation"]), schemas["Kind"])
		}

		var list struct{ Obligations []map[string]any }
		l.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), l.po, nil).JSON(t, &list)
		seen := map[string]bool{}
		for _, o := range list.Obligations {
			for k := range o {
				seen[k] = true
			}
		}
		for _, k := range []string{"kind", "region", "region_name", "count", "applies", "until", "alternatives", "provisions", "notes", "effective_from", "see_also"} {
			if !seen[k] {
				t.Errorf("no obligation of the breach carries %q", k)
			}
		}
		conforms(t, "obligations", schemas, "Obligation", list.Obligations)
		var dl struct{ Deadlines []map[string]any }
		l.Do("GET", "/api/v1/deadlines", l.po, nil).JSON(t, &dl)
		conforms(t, "deadlines", schemas, "Obligation", dl.Deadlines)

		facts := map[string]any{"organization": map[string]any{"roles": []string{"hipaa_covered_entity"}, "home": "US-NY", "time_zone": "America/New_York"},
			"events": map[string]string{"discovered": "2026-02-02T09:00:00-05:00"}, "affected": []map[string]any{{"region": "US-NY", "count": 3}, {"region": "US-CA", "count": 501}},
			"data_categories": []string{"ssn", "health"}, "kinds": []string{"unauthorized_access"},
			"answers": map[string]any{"hipaa_unsecured_phi": true, "hipaa_low_probability": false}}
		var assessed struct{ Obligations []map[string]any }
		res := l.Do("POST", "/api/v1/assessments", l.po, facts)
		if res.Status != http.StatusOK {
			t.Fatalf("assessment: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &assessed)
		conforms(t, "assessments", schemas, "AssessedObligation", assessed.Obligations)
	})
}

// TestAssessmentsUseTheOrganizationsTarget: POST /api/v1/assessments
// tracks a duty the law gives no fixed date against the facts' internal
// target, else that of the caller's organization (named, or their only
// one), else 72 hours; an organization the caller is not a member of is
// refused.
func TestAssessmentsUseTheOrganizationsTarget(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	l := newLegalEnv(t, e, map[string]any{"roles": []string{"controller"}, "internal_target_hours": 48})
	e.Org("other")
	facts := func(extra string) string {
		return `{"organization":{"roles":["controller"],"home":"DE","time_zone":"Europe/Berlin"` + extra + `},
"events":{"aware":"2026-05-05T10:00:00+02:00"},"affected":[{"region":"DE","count":3}],
"data_categories":["health"],"kinds":["unauthorized_access"],"answers":{"gdpr_risk":"high_risk"}}`
	}
	target := func(path, body string) string {
		t.Helper()
		res := l.Do("POST", path, l.po, body)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		var out struct{ Obligations []legalView }
		res.JSON(t, &out)
		for _, o := range out.Obligations {
			if o.Rule == "EU-GDPR-DS" && o.InternalTarget != nil {
				return *o.InternalTarget
			}
		}
		t.Fatalf("no internal target in %s", res.Body)
		return ""
	}
	for _, c := range []struct{ path, body, want string }{
		{"/api/v1/assessments", facts(""), "2026-05-07T10:00:00+02:00"},
		{"/api/v1/assessments?organization=acme", facts(""), "2026-05-07T10:00:00+02:00"},
		{"/api/v1/assessments?organization=acme", facts(`,"internal_target_hours":24`), "2026-05-06T10:00:00+02:00"},
	} {
		if got := target(c.path, c.body); got != c.want {
			t.Errorf("%s %s: internal target %s, want %s", c.path, c.body[:60], got, c.want)
		}
	}
	if res := l.Do("POST", "/api/v1/assessments?organization=other", l.po, facts("")); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"organization"`) {
		t.Fatalf("another organization's target: %d %s", res.Status, res.Body)
	}
}

// TestCalendarFeedNamesWhatEachDateIs: a record's keep-until date is in
// the feed as such, with no alarm; a regulator's practice date and a duty
// the law gives no fixed date sit on their target, named so, with alarms
// before it; the law's own words are in the description.
func TestCalendarFeedNamesWhatEachDateIs(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		l := newLegalEnv(t, e, map[string]any{"roles": []string{"commercial_org", "fippa_institution"}, "home_jurisdiction": "CA-ON"})
		id := l.open(t, []string{"name", "ssn"}, map[string]string{"discovered": "2025-08-01T09:00:00-04:00",
			"aware": "2025-08-04T09:00:00-04:00", "determined": "2025-08-05T09:00:00-04:00"}, map[string]string{"rrosh": "true"})
		l.affected(t, id, map[string]int{"CA-ON": 3})
		obs := l.obligations(t, id)
		url := issueFeed(t, e, l.po)
		event := func(key string) *icalComponent {
			t.Helper()
			return feedEvent(t, e, url, fmt.Sprintf("obligation-%d@127.0.0.1", obs[key].ID))
		}
		text := func(ev *icalComponent) string { return ev.Get("SUMMARY") + "\n" + ev.Get("DESCRIPTION") }

		rec := event("CA-PIPEDA-REC")
		if rec.Get("DTSTART") != "20270806T035959Z" || len(rec.Find("VALARM")) != 0 ||
			!strings.Contains(text(rec), "kept until") || !strings.Contains(text(rec), "Keep the record until (never overdue)") || strings.Contains(text(rec), "Due:") {
			t.Errorf("record to keep: %s %d alarms\n%s", rec.Get("DTSTART"), len(rec.Find("VALARM")), text(rec))
		}
		annual := event("ON-FIPPA-ANNUAL")
		if annual.Get("DTSTART") != "20260401T035959Z" || len(annual.Find("VALARM")) != 3 ||
			!strings.Contains(text(annual), "regulator's practice date (not a statutory deadline)") || !strings.Contains(text(annual), "Unverified:") {
			t.Errorf("practice date: %s %d alarms\n%s", annual.Get("DTSTART"), len(annual.Find("VALARM")), text(annual))
		}
		ind := event("ON-FIPPA-IND")
		if !strings.Contains(text(ind), "internal target, no statutory date") || !strings.Contains(text(ind), "Standard: as soon as feasible") ||
			len(ind.Find("VALARM")) != 3 || obs["ON-FIPPA-IND"].Due != nil {
			t.Errorf("duty with no fixed date: %d alarms\n%s", len(ind.Find("VALARM")), text(ind))
		}
	})
}
