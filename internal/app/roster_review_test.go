package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/db"
)

// A row flagged as repeating an earlier person is reviewed: declared a
// distinct person it is counted and can bring a law into play; confirmed it
// is left out again. Only writers decide, and every decision is audited.
func TestRosterDuplicateReview(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		po, viewer, outsider, b := rosterTenants(t, e)
		// Same e-mail twice: the second row, living in Germany, is flagged.
		file := "name,email,country\nAnn Lee,ann@example.com,CA\nAnn Lee,ANN@example.com,DE\n"
		var queued importView
		uploadRoster(t, e, po, b.ID, "people.csv", file).JSON(t, &queued)
		if v := waitImport(t, e, po, queued.ID); v.Status != "done" || v.Duplicates != 1 {
			t.Fatalf("import: %+v", v)
		}
		if gdprDuty(t, e, po, b.ID) {
			t.Fatal("a GDPR duty from a row flagged as a duplicate")
		}
		var page struct {
			People []struct {
				ID          int64
				Region      string
				DuplicateOf *int64 `json:"duplicate_of"`
			}
		}
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/people?review=1", b.ID), po, nil).JSON(t, &page)
		if len(page.People) != 1 || page.People[0].DuplicateOf == nil || page.People[0].Region != "DE" {
			t.Fatalf("rows awaiting review: %+v", page.People)
		}
		flagged, first := page.People[0].ID, *page.People[0].DuplicateOf
		path := fmt.Sprintf("/api/v1/people/%d/review", flagged)

		for _, tc := range []struct {
			tok  string
			body any
			want int
		}{
			{viewer, map[string]string{"decision": "distinct"}, http.StatusForbidden},
			{outsider, map[string]string{"decision": "distinct"}, http.StatusNotFound},
			{po, map[string]string{"decision": "maybe"}, http.StatusBadRequest},
			{po, map[string]string{"decision": "distinct", "reviewer": "x"}, http.StatusBadRequest},
			{po, map[string]string{"decision": "distinct", "note": strings.Repeat("n", 2001)}, http.StatusBadRequest},
		} {
			if res := e.Do("POST", path, tc.tok, tc.body); res.Status != tc.want {
				t.Errorf("%v: %d %s, want %d", tc.body, res.Status, res.Body, tc.want)
			}
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/people/%d/review", first), po, map[string]string{"decision": "distinct"}); res.Status != http.StatusConflict {
			t.Fatalf("reviewing a row never flagged: %d %s", res.Status, res.Body)
		}

		var out struct {
			Review string
			Counts struct {
				People, Duplicates int64
				AwaitingReview     int64 `json:"awaiting_review"`
				Regions            map[string]int64
			}
		}
		res := e.Do("POST", path, po, map[string]string{"decision": "distinct", "note": "Different birth dates on the forensic report"})
		if res.Status != http.StatusOK {
			t.Fatalf("distinct: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &out)
		if out.Review != "distinct" || out.Counts.People != 2 || out.Counts.Duplicates != 0 || out.Counts.AwaitingReview != 0 || out.Counts.Regions["DE"] != 1 {
			t.Fatalf("after distinct: %+v", out)
		}
		if !gdprDuty(t, e, po, b.ID) {
			t.Fatal("a person in Germany, now counted, did not bring the GDPR duty into consideration")
		}

		e.Do("POST", path, po, map[string]string{"decision": "confirmed"}).JSON(t, &out)
		if out.Review != "confirmed" || out.Counts.People != 1 || out.Counts.Duplicates != 1 || out.Counts.AwaitingReview != 0 {
			t.Fatalf("after confirmed: %+v", out)
		}
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/people?review=1", b.ID), po, nil).JSON(t, &page)
		if len(page.People) != 0 {
			t.Fatalf("reviewed rows still await review: %+v", page.People)
		}
		var audited int64
		err := e.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_log WHERE action = 'roster.review' AND object_type = 'person' AND object_id = ?", fmt.Sprint(flagged)).Scan(&audited).Error
		if err != nil || audited != 2 {
			t.Fatalf("%d review decisions audited, want 2 (%v)", audited, err)
		}
	})
}

