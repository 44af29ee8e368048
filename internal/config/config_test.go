package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.DataDir != "./breachline-data" || cfg.UsesPostgres() {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if cfg.OutboxDir() != filepath.Join("breachline-data", "outbox") {
		t.Fatalf("outbox %q", cfg.OutboxDir())
	}
}

func TestPrecedenceFileThenEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "b.yaml")
	os.WriteFile(file, []byte("listen: 0.0.0.0:9000\ndata_dir: /srv/b\nworkers: 4\nshutdown_timeout: 5s\n"), 0o600)
	cfg, err := Load(file, []string{"BREACHLINE_WORKERS=7", "OTHER=1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "0.0.0.0:9000" || cfg.DataDir != "/srv/b" || cfg.Workers != 7 || cfg.ShutdownTimeout != 5*time.Second {
		t.Fatalf("precedence wrong: %+v", cfg)
	}
}

func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "db")
	os.WriteFile(f, []byte("postgres://u:p@db/breachline\n"), 0o600)
	key := filepath.Join(dir, "key")
	os.WriteFile(key, []byte(strings.Repeat("k", 64)+"\n"), 0o600)
	auditKey := filepath.Join(dir, "audit")
	os.WriteFile(auditKey, []byte(strings.Repeat("a", 64)+"\n"), 0o600)
	cfg, err := Load("", []string{"BREACHLINE_DATABASE_URL_FILE=" + f, "BREACHLINE_SECRET_KEY_FILE=" + key, "BREACHLINE_AUDIT_KEY_FILE=" + auditKey})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "postgres://u:p@db/breachline" || cfg.SecretKey != strings.Repeat("k", 64) || cfg.AuditKey != strings.Repeat("a", 64) {
		t.Fatalf("got %q", cfg.DatabaseURL)
	}
	// The audit key too is required with PostgreSQL, and is not the secret.
	for _, env := range [][]string{
		{"BREACHLINE_DATABASE_URL_FILE=" + f, "BREACHLINE_SECRET_KEY_FILE=" + key},
		{"BREACHLINE_DATABASE_URL_FILE=" + f, "BREACHLINE_SECRET_KEY_FILE=" + key, "BREACHLINE_AUDIT_KEY_FILE=" + key},
	} {
		if _, err := Load("", env); err == nil || !strings.Contains(err.Error(), "BREACHLINE_AUDIT_KEY") || strings.Contains(err.Error(), "kkkk") {
			t.Errorf("audit key: %v", err)
		}
	}
	// With PostgreSQL every process must share the secret: none is refused.
	_, err = Load("", []string{"BREACHLINE_DATABASE_URL_FILE=" + f})
	if err == nil || !strings.Contains(err.Error(), "BREACHLINE_SECRET_KEY") || strings.Contains(err.Error(), "u:p@") {
		t.Fatalf("PostgreSQL without a secret key: %v", err)
	}
	_, err = Load("", []string{"BREACHLINE_DATABASE_URL_FILE=" + f, "BREACHLINE_DATABASE_URL=postgres://x"})
	if err == nil || !strings.Contains(err.Error(), "BREACHLINE_DATABASE_URL") {
		t.Fatalf("both set: %v", err)
	}
}

