package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/roster"
)

// noticeEnv is an application sending through an in-process SMTP server,
// with an organization whose breach must be notified under PIPEDA and a
// roster of people reached every way there is.
type noticeEnv struct {
	*apptest.Env
	smtp              *mailtest.Server
	po, legal, viewer string
	admin             string
	breach            int64
	people            map[string]int64
}

// noticeRoster is the breach's affected people: e-mail, French in Québec,
// letter only, no contact at all, a minor reached through a guardian, and
// names that try to inject markup and headers.
const noticeRoster = `id,name,email,province,language,address,city,postal code,country,date of birth,guardian name,guardian email
P01,Ann Lee,ann@example.org,ON,en,1 King St,Toronto,M5H 1A1,CA,,,
P02,Bo Ng,bo@example.org,ON,en,2 King St,Toronto,M5H 1A1,CA,,,
P03,Chloé Roy,chloe@example.org,QC,fr,3 rue Saint-Denis,Montréal,H2X 1K4,CA,,,
P04,Dev Patel,temp@example.org,ON,en,4 King St,Toronto,M5H 1A1,CA,,,
P05,Eve Hart,refused@example.org,ON,en,5 King St,Toronto,M5H 1A1,CA,,,
P06,Finn Ode,gone@example.org,ON,en,,,,CA,,,
P07,Gia Mott,,ON,en,7 King St,Toronto,M5H 1A1,CA,,,
P08,Hal Nye,,ON,en,,,,CA,,,
P09,Ivy Small,,ON,en,9 King St,Toronto,M5H 1A1,CA,2016-05-01,Jo Small,guardian@example.org
P10,"<script>alert(1)</script>",evil@example.org,ON,en,10 King St,Toronto,M5H 1A1,CA,,,
`

func newNoticeEnv(t *testing.T, dialect db.Dialect) *noticeEnv {
	t.Helper()
	return newNoticeEnvWith(t, dialect, nil)
}

// newNoticeEnvWith is newNoticeEnv with more settings.
func newNoticeEnvWith(t *testing.T, dialect db.Dialect, set func(*config.Config)) *noticeEnv {
	t.Helper()
	srv := mailtest.Start(t, mailtest.Options{})
	e := apptest.NewWith(t, dbtest.Open(t, dialect), func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = "Acme Privacy <privacy@acme.example>"
		c.NoticeRetryBase = 50 * time.Millisecond
		if set != nil {
			set(c)
		}
	})
	org := e.Org("acme")
	admin := e.User("admin@acme.example", org, auth.RoleAdmin)
	n := &noticeEnv{Env: e, smtp: srv, people: map[string]int64{}, admin: admin}
	n.po = e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	n.legal = e.User("legal@acme.example", org, auth.RoleLegal)
	n.viewer = e.User("viewer@acme.example", org, auth.RoleViewer)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"commercial_org"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100"}); res.Status != 200 {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	res := e.Do("POST", "/api/v1/breaches", n.po, map[string]any{"organization": "acme", "title": "Mailing list exposed",
		"description": "A misconfigured server exposed our customer mailing list.", "kinds": []string{"unauthorized_access"},
		"data_categories": []string{"name", "contact"}, "containment": "We closed the server the same day.",
		"events": []map[string]string{{"kind": "occurred", "at": "2026-11-02T09:00:00-05:00", "zone": "America/Toronto"},
			{"kind": "discovered", "at": "2026-11-03T10:00:00-05:00", "zone": "America/Toronto"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	n.breach = b.ID
	if res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/rrosh", b.ID), n.po, map[string]string{"value": "yes"}); res.Status != 200 {
		t.Fatalf("answer: %d %s", res.Status, res.Body)
	}
	n.importRoster(t, noticeRoster)
	return n
}

