package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
)

// publicBrowser walks the public pages in one Chromium tab at both widths
// and in both languages.
type publicBrowser struct {
	t        *testing.T
	v        *verifyEnv
	ctx      context.Context
	problems *consoleProblems
}

// each runs a page state at each width and in each language, in a
// browser of its own (each within the browser's time bound); the state
// loads its page (after the width is set) and the page is checked.
func (b *publicBrowser) each(name string, load func(lang string)) {
	b.t.Helper()
	b.fresh()
	for _, w := range []int64{browsertest.Phone, browsertest.Desktop} {
		browsertest.Width(b.t, b.ctx, w)
		for _, lang := range []string{"en", "fr"} {
			load(lang)
			got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
			if err != nil || got != lang {
				b.t.Fatalf("%s: the page is in %q (%v), want %s", name, got, err, lang)
			}
			browsertest.Check(b.t, b.ctx, fmt.Sprintf("public-%s-%s-%d", name, lang, w))
		}
	}
	for _, p := range b.problems.take() {
		if strings.Contains(p, "Content Security Policy") || strings.Contains(p, "Refused") || strings.HasPrefix(p, "exception") {
			b.t.Errorf("%s: %s", name, p)
		}
	}
}

// fresh starts a new browser tab, listening for console problems.
func (b *publicBrowser) fresh() {
	b.t.Helper()
	b.ctx, b.problems = browsertest.New(b.t), &consoleProblems{}
	if err := chromedp.Listen(b.ctx, b.problems.listen); err != nil {
		b.t.Fatal(err)
	}
}

// open loads a page.
func (b *publicBrowser) open(path string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.v.HTTP.URL+path)); err != nil {
		b.t.Fatalf("%s: %v", path, err)
	}
}

// check types a code into the form of the page in lang and submits it
// with the keyboard, as a visitor does.
func (b *publicBrowser) check(lang, code, want string) {
	b.t.Helper()
	b.open("/verify?lang=" + lang)
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.ID("code"), code)); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.SendKeys(chromedp.ID("code"), "\r")); err != nil {
		b.t.Fatalf("submit %q: %v", code, err)
	}
	heading, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector("h2") || document.querySelector("h1")).textContent`))
	if err != nil || !strings.Contains(heading, want) {
		b.t.Fatalf("code %q in %s: heading %q (%v), want %q", code, lang, heading, err, want)
	}
}

// newPublicBrowser opens Chromium on an application whose campaign was
// sent and whose breach has a published incident page.
func newPublicBrowser(t *testing.T, perClient int) (*publicBrowser, pageSession, string) {
	t.Helper()
	browsertest.Require(t)
	v := newVerifyEnv(t, db.SQLite, func(c *config.Config) { c.VerifyPerClient = perClient })
	b := &publicBrowser{t: t, v: v}
	base := fmt.Sprintf("/breaches/%d/incident", v.breach)
	po := signedIn(t, v.Env, "po@acme.example")
	seeOther(t, "draft", postPage(t, v.noticeEnv, po, base, incidentForm("acme-list", "A server exposed our mailing list.")), base)
	seeOther(t, "publish", postPage(t, v.noticeEnv, po, base+"/publish", url.Values{"version": {"1"}}), base)
	return b, po, base
}

// TestBrowserVerifyPages: in Chromium, every state of the verify page (the
// form, a genuine code typed with typos and submitted with the keyboard, a
// code that is not genuine, too many tries) in English and French, at a
// phone's and a desktop's width: no sideways scrolling, no axe-core WCAG
// 2.1 AA violation, nothing refused by the Content-Security-Policy.
func TestBrowserVerifyPages(t *testing.T) {
	t.Parallel()
	b, _, _ := newPublicBrowser(t, 8)
	v := b.v
	words := map[string][3]string{"en": {"This notice is real", "We cannot find this code", "Please try again later"},
		"fr": {"Cet avis est authentique", "Nous ne trouvons pas ce code", "Veuillez réessayer plus tard"}}
	b.each("verify-form", func(lang string) { b.open("/verify?lang=" + lang) })
	b.each("verify-genuine", func(lang string) { b.check(lang, typo(v.code("P01")), words[lang][0]) })
	b.each("verify-not-genuine", func(lang string) { b.check(lang, "ABCD-EFGH-JKMNP", words[lang][1]) })
	limited := false
	for i := 0; i < 20 && !limited; i++ {
		limited = v.lookup(t, "ABCD-EFGH-JKMNP", nil).Status == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("twenty lookups past a limit of eight were answered")
	}
	b.each("verify-limited", func(lang string) { b.check(lang, v.code("P01"), words[lang][2]) })
}

// TestBrowserIncidentPages: the same checks of the incident page, with a
// dated update, and withdrawn, in both languages and at both widths.
func TestBrowserIncidentPages(t *testing.T) {
	t.Parallel()
	b, po, base := newPublicBrowser(t, 8)
	b.each("incident", func(lang string) { b.open("/incidents/acme-list?lang=" + lang) })
	seeOther(t, "update", postPage(t, b.v.noticeEnv, po, base+"/updates", url.Values{"update_en": {"We have written to everyone."},
		"update_fr": {"Nous avons écrit à tout le monde."}}), base)
	b.each("incident-update", func(lang string) { b.open("/incidents/acme-list?lang=" + lang) })
	seeOther(t, "withdraw", postPage(t, b.v.noticeEnv, po, base+"/withdraw", nil), base)
	b.each("incident-withdrawn", func(lang string) { b.open("/incidents/acme-list?lang=" + lang) })
}

// TestBrowserIncidentManagement: the privacy office's incident page for a
// privacy officer (with its forms) and a viewer (without), and the
// preview, at both widths.
func TestBrowserIncidentManagement(t *testing.T) {
	t.Parallel()
	b, _, base := newPublicBrowser(t, 8)
	for _, who := range []string{"po@acme.example", "viewer@acme.example"} {
		b.fresh()
		signInAs(t, b.ctx, b.v.noticeEnv, who)
		for _, w := range []int64{browsertest.Phone, browsertest.Desktop} {
			browsertest.Width(t, b.ctx, w)
			b.open(base)
			browsertest.Check(t, b.ctx, fmt.Sprintf("incident-manage-%s-%d", strings.Split(who, "@")[0], w))
			b.open(base + "/preview?lang=fr")
			browsertest.Check(t, b.ctx, fmt.Sprintf("incident-preview-%s-%d", strings.Split(who, "@")[0], w))
		}
	}
}
