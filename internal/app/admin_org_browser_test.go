package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
)

// refusedNewOrg and refusedRename stand for the creation page after a
// refused slug and the rename page after a slug change not confirmed.
const (
	refusedNewOrg = "refused new organization"
	refusedRename = "refused rename"
)

// TestBrowserAdminOrganizationPages checks the pages that create an
// organization and change its name and slug in Chromium, in English and
// French, at phone and desktop widths, as they open and after a refused
// form: no sideways scrolling, no axe-core violation, nothing reported by
// the browser.
func TestBrowserAdminOrganizationPages(t *testing.T) {
	browsertest.Require(t)
	e := adminBrowserEnv(t)
	e.Org("beta") // a slug the creation form is refused
	groups := [][]string{{"/admin/organizations/new", refusedNewOrg}, {"/admin/organization/rename", refusedRename}}
	for _, lang := range []string{"en", "fr"} {
		for _, width := range []int64{browsertest.Phone, browsertest.Desktop} {
			name := "admin-" + lang + "-" + map[int64]string{browsertest.Phone: "phone", browsertest.Desktop: "desktop"}[width]
			for i, paths := range groups {
				t.Run(name+"-"+strconv.Itoa(i+1), func(t *testing.T) {
					checkAdminPages(t, e, apptest.OperatorEmail, lang, width, name, paths)
				})
			}
		}
	}
}

// checkRefusedNewOrg sends the creation form with another organization's
// slug and checks the page that names the problem by its field.
func checkRefusedNewOrg(t *testing.T, ctx context.Context, e *apptest.Env, name string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/admin/organizations/new"),
		chromedp.SetValue(chromedp.ID("name"), "Beta again"), chromedp.SetValue(chromedp.ID("slug"), "beta"))
	if err != nil {
		t.Fatal(err)
	}
	submitAndCheckRefused(t, ctx, "slug", "admin_organizations_new-refused-"+name)
}

// checkRefusedRename changes the slug without ticking the confirmation
// and checks the page that asks for it.
func checkRefusedRename(t *testing.T, ctx context.Context, e *apptest.Env, name string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/admin/organization/rename"), chromedp.SetValue(chromedp.ID("slug"), "acme-renamed"))
	if err != nil {
		t.Fatal(err)
	}
	submitAndCheckRefused(t, ctx, "confirm_slug", "admin_organization_rename-refused-"+name)
}

// submitAndCheckRefused submits the form of the field with id and checks
// that the answer marks that field, then the page.
func submitAndCheckRefused(t *testing.T, ctx context.Context, id, label string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("name"))); err != nil {
		t.Fatal(err)
	}
	invalid, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("`+id+`").getAttribute("aria-invalid") || ""`))
	if invalid != "true" {
		t.Fatalf("%s: the refused field %s is not marked", label, id)
	}
	browsertest.Check(t, ctx, label)
}
