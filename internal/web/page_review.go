package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
)

// RosterReview lists the rows an import flagged as repeating an earlier
// person and records a reviewer's decision on one.
type RosterReview interface {
	ReviewQueue(ctx context.Context, p *auth.Principal, requestID string, breachID int64, limit, offset int) (roster.ReviewPage, error)
	ReviewPerson(ctx context.Context, p *auth.Principal, requestID string, personID int64, d roster.ReviewDecision) (roster.ReviewResult, error)
	ReviewImport(ctx context.Context, p *auth.Principal, requestID string, importID int64, d roster.ReviewDecision) (roster.BulkReviewResult, error)
}

// reviewPageSize is how many flagged rows the review page shows at once.
const reviewPageSize = 25

// reviewView is the review page.
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
func (s *Server) reviewPage(c *gin.Context) {
	p, b, ok := s.pageBreach(c)
	if !ok {
		return
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	q, err := s.deps.RosterReview.ReviewQueue(c.Request.Context(), p, requestID(c), b.ID, reviewPageSize, offset)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v := &reviewView{BreachID: b.ID, BreachRef: b.Reference, BreachTitle: b.Title, Pairs: q.Pairs, Total: q.Total,
		ByImport: q.ByImport, Offset: offset, First: offset + 1, Last: offset + len(q.Pairs)}
	if int64(v.Last) < q.Total {
		v.Next = v.Last
	}
	s.render(c, http.StatusOK, "review", pageData{Title: "Review duplicates · " + b.Reference, Nav: "breaches",
		User: &p.User, CSRF: c.GetString(keyCSRF), Review: v})
}

// reviewDecision records the decision a review page's form sent about one
// row and goes back to the review page.
func (s *Server) reviewDecision(c *gin.Context) {
	s.reviewForm(c, func(ctx context.Context, p *auth.Principal, reqID string, id int64, d roster.ReviewDecision) (int64, error) {
		res, err := s.deps.RosterReview.ReviewPerson(ctx, p, reqID, id, d)
		return res.Counts.BreachID, err
	})
}

// reviewImportDecision records one decision for all of an import's rows
// awaiting review and goes back to the review page.
func (s *Server) reviewImportDecision(c *gin.Context) {
	s.reviewForm(c, func(ctx context.Context, p *auth.Principal, reqID string, id int64, d roster.ReviewDecision) (int64, error) {
		res, err := s.deps.RosterReview.ReviewImport(ctx, p, reqID, id, d)
		return res.Counts.BreachID, err
	})
}

// reviewForm checks a review form's token, passes its decision about the
// record :id names to record, and returns to the breach's review page.
func (s *Server) reviewForm(c *gin.Context, record func(context.Context, *auth.Principal, string, int64, roster.ReviewDecision) (int64, error)) {
	if !csrfMatches(c.PostForm("csrf_token"), c.GetString(keyCSRF)) {
		s.pageFail(c, errs.ErrForbidden)
		return
	}
	id, err := ParamID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := roster.ReviewDecision{Decision: c.PostForm("decision"), Note: c.PostForm("note")}
	breachID, err := record(c.Request.Context(), principal(c), requestID(c), id, d)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/breaches/"+strconv.FormatInt(breachID, 10)+"/review")
}
