package app_test

import (
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// TestBrowserSignInAndBreachList signs in through the real page in Chromium
// and checks that a hostile breach title is shown as text, not run.
func TestBrowserSignInAndBreachList(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	hostile := `<script>alert("x")</script> & <b>bold</b>`
	res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{"organization": "acme", "title": hostile})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}

	ctx := browsertest.New(t)
	var dialogs atomic.Int32
	// An unauthenticated visit lands on the sign-in page.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/breaches")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/signin") {
		t.Fatalf("not redirected to sign-in: %s", loc)
	}
	// A wrong password shows an error and no session.
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "po@acme.example"),
		chromedp.SendKeys(chromedp.ID("password"), "wrong password!"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".error")))
	if err != nil || !strings.Contains(msg, "do not match") {
		t.Fatalf("no sign-in error shown: %q %v", msg, err)
	}
	// The right password reaches the list.
	err = chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("password"), "correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.list tbody td:nth-child(2)")))
	if err != nil {
		t.Fatalf("breach list not shown: %v", err)
	}
	if title != hostile {
		t.Fatalf("title shown as %q, want the literal text %q", title, hostile)
	}
	injected, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.list b, table.list script").length`))
	if injected != 0 || dialogs.Load() != 0 {
		t.Fatalf("hostile title was interpreted: %d elements, %d dialogs", injected, dialogs.Load())
	}
	if dir := os.Getenv("BREACHLINE_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			os.WriteFile(dir+"/breaches.png", png, 0o644)
		}
	}
	// Signing out ends the session.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".signout button"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/breaches")); err != nil {
		t.Fatal(err)
	}
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/signin") {
		t.Fatalf("still signed in after sign-out: %s", loc)
	}
}
