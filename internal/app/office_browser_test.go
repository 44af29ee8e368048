package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/db"
)

// TestBrowserOfficePages checks the deadlines, the calendar subscription,
// the roster, a person and the audit trail in Chromium for every role that
// may see each, at phone and desktop widths, in English and French: no
// sideways scrolling, no axe-core violation, no CSP complaint, a
// screenshot of each kept. On the deadlines page the UTC switch works by
// keyboard and a focused date shows its UTC form.
func TestBrowserOfficePages(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	o := newOfficeEnv(t, e)
	var pid int64
	e.App.DB.Gorm.Raw("SELECT MIN(id) FROM affected_people WHERE breach_id = ?", o.decided).Scan(&pid)
	people := fmt.Sprintf("/breaches/%d/people", o.decided)
	pages := map[string][]string{
		"po@acme.example":     {"/deadlines", "/deadlines/calendar", people, fmt.Sprintf("%s/%d", people, pid)},
		"legal@acme.example":  {"/deadlines", fmt.Sprintf("/breaches/%d/audit", o.decided)},
		"viewer@acme.example": {"/deadlines", "/deadlines/calendar"},
		"admin@acme.example":  {fmt.Sprintf("/breaches/%d/audit?action=breach.answer", o.decided)},
	}
	for who, paths := range pages {
		for _, lang := range []string{"en", "fr"} {
			o.App.DB.Gorm.Exec("UPDATE users SET language = ? WHERE email = ?", lang, who)
			for _, path := range paths {
				// A browser per page: each lives a minute at most, and a
				// busy machine makes a check take seconds.
				ctx, problems := browserSignedIn(t, e, who)
				for _, width := range []int64{browsertest.Phone, browsertest.Desktop} {
					label := fmt.Sprintf("office-%s-%s-%d-%s", strings.Split(who, "@")[0], lang, width, path)
					checkOfficePage(t, ctx, problems, e.HTTP.URL+path, lang, width, label)
				}
			}
		}
		o.App.DB.Gorm.Exec("UPDATE users SET language = 'en' WHERE email = ?", who)
	}
}

// TestBrowserOfficeDeadlinesByKeyboard: on the deadlines page a focused
// date shows its UTC form and the UTC switch works from the keyboard; the
// calendar address is made by keyboard and shown once.
func TestBrowserOfficeDeadlinesByKeyboard(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	newOfficeEnv(t, e)
	ctx, problems := browserSignedIn(t, e, "po@acme.example")
	checkUTCSwitch(t, ctx, e)
	checkCountdown(t, ctx, e, "en")
	e.App.DB.Gorm.Exec("UPDATE users SET language = 'fr' WHERE email = 'po@acme.example'")
	checkCountdown(t, ctx, e, "fr")
	e.App.DB.Gorm.Exec("UPDATE users SET language = 'en' WHERE email = 'po@acme.example'")
	checkCalendarShownOnce(t, ctx, e)
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("the browser reported problems: %q", p)
	}
}

// checkOfficePage loads a page at a width and checks it is in the
// language, fits, passes axe-core and runs without a browser complaint.
func checkOfficePage(t *testing.T, ctx context.Context, problems *consoleProblems, url, lang string, width int64, label string) {
	t.Helper()
	browsertest.Width(t, ctx, width)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
		t.Fatalf("%s: page in %q", label, got)
	}
	browsertest.Check(t, ctx, label)
	time.Sleep(50 * time.Millisecond) // console events arrive asynchronously
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("%s: the browser reported problems: %q", label, p)
	}
}

// checkUTCSwitch focuses a date (its UTC form shows), then presses the
// switch from the keyboard: every date turns to UTC, and back.
func checkUTCSwitch(t *testing.T, ctx context.Context, e *apptest.Env) {
	t.Helper()
	browsertest.Width(t, ctx, browsertest.Desktop)
	// Headless, the tab never has the window's focus unless emulated.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/deadlines")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("time.when"))); err != nil {
		t.Fatal(err)
	}
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement.parentNode.querySelector(".utc-tip")).display`))
	if shown == "none" || shown == "" {
		t.Fatalf("a focused date does not show its UTC form (%q)", shown)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("utc-toggle")), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	texts := `Array.from(document.querySelectorAll("time.when")).map(t => t.textContent).join("|")`
	utc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](texts))
	pressed, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("utc-toggle").getAttribute("aria-pressed")`))
	if pressed != "true" || strings.Count(utc, "UTC") != len(strings.Split(utc, "|")) {
		t.Fatalf("after the switch: pressed %q, dates %q", pressed, utc)
	}
	browsertest.Check(t, ctx, "office-po-en-deadlines-utc")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	local, _ := chromedp.Run(ctx, chromedp.Evaluate[string](texts))
	if strings.Contains(local, "UTC") {
		t.Fatalf("switched back, the dates still read %q", local)
	}
}

// checkCountdown checks that the script counting down the time left
// words it as the server does, in the page's language: the counts it
// writes on load match those of the page as served a moment before.
func checkCountdown(t *testing.T, ctx context.Context, e *apptest.Env, lang string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/deadlines")); err != nil {
		t.Fatal(err)
	}
	counted, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".left-text")).map(e => e.textContent).join("|")`))
	served, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/deadlines").then(r => r.text()).then(h =>
		Array.from(new DOMParser().parseFromString(h, "text/html").querySelectorAll(".left-text")).map(e => e.textContent).join("|"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if counted == "" || counted != served {
		t.Fatalf("%s: the countdown writes %q, the server %q", lang, counted, served)
	}
	if want := map[string]string{"en": " days ", "fr": " jours "}[lang]; !strings.Contains(counted, want) {
		t.Fatalf("%s: countdown %q is not in the page's language", lang, counted)
	}
}

// checkCalendarShownOnce makes a calendar address from the page by
// keyboard and checks the page that shows it once.
func checkCalendarShownOnce(t *testing.T, ctx context.Context, e *apptest.Env) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/deadlines/calendar"),
		chromedp.Focus(chromedp.CSS(`form[action="/deadlines/calendar"] button`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	url, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("feed-url").value`))
	if err != nil || !strings.Contains(url, "/calendar/") {
		t.Fatalf("the page shows no address: %q %v", url, err)
	}
	for _, width := range []int64{browsertest.Phone, browsertest.Desktop} {
		browsertest.Width(t, ctx, width)
		browsertest.Check(t, ctx, fmt.Sprintf("office-po-en-%d-calendar-shown", width))
	}
}
