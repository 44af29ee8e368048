package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/hostiletest"
	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/reminder"
	"github.com/breachline/breachline/internal/roster"
)

// hostileBreach is a breach whose texts are one string of the corpus.
type hostileBreach struct {
	c  hostiletest.Case
	id int64
}

// TestHostileTextComesOutInert gives each string of the shared corpus to
// the fields of a breach and of its organization, through the API, on both
// databases, and reads every output that shows them: the pages, the
// filings (PDF), the calendar feed and the reminder e-mails. A string is
// either refused with a 400 naming its field, or stored and shown inert.
func TestHostileTextComesOutInert(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		acme := e.Org("acme")
		admin := e.User("admin@acme.example", acme, auth.RoleAdmin)
		po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		org := map[string]any{"roles": []string{"controller"}, "home_jurisdiction": "CA-ON",
			"name": "Acme " + hostiletest.Script + " \u202Egnp.exe"}
		if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, org); res.Status != http.StatusOK {
			t.Fatalf("organization: %d %s", res.Status, res.Body)
		}
		var breaches []hostileBreach
		for _, c := range hostiletest.Corpus() {
			body := map[string]any{"organization": "acme", "title": cut(c.Text, 300), "description": c.Text,
				"kinds": []string{"unauthorized_access"}, "data_categories": []string{"name", "health_card"},
				"events": []map[string]string{{"kind": "aware", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto", "note": c.Text}}}
			res := e.Do("POST", "/api/v1/breaches", po, body)
			if res.Status == http.StatusBadRequest && strings.Contains(string(res.Body), `"title":"one line`) {
				// A title is one line; the text goes in the description.
				body["title"] = "Breach with " + c.Name
				res = e.Do("POST", "/api/v1/breaches", po, body)
			}
			switch {
			case res.Status == http.StatusBadRequest || res.Status == http.StatusRequestEntityTooLarge:
				if !strings.Contains(string(res.Body), `"fields"`) && res.Status == http.StatusBadRequest {
					t.Errorf("%s refused without naming the field: %s", c.Name, res.Body)
				}
				t.Logf("%s refused: %d %.200s", c.Name, res.Status, res.Body)
				continue
			case res.Status != http.StatusCreated:
				t.Errorf("%s: %d %.300s", c.Name, res.Status, res.Body)
				continue
			}
			var b struct{ ID int64 }
			res.JSON(t, &b)
			breaches = append(breaches, hostileBreach{c: c, id: b.ID})
			addDuty(t, e, acme.ID, b.ID, time.Now().Add(3*time.Hour).UTC().Truncate(time.Second))
		}
		if len(breaches) < len(hostiletest.Fitting())-1 {
			t.Fatalf("only %d of the corpus stored", len(breaches))
		}
		session := signedIn(t, e, "po@acme.example")
		// A roster whose file name is markup, imported into the first breach.
		ctx := context.Background()
		imp, err := roster.Queue(ctx, e.App.DB.Gorm, nil, breaches[0].id, roster.Upload{FileName: `"><img src=x onerror=alert(1)>` + hostiletest.Script + ".csv"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(rosterCSV), roster.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/breaches", "/deadlines", "/account", fmt.Sprintf("/imports/%d", imp.ID)} {
			checkPageInert(t, e, session.cookie, path)
		}
		for _, b := range breaches {
			checkPageInert(t, e, session.cookie, fmt.Sprintf("/breaches/%d", b.id))
			checkFilingInert(t, e, po, b)
		}
		checkFeedInert(t, e, po)
		checkRemindersInert(t, e)
	})
}

// addDuty gives a breach a pending duty due at due, for the calendar
// feed and the reminders.
func addDuty(t *testing.T, e *apptest.Env, orgID, breachID int64, due time.Time) {
	t.Helper()
	now := time.Now().UTC()
	err := e.App.DB.Gorm.Exec(`INSERT INTO obligations (breach_id, organization_id, rule_key, rule_id, rule_version, jurisdiction, recipient,
		required, due_at, citation, rule_status, status, evaluated_at, created_at, updated_at)
		VALUES (?, ?, ?, 'TEST-DUTY', '1', 'EU', '{"kind":"regulator","name":"Lead supervisory authority"}',
		?, ?, 'Test citation', 'verified', 'pending', ?, ?, ?)`, breachID, orgID, fmt.Sprintf("TEST-DUTY-%d", due.UnixNano()), true, due, now, now, now).Error
	if err != nil {
		t.Fatal(err)
	}
}

// cut shortens s to at most n bytes, at a character boundary.
func cut(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// checkPageInert fails when a page carries markup from a value.
func checkPageInert(t *testing.T, e *apptest.Env, cookie, path string) {
	t.Helper()
	res := getPage(t, e, cookie, path)
	if res.Status != http.StatusOK {
		t.Errorf("GET %s: %d", path, res.Status)
		return
	}
	for _, bad := range []string{hostiletest.Script, "<img src=x", "<html><body>forged"} {
		if strings.Contains(res.Body, bad) {
			t.Errorf("GET %s carries %q as markup", path, bad)
		}
	}
}

// checkFilingInert generates the breach's summary and checks the PDF.
func checkFilingInert(t *testing.T, e *apptest.Env, tok string, b hostileBreach) {
	t.Helper()
	d := generate(t, e, tok, b.id, map[string]any{"kind": "summary"}, http.StatusCreated)
	res := e.Do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID), tok, nil)
	if res.Status != http.StatusOK || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
		t.Fatalf("%s: summary %d", b.c.Name, res.Status)
	}
	for _, bad := range []string{"/JavaScript", "/JS", "/OpenAction", "/Launch"} {
		if bytes.Contains(res.Body, []byte(bad)) {
			t.Errorf("%s: the summary holds %s", b.c.Name, bad)
		}
	}
	if tool, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command(tool, "--check", pdfPath(t, res.Body)).CombinedOutput(); err != nil {
			t.Errorf("%s: qpdf --check: %v\n%s", b.c.Name, err, out)
		}
	}
}

