package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// reviewPageSize is how many flagged rows the review page shows at once.
const reviewPageSize = 25

// reviewData is the review page.
type reviewData struct {
	layout
	Review *reviewView
}

// reviewView is the review page's list.
type reviewView struct {
	BreachID    int64
	BreachRef   string
	BreachTitle string
	Pairs       []roster.ReviewPair
	Total       int64
	ByImport    []roster.ImportAwaiting
	// Offset of this page; Next is the next page's, zero when none.
	Offset, Next int
	// First and Last number the rows shown, from 1.
	First, Last int
}

// reviewPage shows a page of the rows awaiting review, each beside the
// person it repeats, with the two decisions.
func (u *pages) reviewPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	q, err := u.d.Roster.ReviewQueue(c.Request.Context(), p, web.RequestID(c), b.ID, reviewPageSize, offset)
	if err != nil {
		u.fail(c, err)
		return
	}
	v := &reviewView{BreachID: b.ID, BreachRef: b.Reference, BreachTitle: b.Title, Pairs: q.Pairs, Total: q.Total,
		ByImport: q.ByImport, Offset: offset, First: offset + 1, Last: offset + len(q.Pairs)}
	if int64(v.Last) < q.Total {
		v.Next = v.Last
	}
	u.render(c, http.StatusOK, "review", reviewData{layout: u.signedIn(c, u.locale(c).T("review.title", "Ref", b.Reference), "breaches"), Review: v})
}

// reviewDecision records the decision a review page's form sent about one
// row and goes back to the review page.
func (u *pages) reviewDecision(c *gin.Context) {
	u.reviewForm(c, func(ctx context.Context, p *auth.Principal, reqID string, id int64, d roster.ReviewDecision) (int64, error) {
		res, err := u.d.Roster.ReviewPerson(ctx, p, reqID, id, d)
		return res.Counts.BreachID, err
	})
}

// reviewImportDecision records one decision for all of an import's rows
// awaiting review and goes back to the review page.
func (u *pages) reviewImportDecision(c *gin.Context) {
	u.reviewForm(c, func(ctx context.Context, p *auth.Principal, reqID string, id int64, d roster.ReviewDecision) (int64, error) {
		res, err := u.d.Roster.ReviewImport(ctx, p, reqID, id, d)
		return res.Counts.BreachID, err
	})
}

// reviewForm checks a review form's token, passes its decision about the
// record :id names to record, and returns to the breach's review page.
func (u *pages) reviewForm(c *gin.Context, record func(context.Context, *auth.Principal, string, int64, roster.ReviewDecision) (int64, error)) {
	if !web.CSRFMatches(c.PostForm("csrf_token"), web.CSRF(c)) {
		u.fail(c, errs.ErrForbidden)
		return
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	d := roster.ReviewDecision{Decision: c.PostForm("decision"), Note: c.PostForm("note")}
	breachID, err := record(c.Request.Context(), web.Principal(c), web.RequestID(c), id, d)
	if err != nil {
		u.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/breaches/"+strconv.FormatInt(breachID, 10)+"/review")
}