func (n *noticeEnv) importRoster(t *testing.T, csv string) {
	t.Helper()
	ctx := context.Background()
	imp, err := roster.Queue(ctx, n.App.DB.Gorm, nil, n.breach, roster.Upload{FileName: "roster.csv"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(csv), roster.RunOptions{})
	if err != nil || res.Rejected != 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var rows []struct {
		ID         int64
		ExternalID string
	}
	n.App.DB.Gorm.Raw("SELECT id, external_id FROM affected_people WHERE breach_id = ?", n.breach).Scan(&rows)
	for _, r := range rows {
		n.people[r.ExternalID] = r.ID
	}
}

// campaignContent is the texts the campaign gives; the French ones are
// needed because the Québec resident receives the notice in French.
func campaignContent() map[string]map[string]string {
	return map[string]map[string]string{
		"en": {"what_you_can_do": "Be careful with e-mails that ask for personal information.",
			"complaint_process": "Write to our privacy office first. You may also complain to the Privacy Commissioner of Canada."},
		"fr": {"what_happened": "Un serveur mal configuré a exposé notre liste d'envoi.", "what_we_are_doing": "Nous avons fermé le serveur le jour même.",
			"what_you_can_do":   "Méfiez-vous des courriels qui demandent des renseignements personnels.",
			"contact":           "privacy@acme.example, 1-800-555-0100",
			"complaint_process": "Écrivez d'abord à notre bureau de la protection des renseignements personnels. Vous pouvez aussi porter plainte au commissaire à la protection de la vie privée du Canada."},
	}
}

func (n *noticeEnv) createCampaign(t *testing.T) int64 {
	t.Helper()
	res := n.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/campaigns", n.breach), n.po, map[string]any{
		"name": "First notice", "template_set": "general", "default_language": "en", "content": campaignContent()})
	if res.Status != http.StatusCreated {
		t.Fatalf("create campaign: %d %s", res.Status, res.Body)
	}
	var c struct{ ID int64 }
	res.JSON(t, &c)
	return c.ID
}

func (n *noticeEnv) review(t *testing.T, id int64, tok string) notice.Review {
	t.Helper()
	res := n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/review", id), tok, nil)
	if res.Status != 200 {
		t.Fatalf("review: %d %s", res.Status, res.Body)
	}
	var rv notice.Review
	res.JSON(t, &rv)
	return rv
}

func (n *noticeEnv) approve(t *testing.T, id int64) {
	t.Helper()
	rv := n.review(t, id, n.legal)
	if !rv.Ready {
		t.Fatalf("not ready: %v", rv.Problems)
	}
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/approve", id), n.legal, map[string]string{"content_hash": rv.ContentHash}); res.Status != 200 {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
}

// runUntil runs the background workers until done reports true.
func (n *noticeEnv) runUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- n.App.RunWorkers(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done within a minute", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (n *noticeEnv) progress(t *testing.T, id int64) notice.Progress {
	t.Helper()
	var p notice.Progress
	n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/progress", id), n.viewer, nil).JSON(t, &p)
	return p
}

// TestNoticeCampaignEndToEnd: a privacy officer writes a campaign, legal
// approves the exact version reviewed, workers send it through a real SMTP
// server that refuses some recipients for a while and others for good, and
// every person's delivery ends in the state the server's answers call for:
// the ledger agrees with what the server received, message by message.
func TestNoticeCampaignEndToEnd(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); noticeEndToEnd(t, d) })
	}
}

func noticeEndToEnd(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	id := n.createCampaign(t)
	rv := n.review(t, id, n.po)
	if !rv.Ready || rv.Total != 10 || rv.Channels["email"] != 8 || rv.Channels["postal"] != 1 || rv.Channels["none"] != 1 {
		t.Fatalf("review: ready=%v total=%d channels=%v problems=%v", rv.Ready, rv.Total, rv.Channels, rv.Problems)
	}
	if rv.Languages["fr"] != 1 {
		t.Fatalf("the Québec resident does not get the French notice: %v", rv.Languages)
	}
	for _, ci := range rv.Checklist {
		if ci.Rule != "CA-PIPEDA-IND" || !ci.OK {
			t.Fatalf("checklist: %+v", rv.Checklist)
		}
	}
	// Only legal approves, and only the version they saw.
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/approve", id), n.po, map[string]string{"content_hash": rv.ContentHash}); res.Status != 403 {
		t.Fatalf("a privacy officer approved: %d", res.Status)
	}
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 409 {
		t.Fatalf("an unapproved campaign was sent: %d", res.Status)
	}
	n.approve(t, id)
	// Renaming the campaign changes no notice and keeps the approval; an
	// edit to what people read voids it.
	if res := n.Do("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), n.po, map[string]any{"name": "First notice (final)"}); res.Status != 200 || !strings.Contains(string(res.Body), `"status":"approved"`) {
		t.Fatalf("rename after approval: %d %s", res.Status, res.Body)
	}
	content := campaignContent()
	content["en"]["what_you_can_do"] = "Watch for e-mails that ask for personal information."
	if res := n.Do("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), n.po, map[string]any{"content": content}); res.Status != 200 || !strings.Contains(string(res.Body), `"status":"draft"`) {
		t.Fatalf("edit after approval: %d %s", res.Status, res.Body)
	}
	n.approve(t, id)

	// The server refuses one address for now, one for good, and one for good
	// whose owner has no postal address.
	n.smtp.Refuse("temp@example.org", 451, smtp.EnhancedCode{4, 2, 0}, "mailbox busy")
	n.smtp.Refuse("refused@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	n.smtp.Refuse("gone@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "first pass", func() bool {
		p := n.progress(t, id)
		return p.ByStatus[notice.Retry]+p.ByStatus[notice.Sent] >= 6 && p.ByStatus[notice.Queued] == 0 && p.ByStatus[notice.Sending] == 0
	})
	n.smtp.Allow("temp@example.org")
	n.runUntil(t, "retry", func() bool { return n.progress(t, id).ByStatus[notice.Sent] == 6 })

	p := n.progress(t, id)
	want := map[string]int64{notice.Sent: 6, notice.Letter: 2, notice.Failed: 1, notice.Undeliverable: 1}
	for st, w := range want {
		if p.ByStatus[st] != w {
			t.Fatalf("by status %v, want %v", p.ByStatus, want)
		}
	}
	if p.Status != notice.CampaignSending {
		t.Fatalf("a campaign with letters still to print is %s", p.Status)
	}
	n.checkLedgerAgreesWithServer(t, id)
}

