package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// TestBrowserLanguageSwitcherByKeyboard: in Chromium, with the keyboard
// only, the header's switcher is reached with Tab and turns the sign-in
// page into French; signing in then keeps French, and the pages carry
// lang="fr".
func TestBrowserLanguageSwitcherByKeyboard(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	if res := e.Do("POST", "/api/v1/breaches", tok, map[string]any{"organization": "acme", "title": "Dossiers perdus"}); res.Status != 201 {
		t.Fatalf("breach: %d", res.Status)
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/signin")); err != nil {
		t.Fatal(err)
	}
	reached := false
	for range 10 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.closest("form.lang") ? document.activeElement.value : ""`))
		if lang == "fr" {
			reached = true
			break
		}
	}
	if !reached {
		t.Fatal("the language switcher is not reached with Tab")
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || h1 != "Connexion" {
		t.Fatalf("after switching: h1 %q %v", h1, err)
	}
	screenshot(t, ctx, "signin-fr.png")
	err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("email"), "po@acme.example"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	heading, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if lang != "fr" || heading != "Atteintes à la vie privée" {
		t.Fatalf("signed in: lang %q, h1 %q", lang, heading)
	}
	caption, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.list caption")))
	if !strings.Contains(caption, "1 atteinte") {
		t.Fatalf("caption %q", caption)
	}
	screenshot(t, ctx, "breaches-fr.png")
}
