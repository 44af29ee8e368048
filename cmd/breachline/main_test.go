package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/config"
)

// openApp opens the application the CLI commands of the test work on.
func openApp(t *testing.T) *app.App {
	t.Helper()
	cfg, err := config.Load("", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "breachline ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestInvalidConfigurationNamesTheSetting(t *testing.T) {
	t.Setenv("BREACHLINE_LISTEN", "not-an-address")
	code, _, errOut := runCLI(t, "migrate")
	if code == 0 || !strings.Contains(errOut, "BREACHLINE_LISTEN") {
		t.Fatalf("want a failure naming BREACHLINE_LISTEN, got %d %q", code, errOut)
	}
}

// TestUserAndTokenOnSQLite runs the first-admin path of the README against
// the embedded database: migrate, add a user with a password file, create a
// token.
func TestUserAndTokenOnSQLite(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BREACHLINE_DATA_DIR", dir)
	t.Setenv("BREACHLINE_LOG_LEVEL", "error")
	if code, out, errOut := runCLI(t, "migrate"); code != 0 || !strings.Contains(out, "sqlite") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "breachline.db")); err != nil {
		t.Fatalf("no SQLite file in the data dir: %v", err)
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long enough passphrase\n"), 0o600)
	code, out, errOut := runCLI(t, "user", "add", "--email", "Admin@Example.org", "--role", "admin", "--organization", "city-of-example", "--password-file", pw)
	if code != 0 || !strings.Contains(out, "admin@example.org is admin of city of example") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("short\n"), 0o600)
	if code, _, errOut := runCLI(t, "user", "add", "--email", "b@example.org", "--password-file", short); code == 0 || !strings.Contains(errOut, "password") {
		t.Fatalf("short password accepted: %d %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "token", "create", "--email", "admin@example.org", "--name", "ci")
	if code != 0 || !strings.HasPrefix(out, "blt_") || !strings.Contains(errOut, "only its hash is kept") {
		t.Fatalf("token create: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "token", "create", "--email", "nobody@example.org", "--name", "x"); code == 0 || !strings.Contains(errOut, "nobody@example.org") {
		t.Fatalf("token for unknown user: %d %q", code, errOut)
	}
	// Disabling revokes the token; enabling does not bring it back.
	token := strings.TrimSpace(out)
	if code, out, errOut := runCLI(t, "user", "disable", "--email", "admin@example.org"); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("user disable: %d %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "user", "enable", "--email", "admin@example.org"); code != 0 {
		t.Fatalf("user enable: %d", code)
	}
	a := openApp(t)
	if _, err := a.Auth.PrincipalFromToken(context.Background(), token); err == nil {
		t.Fatal("a token survived disabling its user")
	}
}
