package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/notice"
)

// publicSecret is the installation secret of the public pages' tests, so
// that they can derive the codes the notices printed.
var publicSecret = strings.Repeat("7e", 32)

// verifyEnv is the notices' test application with a campaign sent (its
// deliveries exist, each with its code) and the keys that derive codes.
type verifyEnv struct {
	*noticeEnv
	campaign int64
	keys     notice.Keys
}

func newVerifyEnv(t *testing.T, dialect db.Dialect, set func(*config.Config)) *verifyEnv {
	t.Helper()
	n := newNoticeEnvWith(t, dialect, func(c *config.Config) {
		c.SecretKey = publicSecret
		if set != nil {
			set(c)
		}
	})
	keys, err := notice.NewKeys([]byte(publicSecret))
	if err != nil {
		t.Fatal(err)
	}
	id := n.createCampaign(t)
	n.approve(t, id)
	if res := n.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), n.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	n.runUntil(t, "sending", func() bool {
		p := n.progress(t, id)
		return p.Total == 10 && p.ByStatus[notice.Queued]+p.ByStatus[notice.Sending]+p.ByStatus[notice.Retry] == 0
	})
	return &verifyEnv{noticeEnv: n, campaign: id, keys: keys}
}

// code is the reference code printed on a person's notice.
func (v *verifyEnv) code(person string) string { return v.keys.Code(v.campaign, v.people[person]) }

// lookup posts the verify form as a browser does.
func (v *verifyEnv) lookup(t *testing.T, code string, header map[string]string) pageResponse {
	t.Helper()
	return postVerify(t, v.HTTP.URL, code, header)
}

func postVerify(t *testing.T, base, code string, header map[string]string) pageResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/verify", strings.NewReader(url.Values{"code": {code}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, val := range header {
		req.Header.Set(k, val)
	}
	return sendPage(t, req, "")
}

func mustNotContain(t *testing.T, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page shows %q", b)
		}
	}
}

// typo writes a code the way a person might type it: lower case, spaces
// instead of dashes, and the look-alike letters O, I, L for 0 and 1.
func typo(code string) string {
	r := strings.NewReplacer("-", " ", "0", "o", "1", "l")
	return "  " + strings.ToLower(r.Replace(code)) + " "
}

// TestVerifyNotice: a genuine code (typed as printed, or with typos)
// confirms the notice with what it said and no more personal data than it
// gave; a French visitor reads it in French; an unknown code and input that
// is no code get the same plain answer; each lookup is counted for the
// campaign's page; a cancelled campaign's code says the notice was
// withdrawn.
func TestVerifyNotice(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); verifyNotice(t, d) })
	}
}