// gdprDuty says whether the breach's obligations consider GDPR Art. 33.
func gdprDuty(t *testing.T, e *apptest.Env, tok string, breachID int64) bool {
	t.Helper()
	var list struct {
		Obligations []struct {
			RuleKey    string `json:"rule_key"`
			Considered bool
			Status     string
		}
	}
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", breachID), tok, nil).JSON(t, &list)
	for _, o := range list.Obligations {
		if o.RuleKey == "EU-GDPR-SA" && o.Status != "not_required" {
			return true
		}
	}
	return false
}

// postPageForm sends a URL-encoded page form with a session cookie and does
// not follow the redirect.
func postPageForm(t *testing.T, e *apptest.Env, s pageSession, path string, form url.Values) pageResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", e.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return sendPage(t, req, s.cookie)
}

const reviewRoster = "name,email,country\nAnn Lee,ann@example.com,CA\nAnn <script>x()</script> Lee,ANN@example.com,DE\n"

// importFlagged imports reviewRoster into a new breach of acme's and
// returns the breach id and the flagged row's id.
func importFlagged(t *testing.T, e *apptest.Env, po string, breachID int64) int64 {
	t.Helper()
	var queued importView
	uploadRoster(t, e, po, breachID, "people.csv", reviewRoster).JSON(t, &queued)
	if v := waitImport(t, e, po, queued.ID); v.Duplicates != 1 {
		t.Fatalf("import: %+v", v)
	}
	var flagged int64
	e.App.DB.Gorm.Raw("SELECT id FROM affected_people WHERE breach_id = ? AND review = 'duplicate'", breachID).Scan(&flagged)
	return flagged
}

// The review page shows a flagged row beside the person it repeats to those
// who may see personal data, and its buttons record the decision.
func TestRosterReviewPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		po, _, _, b := rosterTenants(t, e)
		flagged := importFlagged(t, e, po, b.ID)
		poS, viewerS, outsiderS := signedIn(t, e, "po@acme.example"), signedIn(t, e, "viewer@acme.example"), signedIn(t, e, "po@other.example")
		breachPage, reviewPath := fmt.Sprintf("/breaches/%d", b.ID), fmt.Sprintf("/breaches/%d/review", b.ID)

		mustContain(t, getPage(t, e, poS.cookie, breachPage).Body, "(1 awaiting review)", `href="`+reviewPath+`"`)
		if page := getPage(t, e, viewerS.cookie, breachPage); strings.Contains(page.Body, `href="`+reviewPath+`"`) {
			t.Fatal("a viewer, who may not see personal data, is offered the review")
		}
		if page := getPage(t, e, viewerS.cookie, reviewPath); page.Status != http.StatusForbidden {
			t.Fatalf("viewer's review page: %d", page.Status)
		}
		if page := getPage(t, e, outsiderS.cookie, reviewPath); page.Status != http.StatusNotFound {
			t.Fatalf("another organization's review page: %d", page.Status)
		}
		page := getPage(t, e, poS.cookie, reviewPath)
		mustContain(t, page.Body, "Ann &lt;script&gt;x()&lt;/script&gt; Lee", "ann@example.com", "ANN@example.com",
			fmt.Sprintf(`action="/people/%d/review"`, flagged))
		if strings.Contains(page.Body, "<script>x()") {
			t.Fatal("a name from the file is not escaped")
		}

		decide := url.Values{"decision": {"distinct"}, "note": {"Different birth dates"}}
		if res := postPageForm(t, e, poS, fmt.Sprintf("/people/%d/review", flagged), decide); res.Status != http.StatusForbidden {
			t.Fatalf("decision without the form's token: %d", res.Status)
		}
		decide.Set("csrf_token", viewerS.csrf)
		if res := postPageForm(t, e, viewerS, fmt.Sprintf("/people/%d/review", flagged), decide); res.Status != http.StatusForbidden {
			t.Fatalf("viewer's decision: %d", res.Status)
		}
		decide.Set("csrf_token", poS.csrf)
		res := postPageForm(t, e, poS, fmt.Sprintf("/people/%d/review", flagged), decide)
		if res.Status != http.StatusSeeOther || res.Location != reviewPath {
			t.Fatalf("decision: %d %q %s", res.Status, res.Location, res.Body)
		}
		mustContain(t, getPage(t, e, poS.cookie, reviewPath).Body, "No rows await review.")
		mustContain(t, getPage(t, e, poS.cookie, breachPage).Body, "<p>2 people.</p>")
	})
}

