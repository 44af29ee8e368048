package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// TestBrowserAccountPages walks the new pages in Chromium: sign-in,
// the account page, the two-step set-up page, a token shown once, and,
// signed out, the forgot-password page; each runs under the CSP without
// complaint and passes the accessibility audit.
func TestBrowserAccountPages(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	ctx, problems := browserSignedIn(t, e, "po@acme.example")
	check := func(page string) {
		t.Helper()
		time.Sleep(100 * time.Millisecond) // console events arrive asynchronously
		if p := problems.take(); len(p) > 0 {
			t.Fatalf("%s: the browser reported problems: %q", page, p)
		}
		browsertest.Axe(t, ctx, page)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/account"]`))); err != nil {
		t.Fatalf("account link: %v", err)
	}
	check("account")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/account/two-step"] button`))); err != nil {
		t.Fatal(err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("code.secret")))
	if err != nil || secret == "" {
		t.Fatalf("set-up page shows no key: %v", err)
	}
	loaded, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("img.qr").naturalWidth > 0`))
	if !loaded {
		t.Fatal("the QR code did not load under the CSP")
	}
	check("two-step set-up")
	err = chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/account"), chromedp.SendKeys(chromedp.ID("token_name"), "reporting"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("token_name"))); err != nil {
		t.Fatal(err)
	}
	token, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("new-token")))
	if err != nil || !strings.HasPrefix(token, auth.TokenPrefix) {
		t.Fatalf("new token not shown: %q %v", token, err)
	}
	check("account with a new token")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".signout button"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="/password/forgot"]`))); err != nil {
		t.Fatalf("forgot link on the sign-in page: %v", err)
	}
	check("forgot password")
}