func verifyNotice(t *testing.T, dialect db.Dialect) {
	v := newVerifyEnv(t, dialect, nil)
	ann := v.code("P01")

	res := htmlPage(t, "genuine", v.lookup(t, ann, nil), http.StatusOK)
	mustContain(t, res.Body, "This notice is real", "Org acme", "A. L.", "A misconfigured server exposed our customer mailing list.",
		"Be careful with e-mails", "privacy@acme.example", `<meta name="robots" content="noindex, nofollow">`)
	mustNotContain(t, res.Body, "Ann Lee", "ann@example.org", "1 King St", "M5H 1A1", ann)

	// Case, spaces, dashes and look-alike letters do not matter.
	if !strings.ContainsAny(ann, "01") {
		t.Logf("code %s has no 0 or 1; look-alikes untested by it", ann)
	}
	res = htmlPage(t, "typed with typos", v.lookup(t, typo(ann), nil), http.StatusOK)
	mustContain(t, res.Body, "This notice is real", "A. L.")
	// U is not in the alphabet: a U where the code has a V is not read as one.
	if i := strings.IndexByte(ann, 'V'); i >= 0 {
		bad := ann[:i] + "U" + ann[i+1:]
		mustContain(t, v.lookup(t, bad, nil).Body, "We cannot find this code")
	}

	// The Québec resident's notice in French, for a French browser.
	chloe := v.code("P03")
	res = htmlPage(t, "French visitor", v.lookup(t, chloe, map[string]string{"Accept-Language": "fr-CA,fr;q=0.9"}), http.StatusOK)
	mustContain(t, res.Body, `<html lang="fr">`, "Cet avis est authentique", "C. R.", "Un serveur mal configuré a exposé notre liste d&#39;envoi.",
		"Méfiez-vous des courriels", `hreflang="en"`)
	mustNotContain(t, res.Body, "Chloé", "chloe@example.org", "Saint-Denis")
	// Without a choice, a genuine notice's page is in the notice's
	// language; a language chosen on the form is kept.
	mustContain(t, v.lookup(t, chloe, map[string]string{"Accept-Language": "en"}).Body, `<html lang="fr">`, "Cet avis est authentique")
	req, _ := http.NewRequest("POST", v.HTTP.URL+"/verify", strings.NewReader(url.Values{"code": {chloe}, "lang": {"en"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mustContain(t, sendPage(t, req, "").Body, `<html lang="en">`, "This notice is real")

	// Not genuine: a code of the right shape that names no notice, and
	// input that is no code at all.
	for _, typed := range []string{"ABCD-EFGH-JKMNP", "not a code", ""} {
		res = htmlPage(t, "not genuine "+typed, v.lookup(t, typed, nil), http.StatusOK)
		mustContain(t, res.Body, "We cannot find this code", "Canadian Anti-Fraud Centre")
		mustNotContain(t, res.Body, "Org acme")
	}

	counts, err := v.App.Notices.LookupCounts(context.Background(), principal(t, v.noticeEnv, "po@acme.example"), v.campaign)
	if err != nil {
		t.Fatal(err)
	}
	genuine := int64(5) // Ann twice, Chloé three times
	if counts.Genuine != genuine || counts.NotGenuine < 3 {
		t.Fatalf("lookup counts %+v, want %d genuine and at least 3 not", counts, genuine)
	}
	s := signedIn(t, v.Env, "viewer@acme.example")
	page := htmlPage(t, "campaign page", getPage(t, v.Env, s.cookie, fmt.Sprintf("/campaigns/%d", v.campaign)), http.StatusOK)
	mustContain(t, page.Body, fmt.Sprintf("Code checks: %d genuine for this campaign", genuine))

	// A cancelled campaign's code is real but withdrawn, said plainly.
	if res := v.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/cancel", v.campaign), v.po, nil); res.Status != 200 {
		t.Fatalf("cancel: %d %s", res.Status, res.Body)
	}
	res = htmlPage(t, "withdrawn", v.lookup(t, ann, nil), http.StatusOK)
	mustContain(t, res.Body, "This notice was withdrawn", "Org acme")
	mustNotContain(t, res.Body, "This notice is real", "A misconfigured server")
}

// TestVerifyRateLimit: past the limit per client the page says to try
// again later (429 with Retry-After, in the visitor's language), and once
// the window has passed lookups are answered again; ended windows are
// purged. (Two processes sharing the counts through the database:
// internal/ratelimit's TestCapAcrossInstances.)
func TestVerifyRateLimit(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); verifyRateLimit(t, d) })
	}
}