// checkLedgerAgreesWithServer: every delivery marked sent was received by
// the server exactly once, with its Message-ID and to its address, and
// nothing else was received.
func (n *noticeEnv) checkLedgerAgreesWithServer(t *testing.T, id int64) {
	t.Helper()
	res := n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/deliveries?limit=500", id), n.po, nil)
	var list struct{ Deliveries []notice.DeliveryRow }
	res.JSON(t, &list)
	received := map[string][]mailtest.Received{}
	for _, m := range noticesReceived(n.smtp) {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		received[strings.Trim(msg.Header.Get("Message-Id"), "<>")] = append(received[strings.Trim(msg.Header.Get("Message-Id"), "<>")], m)
	}
	sent := 0
	for _, d := range list.Deliveries {
		got := received[d.MessageID]
		switch d.Status {
		case notice.Sent:
			sent++
			if len(got) != 1 || got[0].To[0] != d.Email {
				t.Errorf("delivery %d (%s) sent, server received %d copies", d.ID, d.Email, len(got))
			}
		default:
			if len(got) != 0 {
				t.Errorf("delivery %d is %s but the server received it", d.ID, d.Status)
			}
		}
	}
	if sent != len(received) {
		t.Errorf("%d deliveries sent, server received %d messages", sent, len(received))
	}
}

// dsn is a delivery status notification as a relay writes it: sent to to,
// about recipient, quoting the returned message's Message-ID when id is
// not empty.
func dsn(to, recipient, action, status, id string) []byte {
	quoted := ""
	if id != "" {
		quoted = "Message-ID: <" + id + ">\r\n"
	}
	return []byte("From: MAILER-DAEMON@relay.example (Mail Delivery System)\r\n" +
		"To: " + to + "\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n\r\n" +
		"Final-Recipient: rfc822; " + recipient + "\r\nAction: " + action + "\r\nStatus: " + status + "\r\n" +
		"Diagnostic-Code: smtp; 550 " + status + " mailbox unavailable\r\n\r\n" +
		"--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n" + quoted + "Subject: Notice\r\n\r\n--b1--\r\n")
}

// TestBouncesAreMatchedAndApplied: reports posted by a relay reach their
// deliveries by the notice's own bounce address or by its Message-ID; a
// final failure turns into a letter for a person with a postal address and
// into "bounced" for one without; a delay, an out-of-office reply, a forged
// bounce address and another organization's notice change nothing and are
// kept.
func TestBouncesAreMatchedAndApplied(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); bouncesApplied(t, d) })
	}
}

