package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/obligation"
)

// adminBrowserEnv is an installation with something on every
// administration page: members, a pending invitation and a closure.
func adminBrowserEnv(t *testing.T) *apptest.Env {
	t.Helper()
	e := apptest.New(t, db.SQLite)
	acme := e.Org("acme")
	e.User(apptest.OperatorEmail, acme, auth.RoleAdmin)
	e.User("viewer@acme.example", acme, auth.RoleViewer)
	e.User("a.very.long.address.for.a.narrow.screen@acme.example", acme, auth.RolePrivacyOfficer)
	ctx := context.Background()
	admin := principalOf(t, e, apptest.OperatorEmail)
	if _, err := e.App.Auth.AddMember(ctx, admin, "", acme.ID, auth.MemberInput{Email: "invited@acme.example", Role: auth.RoleLegal}); err != nil {
		t.Fatal(err)
	}
	in := obligation.ClosureInput{Date: "2026-12-29", Name: "Ice storm"}
	if _, _, err := e.App.Obligations.AddClosure(ctx, breach.Call{P: admin}, "CA-ON-LEGISLATION", in); err != nil {
		t.Fatal(err)
	}
	e.App.Auth.Wait()
	return e
}

func principalOf(t *testing.T, e *apptest.Env, email string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := e.App.Auth.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Auth.Principal(ctx, u, "cli", 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserAdminPages checks every administration page and the rule
// catalogue in Chromium, in English and French, at phone and desktop
// widths, for an administrator and for a viewer: no sideways scrolling,
// no axe-core violation, nothing reported by the browser (the CSP holds),
// and the viewer is offered no administration control.
func TestBrowserAdminPages(t *testing.T) {
	browsertest.Require(t)
	e := adminBrowserEnv(t)
	// A few pages per browser: each tab's context lasts a minute, and the
	// machine running the suite may be busy.
	adminGroups := [][]string{{"/admin/members", "/admin/organization", refusedSettings}, {"/admin/calendars?calendar=CA-ON-LEGISLATION"}, {"/rules", "/rules/ON-PHIPA-IND"}}
	viewerGroups := [][]string{{"/admin/organization", "/admin/calendars"}, {"/rules", "/rules/US-NY/individuals"}}
	for _, run := range []struct {
		email, who string
		groups     [][]string
	}{
		{apptest.OperatorEmail, "admin", adminGroups},
		{"viewer@acme.example", "viewer", viewerGroups},
	} {
		for _, lang := range []string{"en", "fr"} {
			for _, width := range []int64{browsertest.Phone, browsertest.Desktop} {
				name := run.who + "-" + lang + "-" + map[int64]string{browsertest.Phone: "phone", browsertest.Desktop: "desktop"}[width]
				for i, paths := range run.groups {
					t.Run(name+"-"+strconv.Itoa(i+1), func(t *testing.T) {
						checkAdminPages(t, e, run.email, lang, width, name, paths)
					})
				}
			}
		}
	}
}

// refusedSettings stands for the settings page after a refused save.
const refusedSettings = "refused settings"

// refusedForms check a page after a refused form, by the name that stands
// for it among the paths of checkAdminPages.
var refusedForms = map[string]func(t *testing.T, ctx context.Context, e *apptest.Env, name string){
	refusedSettings: checkRefusedSettings,
	refusedNewOrg:   checkRefusedNewOrg,
	refusedRename:   checkRefusedRename,
}

// checkAdminPages signs the user in, in their language, and checks each
// page at one width.
func checkAdminPages(t *testing.T, e *apptest.Env, email, lang string, width int64, name string, paths []string) {
	if _, err := e.App.Auth.SetLanguage(context.Background(), principalOf(t, e, email), "", lang); err != nil {
		t.Fatal(err)
	}
	ctx, problems := browserSignedIn(t, e, email)
	browsertest.Width(t, ctx, width)
	for _, path := range paths {
		if refused, ok := refusedForms[path]; ok {
			refused(t, ctx, e, name)
			continue
		}
		label := "admin" + strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(path) + "-" + name
		if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+path)); err != nil {
			t.Fatal(err)
		}
		pageLang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		if pageLang != lang {
			t.Fatalf("%s: lang %q", label, pageLang)
		}
		browsertest.Check(t, ctx, label)
		if p := problems.take(); len(p) > 0 {
			t.Fatalf("%s: the browser reported problems: %q", label, p)
		}
		if email != apptest.OperatorEmail {
			viewerSeesNoAdminControls(t, ctx, label)
		}
	}
}

// checkRefusedSettings sends the settings form with a zone that does not
// exist and checks the page that names the problem by its field.
func checkRefusedSettings(t *testing.T, ctx context.Context, e *apptest.Env, name string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/admin/organization"), chromedp.SetValue(chromedp.ID("time_zone"), "Mars/Olympus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("time_zone"))); err != nil {
		t.Fatal(err)
	}
	invalid, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("time_zone").getAttribute("aria-invalid") || ""`))
	if invalid != "true" {
		t.Fatalf("%s: the refused zone is not marked", name)
	}
	browsertest.Check(t, ctx, "admin_organization-refused-"+name)
}

// viewerSeesNoAdminControls fails when a viewer's page offers a form that
// changes administration data, or the Administration link.
func viewerSeesNoAdminControls(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action^="/admin/"], a[href="/admin/members"]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%s: the viewer is offered %d administration controls", label, n)
	}
}