// checkFeedInert reads the calendar feed back: it parses, and every value
// is free of control and direction characters.
func checkFeedInert(t *testing.T, e *apptest.Env, tok string) {
	t.Helper()
	status, cal := fetchFeed(t, e, issueFeed(t, e, tok))
	if status != http.StatusOK {
		t.Fatalf("feed: %d", status)
	}
	events := cal.Find("VEVENT")
	if len(events) == 0 {
		t.Fatal("the feed has no events")
	}
	for _, ev := range events {
		for _, p := range ev.Props {
			if !hostiletest.PlainSafe(p.Value) {
				t.Errorf("feed %s: %.80q", p.Name, p.Value)
			}
		}
	}
}

// checkRemindersInert sends the reminders of every duty and reads each
// message as a mail program would.
func checkRemindersInert(t *testing.T, e *apptest.Env) {
	t.Helper()
	srv := mailtest.Start(t, mailtest.Options{})
	sender, err := bmail.NewSMTP(bmail.SMTPOptions{URL: srv.URL(), From: e.App.Cfg.MailFrom})
	if err != nil {
		t.Fatal(err)
	}
	r := reminder.NewRunner(e.App.DB.Gorm, e.App.Obligations, e.App.Auth, sender, reminder.Options{BaseURL: e.App.Cfg.BaseURL, Leads: e.App.Cfg.ReminderLeads})
	if _, err := r.Run(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) == 0 {
		t.Fatal("no reminder was sent")
	}
	for _, m := range msgs {
		checkMessageInert(t, m.Data)
	}
}

// checkMessageInert parses a message: its headers are single lines with
// nothing injected, its decoded subject and text free of control and
// direction characters.
func checkMessageInert(t *testing.T, data []byte) {
	t.Helper()
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	if !hostiletest.HeaderSafe(string(head)) {
		t.Errorf("a header holds a bare line break:\n%s", head)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Bcc", "X-Injected"} {
		if msg.Header.Get(h) != "" {
			t.Errorf("header %s was injected", h)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !hostiletest.PlainSafe(subject) {
		t.Errorf("subject %q, %v", subject, err)
	}
	for typ, body := range messageTexts(t, msg) {
		if !hostiletest.PlainSafe(body) {
			t.Errorf("the %s part holds control or direction characters: %s", typ, hostiletest.Offending(body))
		}
		if typ == "text/html" && strings.Contains(body, hostiletest.Script) {
			t.Errorf("the %s part carries a script", typ)
		}
	}
}

// messageTexts decodes a message's text parts by content type, a message
// of one part as well as a multipart one.
func messageTexts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	typ, _, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(typ, "multipart/") {
		return mimeParts(t, msg)
	}
	var body io.Reader = msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{typ: string(raw)}
}

// pdfPath writes a PDF to a temporary file for the command-line tools.
func pdfPath(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHostileRosterInNotices imports a roster whose names, cities and
// streets are the corpus, sends the notices and makes the letters of the
// people without an e-mail: every e-mail reads inert, and the delivery
// ledger, the letters' manifest and the letters themselves read back
// safely.
func TestHostileRosterInNotices(t *testing.T) {
	t.Parallel()
	eachDialectNotice(t, func(t *testing.T, n *noticeEnv) {
		var file bytes.Buffer
		w := csv.NewWriter(&file)
		w.Write([]string{"id", "name", "email", "province", "language", "address", "city", "postal code", "country"})
		cases := hostiletest.Fitting()
		for i, c := range cases {
			w.Write([]string{fmt.Sprintf("X%02d", i), cut(c.Text, 2000), fmt.Sprintf("x%02d@example.org", i), "ON", "en", "1 King St", "Toronto", "M5H 1A1", "CA"})
			w.Write([]string{fmt.Sprintf("L%02d", i), cut(c.Text, 200), "", "ON", "en", cut(c.Text, 200), cut(c.Text, 100), "M5H 1A1", "CA"})
		}
		w.Flush()
		n.importRosterLoose(t, file.String())
		session := signedIn(t, n.Env, "po@acme.example")
		for _, path := range []string{fmt.Sprintf("/breaches/%d", n.breach), fmt.Sprintf("/breaches/%d/review", n.breach)} {
			checkPageInert(t, n.Env, session.cookie, path)
		}
		if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"address": "1 Front St W\nToronto ON  M5J 2X5"}); res.Status != 200 {
			t.Fatalf("address: %d %s", res.Status, res.Body)
		}
		// The organization's name is in every notice's subject.
		name := "Acme \u202Egnp.exe\u202C " + hostiletest.Script
		if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"name": name + "\r\nBcc: victim@evil.example"}); res.Status != http.StatusBadRequest ||
			!strings.Contains(string(res.Body), `"name"`) {
			t.Fatalf("a name of two lines: %d %s", res.Status, res.Body)
		}
		if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"name": name}); res.Status != 200 {
			t.Fatalf("name: %d %s", res.Status, res.Body)
		}
		id := n.createCampaign(t)
		n.approve(t, id)
		if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
			t.Fatalf("send: %d %s", res.Status, res.Body)
		}
		n.runUntil(t, "e-mails", func() bool {
			p := n.progress(t, id)
			return p.ByStatus[notice.Sent]+p.ByStatus[notice.Failed] >= int64(len(cases)) && p.ByStatus[notice.Letter] > 0
		})
		for _, m := range n.smtp.Messages() {
			checkMessageInert(t, m.Data)
		}
		res := n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/deliveries.csv", id), n.po, nil)
		checkCSVCells(t, "delivery ledger", res.Body)

		letters := fmt.Sprintf("/api/v1/campaigns/%d/letters", id)
		if res := n.Do("POST", letters, n.po, nil); res.Status != http.StatusAccepted {
			t.Fatalf("letters: %d %s", res.Status, res.Body)
		}
		var l notice.Letters
		n.runUntil(t, "letters", func() bool {
			n.Do("GET", letters, n.viewer, nil).JSON(t, &l)
			return l.Due == 0 && !l.Requested && len(l.Batches) > 0
		})
		for _, b := range l.Batches {
			res := n.Do("GET", fmt.Sprintf("%s/%d/manifest.csv", letters, b.ID), n.po, nil)
			checkCSVCells(t, "letters manifest", res.Body)
			res = n.Do("GET", fmt.Sprintf("%s/%d/pdf", letters, b.ID), n.po, nil)
			for _, bad := range []string{"/JavaScript", "/JS", "/OpenAction", "/Launch"} {
				if bytes.Contains(res.Body, []byte(bad)) {
					t.Errorf("the letters hold %s", bad)
				}
			}
		}
	})
}