func bouncesApplied(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnvWith(t, dialect, func(c *config.Config) {
		c.BounceAddress = "bounces@acme.example"
		c.Operators = append(c.Operators, "relay@ops.example")
	})
	id := n.createCampaign(t)
	n.approve(t, id)
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "sending", func() bool { return n.progress(t, id).ByStatus[notice.Sent] == 8 })
	msg := func(email string) mailtest.Received {
		got := n.smtp.To(email)
		if len(got) != 1 {
			t.Fatalf("%s received %d messages", email, len(got))
		}
		return got[0]
	}
	post := func(tok string, raw []byte) notice.BounceResult {
		t.Helper()
		res := n.Do("POST", "/api/v1/bounces", tok, raw)
		if res.Status != http.StatusAccepted {
			t.Fatalf("bounce: %d %s", res.Status, res.Body)
		}
		var out notice.BounceResult
		res.JSON(t, &out)
		return out
	}
	// A relay's token with the bounce scope may post bounces and do
	// nothing else.
	var relay struct{ Token string }
	if res := n.Do("POST", "/api/v1/tokens", n.po, map[string]any{"name": "relay", "scope": "bounce"}); res.Status != http.StatusCreated {
		t.Fatalf("bounce token: %d %s", res.Status, res.Body)
	} else {
		res.JSON(t, &relay)
	}
	if res := n.Do("GET", "/api/v1/breaches", relay.Token, nil); res.Status != http.StatusForbidden {
		t.Fatalf("a bounce token read breaches: %d", res.Status)
	}
	if r := post(relay.Token, dsn("postmaster@acme.example", "nobody@example.org", "failed", "5.1.1", "")); r.Matched {
		t.Fatalf("bounce token: %+v", r)
	}
	ann, gone := msg("ann@example.org"), msg("gone@example.org")
	if !strings.HasPrefix(ann.From, "bounces+") || !strings.HasSuffix(ann.From, "@acme.example") {
		t.Fatalf("envelope sender %q is not the notice's own bounce address", ann.From)
	}
	// By bounce address alone: Ann has a postal address, so she gets a letter.
	if r := post(n.po, dsn(ann.From, "ann@example.org", "failed", "5.1.1", "")); !r.Applied || r.Kind != notice.BounceHard || r.Status != notice.Letter {
		t.Fatalf("hard bounce by address: %+v", r)
	}
	// By Message-ID alone, to the relay's own address: Finn has none.
	if r := post(n.po, dsn("postmaster@acme.example", "gone@example.org", "failed", "5.1.1", gone.MessageID)); !r.Applied || r.Status != notice.Bounced {
		t.Fatalf("hard bounce by Message-ID: %+v", r)
	}
	// The same report again changes nothing: Ann's delivery is a letter now.
	if r := post(n.po, dsn(ann.From, "ann@example.org", "failed", "5.1.1", "")); r.Applied || !r.Matched {
		t.Fatalf("repeated bounce: %+v", r)
	}
	bo := msg("bo@example.org")
	if r := post(n.po, dsn(bo.From, "bo@example.org", "delayed", "4.4.1", "")); r.Applied || r.Kind != notice.BounceSoft || r.Status != notice.Sent {
		t.Fatalf("a delay was applied: %+v", r)
	}
	chloe := msg("chloe@example.org")
	ooo := []byte("From: chloe@example.org\r\nTo: " + chloe.From + "\r\nSubject: Absente du bureau\r\nAuto-Submitted: auto-replied\r\n" +
		"In-Reply-To: <" + chloe.MessageID + ">\r\n\r\nJe suis absente jusqu'au 15.\r\n")
	if r := post(n.po, ooo); r.Applied || r.Kind != notice.BounceAutoReply || !r.Matched {
		t.Fatalf("an out-of-office reply: %+v", r)
	}
	forged := strings.Replace(bo.From, "bounces+", "bounces+1", 1)
	if r := post(n.po, dsn(forged, "bo@example.org", "failed", "5.1.1", "")); r.Matched || r.Applied {
		t.Fatalf("a forged bounce address matched: %+v", r)
	}
	// Another organization's writer learns nothing and changes nothing.
	other := n.User("po@globex.example", n.Org("globex"), auth.RolePrivacyOfficer)
	if r := post(other, dsn(bo.From, "bo@example.org", "failed", "5.1.1", bo.MessageID)); r.Matched || r.Applied || r.DeliveryID != 0 {
		t.Fatalf("another organization's bounce: %+v", r)
	}
	// The installation's operator (a relay serving every organization) may.
	// (a viewer of another organization, so only being an operator lets it)
	op := n.User("relay@ops.example", n.Org("ops"), auth.RoleViewer)
	if r := post(op, dsn(bo.From, "bo@example.org", "failed", "5.1.1", "")); !r.Applied || r.Status != notice.Letter {
		t.Fatalf("the operator's bounce: %+v", r)
	}
	if res := n.Do("POST", "/api/v1/bounces", n.viewer, dsn(bo.From, "bo@example.org", "failed", "5.1.1", "")); res.Status != http.StatusForbidden {
		t.Fatalf("a viewer posted a bounce: %d", res.Status)
	}
	if res := n.Do("POST", "/api/v1/bounces", n.po, []byte("not a message")); res.Status != http.StatusBadRequest {
		t.Fatalf("garbage: %d %s", res.Status, res.Body)
	}
	p := n.progress(t, id)
	if p.ByStatus[notice.Sent] != 5 || p.ByStatus[notice.Letter] != 3 || p.ByStatus[notice.Bounced] != 1 {
		t.Fatalf("after the bounces: %v", p.ByStatus)
	}
	var list struct{ Bounces []notice.Bounce }
	n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/bounces", id), n.po, nil).JSON(t, &list)
	if len(list.Bounces) != 6 {
		t.Fatalf("the campaign lists %d bounces, want the 6 matched to it: %+v", len(list.Bounces), list.Bounces)
	}
	// Retry failed sends the bounced e-mail again, and only that one.
	res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/retry-failed", id), n.po, nil)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"queued_again":1`) {
		t.Fatalf("retry failed: %d %s", res.Status, res.Body)
	}
}

