package ui

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// questionnaireView is the questionnaire of a breach: the questions of
// the rules in play grouped by jurisdiction, unanswered first, then the
// content filings print.
type questionnaireView struct {
	layout
	Breach   breach.Breach
	Groups   []questionGroup
	Content  questionGroup
	Gaps     int
	CanWrite bool
	Done     string
	Problem  *formError
	// Posted are the values of a refused answer form.
	Posted map[string]string
}

// questionGroup is the questions of one jurisdiction's rules.
type questionGroup struct {
	Name      string
	Questions []questionRow
}

// questionRow is one question with the duties it decides and its answer.
type questionRow struct {
	rules.Question
	Duties     []dutyRef
	Answer     *breach.Answer
	AnsweredBy string
	AnsweredAt *instant
	// Value is what the form shows: the answer, or what was posted.
	Value     string
	Rationale string
}

// dutyRef names an obligation a question decides, linking to its page.
type dutyRef struct {
	ID        int64
	Key       string
	Recipient string
}

func (u *pages) questionnairePage(c *gin.Context) {
	u.showQuestionnaire(c, http.StatusOK, nil)
}

// showQuestionnaire renders the questionnaire; edit, when set, changes the
// view (a refused answer).
func (u *pages) showQuestionnaire(c *gin.Context, status int, edit func(*questionnaireView)) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	list, err := u.obligations(ctx, l, p, b.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, zone := zoneOf(org.TimeZone)
	answers := make(map[string]*breach.Answer, len(b.Answers))
	for i := range b.Answers {
		answers[b.Answers[i].QuestionID] = &b.Answers[i]
	}
	fill := func(q rules.Question, duties []dutyRef) questionRow {
		row := questionRow{Question: q, Duties: duties, Answer: answers[q.ID]}
		if a := row.Answer; a != nil {
			row.Value, row.Rationale = boolWord(q, a.Value), a.Rationale
			shown := *a
			shown.Value = row.Value
			row.Answer = &shown
			row.AnsweredBy = u.memberName(ctx, b.OrganizationID, a.AnsweredBy)
			row.AnsweredAt = newInstant(a.AnsweredAt, loc, zone)
		}
		return row
	}
	v := &questionnaireView{layout: u.signedIn(c, l.T("questions.page_title", "Reference", b.Reference), "breaches"), Breach: b,
		CanWrite: p.Require(b.OrganizationID, auth.Write) == nil, Done: doneMessage(l, c)}
	cat := u.catalogue(l)
	for _, g := range questionsInPlay(cat, list.Obligations) {
		group := questionGroup{Name: cat.Vocabulary.RegionName(g.jurisdiction)}
		for _, id := range g.ids {
			if q, ok := cat.Vocabulary.Question(id); ok {
				group.Questions = append(group.Questions, fill(q, g.duties[id]))
			}
		}
		v.Groups = append(v.Groups, unansweredFirst(group))
	}
	for _, q := range cat.Vocabulary.ContentQuestions {
		v.Content.Questions = append(v.Content.Questions, fill(q, nil))
	}
	v.Content = unansweredFirst(v.Content)
	v.Gaps = len(list.Missing)
	if edit != nil {
		edit(v)
	}
	u.render(c, status, "questionnaire", v)
}

// boolWord writes a yes-or-no answer given as "yes" or "TRUE" (the API
// accepts both) as the form's "true" or "false", so the page words it in
// its language and checks the right choice.
func boolWord(q rules.Question, v string) string {
	if q.Type != "bool" {
		return v
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes":
		return "true"
	case "false", "no":
		return "false"
	}
	return v
}

// unansweredFirst puts the gaps first, keeping the catalogue's order.
func unansweredFirst(g questionGroup) questionGroup {
	sort.SliceStable(g.Questions, func(i, j int) bool {
		return g.Questions[i].Answer == nil && g.Questions[j].Answer != nil
	})
	return g
}

// jurisdictionQuestions are the questions of one jurisdiction's rules and
// the duties each decides.
type jurisdictionQuestions struct {
	jurisdiction string
	ids          []string
	duties       map[string][]dutyRef
}

// questionsInPlay gathers, for the obligations still considered, the
// questions of their rules (and any a duty is missing), by jurisdiction
// in the obligations' order.
func questionsInPlay(cat *rules.Catalogue, list []obligation.Obligation) []jurisdictionQuestions {
	var out []jurisdictionQuestions
	index := map[string]int{}
	for _, o := range list {
		if !o.Considered {
			continue
		}
		i, ok := index[o.Jurisdiction]
		if !ok {
			i = len(out)
			index[o.Jurisdiction] = i
			out = append(out, jurisdictionQuestions{jurisdiction: o.Jurisdiction, duties: map[string][]dutyRef{}})
		}
		g := &out[i]
		ref := dutyRef{ID: o.ID, Key: o.RuleKey, Recipient: o.Recipient.Name}
		for _, id := range ruleQuestions(cat, &o) {
			if _, seen := g.duties[id]; !seen {
				g.ids = append(g.ids, id)
			}
			g.duties[id] = append(g.duties[id], ref)
		}
	}
	return out
}

// ruleQuestions are the questions of an obligation's rule version and the
// answers it is missing.
func ruleQuestions(cat *rules.Catalogue, o *obligation.Obligation) []string {
	var ids []string
	versions := cat.Versions(o.RuleKey)
	for _, r := range versions {
		if r.Version == o.RuleVersion || (len(ids) == 0 && r == versions[len(versions)-1]) {
			ids = append(ids, r.Questions...)
		}
	}
	for _, m := range o.Missing {
		if _, ok := cat.Vocabulary.Question(m); ok && !contains(ids, m) {
			ids = append(ids, m)
		}
	}
	return ids
}

// answerQuestion records an answer and its rationale, then returns to the
// question.
func (u *pages) answerQuestion(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	q := c.Param("question")
	in := breach.AnswerInput{Value: c.PostForm("value"), Rationale: c.PostForm("rationale")}
	if _, err := u.breachW().SetAnswer(c.Request.Context(), web.Call(c), id, q, in); err != nil {
		u.failForm(c, err, func(status int) {
			u.showQuestionnaire(c, status, func(v *questionnaireView) {
				v.Problem = newFormError(u.locale(c), "q-"+q, err)
				v.Posted = map[string]string{"value": in.Value, "rationale": in.Rationale}
				for _, g := range append(v.Groups, v.Content) {
					for i := range g.Questions {
						if g.Questions[i].ID == q {
							g.Questions[i].Value, g.Questions[i].Rationale = in.Value, in.Rationale
						}
					}
				}
			})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "/questions?done=answered#q-"+q))
}
