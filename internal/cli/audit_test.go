package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestAuditVerifyCommand: a sound trail verifies (exit 0); a checkpoint is
// written and e-mailed; removing the newest entries is then reported by
// verify against the stored checkpoint and against a saved e-mail (exit
// 2), and not without a checkpoint.
func TestAuditVerifyCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			e := newCLIEnv(t, dialect)
			e.environ = append(e.environ, "BREACHLINE_OPERATORS=ops@example.org")
			for _, who := range []string{"a@city.example", "b@city.example"} {
				if code, _, errOut := e.runStdin("correct horse battery\n", "user", "add", "--email", who, "--organization", "city", "--role", "viewer"); code != 0 {
					t.Fatalf("user add: %d %s", code, errOut)
				}
			}
			code, out, errOut := e.run("audit", "verify")
			if code != 0 || !strings.Contains(out, "holds") || !strings.Contains(out, "no checkpoint compared") {
				t.Fatalf("verify: %d %s %s", code, out, errOut)
			}
			code, out, errOut = e.run("audit", "checkpoint")
			if code != 0 || !strings.Contains(out, "BEGIN BREACHLINE AUDIT CHECKPOINT") {
				t.Fatalf("checkpoint: %d %s %s", code, out, errOut)
			}
			mails, _ := filepath.Glob(filepath.Join(e.dir, "outbox", "*.eml"))
			if len(mails) != 1 {
				t.Fatalf("checkpoint e-mails: %v", mails)
			}
			if code, out, errOut = e.run("audit", "verify", "--organization", "city"); code != 0 || !strings.Contains(out, "its signature holds") {
				t.Fatalf("verify against the stored checkpoint: %d %s %s", code, out, errOut)
			}
			// The newest entry of the organization's chain goes.
			if dialect == db.Postgres {
				e.exec("ALTER TABLE audit_log DISABLE TRIGGER USER")
			} else {
				e.exec("DROP TRIGGER audit_log_no_delete")
			}
			e.exec("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log WHERE organization_id = (SELECT id FROM organizations WHERE slug = 'city'))")
			code, out, _ = e.run("audit", "verify")
			if code != 2 || !strings.Contains(out, "DOES NOT HOLD: truncated") {
				t.Fatalf("verify after removing the newest entry: %d %s", code, out)
			}
			if code, out, _ = e.run("audit", "verify", "--no-stored-checkpoint"); code != 0 {
				t.Fatalf("without a checkpoint the removal cannot be seen, yet: %d %s", code, out)
			}
			saved := filepath.Join(t.TempDir(), "checkpoint.eml")
			raw, err := os.ReadFile(mails[0])
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(saved, raw, 0o600)
			os.RemoveAll(filepath.Join(e.dir, "audit-checkpoints"))
			if code, out, _ = e.run("audit", "verify", "--checkpoint", saved); code != 2 || !strings.Contains(out, "truncated") {
				t.Fatalf("verify against the e-mailed checkpoint: %d %s", code, out)
			}
		})
	}
}

// TestPurgeCommand: a dry run on a database without people's contact data
// says so and removes nothing.
func TestPurgeCommand(t *testing.T) {
	e := newCLIEnv(t, db.SQLite)
	code, out, errOut := e.run("purge", "--dry-run")
	if code != 0 || !strings.Contains(out, "no breach holds contact data") || !strings.Contains(out, "dry run: nothing was removed") {
		t.Fatalf("purge --dry-run: %d %s %s", code, out, errOut)
	}
}