// obligationID finds the breach's obligation of a rule.
func (n *noticeEnv) obligationID(t *testing.T, rule string) int64 {
	t.Helper()
	var l listView
	n.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", n.breach), n.po, nil).JSON(t, &l)
	for _, o := range l.Obligations {
		if o.RuleKey == rule {
			return o.ID
		}
	}
	t.Fatalf("no obligation %s", rule)
	return 0
}

// TestLettersPrintedMailedAndReturned: the people without a usable e-mail
// and the e-mails refused for good get letters, in print files with a
// manifest; marking the file mailed completes the campaign, which then
// records its obligation done; a returned letter is marked from the mail
// house's list and its person is among those without a notice.
func TestLettersPrintedMailedAndReturned(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); lettersEndToEnd(t, d) })
	}
}

func lettersEndToEnd(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	id := n.createCampaign(t)
	duty := n.obligationID(t, "CA-PIPEDA-IND")
	if res := n.Do("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), n.po, map[string]any{"obligation_id": duty}); res.Status != 200 {
		t.Fatalf("link the obligation: %d %s", res.Status, res.Body)
	}
	n.approve(t, id)
	n.smtp.Refuse("refused@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "e-mails", func() bool {
		p := n.progress(t, id)
		return p.ByStatus[notice.Sent] == 7 && p.ByStatus[notice.Letter] == 2
	})
	letters := fmt.Sprintf("/api/v1/campaigns/%d/letters", id)
	if res := n.Do("POST", letters, n.po, nil); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "postal address") {
		t.Fatalf("letters without a return address: %d %s", res.Status, res.Body)
	}
	if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"address": "1 Front St W\nToronto ON  M5J 2X5"}); res.Status != 200 {
		t.Fatalf("address: %d %s", res.Status, res.Body)
	}
	if res := n.Do("POST", letters, n.viewer, nil); res.Status != http.StatusForbidden {
		t.Fatalf("a viewer asked for letters: %d", res.Status)
	}
	if res := n.Do("POST", letters, n.po, nil); res.Status != http.StatusAccepted {
		t.Fatalf("letters: %d %s", res.Status, res.Body)
	}
	var l notice.Letters
	n.runUntil(t, "letters", func() bool {
		n.Do("GET", letters, n.viewer, nil).JSON(t, &l)
		return l.Due == 0 && !l.Requested && len(l.Batches) == 1
	})
	file := l.Batches[0]
	if file.Letters != 2 || file.Pages < 2 {
		t.Fatalf("print file: %+v", file)
	}
	pdfPath := fmt.Sprintf("%s/%d/pdf", letters, file.ID)
	if res := n.Do("GET", pdfPath, n.viewer, nil); res.Status != http.StatusForbidden {
		t.Fatalf("a viewer downloaded letters: %d", res.Status)
	}
	res := n.Do("GET", pdfPath, n.po, nil)
	text := pdfToText(t, res.Body)
	for _, want := range []string{"Gia Mott", "7 King St", "Eve Hart", "Org acme, 1 Front St W"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the letters do not say %q: %s", want, text)
		}
	}
	res = n.Do("GET", fmt.Sprintf("%s/%d/manifest.csv", letters, file.ID), n.po, nil)
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][3] != "delivery_id" {
		t.Fatalf("manifest: %v %q", err, res.Body)
	}
	gia := rows[1][3]
	if !strings.Contains(strings.Join(rows[1], ","), "Gia Mott") && strings.Contains(strings.Join(rows[2], ","), "Gia Mott") {
		gia = rows[2][3]
	}
	for _, step := range []string{"printed", "mailed"} {
		if res := n.Do("POST", fmt.Sprintf("%s/%d/%s", letters, file.ID, step), n.po, nil); res.Status != 200 {
			t.Fatalf("%s: %d %s", step, res.Status, res.Body)
		}
	}
	if p := n.progress(t, id); p.Status != notice.CampaignCompleted || p.ByStatus[notice.Mailed] != 2 {
		t.Fatalf("after mailing: %s %v", p.Status, p.ByStatus)
	}
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/obligation-done", id), n.po, nil); res.Status != 200 {
		t.Fatalf("obligation done: %d %s", res.Status, res.Body)
	}
	var ob struct{ Obligations []obligationView }
	n.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", n.breach), n.po, nil).JSON(t, &ob)
	for _, o := range ob.Obligations {
		if o.ID == duty && o.Status != "filed" {
			t.Fatalf("the obligation is %s after its campaign completed and was recorded", o.Status)
		}
	}
	res = n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/returned", id), n.po, []byte("delivery_id,returned_on\n"+gia+",2026-12-01\n999999,\nx,\n"))
	var ret notice.ReturnedMail
	res.JSON(t, &ret)
	if res.Status != 200 || ret.Marked != 1 || len(ret.Problems) != 2 || ret.Unreached != 2 {
		t.Fatalf("returned mail: %d %s", res.Status, res.Body)
	}
	res = n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/deliveries.csv?status=unreached", id), n.po, nil)
	rows, _ = csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if len(rows) != 3 || !strings.Contains(string(res.Body), "Gia Mott") || !strings.Contains(string(res.Body), "Hal Nye") {
		t.Fatalf("people without a notice: %s", res.Body)
	}
}

