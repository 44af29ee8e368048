package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
)

// signInAs signs a user in through the sign-in form of an open browser.
func signInAs(t *testing.T, ctx context.Context, n *noticeEnv, email string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+"/signin"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
}

// signOut ends the browser's session with the header's button.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".signout button"))); err != nil {
		t.Fatal(err)
	}
}

// follow clicks what sel names and waits for the page it loads.
func follow(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("%s (%s): %v", what, sel, err)
	}
}

// sampleFrameLoaded waits for the first sample notice's frame to load the
// sample's page. Chromium runs a sandboxed frame in a process of its own,
// as a target of its own: a frame the page's policy refused would show an
// error page there instead (and the console listener would report it).
func sampleFrameLoaded(t *testing.T, ctx context.Context) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		targets, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range targets {
			if ti.Type == "iframe" && strings.Contains(ti.URL, "/samples/") && strings.HasPrefix(ti.URL, "http") {
				return true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

// bothWidths takes the page's screenshots at a desktop and a phone width,
// checking that at the phone's the page itself does not scroll sideways
// (its tables may, in their own box).
func bothWidths(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []int64{1366, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
		if err != nil || wide {
			over, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".table-scroll")).slice(0, 5).map(e => e.tagName + "." + e.className).join(", ")`))
			t.Errorf("%s at %d px scrolls sideways (%v): %s", name, w, err, over)
		}
		screenshot(t, ctx, fmt.Sprintf("%s-%d.png", name, w))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
}

// shots takes a page's screenshots at both widths, without judging its
// layout (a page the notices only add to).
func shots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []int64{1366, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, fmt.Sprintf("%s-%d.png", name, w))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserNoticeCampaign: in Chromium, a privacy officer goes from the
// breach page to its notices, counts and creates a campaign for the people
// with an e-mail address, writes its texts; legal signs in and approves
// the version reviewed; the privacy officer sends it with the keyboard to
// an in-process SMTP server, and the page's progress reaches 100% through
// its script without reloading; the ledger shows each person's state. The
// pages pass under the Content-Security-Policy without complaint and fit a
// phone's width.
func TestBrowserNoticeCampaign(t *testing.T) {
	n := newNoticeEnvWith(t, db.SQLite, func(c *config.Config) { c.NoticePerSecond = 2 })
	ctx, problems := browserSignedIn(t, n.Env, "po@acme.example")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/breaches/%d", n.HTTP.URL, n.breach))); err != nil {
		t.Fatal(err)
	}
	shots(t, ctx, "breach-notices")
	follow(t, ctx, "notices link", fmt.Sprintf(`#notices-h ~ p a[href="/breaches/%d/campaigns"]`, n.breach))

	// Count the people with an e-mail address, then create the campaign.
	duty := n.obligationID(t, "CA-PIPEDA-IND")
	err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("c-name"), "First notice"),
		chromedp.SetValue(chromedp.ID("c-duty"), strconv.FormatInt(duty, 10)),
		chromedp.Click(chromedp.CSS(`input[name="channel"][value="email"]`)))
	if err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, "count", `button[value="count"]`)
	size, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".audience-size strong")))
	if size != "This audience: 8 people" {
		t.Fatalf("audience: %q", size)
	}
	bothWidths(t, ctx, "notice-campaigns")
	follow(t, ctx, "create", `button[value="create"]`)

	// The texts, typed in the form (the French ones are needed: one person
	// reads French).
	for lang, fields := range campaignContent() {
		for k, v := range fields {
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("content-"+lang+"-"+k), v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("content-en-remediation"), "Two years of free credit monitoring.")); err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, "save", `#texts form button[type="submit"]`)
	flash, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice-msg.flash")))
	if flash != "The texts are saved." {
		t.Fatalf("after saving: %q", flash)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	path := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], n.HTTP.URL)
	bothWidths(t, ctx, "notice-campaign-draft")

	// Legal signs in and approves what the review shows.
	signOut(t, ctx)
	signInAs(t, ctx, n, "legal@acme.example")
	if err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+path)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(".check-ok") !== null && document.querySelectorAll("iframe.sample-html").length > 0`)); !ok {
		t.Fatal("legal does not see a ready review with samples")
	}
	// The first sample's HTML shows in its sandboxed frame.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("iframe.sample-html").scrollIntoView()`)); err != nil {
		t.Fatal(err)
	}
	if !sampleFrameLoaded(t, ctx) {
		t.Fatal("the sample's frame did not load the sample")
	}
	bothWidths(t, ctx, "notice-campaign-review")
	follow(t, ctx, "approve", `form[action$="/approve"] button`)
	flash, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice-msg.flash")))
	if !strings.HasPrefix(flash, "Approved.") {
		t.Fatalf("after approving: %q", flash)
	}
	signOut(t, ctx)

	// The privacy officer sends it with the keyboard; the workers send.
	signInAs(t, ctx, n, "po@acme.example")
	if err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+path)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`form[action$="/send"] button`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatalf("send with Enter: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.stillTheSamePage = true`)); err != nil {
		t.Fatal(err)
	}
	startWorkers(t, n.Env)
	seen := map[string]bool{}
	deadline := time.Now().Add(40 * time.Second)
	for {
		pct, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-progress-url]").getAttribute("data-percent")`))
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-progress-url]").getAttribute("data-status")`))
		seen[pct] = true
		if pct == "100" && status == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress stuck at %s%% (seen %v)", pct, seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
	same, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stillTheSamePage === true`))
	sent, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-count="sent"]`)))
	summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-summary]`)))
	bar, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector("progress.campaign").value`))
	if !same || sent != "8" || bar != 100 || summary != "8 of 8 notices have reached a final state (100%). Campaign: completed." {
		t.Fatalf("after the script's refresh: same page %v, sent %q, bar %d, summary %q (percentages seen %v)", same, sent, bar, summary, seen)
	}
	badge, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-campaign-status]`)))
	stale, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-stale]").hidden || !document.querySelector('#actions form[action$="/pause"]').hidden`))
	if badge != "completed" || stale {
		t.Errorf("the page's status says %q; the note to refresh is hidden or the pause form shown: %v", badge, stale)
	}
	if len(seen) < 2 {
		t.Errorf("the progress never moved on the page: %v", seen)
	}
	bothWidths(t, ctx, "notice-campaign-sent")

	// The deadlines page shows the campaign beside its duty; the campaign
	// records the duty done.
	if err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+"/deadlines")); err != nil {
		t.Fatal(err)
	}
	line, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.deadlines .campaign-lines li`)))
	if !strings.Contains(line, "First notice") || !strings.Contains(line, "8 of 8 done (100%)") {
		t.Errorf("the deadlines page shows %q beside the duty", line)
	}
	shots(t, ctx, "deadlines-campaign")
	if err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+path)); err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, "obligation done", `form[action$="/obligation-done"] button`)
	flash, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice-msg.flash")))
	if !strings.HasPrefix(flash, "The obligation is recorded as done") {
		t.Fatalf("after recording the obligation: %q", flash)
	}

	// The ledger: each person's state.
	follow(t, ctx, "deliveries", `#progress a[href$="/deliveries"]`)
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("tr[data-delivery]")).map(r => r.querySelector("th").firstChild.textContent + "=" + r.querySelector("[data-state]").getAttribute("data-state"))`))
	if len(rows) != 8 {
		t.Fatalf("the ledger lists %d people: %q", len(rows), rows)
	}
	for _, r := range rows {
		if !strings.HasSuffix(r, "=sent") {
			t.Errorf("ledger row %q", r)
		}
	}
	for _, name := range []string{"Ann Lee", "Chloé Roy", "Ivy Small", "<script>alert(1)</script>"} {
		if !strings.Contains(strings.Join(rows, "|"), name+"=") {
			t.Errorf("the ledger does not list %q: %q", name, rows)
		}
	}
	if got := len(noticesReceived(n.smtp)); got != 8 {
		t.Errorf("the server received %d notices", got)
	}
	bothWidths(t, ctx, "notice-deliveries")

	// The templates: the list, and a shipped one read-only.
	if err := chromedp.Do(ctx, chromedp.Navigate(n.HTTP.URL+"/notice-templates/acme")); err != nil {
		t.Fatal(err)
	}
	bothWidths(t, ctx, "notice-templates")
	follow(t, ctx, "a shipped template", `a[href="/notice-templates/acme/general/en"]`)
	bothWidths(t, ctx, "notice-template")
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("the browser reported problems: %q", p)
	}
}
