package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/cli"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// pdfText reads a PDF back with pdftotext; in CI the tool is required.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestReportNamesThePreparerAndTheObligation: the generic filing is built
// from the obligation named with --obligation; "Prepared by" is the person
// named with --prepared-by ("Name, Role", or a member's e-mail address:
// their name and role in the organization), else the installation's one
// operator who is a member, and never the command line's own account.
func TestReportNamesThePreparerAndTheObligation(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, dialect)
			e.seed(func(s *dbtest.Seed) {
				s.Obligation(e.breach, dbtest.ObligationRow{RuleKey: "CA-PIPEDA-OPC", Version: "2018-11-01", Jurisdiction: "CA",
					Recipient: `{"kind":"regulator","name":"Office of the Privacy Commissioner of Canada (OPC)"}`, Required: true,
					Citation: "PIPEDA s.10.1(1)"})
				s.User("sam@city.test", "Sam Lee")
				s.Member(e.org, "sam@city.test", "legal")
			})

			if code, _, errOut := e.run("report", "--breach", "BR-2026-0001", "--kind", "generic", "--out", filepath.Join(e.dir, "x.pdf")); code == 0 || !strings.Contains(errOut, "obligation_id") {
				t.Fatalf("generic filing without --obligation: %d %q", code, errOut)
			}
			if code, _, errOut := e.run("report", "--breach", "BR-2026-0001", "--kind", "generic", "--obligation", "US-TX/ag"); code == 0 || !strings.Contains(errOut, "CA-PIPEDA-OPC") {
				t.Fatalf("an obligation the breach does not have: %d %q", code, errOut)
			}

			cases := []struct {
				args      []string
				environ   []string
				preparer  string
				noteNoOne bool
			}{
				{args: []string{"--prepared-by", "Dana Okafor, Privacy Officer"}, preparer: "Prepared by: Dana Okafor, Privacy Officer"},
				{args: []string{"--prepared-by", "sam@city.test"}, preparer: "Prepared by: Sam Lee, Legal reviewer"},
				{environ: []string{"BREACHLINE_OPERATORS=sam@city.test"}, preparer: "Prepared by: Sam Lee, Legal reviewer"},
				{noteNoOne: true},
			}
			for i, c := range cases {
				out := filepath.Join(e.dir, "filing"+string(rune('a'+i))+".pdf")
				args := append([]string{"report", "--breach", "BR-2026-0001", "--kind", "generic", "--obligation", "CA-PIPEDA-OPC", "--out", out}, c.args...)
				saved := e.environ
				e.environ = append(append([]string{}, e.environ...), c.environ...)
				code, stdout, errOut := e.run(args...)
				e.environ = saved
				if code != 0 {
					t.Fatalf("%v: %d %s", c.args, code, errOut)
				}
				text := pdfText(t, out)
				switch {
				case c.preparer != "" && !strings.Contains(text, c.preparer):
					t.Errorf("%v %v: the filing lacks %q:\n%s", c.args, c.environ, c.preparer, text)
				case c.noteNoOne && (strings.Contains(text, "Prepared by") || !strings.Contains(errOut, "--prepared-by")):
					t.Errorf("no preparer known: the filing says %q, standard error %q", text, errOut)
				}
				if strings.Contains(text, "Prepared by: cli") || !strings.Contains(text, "Office of the Privacy Commissioner of Canada") || !strings.Contains(stdout, "-generic-o") {
					t.Errorf("%v: %s\n%s", c.args, stdout, text)
				}
			}
			if code, _, errOut := e.run("report", "--breach", "BR-2026-0001", "--kind", "generic", "--obligation", "CA-PIPEDA-OPC", "--prepared-by", "nobody@city.test",
				"--out", filepath.Join(e.dir, "y.pdf")); code == 0 || !strings.Contains(errOut, "no user") {
				t.Fatalf("an unknown preparer: %d %q", code, errOut)
			}
		})
	}
}

// TestAssessTracksNoFixedDateAgainstATarget: "without undue delay" (GDPR
// Art. 34) stays the law's words, tracked against the facts' internal
// target, else 72 hours.
func TestAssessTracksNoFixedDateAgainstATarget(t *testing.T) {
	t.Parallel()
	facts := `{"organization":{"roles":["controller"],"home":"DE","time_zone":"Europe/Berlin"%s},
"events":{"aware":"2026-05-05T10:00:00+02:00"},"affected":[{"region":"DE","count":3}],
"data_categories":["health"],"kinds":["unauthorized_access"],"answers":{"gdpr_risk":"high_risk"}}`
	for _, c := range []struct{ extra, want string }{
		{"", "2026-05-08T10:00:00+02:00"},
		{`,"internal_target_hours":24`, "2026-05-06T10:00:00+02:00"},
	} {
		var out, errOut strings.Builder
		code := cli.Run([]string{"assess", "--facts", "-", "--now", "2026-05-05T12:00:00Z"}, strings.NewReader(strings.Replace(facts, "%s", c.extra, 1)), &out, &errOut, nil)
		if code != 0 {
			t.Fatalf("assess: %d %s", code, errOut.String())
		}
		var res struct {
			Obligations []struct {
				Rule           string
				Due            *string
				Standard       string
				InternalTarget *string `json:"internal_target"`
			}
		}
		if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, o := range res.Obligations {
			if o.Rule != "EU-GDPR-DS" {
				continue
			}
			found = true
			if o.Due != nil || o.Standard == "" || o.InternalTarget == nil || *o.InternalTarget != c.want {
				t.Errorf("facts %q: data subjects' notice due %v, standard %q, target %v; want no date, the law's words, target %s",
					c.extra, o.Due, o.Standard, o.InternalTarget, c.want)
			}
		}
		if !found {
			t.Fatalf("no EU-GDPR-DS in %s", out.String())
		}
	}
}
