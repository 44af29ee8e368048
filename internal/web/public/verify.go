package public

import (
	"math"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
)

// maxTyped bounds what the code field may hold; longer input is treated
// like any other input that is not a code.
const maxTyped = 64

// verifyData is the verify page: the form, and after a lookup its result.
type verifyData struct {
	frame
	// Typed pre-fills the form (from a link in a notice).
	Typed string
	// Chosen is the language the visitor chose (?lang=), kept by the form;
	// without a choice a genuine notice's page is in the notice's language.
	Chosen string
	// Checked: a lookup was made; Result is its answer.
	Checked bool
	Result  *result
}

// result is a genuine code's notice as the page repeats it.
type result struct {
	Withdrawn    bool
	Organization string
	NoticeDate   time.Time
	Initials     string
	// TextLang is the language of the texts below when it is not the
	// page's (the campaign gave none in the page's language).
	TextLang     string
	WhatHappened string
	WhatToDo     string
	Contact      string
	Categories   string
	IncidentHref string
}

// verifyForm shows the form, pre-filled from ?code= or /verify/<code> (a
// link in a notice). It looks nothing up: a link followed by a mail
// scanner counts against no one.
func (p *site) verifyForm(c *gin.Context) {
	l := locale(c)
	typed := c.Query("code")
	if v := c.Param("code"); v != "" {
		typed = v
	}
	if utf8.RuneCountInString(typed) > maxTyped {
		typed = ""
	}
	d := verifyData{frame: newFrame(l, "public.verify.title", "/verify", nil), Typed: typed, Chosen: i18n.Normalize(c.Query("lang"))}
	d.NoIndex = typed != ""
	if typed != "" {
		// The code is in this page's address: no referrer may carry it on.
		c.Header("Referrer-Policy", "no-referrer")
	}
	p.render(c, l, http.StatusOK, "verify", d)
}

// verify looks a code up, within the rate limits. Unknown and malformed
// codes get the same page, byte for byte, after the same work.
func (p *site) verify(c *gin.Context) {
	l := locale(c)
	ctx := c.Request.Context()
	dec := p.d.Limit.Allow(c.ClientIP())
	if !dec.Allowed {
		p.limited(c, l, dec.RetryAfter)
		return
	}
	typed := c.PostForm("code")
	if utf8.RuneCountInString(typed) > maxTyped {
		typed = ""
	}
	v, err := p.d.Notices.Verify(ctx, typed)
	if err != nil {
		p.fail(c, l, err)
		return
	}
	chosen := i18n.Normalize(c.PostForm("lang"))
	if v.Genuine && chosen == "" && i18n.Supported(v.Language) {
		l = i18n.For(v.Language)
	}
	d := verifyData{frame: newFrame(l, "public.verify.title", "/verify", nil), Checked: true, Chosen: chosen}
	d.NoIndex = true
	if v.Genuine {
		if d.Result, err = p.result(c, l, &v); err != nil {
			p.fail(c, l, err)
			return
		}
	}
	c.Header("Referrer-Policy", "no-referrer")
	p.render(c, l, http.StatusOK, "verify", d)
}

// result is what the page shows of a genuine code: the texts in the
// page's language, else in the notice's.
func (p *site) result(c *gin.Context, l *i18n.Locale, v *notice.Verification) (*result, error) {
	r := &result{Withdrawn: v.Withdrawn, Organization: v.Organization, NoticeDate: v.NoticeDate, Initials: v.Initials}
	if v.Withdrawn {
		return r, nil
	}
	t := v.Texts[l.Lang()]
	if t.WhatHappened == "" && v.Language != l.Lang() {
		if other, ok := v.Texts[v.Language]; ok && other.WhatHappened != "" {
			t, r.TextLang = other, v.Language
		}
	}
	r.WhatHappened, r.WhatToDo, r.Contact, r.Categories = t.WhatHappened, t.WhatToDo, t.Contact, t.Categories
	slug, err := p.d.Incidents.PublishedSlug(c.Request.Context(), v.BreachID)
	if err != nil {
		return nil, err
	}
	if slug != "" {
		r.IncidentHref = "/incidents/" + slug + "?lang=" + l.Lang()
	}
	return r, nil
}

// limitedData is the "try again later" page.
type limitedData struct {
	frame
	Minutes int
}

// limited answers a lookup past a limit: 429 with Retry-After.
func (p *site) limited(c *gin.Context, l *i18n.Locale, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	c.Header("Retry-After", strconv.Itoa(secs))
	d := limitedData{frame: newFrame(l, "public.limited.title", "/verify", nil), Minutes: max(1, (secs+59)/60)}
	d.NoIndex = true
	p.render(c, l, http.StatusTooManyRequests, "limited", d)
}