// eachDialectNotice runs fn on a notice environment of each database.
func eachDialectNotice(t *testing.T, fn func(t *testing.T, n *noticeEnv)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); fn(t, newNoticeEnv(t, d)) })
	}
}

// importRosterLoose imports a roster that may have rejects.
func (n *noticeEnv) importRosterLoose(t *testing.T, csv string) {
	t.Helper()
	ctx := context.Background()
	imp, err := roster.Queue(ctx, n.App.DB.Gorm, nil, n.breach, roster.Upload{FileName: "hostile.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(csv), roster.RunOptions{}); err != nil {
		t.Fatal(err)
	}
}

// checkCSVCells reads a CSV back and fails on a cell a spreadsheet would
// run as a formula.
func checkCSVCells(t *testing.T, what string, data []byte) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %d records, %v: %.200s", what, len(recs), err, data)
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if !hostiletest.FormulaSafe(cell) {
				t.Errorf("%s: record %d, field %d is a formula: %.40q", what, i+1, j+1, cell)
			}
		}
	}
}

// TestLettersThatCannotBePrintedAreWithdrawn asks for letters with a
// return address too long for the envelope's window: the request is
// withdrawn with its reason in the audit log, instead of a job retried
// forever with the request standing.
func TestLettersThatCannotBePrintedAreWithdrawn(t *testing.T) {
	t.Parallel()
	n := newNoticeEnv(t, db.SQLite)
	long := strings.Repeat("Municipal Freedom of Information Office ", 5)
	if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"name": cut(long, 200), "address": long + "\nToronto ON  M5J 2X5"}); res.Status != 200 {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	id := n.createCampaign(t)
	n.approve(t, id)
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "e-mails", func() bool { return n.progress(t, id).ByStatus[notice.Letter] > 0 })
	letters := fmt.Sprintf("/api/v1/campaigns/%d/letters", id)
	if res := n.Do("POST", letters, n.po, nil); res.Status != http.StatusAccepted {
		t.Fatalf("letters: %d %s", res.Status, res.Body)
	}
	var l notice.Letters
	n.runUntil(t, "the request withdrawn", func() bool {
		n.Do("GET", letters, n.viewer, nil).JSON(t, &l)
		return !l.Requested
	})
	var why string
	n.App.DB.Gorm.Raw("SELECT details FROM audit_log WHERE action = 'campaign.letters_failed'").Scan(&why)
	if len(l.Batches) != 0 || !strings.Contains(why, "too long") {
		t.Fatalf("letters %+v; audited %q", l, why)
	}
}
