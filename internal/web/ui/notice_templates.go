package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// templatesData is the page of an organization's notice template sets.
type templatesData struct {
	layout
	Templates *templatesView
}

// templatesView lists the shipped sets (read-only; they may be copied) and
// the organization's own copies (editable, a language at a time).
type templatesView struct {
	OrgSlug, OrgName string
	CanWrite         bool
	Shipped, Copies  []setRow
	// Back returns to the campaigns page the user came from.
	Back    string
	Problem *pageProblem
	From    string
	Name    string
}

// setRow is one template set with a link per language.
type setRow struct {
	Key, Name, About, BasedOn string
	Regimes                   []string
	Languages                 []setLang
}

// setLang is one language of a set: its page, and its edit count.
type setLang struct {
	Lang, URL string
	Version   int
	Missing   bool
}

// templatesPage lists the organization's template sets.
func (u *pages) templatesPage(c *gin.Context) {
	u.showTemplates(c, http.StatusOK, nil)
}

func (u *pages) showTemplates(c *gin.Context, status int, problem *pageProblem) {
	ctx, p, l := c.Request.Context(), web.Principal(c), u.locale(c)
	org, err := u.orgBySlug(ctx, p, c.Param("org"))
	if err != nil {
		u.fail(c, err)
		return
	}
	sets, err := u.d.Notices.TemplateSets(ctx, p, org.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	v := &templatesView{OrgSlug: org.Slug, OrgName: org.Name, CanWrite: rightsIn(p, org.ID).Write, Problem: problem,
		From: c.PostForm("from"), Name: c.PostForm("name")}
	if b, err := strconv.ParseInt(c.Query("breach"), 10, 64); err == nil && b > 0 {
		v.Back = "/breaches/" + strconv.FormatInt(b, 10) + "/campaigns"
	}
	names := map[string]string{}
	for _, s := range sets {
		names[s.Key] = setName(l, s)
	}
	for _, s := range sets {
		row := setRow{Key: s.Key, Name: names[s.Key], About: s.About[l.Lang()], BasedOn: names[s.BasedOn], Regimes: s.Regimes}
		for _, lang := range notice.Languages {
			_, has := s.Parts[lang]
			if !has && s.Shipped {
				continue
			}
			row.Languages = append(row.Languages, setLang{Lang: lang, URL: templateURL(org.Slug, s.Key, lang),
				Version: s.Versions[lang], Missing: !has})
		}
		if s.Shipped {
			v.Shipped = append(v.Shipped, row)
		} else {
			v.Copies = append(v.Copies, row)
		}
	}
	title := l.T("notices.templates.title", "Org", org.Name)
	u.render(c, status, "notice_templates", templatesData{layout: u.signedIn(c, title, "breaches"), Templates: v})
}

// templateURL is the page of one language of a template set.
func templateURL(org, key, lang string) string {
	return "/notice-templates/" + url.PathEscape(org) + "/" + url.PathEscape(key) + "/" + lang
}

// copyTemplateSet makes the organization's editable copy of a set and
// opens it.
func (u *pages) copyTemplateSet(c *gin.Context) {
	if !u.formChecked(c) {
		return
	}
	ctx, call := c.Request.Context(), web.Call(c)
	org, err := u.orgBySlug(ctx, call.P, c.Param("org"))
	if err != nil {
		u.fail(c, err)
		return
	}
	set, err := u.d.Notices.CopyTemplateSet(ctx, call, org.ID, notice.CopyInput{From: c.PostForm("from"), Name: c.PostForm("name")})
	if err != nil {
		if !shownOnPage(err) {
			u.fail(c, err)
			return
		}
		u.showTemplates(c, web.Classify(err).Status, newPageProblem(u.locale(c), err))
		return
	}
	lang := u.locale(c).Lang()
	if _, ok := set.Parts[lang]; !ok {
		lang = set.Languages()[0]
	}
	c.Redirect(http.StatusSeeOther, templateURL(org.Slug, set.Key, lang)+"?done=copied")
}

// templateData is the page of one language of a template set.
type templateData struct {
	layout
	Template *templateView
}

// templateView is one language of a set: its four parts as a form (read
// only for a shipped set), the fields they may use, and the parse errors
// of a refused save.
type templateView struct {
	OrgSlug, Key, Lang, Name string
	Shipped, ReadOnly        bool
	Version                  int
	Parts                    notice.Parts
	Fields                   []fieldHelp
	Errors                   map[string]string
	Problem                  *pageProblem
	Flash                    string
	ListURL, SelfURL         string
}

// fieldHelp is a merge field and what it prints.
type fieldHelp struct {
	Name, Help string
	PerPerson  bool
}

// templatePage shows one language of a set.
func (u *pages) templatePage(c *gin.Context) {
	u.showTemplate(c, http.StatusOK, nil, nil)
}

// showTemplate renders a language of a set: sent parts (a refused save)
// replace the stored ones, with their errors.
func (u *pages) showTemplate(c *gin.Context, status int, sent *notice.Parts, problem *pageProblem) {
	ctx, p, l := c.Request.Context(), web.Principal(c), u.locale(c)
	org, err := u.orgBySlug(ctx, p, c.Param("org"))
	if err != nil {
		u.fail(c, err)
		return
	}
	sets, err := u.d.Notices.TemplateSets(ctx, p, org.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	key, lang := c.Param("key"), c.Param("lang")
	var set *notice.TemplateSet
	for i := range sets {
		if sets[i].Key == key {
			set = &sets[i]
		}
	}
	parts, has := notice.Parts{}, false
	if set != nil {
		parts, has = set.Parts[lang]
	}
	if set == nil || !knownNoticeLanguage(lang) || (set.Shipped && !has) {
		u.fail(c, errs.ErrNotFound)
		return
	}
	v := &templateView{OrgSlug: org.Slug, Key: key, Lang: lang, Name: setName(l, *set), Shipped: set.Shipped,
		ReadOnly: set.Shipped || !rightsIn(p, org.ID).Write, Version: set.Versions[lang], Parts: parts,
		Problem: problem, ListURL: "/notice-templates/" + url.PathEscape(org.Slug),
		SelfURL: templateURL(org.Slug, key, lang)}
	if sent != nil {
		v.Parts = *sent
	}
	if problem != nil {
		v.Errors = problem.Fields
	}
	if done := c.Query("done"); done != "" && l.Has("notices.done.template_"+done) {
		v.Flash = l.T("notices.done.template_" + done)
	}
	for _, f := range notice.Fields {
		v.Fields = append(v.Fields, fieldHelp{Name: f.Name, Help: l.T("notices.merge." + f.Name), PerPerson: f.PerPerson})
	}
	title := l.T("notices.template.title", "Name", v.Name, "Lang", l.Term("language", lang))
	u.render(c, status, "notice_template", templateData{layout: u.signedIn(c, title, "breaches"), Template: v})
}

func knownNoticeLanguage(lang string) bool {
	for _, l := range notice.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// saveTemplate saves one language of an organization's copy. A part that
// does not parse is shown with its error (part, line and column) and the
// text as sent, so nothing typed is lost.
func (u *pages) saveTemplate(c *gin.Context) {
	if !u.formChecked(c) {
		return
	}
	ctx, call := c.Request.Context(), web.Call(c)
	org, err := u.orgBySlug(ctx, call.P, c.Param("org"))
	if err != nil {
		u.fail(c, err)
		return
	}
	lf := func(k string) string { return strings.ReplaceAll(c.PostForm(k), "\r\n", "\n") }
	parts := notice.Parts{Subject: strings.TrimSpace(lf("subject")), Text: lf("text"), HTML: lf("html"), Letter: lf("letter")}
	key, lang := c.Param("key"), c.Param("lang")
	if _, err := u.d.Notices.UpdateTemplate(ctx, call, org.ID, key, lang, parts); err != nil {
		if !shownOnPage(err) {
			u.fail(c, err)
			return
		}
		u.showTemplate(c, web.Classify(err).Status, &parts, templateProblem(u.locale(c), err))
		return
	}
	c.Redirect(http.StatusSeeOther, templateURL(org.Slug, key, lang)+"?done=saved")
}

// templateProblem is a refused save: the parts at fault with the parser's
// words (part, line, column).
func templateProblem(l *i18n.Locale, err error) *pageProblem {
	pp := newPageProblem(l, err)
	if len(pp.Fields) > 0 {
		pp.Text = l.T("notices.template.invalid")
	}
	return pp
}