// TestNoticesSurviveAMisbehavingServer: the server drops the connection in
// the middle of one message and stalls past the client's timeout on
// another, while the names in the roster try to inject markup, headers,
// direction overrides and formulas. Every e-mail is sent in the end; the
// message that was cut off arrives once, the stalled one at most twice with
// one Message-ID (the retry of a message the server kept without saying
// so), and every hostile value arrives inert.
func TestNoticesSurviveAMisbehavingServer(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); misbehavingServer(t, d) })
	}
}

const hostileRoster = `id,name,email,province,language,address,city,postal code,country
H1,"Eve
Bcc: victim@evil.example",eve@example.org,ON,en,1 King St,Toronto,M5H 1A1,CA
H2,"<img src=x onerror=alert(1)>",img@example.org,ON,en,2 King St,Toronto,M5H 1A1,CA
H3,` + "\"Ann \u202Egnp.exe\"" + `,rlo@example.org,ON,en,3 King St,Toronto,M5H 1A1,CA
H4,"=HYPERLINK(""http://evil.example"",""x"")",formula@example.org,ON,en,,,,CA
`

func misbehavingServer(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnvWith(t, dialect, func(c *config.Config) { c.SMTPTimeout = 700 * time.Millisecond })
	n.importRoster(t, hostileRoster)
	id := n.createCampaign(t)
	n.approve(t, id)
	n.smtp.DropInData("bo@example.org", 1)
	n.smtp.Stall("ann@example.org", 2*time.Second, 1)
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "sending", func() bool {
		p := n.progress(t, id)
		if p.ByStatus[notice.Failed] > 0 {
			var rows []struct {
				PersonID  int64
				SMTPReply string
			}
			n.App.DB.Gorm.Raw("SELECT person_id, smtp_reply FROM deliveries WHERE status = 'failed'").Scan(&rows)
			t.Fatalf("failed: %+v", rows)
		}
		return p.ByStatus[notice.Sent] == 12
	})
	if got := n.smtp.To("bo@example.org"); len(got) != 1 {
		t.Fatalf("the message cut off mid-DATA arrived %d times", len(got))
	}
	if got := n.smtp.To("ann@example.org"); len(got) < 1 || len(got) > 2 || got[0].MessageID != got[len(got)-1].MessageID {
		t.Fatalf("the stalled message arrived %d times", len(got))
	}
	for _, m := range n.smtp.Messages() {
		if len(n.smtp.ByMessageID(m.MessageID)) > 1 && m.To[0] != "ann@example.org" {
			t.Fatalf("%s received a message twice", m.To[0])
		}
	}
	checkInert(t, n)
}

