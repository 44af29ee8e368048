package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// A row flagged as repeating an earlier person is reviewed: declared a
// distinct person it is counted and can bring a law into play; confirmed it
// is left out again. Only writers decide, and every decision is audited.
func TestRosterDuplicateReview(t *testing.T) {
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
