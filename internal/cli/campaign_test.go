package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
)

const campaignRoster = "id,name,email,province,language,address,city,postal code,country\n" +
	"P1,Ann Lee,ann@example.org,ON,en,1 King St,Toronto,M5H 1A1,CA\n" +
	"P2,Bo Ng,bo@example.org,ON,en,2 King St,Toronto,M5H 1A1,CA\n" +
	"P3,Cy Roe,cy@example.org,ON,en,3 King St,Toronto,M5H 1A1,CA\n" +
	"P4,Di Fox,,ON,en,4 King St,Toronto,M5H 1A1,CA\n"

const campaignContent = `en:
  what_happened: A laptop holding our client list was stolen from a car on 2 March.
  what_we_are_doing: We reported the theft to the police and wiped the laptop remotely.
  what_you_can_do: Be careful with e-mails and calls that ask for personal information.
  contact: privacy@city.example, 1-800-555-0100
  complaint_process: Write to our privacy office first. You may also complain to the Privacy Commissioner of Canada or to the Information and Privacy Commissioner of Ontario.
`

// TestCampaignCommands runs a campaign from the command line on both
// databases: a privacy officer creates it from a content file, previews
// it (and one person's .eml), legal approves the hash the preview showed,
// the operator sends it, workers deliver it to a real SMTP server, and
// status reports it as JSON. Refusals name what is wrong.
func TestCampaignCommands(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			e := newCLIEnv(t, dialect)
			e.exec(`INSERT INTO breach_events (breach_id, kind, at, zone, created_at) SELECT id, 'occurred', ?, 'America/Toronto', ? FROM breaches`,
				time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), time.Now().UTC())
			srv := mailtest.Start(t, mailtest.Options{})
			e.environ = append(e.environ, "BREACHLINE_SMTP_URL="+srv.URL(), "BREACHLINE_MAIL_FROM=City Privacy <privacy@city.example>")
			pw := e.file("pw", "a long enough passphrase\n")
			for email, role := range map[string]string{"po@city.example": "privacy_officer", "legal@city.example": "legal"} {
				if code, _, errOut := e.run("user", "add", "--email", email, "--role", role, "--organization", "city", "--password-file", pw); code != 0 {
					t.Fatalf("user add %s: %d %s", email, code, errOut)
				}
			}
			if code, _, errOut := e.run("import", "--breach", "BR-2026-0001", "--file", e.file("people.csv", campaignRoster)); code != 0 {
				t.Fatalf("import: %d %s", code, errOut)
			}
			id := createCampaign(t, e)
			hash := previewCampaign(t, e, id)
			approveCampaign(t, e, id, hash)

			code, out, errOut := e.run("campaign", "send", "--organization", "city", "BR-2026-0001")
			if code != 0 || !strings.Contains(out, "is preparing") {
				t.Fatalf("send: %d %q %q", code, out, errOut)
			}
			if p := campaignStatus(t, e, id); p.Status != notice.CampaignPreparing {
				t.Fatalf("status after send: %+v", p)
			}
			p := runWorkersUntil(t, e, id)
			if p.Status != notice.CampaignSending || p.ByStatus[notice.Sent] != 3 || p.ByStatus[notice.Letter] != 1 || p.Total != 4 {
				t.Fatalf("progress once sent: %+v", p)
			}
			if n := srv.Count(); n != 3 {
				t.Fatalf("the server received %d messages, want 3", n)
			}
			campaignLifecycle(t, e, id)
		})
	}
}