// checkInert reads the hostile people's messages as a mail program would.
func checkInert(t *testing.T, n *noticeEnv) {
	t.Helper()
	for _, addr := range []string{"eve@example.org", "img@example.org", "rlo@example.org", "formula@example.org"} {
		got := n.smtp.To(addr)
		if len(got) != 1 {
			t.Fatalf("%s received %d messages", addr, len(got))
		}
		msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		if len(got[0].To) != 1 || msg.Header.Get("Bcc") != "" || len(msg.Header["To"]) != 1 {
			t.Fatalf("%s: headers were injected: %v to %v", addr, msg.Header, got[0].To)
		}
		if msg.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Fatalf("%s: Auto-Submitted is %q", addr, msg.Header.Get("Auto-Submitted"))
		}
		parts := mimeParts(t, msg)
		if !strings.Contains(parts["text/html"], "<html") || parts["text/plain"] == "" {
			t.Fatalf("%s: parts %v", addr, parts)
		}
		if strings.Contains(parts["text/html"], "<img src=x") {
			t.Fatalf("%s: the HTML carries the roster's markup", addr)
		}
		for typ, body := range parts {
			if strings.ContainsRune(body, '\u202E') {
				t.Fatalf("%s: the %s part carries a direction override", addr, typ)
			}
		}
	}
}

// mimeParts decodes a message's text parts by content type.
func mimeParts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(r *multipart.Reader)
	walk = func(r *multipart.Reader) {
		for {
			p, err := r.NextPart()
			if err != nil {
				return
			}
			typ, sub, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if strings.HasPrefix(typ, "multipart/") {
				walk(multipart.NewReader(p, sub["boundary"]))
				continue
			}
			body, _ := io.ReadAll(p) // multipart decodes quoted-printable
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				body, _ = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
			}
			out[typ] = string(body)
		}
	}
	walk(multipart.NewReader(msg.Body, params["boundary"]))
	return out
}

// TestSendingCapHoldsAcrossWorkers: the relay's budget is shared by every
// sending worker through the database. With a cap of five an hour, exactly
// five of the eight e-mails reach the server however many workers send,
// and the rest wait for the next hour; with two a second, eight span four
// one-second windows.
func TestSendingCapHoldsAcrossWorkers(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			n := newNoticeEnvWith(t, d, func(c *config.Config) { c.NoticePerHour = 5 })
			id := n.createCampaign(t)
			n.approve(t, id)
			if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
				t.Fatalf("send: %d %s", res.Status, res.Body)
			}
			n.runUntil(t, "the hour's budget", func() bool { return n.progress(t, id).ByStatus[notice.Sent] >= 5 })
			// Give every send loop time to try for more.
			n.runUntil(t, "more sending loops", func() bool { time.Sleep(3 * time.Second); return true })
			if p, got := n.progress(t, id), len(noticesReceived(n.smtp)); p.ByStatus[notice.Sent] != 5 || p.ByStatus[notice.Queued] != 3 || got != 5 {
				t.Fatalf("with five an hour: %v, server received %d notices", p.ByStatus, got)
			}

			fast := newNoticeEnvWith(t, d, func(c *config.Config) { c.NoticePerSecond = 2 })
			id = fast.createCampaign(t)
			fast.approve(t, id)
			start := time.Now()
			if res := fast.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), fast.po, nil); res.Status != 200 {
				t.Fatalf("send: %d %s", res.Status, res.Body)
			}
			fast.runUntil(t, "eight at two a second", func() bool { return fast.progress(t, id).ByStatus[notice.Sent] == 8 })
			// Four windows of two: three second boundaries must pass.
			if took := time.Since(start); took < 2*time.Second {
				t.Fatalf("eight e-mails at two a second took %v", took)
			}
		})
	}
}

// noticesReceived are the notices the server received, leaving out the
// other mail the application sends meanwhile (reminders to the privacy
// office).
func noticesReceived(srv *mailtest.Server) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range srv.Messages() {
		if strings.HasPrefix(m.MessageID, "notice.") {
			out = append(out, m)
		}
	}
	return out
}

