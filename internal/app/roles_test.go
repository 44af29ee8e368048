package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestLeastPrivilegeRoles sets up PostgreSQL as the README says: an owner
// role migrates and runs deploy/postgres-roles.sql, the application runs
// as the other role. The application works, and cannot truncate the audit
// log, change or delete its rows or the obligations' history, or disable,
// drop or replace their triggers.
func TestLeastPrivilegeRoles(t *testing.T) {
	base := dbtest.PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1e9)
	owner, appRole, name := "bl_owner_"+suffix, "bl_app_"+suffix, "bl_roles_"+suffix
	for _, s := range []string{
		"CREATE ROLE " + owner + " LOGIN PASSWORD 'owner-pw'",
		"CREATE ROLE " + appRole + " LOGIN PASSWORD 'app-pw'",
		"CREATE DATABASE " + name + " OWNER " + owner,
	} {
		if _, err := admin.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	t.Cleanup(func() {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.ExecContext(ctx, "DROP ROLE IF EXISTS "+appRole)
		admin.ExecContext(ctx, "DROP ROLE IF EXISTS "+owner)
	})
	as := func(role, pw string) string {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.User, u.Path = url.UserPassword(role, pw), "/"+name
		return u.String()
	}
	od, err := db.Open(ctx, db.Options{URL: as(owner, "owner-pw")})
	if err != nil {
		t.Fatal(err)
	}
	defer od.Close()
	if err := od.Migrate(ctx); err != nil {
		t.Fatalf("migrate as the owner: %v", err)
	}
	_, here, _, _ := runtime.Caller(0)
	script, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "deploy", "postgres-roles.sql"))
	if err != nil {
		t.Fatal(err)
	}
	grants := strings.NewReplacer("breachline_owner", owner, "breachline_app", appRole).Replace(string(script))
	for i := 0; i < 2; i++ { // it may be run again
		if err := od.Gorm.Exec(grants).Error; err != nil {
			t.Fatalf("roles script as the owner: %v", err)
		}
	}

	ad, err := db.Open(ctx, db.Options{URL: as(appRole, "app-pw")})
	if err != nil {
		t.Fatal(err)
	}
	defer ad.Close()
	key, _ := audit.NewKey([]byte(dbtest.AuditKey))
	if err := audit.UseKey(ad.Gorm, key); err != nil {
		t.Fatal(err)
	}
	e := apptest.NewOn(t, ad)
	org := e.Org("acme")
	po := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	res := e.Do("POST", "/api/v1/breaches", po, map[string]any{"organization": "acme", "title": "Lost files", "kinds": []string{"loss"},
		"events": []map[string]string{{"kind": "discovered", "at": "2025-03-10T09:30:00-04:00", "zone": "America/Toronto"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach as the application role: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	if res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/documents", b.ID), po, map[string]any{"kind": "summary"}); res.Status != http.StatusCreated {
		t.Fatalf("document as the application role: %d %s", res.Status, res.Body)
	}
	od.Gorm.Exec(`INSERT INTO obligation_history (obligation_id, at, change) VALUES (1, now(), 'test')`)
	for _, s := range []string{
		"TRUNCATE audit_log",
		"DELETE FROM audit_log",
		"UPDATE audit_log SET details = '{}'",
		"ALTER TABLE audit_log DISABLE TRIGGER USER",
		"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
		"DROP TRIGGER audit_log_no_update ON audit_log",
		"CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
		"DELETE FROM obligation_history",
		"TRUNCATE obligation_history",
		"ALTER TABLE obligation_history DISABLE TRIGGER USER",
		"TRUNCATE breaches CASCADE",
		"CREATE TABLE public.shadow (id int)",
	} {
		if err := ad.Gorm.Exec(s).Error; err == nil {
			t.Errorf("the application role could: %s", s)
		} else {
			t.Logf("refused: %s: %v", s, err)
		}
	}
	rep, err := audit.Verify(ctx, ad.Gorm, nil, nil)
	if err != nil || !rep.OK() || rep.Entries() < 4 {
		t.Fatalf("verify as the application role: %v %+v", err, rep)
	}
	// The owner still can: that is why the application must not be it.
	if err := od.Gorm.Exec("ALTER TABLE audit_log DISABLE TRIGGER USER").Error; err != nil {
		t.Fatalf("owner: %v", err)
	}
}