func createCampaign(t *testing.T, e *cliEnv) int64 {
	t.Helper()
	content := e.file("content.yaml", campaignContent)
	base := []string{"campaign", "create", "--organization", "city", "BR-2026-0001", "--name", "First notice", "--as", "po@city.example"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--content", e.file("bad.yaml", "en:\n  what_hapened: typo\n")}, "content.en.what_hapened"},
		{[]string{"--content", e.file("list.yaml", "- a\n- b\n")}, "texts per language"},
		{[]string{"--content", content, "--as", "nobody@city.example"}, "no user with e-mail nobody@city.example"},
		{[]string{"--content", content, "--as", "legal@city.example"}, "forbidden"},
		{[]string{"--content", content, "--obligation", "CA-NOPE"}, "--obligation"},
		{[]string{"--content", content, "--channel", "pigeon"}, "audience.channels"},
	} {
		code, _, errOut := e.run(append(append([]string(nil), base...), tc.args...)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("create %v: exit %d, %q; want it to mention %q", tc.args, code, errOut, tc.want)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM campaigns"); n != 0 {
		t.Fatalf("refused creates stored %d campaigns", n)
	}
	code, out, errOut := e.run(append(base, "--content", content, "--json")...)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	var cp notice.Campaign
	if err := json.Unmarshal([]byte(out), &cp); err != nil || cp.ID == 0 || cp.Status != notice.CampaignDraft {
		t.Fatalf("create --json: %q %v", out, err)
	}
	if cp.CreatedBy == nil || *cp.CreatedBy != e.count("SELECT id FROM users WHERE email = 'po@city.example'") {
		t.Fatalf("created by %v, want the privacy officer", cp.CreatedBy)
	}
	return cp.ID
}

func previewCampaign(t *testing.T, e *cliEnv, id int64) string {
	t.Helper()
	code, out, errOut := e.run("campaign", "preview", "BR-2026-0001", "--json")
	if code != 0 {
		t.Fatalf("preview --json: %d %s", code, errOut)
	}
	var rv notice.Review
	if err := json.Unmarshal([]byte(out), &rv); err != nil {
		t.Fatal(err)
	}
	if !rv.Ready || rv.Total != 4 || rv.Channels[notice.ChannelEmail] != 3 || rv.Channels[notice.ChannelPostal] != 1 {
		t.Fatalf("review: ready=%v total=%d channels=%v problems=%v", rv.Ready, rv.Total, rv.Channels, rv.Problems)
	}
	eml := e.dir + "/sample.eml"
	code, out, errOut = e.run("campaign", "preview", "BR-2026-0001", strconv.FormatInt(id, 10), "--eml", eml)
	if code != 0 {
		t.Fatalf("preview: %d %s", code, errOut)
	}
	for _, want := range []string{"Recipients  4", "channels  email 3, postal 1", "Content hash " + rv.ContentHash,
		"Ready for approval: breachline campaign approve --organization city BR-2026-0001"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview output lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(eml)
	if err != nil || !strings.Contains(string(raw), "Message-ID:") || !strings.Contains(string(raw), "stolen from a car") {
		t.Fatalf("sample .eml: %v\n%s", err, raw)
	}
	if code, _, errOut := e.run("campaign", "preview", "BR-2026-0001", "--person", "1"); code == 0 || !strings.Contains(errOut, "--eml") {
		t.Errorf("--person without --eml: %d %q", code, errOut)
	}
	return rv.ContentHash
}

func approveCampaign(t *testing.T, e *cliEnv, id int64, hash string) {
	t.Helper()
	cid := strconv.FormatInt(id, 10)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--hash", hash}, "--as"},
		{[]string{"--hash", hash, "--as", "po@city.example"}, "needs legal or admin"},
		{[]string{"--hash", strings.Repeat("0", 64), "--as", "legal@city.example"}, "changed since it was reviewed"},
		{[]string{"--hash", hash, "--as", "legal@city.example", "--organization", "nowhere"}, "no organization nowhere"},
	} {
		code, _, errOut := e.run(append([]string{"campaign", "approve", "BR-2026-0001", cid}, tc.args...)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("approve %v: exit %d, %q; want it to mention %q", tc.args, code, errOut, tc.want)
		}
	}
	code, out, errOut := e.run("campaign", "approve", "BR-2026-0001", cid, "--hash", hash, "--as", "legal@city.example")
	if code != 0 || !strings.Contains(out, "approved by legal@city.example") {
		t.Fatalf("approve: %d %q %q", code, out, errOut)
	}
	legal := e.count("SELECT id FROM users WHERE email = 'legal@city.example'")
	if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.approve' AND actor_user_id = ? AND object_id = ?", legal, cid); n != 1 {
		t.Fatalf("the approval is audited %d times under legal's name", n)
	}
}