// TestDeletingCampaignRemovesItsDeliveries: two campaigns expanded, the
// second to the same people as the first; deleting a campaign, or its
// breach, removes its deliveries and no other campaign's (a foreign key on
// SQLite, a trigger on PostgreSQL; see migration 00821).
func TestDeletingCampaignRemovesItsDeliveries(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); deletingCampaign(t, d) })
	}
}

func deletingCampaign(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	ctx := context.Background()
	g := n.App.DB.Gorm
	count := func(id int64) int64 {
		var c int64
		if err := g.Raw("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ?", id).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		return c
	}
	var ids []int64
	for i := range 2 {
		id := n.createCampaign(t)
		// The first reaches the people of Ontario (all but Chloé), the
		// second the same people as the first.
		audience := map[string]any{"regions": []string{"CA-ON"}}
		if i == 1 {
			audience = map[string]any{"same_as": ids[0]}
		}
		if res := n.Do("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), n.po, map[string]any{"audience": audience}); res.Status != http.StatusOK {
			t.Fatalf("audience: %d %s", res.Status, res.Body)
		}
		if err := g.Exec("UPDATE campaigns SET status = ? WHERE id = ?", notice.CampaignPreparing, id).Error; err != nil {
			t.Fatal(err)
		}
		if total, err := n.App.Notices.Expand(ctx, id); err != nil || total != len(n.people)-1 || count(id) != int64(total) {
			t.Fatalf("expand campaign %d: %d deliveries, %d stored, %v", id, total, count(id), err)
		}
		ids = append(ids, id)
	}
	var same int64
	g.Raw("SELECT COUNT(*) FROM deliveries a JOIN deliveries b ON b.person_id = a.person_id AND b.campaign_id = ? WHERE a.campaign_id = ?",
		ids[1], ids[0]).Scan(&same)
	if same != int64(len(n.people)-1) {
		t.Fatalf("the second campaign reaches %d of the first's %d people", same, len(n.people)-1)
	}
	if err := g.Exec("DELETE FROM campaigns WHERE id = ?", ids[0]).Error; err != nil {
		t.Fatal(err)
	}
	if c, other := count(ids[0]), count(ids[1]); c != 0 || other != int64(len(n.people)-1) {
		t.Fatalf("after deleting campaign %d: %d of its deliveries left, %d of the other's", ids[0], c, other)
	}
	if err := g.Exec("DELETE FROM breaches WHERE id = ?", n.breach).Error; err != nil {
		t.Fatal(err)
	}
	if c := count(ids[1]); c != 0 {
		t.Fatalf("after deleting the breach: %d deliveries left", c)
	}
}

// TestExpandingMoreThanOneWrite: a campaign of more people than one write
// of deliveries takes (an INSERT on SQLite, a page of the audience read on
// PostgreSQL) gets exactly one delivery per person, each code and
// Message-ID different.
func TestExpandingMoreThanOneWrite(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); expandingMany(t, d) })
	}
}

func expandingMany(t *testing.T, dialect db.Dialect) {
	const more = 7000
	n := newNoticeEnv(t, dialect)
	g := n.App.DB.Gorm
	err := g.Exec(`INSERT INTO affected_people (breach_id, row_number, external_id, name, email, region, country, language, channel, created_at)
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
		SELECT ?, 100 + i, 'M' || i, 'Person ' || i, 'person' || i || '@example.org', 'CA-ON', 'CA', 'en', 'email', ? FROM s`,
		more, n.breach, time.Now().UTC()).Error
	if err != nil {
		t.Fatal(err)
	}
	id := n.createCampaign(t)
	if err := g.Exec("UPDATE campaigns SET status = ? WHERE id = ?", notice.CampaignPreparing, id).Error; err != nil {
		t.Fatal(err)
	}
	want := len(n.people) + more
	if total, err := n.App.Notices.Expand(context.Background(), id); err != nil || total != want {
		t.Fatalf("expand: %d deliveries, %v; want %d", total, err, want)
	}
	var c struct{ Rows, People, Codes, Keys, MessageIDs int }
	g.Raw(`SELECT COUNT(*) AS rows, COUNT(DISTINCT person_id) AS people, COUNT(DISTINCT code_hash) AS codes,
		COUNT(DISTINCT code_key) AS keys, COUNT(DISTINCT message_id) AS message_ids FROM deliveries WHERE campaign_id = ?`, id).Scan(&c)
	if c.Rows != want || c.People != want || c.Codes != want || c.Keys != want || c.MessageIDs != want {
		t.Fatalf("deliveries: %+v, want %d of each", c, want)
	}
}
