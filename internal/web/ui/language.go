package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/web"
)

// langCookie remembers the language chosen in this browser, for the pages
// shown before signing in.
const langCookie = "breachline_lang"

// keyLocale caches the request's locale in the gin context.
const keyLocale = "ui.locale"

// locale is the language of the request's page: the user's own choice,
// else the one chosen in this browser, else the default of the user's
// organizations, else the browser's Accept-Language, else English.
func (u *pages) locale(c *gin.Context) *i18n.Locale {
	if v, ok := c.Get(keyLocale); ok {
		return v.(*i18n.Locale)
	}
	p, _ := u.caller(c)
	lang := ""
	if p != nil {
		lang = p.User.Language
	}
	if lang == "" {
		chosen, _ := c.Cookie(langCookie)
		lang = i18n.Normalize(chosen)
	}
	if lang == "" && p != nil {
		lang = u.orgLanguage(c.Request.Context(), p)
	}
	if lang == "" {
		lang = i18n.Match(c.GetHeader("Accept-Language"))
	}
	l := i18n.For(lang)
	c.Set(keyLocale, l)
	return l
}

// caller is the signed-in user of the request and their session's form
// token, if any, whether or not the page requires a session (sign-in,
// invitation and error pages do not). It is looked up once per request.
func (u *pages) caller(c *gin.Context) (*auth.Principal, string) {
	if v, ok := c.Get("principal"); ok {
		return v.(*auth.Principal), web.CSRF(c)
	}
	if v, ok := c.Get(keyCaller); ok {
		s := v.(sessionCaller)
		return s.p, s.csrf
	}
	var s sessionCaller
	if p, csrf, ok := u.s.SessionPrincipal(c); ok {
		s = sessionCaller{p, csrf}
	}
	c.Set(keyCaller, s)
	return s.p, s.csrf
}

// keyCaller caches the session of a page that does not require one.
const keyCaller = "ui.caller"

type sessionCaller struct {
	p    *auth.Principal
	csrf string
}

// orgLanguage is the default language of the first of the user's
// organizations (by name) that sets one, or "".
func (u *pages) orgLanguage(ctx context.Context, p *auth.Principal) string {
	orgs, err := u.d.Auth.Organizations(ctx, p)
	if err != nil {
		return ""
	}
	for _, o := range orgs {
		if o.DefaultLanguage != "" {
			return o.DefaultLanguage
		}
	}
	return ""
}

// setLanguage is the language switcher's form: it remembers the choice in
// the browser and, for a signed-in user, on their account (checking the
// session's form token), then returns to the page the form was on. Before
// sign-in it only sets a cookie of this browser, so it needs no token.
func (u *pages) setLanguage(c *gin.Context) {
	lang := i18n.Normalize(c.PostForm("lang"))
	if lang == "" {
		u.fail(c, &errs.Invalid{Message: "unknown language", Fields: map[string]string{"lang": "one of " + strings.Join(i18n.Languages, ", ")}})
		return
	}
	if p, csrf, ok := u.s.SessionPrincipal(c); ok {
		web.SetPrincipal(c, p, csrf)
		if !web.CSRFMatches(c.PostForm("csrf_token"), csrf) {
			u.fail(c, errs.ErrForbidden)
			return
		}
		if _, err := u.d.Auth.SetLanguage(c.Request.Context(), p, web.RequestID(c), lang); err != nil {
			u.fail(c, err)
			return
		}
	}
	u.s.SetCookie(c, langCookie, lang, 365*24*3600)
	dest := localTarget(c.PostForm("next"))
	if dest == "" {
		dest = "/"
	}
	c.Redirect(http.StatusSeeOther, dest)
}

// returnPath is the page the language switcher returns to: this page's
// path and query, when it is a page of this site.
func returnPath(u *url.URL) string {
	return localTarget(u.RequestURI())
}

// localTarget returns a path of this site with its query (re-encoded), or
// "" when raw names anything else.
func localTarget(raw string) string {
	t, err := url.Parse(raw)
	if err != nil || t.Scheme != "" || t.Host != "" || t.User != nil || localPath(t.Path) == "" {
		return ""
	}
	if q := t.Query().Encode(); q != "" {
		return t.Path + "?" + q
	}
	return t.Path
}

// statusTitle names an HTTP status for an error page.
func statusTitle(l *i18n.Locale, status int) string {
	key := "error.status." + strconv.Itoa(status)
	if l.Has(key) {
		return l.T(key)
	}
	return http.StatusText(status)
}

// problemText is what an error page says about a refused request. The
// services' messages are English; other languages show the catalogue's
// message for the kind of problem.
func problemText(l *i18n.Locale, p web.Problem) string {
	if l.Lang() == i18n.Default {
		return p.Message
	}
	if key := "error.code." + p.Code; l.Has(key) {
		return l.T(key)
	}
	return p.Message
}

// fieldMessages are the services' messages about a form's fields that the
// pages show, by the catalogue key that words them in each language.
var fieldMessages = map[string]string{
	"this is one of the most common passwords; choose another":                                                             "account.field.common",
	"too easy to guess: avoid repeated or sequential characters, common words with digits added, and your name or address": "account.field.guessable",
	"a current code from your authenticator app, or an unused recovery code":                                               "account.field.code",
	"the six digits your authenticator app shows now":                                                                      "account.field.six_digits",
	"not right":                        "account.field.not_right",
	"required, at most 100 characters": "account.field.name",
	"one of read, write, bounce":       "account.field.scope",
}

// fieldText translates the services' messages about a form's fields; one
// the catalogue does not know is shown as it is.
func fieldText(l *i18n.Locale, fields map[string]string) map[string]string {
	if len(fields) == 0 {
		return fields
	}
	out := make(map[string]string, len(fields))
	for f, msg := range fields {
		password := strings.Contains(f, "password")
		switch key, known := fieldMessages[msg]; {
		case known:
			msg = l.T(key)
		case password && strings.HasPrefix(msg, "at least"):
			msg = l.T("invitation.password_short", "Min", auth.MinPasswordLength)
		case password && strings.HasPrefix(msg, "at most"):
			msg = l.T("invitation.password_long")
		}
		out[f] = msg
	}
	return out
}