func TestInvalidNamesTheSetting(t *testing.T) {
	cases := map[string]string{
		"BREACHLINE_LISTEN=nonsense":            "BREACHLINE_LISTEN",
		"BREACHLINE_DATABASE_URL=mysql://x":     "BREACHLINE_DATABASE_URL",
		"BREACHLINE_BASE_URL=ftp://x":           "BREACHLINE_BASE_URL",
		"BREACHLINE_SMTP_URL=http://u:pw@h":     "BREACHLINE_SMTP_URL",
		"BREACHLINE_WORKERS=many":               "BREACHLINE_WORKERS",
		"BREACHLINE_SHUTDOWN_TIMEOUT=soon":      "BREACHLINE_SHUTDOWN_TIMEOUT",
		"BREACHLINE_LOG_LEVEL=loud":             "BREACHLINE_LOG_LEVEL",
		"BREACHLINE_DATABASE_URL_FILE=/nope/no": "BREACHLINE_DATABASE_URL_FILE",
		"BREACHLINE_NOTICE_LEASE=1h":            "BREACHLINE_NOTICE_LEASE",
	}
	for env, want := range cases {
		_, err := Load("", []string{env})
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != want {
			t.Errorf("%s: got %v, want an error naming %s", env, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: error leaks the secret: %v", env, err)
		}
	}
}

func TestUnknownFileKeyRejected(t *testing.T) {
	f := filepath.Join(t.TempDir(), "b.yaml")
	os.WriteFile(f, []byte("listne: 1\n"), 0o600)
	if _, err := Load(f, nil); err == nil || !strings.Contains(err.Error(), "listne") {
		t.Fatalf("want unknown-key error, got %v", err)
	}
	empty := filepath.Join(t.TempDir(), "e.yaml")
	os.WriteFile(empty, nil, 0o600)
	if _, err := Load(empty, nil); err != nil {
		t.Fatalf("empty file: %v", err)
	}
}

func TestReminderLeads(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.ReminderLeads) != 3 || cfg.ReminderLeads[0] != 72*time.Hour || cfg.ReminderLeads[2] != 4*time.Hour {
		t.Fatalf("default leads %v", cfg.ReminderLeads)
	}
	cfg, err = Load("", []string{"BREACHLINE_REMINDER_LEADS= 48h, 90m "})
	if err != nil || len(cfg.ReminderLeads) != 2 || cfg.ReminderLeads[1] != 90*time.Minute {
		t.Fatalf("env leads %v %v", cfg.ReminderLeads, err)
	}
	file := filepath.Join(t.TempDir(), "b.yaml")
	os.WriteFile(file, []byte("reminder_leads: [168h, 2h]\n"), 0o600)
	cfg, err = Load(file, nil)
	if err != nil || len(cfg.ReminderLeads) != 2 || cfg.ReminderLeads[0] != 168*time.Hour {
		t.Fatalf("file leads %v %v", cfg.ReminderLeads, err)
	}
	if cfg, err = Load("", []string{"BREACHLINE_REMINDER_LEADS="}); err != nil || len(cfg.ReminderLeads) != 0 {
		t.Fatalf("empty turns leads off: %v %v", cfg.ReminderLeads, err)
	}
	for _, bad := range []string{"soon", "24h,24h", "30s", "721h", "-4h"} {
		_, err := Load("", []string{"BREACHLINE_REMINDER_LEADS=" + bad})
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != "BREACHLINE_REMINDER_LEADS" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestClosuresFromEnvAndValidation(t *testing.T) {
	cfg, err := Load("", []string{"BREACHLINE_CLOSURES=US-SEC-EDGAR:2026-12-24:Executive order closure; CA-ON-LEGISLATION:2026-07-02:Storm"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Closure{{"US-SEC-EDGAR", "2026-12-24", "Executive order closure"}, {"CA-ON-LEGISLATION", "2026-07-02", "Storm"}}
	if len(cfg.Closures) != 2 || cfg.Closures[0] != want[0] || cfg.Closures[1] != want[1] {
		t.Fatalf("closures: %+v", cfg.Closures)
	}
	_, err = Load("", []string{"BREACHLINE_CLOSURES=US-SEC-EDGAR:24/12/2026:x"})
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "closures[0].date" {
		t.Fatalf("bad date: %v", err)
	}
}

func TestRosterLimits(t *testing.T) {
	cfg, err := Load("", []string{"BREACHLINE_ROSTER_MAX_CELL_BYTES=65536", "BREACHLINE_ROSTER_MAX_COLUMNS=200",
		"BREACHLINE_ROSTER_MAX_ROW_BYTES=2097152", "BREACHLINE_ROSTER_MAX_XLSX_EXPANDED_BYTES=1073741824", "BREACHLINE_ROSTER_MAX_XLSX_RATIO=250"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RosterMaxCellBytes != 65536 || cfg.RosterMaxColumns != 200 || cfg.RosterMaxRowBytes != 2<<20 ||
		cfg.RosterMaxXLSXExpandedBytes != 1<<30 || cfg.RosterMaxXLSXRatio != 250 {
		t.Fatalf("roster limits %+v", cfg)
	}
	for env, setting := range map[string]string{
		"BREACHLINE_ROSTER_MAX_CELL_BYTES=100":                   "BREACHLINE_ROSTER_MAX_CELL_BYTES",
		"BREACHLINE_ROSTER_MAX_CELL_BYTES=lots":                  "BREACHLINE_ROSTER_MAX_CELL_BYTES",
		"BREACHLINE_ROSTER_MAX_CELL_BYTES=4194304":               "BREACHLINE_ROSTER_MAX_CELL_BYTES",
		"BREACHLINE_ROSTER_MAX_COLUMNS=50000":                    "BREACHLINE_ROSTER_MAX_COLUMNS",
		"BREACHLINE_ROSTER_MAX_ROW_BYTES=0":                      "BREACHLINE_ROSTER_MAX_ROW_BYTES",
		"BREACHLINE_ROSTER_MAX_XLSX_EXPANDED_BYTES=107374182400": "BREACHLINE_ROSTER_MAX_XLSX_EXPANDED_BYTES",
		"BREACHLINE_ROSTER_MAX_XLSX_RATIO=1":                     "BREACHLINE_ROSTER_MAX_XLSX_RATIO",
	} {
		_, err := Load("", []string{env})
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != setting {
			t.Errorf("%s: got %v, want an error naming %s", env, err, setting)
		}
	}
}