func verifyRateLimit(t *testing.T, dialect db.Dialect) {
	v := newVerifyEnv(t, dialect, func(c *config.Config) { c.VerifyPerClient, c.VerifyWindow = 3, time.Minute })
	now := time.Date(2026, 12, 1, 10, 0, 5, 0, time.UTC)
	v.App.VerifyLimit.SetClock(func() time.Time { return now })
	for i := 0; i < 3; i++ {
		htmlPage(t, fmt.Sprintf("lookup %d", i+1), v.lookup(t, "ABCD-EFGH-JKMNP", nil), http.StatusOK)
	}
	req, _ := http.NewRequest("POST", v.HTTP.URL+"/verify", strings.NewReader("code="+v.code("P01")+"&lang=fr"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{}
	raw, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.StatusCode != http.StatusTooManyRequests || raw.Header.Get("Retry-After") != "55" {
		t.Fatalf("fourth lookup: %d, Retry-After %q; want 429 after 55 s", raw.StatusCode, raw.Header.Get("Retry-After"))
	}
	res := htmlPage(t, "limited", v.lookup(t, v.code("P01"), map[string]string{"Accept-Language": "fr"}), http.StatusTooManyRequests)
	mustContain(t, res.Body, "Veuillez réessayer plus tard")
	mustNotContain(t, res.Body, "Cet avis est authentique")

	// The window passes: answered again.
	now = now.Add(time.Minute)
	res = htmlPage(t, "after the window", v.lookup(t, v.code("P01"), nil), http.StatusOK)
	mustContain(t, res.Body, "This notice is real")

	// Expired windows are purged: no client's hash outlives its window
	// by more than one.
	now = now.Add(3 * time.Minute)
	if err := v.App.VerifyLimit.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	var left int64
	v.App.DB.Gorm.Raw("SELECT count(*) FROM rate_windows").Scan(&left)
	if left != 0 {
		t.Fatalf("%d rate rows kept past their window", left)
	}
}

// TestVerifyGlobalLimit: the total limit refuses lookups from any client
// once reached (eight lookups allowed per window, spread over shards: a
// ninth finds a shard full).
func TestVerifyGlobalLimit(t *testing.T) {
	t.Parallel()
	v := newVerifyEnv(t, db.SQLite, func(c *config.Config) { c.VerifyPerClient, c.VerifyGlobal = 1000, 8 })
	limited := 0
	for i := 0; i < 9; i++ {
		if v.lookup(t, "ABCD-EFGH-JKMNP", nil).Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("nine lookups passed a total limit of eight")
	}
	if err := v.App.VerifyLimit.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	htmlPage(t, "after a reset", v.lookup(t, "ABCD-EFGH-JKMNP", nil), http.StatusOK)
}

// TestVerifyNoEnumeration: a code of the right shape that names nothing
// and input that is no code get the same status and the same page, byte
// for byte, in the same time band (they do the same work).
func TestVerifyNoEnumeration(t *testing.T) {
	t.Parallel()
	v := newVerifyEnv(t, db.SQLite, func(c *config.Config) { c.VerifyPerClient = 100000 })
	unknown := func(i int) string { return fmt.Sprintf("ABCD-EFGH-%05d", i) }
	malformed := func(i int) string { return fmt.Sprintf("no code %d", i) }
	first, second := v.lookup(t, unknown(0), nil), v.lookup(t, malformed(0), nil)
	if first.Status != second.Status || first.Body != second.Body {
		t.Fatalf("unknown and malformed differ: %d (%d bytes) and %d (%d bytes)", first.Status, len(first.Body), second.Status, len(second.Body))
	}
	var a, b []time.Duration
	for i := 1; i <= 40; i++ {
		for _, k := range []struct {
			code string
			into *[]time.Duration
		}{{unknown(i), &a}, {malformed(i), &b}} {
			start := time.Now()
			res := v.lookup(t, k.code, nil)
			*k.into = append(*k.into, time.Since(start))
			if res.Status != first.Status || len(res.Body) != len(first.Body) {
				t.Fatalf("%q: %d, %d bytes; want %d, %d", k.code, res.Status, len(res.Body), first.Status, len(first.Body))
			}
		}
	}
	ma, mb := median(a), median(b)
	lo, hi := min(ma, mb), max(ma, mb)
	if hi > 2*lo && hi-lo > 2*time.Millisecond {
		t.Fatalf("median time of unknown codes %v, of malformed input %v: not in one band", ma, mb)
	}
	t.Logf("median unknown %v, malformed %v", ma, mb)
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// TestVerifyLogMasksCodes: the request log never holds a reference code,
// whether it came in a link (?code=, /verify/<code>) or the form; it names
// the page with the code masked.
func TestVerifyLogMasksCodes(t *testing.T) {
	t.Parallel()
	v := newVerifyEnv(t, db.SQLite, nil)
	buf := &syncWriter{w: &bytes.Buffer{}}
	v.App.Log = slog.New(slog.NewJSONHandler(buf, nil))
	srv, err := v.App.Router()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	code := v.code("P01")
	plain, _ := notice.NormalizeCode(code)
	for _, path := range []string{"/verify?code=" + code, "/verify/" + code, "/verify?code=" + plain + "&lang=fr"} {
		res := sendPage(t, mustRequest(t, "GET", hs.URL+path), "")
		htmlPage(t, path, res, http.StatusOK)
	}
	htmlPage(t, "form", postVerify(t, hs.URL, code, nil), http.StatusOK)
	htmlPage(t, "form with typos", postVerify(t, hs.URL, typo(code), nil), http.StatusOK)
	log := buf.String()
	if !strings.Contains(log, `"target":"/verify/[masked]"`) || !strings.Contains(log, `/verify?code=%5Bmasked%5D`) {
		t.Fatalf("the log does not name the pages with the code masked:\n%s", log)
	}
	for _, form := range []string{code, plain, strings.ToLower(plain), strings.TrimSpace(typo(code))} {
		if strings.Contains(log, form) {
			t.Fatalf("the log holds the code %q:\n%s", form, log)
		}
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// syncWriter lets concurrent requests write one log.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// String is what was written so far.
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
