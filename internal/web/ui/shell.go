package ui

import (
	"bytes"
	"html"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/web"
)

// renderFailed answers a request whose page template failed: the error
// page (500, with the request id), or, when the error page itself is what
// failed, a bare HTML page that needs no template. A browser never gets an
// empty answer or half a page.
func (u *pages) renderFailed(c *gin.Context, name string, err error) {
	web.LogFailure(c, http.StatusInternalServerError, err)
	l := u.locale(c)
	title, text := statusTitle(l, http.StatusInternalServerError), l.T("error.internal", "ID", web.RequestID(c))
	body := []byte("<!doctype html>\n<html lang=\"" + l.Lang() + "\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
		"<title>" + html.EscapeString(title) + " · Breachline</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\n" +
		"<body><main id=\"main\"><h1>" + html.EscapeString(title) + "</h1><p role=\"alert\">" + html.EscapeString(text) + "</p></main></body>\n</html>\n")
	if name != "error" {
		d := errorData{layout: u.base(c, title), Code: http.StatusInternalServerError, Error: text}
		var buf bytes.Buffer
		if u.byLang[l.Lang()]["error"].ExecuteTemplate(&buf, "layout", d) == nil {
			body = buf.Bytes()
		}
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusInternalServerError, "text/html; charset=utf-8", body)
	c.Abort()
}