// campaignStatus is what status prints when its output is not a terminal.
func campaignStatus(t *testing.T, e *cliEnv, id int64) notice.Progress {
	t.Helper()
	code, out, errOut := e.run("campaign", "status", "BR-2026-0001", strconv.FormatInt(id, 10))
	if code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	var p notice.Progress
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("status output %q: %v", out, err)
	}
	return p
}

// runWorkersUntil runs the background workers, as breachline worker does,
// until every e-mail of the campaign has ended.
func runWorkersUntil(t *testing.T, e *cliEnv, id int64) notice.Progress {
	t.Helper()
	cfg, err := config.Load("", e.environ)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- a.RunWorkers(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		p := campaignStatus(t, e, id)
		if p.Status == notice.CampaignSending && p.Total > 0 && p.ByStatus[notice.Queued]+p.ByStatus[notice.Sending]+p.ByStatus[notice.Retry] == 0 {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent within a minute: %+v", p)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// campaignLifecycle pauses, resumes and retries a sent campaign, and
// checks what needs a campaign id once a breach has several.
func campaignLifecycle(t *testing.T, e *cliEnv, id int64) {
	t.Helper()
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"pause", "--reason", "checking the relay"}, "is paused"},
		{[]string{"resume"}, "is sending"},
		{[]string{"retry-failed"}, "0 failed or bounced e-mails queued again"},
	}
	for _, s := range steps {
		code, out, errOut := e.run(append([]string{"campaign", s.args[0], "BR-2026-0001"}, s.args[1:]...)...)
		if code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("%v: %d %q %q", s.args, code, out, errOut)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('campaign.pause', 'campaign.resume', 'campaign.send') AND actor = 'cli'"); n != 3 {
		t.Fatalf("%d operator actions audited, want 3", n)
	}
	if code, out, errOut := e.run("campaign", "letters", "BR-2026-0001"); code != 0 || !strings.Contains(out, "1 letter due") {
		t.Fatalf("letters: %d %q %q", code, out, errOut)
	}
	e.exec("UPDATE organizations SET address = '1 Front St W, Toronto ON  M5J 2X5'")
	dir := filepath.Join(e.dir, "print")
	code, out, errOut := e.run("campaign", "letters", "BR-2026-0001", "--make", "--out", dir, "--json")
	if code != 0 || !strings.Contains(out, `"due": 0`) {
		t.Fatalf("letters --make --out: %d %q %q", code, out, errOut)
	}
	for _, name := range []string{"letters-1.pdf", "letters-1.csv"} {
		if st, err := os.Stat(filepath.Join(dir, fmt.Sprintf("campaign-%d-%s", id, name))); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if code, out, errOut := e.run("campaign", "letters", "BR-2026-0001", "--printed", "1", "--mailed", "1"); code != 0 || !strings.Contains(out, "mailed 1") {
		t.Fatalf("letters --printed --mailed: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := e.run("campaign", "create", "BR-2026-0001", "--name", "Supplement", "--follows", strconv.FormatInt(id, 10)); code != 0 {
		t.Fatalf("create a supplement: %d %s", code, errOut)
	}
	code, out, errOut = e.run("campaign", "list", "BR-2026-0001")
	if code != 0 || !strings.Contains(out, "Supplement") || !strings.Contains(out, "First notice") {
		t.Fatalf("list: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := e.run("campaign", "status", "BR-2026-0001"); code == 0 || !strings.Contains(errOut, "has 2 campaigns") {
		t.Fatalf("status without an id of two campaigns: %d %q", code, errOut)
	}
	if code, _, errOut := e.run("campaign", "send", "BR-2026-0001", "999999"); code == 0 || !strings.Contains(errOut, "has no campaign 999999") {
		t.Fatalf("send of an unknown campaign: %d %q", code, errOut)
	}
}
