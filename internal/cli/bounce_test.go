package cli_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/cli"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// runStdin runs the command line with stdin.
func (e *cliEnv) runStdin(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cli.Run(args, strings.NewReader(stdin), &out, &errOut, e.environ)
	return code, out.String(), errOut.String()
}

// The bounce command a relay's pipe transport runs: a report that matches
// no notice is recorded and accepted (exit 0); input that is no message is
// refused for good (65); an unreachable database asks the relay to keep
// the message and retry (75).
func TestBounceCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			e := newCLIEnv(t, dialect)
			report := "From: MAILER-DAEMON@relay.example\r\nTo: bounces@example.org\r\nSubject: Undelivered\r\n" +
				"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n" +
				"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n\r\n" +
				"Final-Recipient: rfc822; someone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
			code, out, errOut := e.runStdin(report, "bounce")
			if code != 0 || !strings.Contains(out, `"matched": false`) || !strings.Contains(out, `"kind": "hard"`) {
				t.Fatalf("unmatched report: %d %s %s", code, out, errOut)
			}
			if n := e.count("SELECT COUNT(*) FROM bounces WHERE delivery_id IS NULL AND kind = 'hard'"); n != 1 {
				t.Fatalf("%d unmatched reports recorded, want 1", n)
			}
			if code, _, errOut := e.runStdin("", "bounce"); code != 65 || !strings.Contains(errOut, "not an e-mail message") {
				t.Fatalf("empty input: %d %s", code, errOut)
			}
		})
	}
	e := &cliEnv{t: t, dir: t.TempDir()}
	e.environ = []string{"BREACHLINE_DATA_DIR=" + e.dir, "BREACHLINE_LOG_LEVEL=error", "BREACHLINE_SECRET_KEY=" + strings.Repeat("5e", 32),
		"BREACHLINE_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}
	if code, _, errOut := e.runStdin("From: a@example.org\r\n\r\nx\r\n", "bounce"); code != 75 {
		t.Fatalf("database unavailable: %d %s, want 75", code, errOut)
	}
}