// In Chromium: from the breach page to the review, one click on "Different
// person", and the person is counted.
func TestBrowserRosterReview(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	po, _, _, b := rosterTenants(t, e)
	importFlagged(t, e, po, b.ID)
	ctx, problems := browserSignedIn(t, e, "po@acme.example")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/breaches/%d", e.HTTP.URL, b.ID))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/breaches/%d/review"]`, b.ID)))); err != nil {
		t.Fatalf("review link: %v", err)
	}
	screenshot(t, ctx, "review.png")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.decide button[value="distinct"]`))); err != nil {
		t.Fatalf("decide: %v", err)
	}
	empty, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.empty")))
	if err != nil || empty != "No rows await review." {
		t.Fatalf("after the decision: %q %v", empty, err)
	}
	var counts struct{ People int64 }
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/counts", b.ID), po, nil).JSON(t, &counts)
	if counts.People != 2 {
		t.Fatalf("people counted after 'different person': %d", counts.People)
	}
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("the browser reported problems: %q", p)
	}
}

// A later list that repeats an earlier one is settled in one decision;
// a row already decided on its own keeps its decision.
func TestRosterBulkReview(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		po, viewer, outsider, b := rosterTenants(t, e)
		first := "name,email,province\nAnn Lee,ann@example.com,ON\nBo Ng,bo@example.com,QC\nCy Oh,cy@example.com,BC\n"
		second := "name,email,province\nANN LEE,ANN@example.com,ON\nBo Ng,BO@example.com,QC\nCy Oh,CY@example.com,BC\nDi Wu,di@example.com,AB\n"
		var imp importView
		uploadRoster(t, e, po, b.ID, "first.csv", first).JSON(t, &imp)
		waitImport(t, e, po, imp.ID)
		uploadRoster(t, e, po, b.ID, "second.csv", second).JSON(t, &imp)
		if v := waitImport(t, e, po, imp.ID); v.Accepted != 4 || v.Duplicates != 3 {
			t.Fatalf("second import: %+v", v)
		}
		var one int64
		e.App.DB.Gorm.Raw("SELECT id FROM affected_people WHERE import_id = ? AND email = 'BO@example.com'", imp.ID).Scan(&one)
		if res := e.Do("POST", fmt.Sprintf("/api/v1/people/%d/review", one), po, map[string]string{"decision": "distinct"}); res.Status != http.StatusOK {
			t.Fatalf("one decision: %d %s", res.Status, res.Body)
		}

		path := fmt.Sprintf("/api/v1/imports/%d/review", imp.ID)
		confirm := map[string]string{"decision": "confirmed"}
		if res := e.Do("POST", path, viewer, confirm); res.Status != http.StatusForbidden {
			t.Fatalf("viewer: %d", res.Status)
		}
		if res := e.Do("POST", path, outsider, confirm); res.Status != http.StatusNotFound {
			t.Fatalf("outsider: %d", res.Status)
		}

		// From the review page: the import's form settles its two remaining rows.
		poS := signedIn(t, e, "po@acme.example")
		reviewPath := fmt.Sprintf("/breaches/%d/review", b.ID)
		mustContain(t, getPage(t, e, poS.cookie, reviewPath).Body, fmt.Sprintf(`action="/imports/%d/review"`, imp.ID), "second.csv")
		res := postPageForm(t, e, poS, fmt.Sprintf("/imports/%d/review", imp.ID), url.Values{"decision": {"confirmed"}, "csrf_token": {poS.csrf}})
		if res.Status != http.StatusSeeOther || res.Location != reviewPath {
			t.Fatalf("bulk decision from the page: %d %q %s", res.Status, res.Location, res.Body)
		}
		var counts struct {
			People, Duplicates int64
			AwaitingReview     int64 `json:"awaiting_review"`
		}
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/counts", b.ID), po, nil).JSON(t, &counts)
		// Three people, Di Wu, and Bo Ng's row declared distinct before.
		if counts.People != 5 || counts.Duplicates != 2 || counts.AwaitingReview != 0 {
			t.Fatalf("counts after the bulk decision: %+v", counts)
		}
		var kept string
		e.App.DB.Gorm.Raw("SELECT review FROM affected_people WHERE id = ?", one).Scan(&kept)
		if kept != "distinct" {
			t.Fatalf("the row decided on its own became %q", kept)
		}
		if res := e.Do("POST", path, po, confirm); res.Status != http.StatusConflict {
			t.Fatalf("nothing left to decide: %d %s", res.Status, res.Body)
		}
	})
}
