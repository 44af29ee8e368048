package app_test

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// englishWords are words of the English pages that no French page may
// show outside what people typed and the English-only regulation
// catalogue (which the pages mark lang="en").
var englishWords = regexp.MustCompile(`(?:^|[^\p{L}])(the|and|of|to|is|are|was|were|by|with|for|from|this|that|not|yes|no|none|in|at|your|you|` +
	`Breach|Breaches|Deadlines?|Sign|Status|Required|Recipient|Rule|Due|Timeline|Facts|Reference|Organization|Kinds|Data|` +
	`Gaps|Affected|people|person|Region|Language|Channel|Roster|Imports?|Accepted|Rejected|Duplicates|Uploaded|` +
	`Generated|Filed|Download|pending|overdue|target|Internal|Why|hover|zone|Skip|Main|undetermined|verified|` +
	`regulator|rows?|Rows?|review|Review|Same|Different|Next|Not found|Back|Search|Filter|Any|Title|Opened|open|` +
	`done|queued|File|Event|When|recorded|Containment|Password|E-mail|Join|Accept|Worksheet|` +
	`Dates|Kind|day|month|year|minors?|duplicate|awaiting|flagged|stored|updated|kB|MB)(?:[^\p{L}]|$)`)

// english lists the English words of a text.
func english(text string) []string {
	var out []string
	for _, m := range englishWords.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// pageText is what a person reads on a page: its text and its labels
// (aria-label, title, alt, button values), leaving out code and any
// element marked as another language than the page's.
func pageText(t *testing.T, body string) (lang, text string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch {
				case a.Key == "lang" && n.Data == "html":
					lang = a.Val
				case a.Key == "lang" && a.Val != lang:
					return
				case a.Key == "aria-label" || a.Key == "title" || a.Key == "alt":
					b.WriteString(" " + a.Val + " ")
				}
			}
			switch n.Data {
			case "code", "script", "style":
				return
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(" " + n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return lang, b.String()
}

// assertFrench fails when a page is not marked French or shows English
// words once the data strings are taken out.
func assertFrench(t *testing.T, name string, res pageResponse, data ...string) {
	t.Helper()
	lang, text := pageText(t, res.Body)
	if lang != "fr" {
		t.Errorf("%s: <html lang=%q>, want fr", name, lang)
	}
	for _, d := range data {
		text = strings.ReplaceAll(text, d, " ")
	}
	if found := english(text); len(found) > 0 {
		t.Errorf("%s: English words on the French page: %q\n%s", name, found, strings.Join(strings.Fields(text), " "))
	}
}

// frenchBreach opens a breach with facts typed in French, a timeline event
// recorded in another zone, people in Germany (GDPR duties) and answers.
func frenchBreach(t *testing.T, o *obligationsEnv) int64 {
	t.Helper()
	res := o.Do("POST", "/api/v1/breaches", o.po, map[string]any{"organization": "acme", "title": "Boîte de dossiers perdue",
		"description": "Un messager a perdu une boîte de dossiers papier.", "cause": "Erreur de livraison.",
		"nature": []string{"confidentiality"}, "kinds": []string{"theft", "unauthorized_access"}, "data_categories": []string{"name", "health"},
		"events": []map[string]string{{"kind": "aware", "at": "2025-10-24T10:00:00-04:00", "zone": "Europe/Paris", "note": "Appel du messager"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	o.people(t, b.ID, "DE", 1234)
	return b.ID
}

// TestFrenchUserGetsFrenchPages: a user who chose French reads every page
// in French, with lang="fr", French dates and numbers, and no English word
// outside what people typed and the regulation catalogue.
func TestFrenchUserGetsFrenchPages(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	o := newObligationsEnv(t, e)
	id := frenchBreach(t, o)
	open := o.breach(t, "2025-10-24T10:00:00-04:00", "")
	startWorkers(t, e)
	up := uploadRoster(t, e, o.po, id, "liste.csv", "name,email,province\nJeanne Roy,jeanne@example.com,QC\nLuc Roy,luc@example.com,ON\nMauvaise ligne,pas-un-courriel,ON\n")
	var imp importView
	up.JSON(t, &imp)
	if v := waitImport(t, e, o.po, imp.ID); v.Status != "done" {
		t.Fatalf("import: %+v", v)
	}
	insertFlaggedPerson(t, e, id)
	generate(t, e, o.po, id, map[string]any{"kind": "summary"}, http.StatusCreated)

	res := e.Do("PATCH", "/api/v1/me", o.po, map[string]string{"language": "fr"})
	var me struct{ User auth.User }
	res.JSON(t, &me)
	if res.Status != http.StatusOK || me.User.Language != "fr" {
		t.Fatalf("PATCH /me: %d %s", res.Status, res.Body)
	}
	if res := e.Do("PATCH", "/api/v1/me", o.po, map[string]string{"language": "de"}); res.Status != http.StatusBadRequest {
		t.Fatalf("unknown language: %d %s", res.Status, res.Body)
	}
	cookie := signedIn(t, e, "po@acme.example").cookie
	// What people typed, file names and addresses, and the titles of the
	// documents (written in the document's language) are data.
	data := []string{"Boîte de dossiers perdue", "Exposed bucket", "Org acme", "po@acme.example", "liste.csv",
		"Ann Lee", "ann@example.com", "Breach summary", "Person 0"}
	pages := map[string]string{
		"breaches": "/breaches", "breach": fmt.Sprintf("/breaches/%d", id), "undetermined": fmt.Sprintf("/breaches/%d", open),
		"deadlines": "/deadlines", "import": fmt.Sprintf("/imports/%d", imp.ID), "review": fmt.Sprintf("/breaches/%d/review", id),
		"not found": "/no/such/page", "another's breach": "/breaches/999999",
	}
	for name, path := range pages {
		res := getPage(t, e, cookie, path)
		if !strings.HasPrefix(res.Type, "text/html") {
			t.Fatalf("%s: %d %s", name, res.Status, res.Type)
		}
		assertFrench(t, name, res, data...)
	}
	breach := getPage(t, e, cookie, fmt.Sprintf("/breaches/%d", id)).Body
	mustContain(t, breach, "24 octobre 2025 à 10\u00a0h HAE", "1\u00a0237 personnes", "saisi dans le fuseau Europe/Paris",
		"confidentialité", "vol; accès non autorisé", "Nom", "Renseignements sur la santé", "Chronologie", "prise de connaissance",
		`lang="en"`, "Requises (", "Atteintes</a>", `<button type="submit" name="lang" value="en" lang="en">English</button>`)
	mustContain(t, getPage(t, e, cookie, "/deadlines").Body, "cible dépassée", "Cible interne")
	mustContain(t, getPage(t, e, cookie, fmt.Sprintf("/imports/%d", imp.ID)).Body, `id="import-status">terminée<`,
		"2 personnes ont été enregistrées", "Télécharger les lignes rejetées")
}

// TestLanguageNegotiation: before sign-in, Accept-Language decides and the
// switcher's cookie overrides it; once signed in, the user's choice, then
// the organization's default, decide; the switcher sets the user's choice
// with the session's form token only.
func TestLanguageNegotiation(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		tok := e.User("po@acme.example", org, auth.RolePrivacyOfficer)
		admin := e.User("admin@acme.example", org, auth.RoleAdmin)
		anon := func(header, cookie string) pageResponse {
			req, _ := http.NewRequest("GET", e.HTTP.URL+"/signin?next=%2Fdeadlines", nil)
			req.Header.Set("Accept-Language", header)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: "breachline_lang", Value: cookie})
			}
			return sendPage(t, req, "")
		}
		signinFR := anon("fr-CA,fr;q=0.9,en;q=0.8", "")
		assertFrench(t, "sign-in for fr-CA", signinFR)
		mustContain(t, signinFR.Body, "<h1>Connexion</h1>", `<label for="email">Courriel</label>`, `name="next" value="/signin?next=%2Fdeadlines"`)
		if page := anon("de-DE,en;q=0.5", ""); !strings.Contains(page.Body, `<html lang="en">`) || !strings.Contains(page.Body, "<h1>Sign in</h1>") {
			t.Errorf("German and English browser: not English")
		}
		if page := anon("fr-CA", "en"); !strings.Contains(page.Body, `<html lang="en">`) {
			t.Errorf("the browser's chosen language does not override Accept-Language")
		}
		// The switcher before sign-in only sets the cookie and returns.
		res := postBrowserForm(t, e, "/language", "", "", url.Values{"lang": {"fr"}, "next": {"/signin?next=%2Fdeadlines"}})
		if res.Status != http.StatusSeeOther || res.Location != "/signin?next=%2Fdeadlines" {
			t.Errorf("switcher: %d to %q", res.Status, res.Location)
		}
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil"} {
			if res := postBrowserForm(t, e, "/language", "", "", url.Values{"lang": {"fr"}, "next": {next}}); res.Location != "/" {
				t.Errorf("switcher with next %q went to %q", next, res.Location)
			}
		}
		if res := postBrowserForm(t, e, "/language", "", "", url.Values{"lang": {"xx"}}); res.Status != http.StatusBadRequest {
			t.Errorf("unknown language: %d", res.Status)
		}

		// Signed in, no choice: the organization's default, over the browser.
		s := signedIn(t, e, "po@acme.example")
		page := func() pageResponse {
			req, _ := http.NewRequest("GET", e.HTTP.URL+"/deadlines", nil)
			req.Header.Set("Accept-Language", "en-CA")
			return sendPage(t, req, s.cookie)
		}
		if !strings.Contains(page().Body, `<html lang="en">`) {
			t.Errorf("no default: not the browser's English")
		}
		if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"default_language": "fr"}); res.Status != http.StatusOK ||
			!strings.Contains(string(res.Body), `"default_language":"fr"`) {
			t.Fatalf("default language: %d %s", res.Status, res.Body)
		}
		if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"default_language": "es"}); res.Status != http.StatusBadRequest {
			t.Errorf("unknown default language: %d", res.Status)
		}
		assertFrench(t, "deadlines with a French default", page())

		// The switcher needs the session's token, then sets the user's choice.
		if res := postBrowserForm(t, e, "/language", s.cookie, "", url.Values{"lang": {"en"}, "next": {"/deadlines"}}); res.Status != http.StatusForbidden {
			t.Errorf("switcher without the token: %d", res.Status)
		}
		res = postBrowserForm(t, e, "/language", s.cookie, "", url.Values{"lang": {"en"}, "next": {"/deadlines"}, "csrf_token": {s.csrf}})
		if res.Status != http.StatusSeeOther || res.Location != "/deadlines" {
			t.Fatalf("switcher: %d %q", res.Status, res.Location)
		}
		if !strings.Contains(page().Body, `<html lang="en">`) {
			t.Errorf("the user's English does not win over the French default")
		}
		var me struct{ User auth.User }
		e.Do("GET", "/api/v1/me", tok, nil).JSON(t, &me)
		if me.User.Language != "en" {
			t.Errorf("the switcher did not set the account's language: %q", me.User.Language)
		}
		var n int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'user.language'").Scan(&n)
		if n != 1 {
			t.Errorf("%d language changes audited, want 1", n)
		}
	})
}

// TestInvitationsInTheirReadersLanguage: the invitation e-mail is in the
// organization's default language for a new address and in the account's
// language for an existing one; the invitation page follows the browser.
func TestInvitationsInTheirReadersLanguage(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	a, b := e.Org("org-a"), e.Org("org-b")
	adminA := e.User("admin@a.example", a, auth.RoleAdmin)
	adminB := e.User("admin@b.example", b, auth.RoleAdmin)
	if res := e.Do("PATCH", "/api/v1/organizations/org-a", adminA, map[string]any{"default_language": "fr"}); res.Status != http.StatusOK {
		t.Fatalf("default language: %d %s", res.Status, res.Body)
	}
	e.Do("POST", "/api/v1/organizations/org-a/members", adminA, map[string]string{"email": "nouveau@a.example", "role": "privacy_officer"})
	msg := outboxMessage(t, e, "nouveau@a.example")
	mustContain(t, msg, "Subject: Invitation à rejoindre Org org-a dans Breachline",
		"Vous êtes invité à rejoindre Org org-a dans Breachline avec le rôle «\u00a0responsable de la protection des renseignements personnels\u00a0».",
		"Pour accepter, ouvrez ce lien", "UTC)\u00a0:", "/invitations/")
	if found := english(strings.SplitN(msg, "\n\n", 2)[1]); len(found) > 0 {
		t.Errorf("English words in the French invitation: %q\n%s", found, msg)
	}
	// An account that chose French is written to in French by an English
	// organization.
	if res := e.Do("PATCH", "/api/v1/me", adminA, map[string]string{"language": "fr"}); res.Status != http.StatusOK {
		t.Fatalf("PATCH /me: %d", res.Status)
	}
	e.Do("POST", "/api/v1/organizations/org-b/members", adminB, map[string]string{"email": "admin@a.example", "role": "viewer"})
	mustContain(t, outboxMessage(t, e, "admin@a.example"), "Invitation à rejoindre Org org-b", "«\u00a0lecture seule\u00a0»")
	e.Do("POST", "/api/v1/organizations/org-b/members", adminB, map[string]string{"email": "new@b.example", "role": "viewer"})
	mustContain(t, outboxMessage(t, e, "new@b.example"), "Subject: Invitation to join Org org-b on Breachline", "as viewer.")

	link := regexp.MustCompile(`/invitations/[A-Za-z0-9_-]+`).FindString(msg)
	req, _ := http.NewRequest("GET", e.HTTP.URL+link, nil)
	req.Header.Set("Accept-Language", "fr-CA")
	page := sendPage(t, req, "")
	assertFrench(t, "invitation", page, "Org org-a", "nouveau@a.example")
	mustContain(t, page.Body, "Rejoindre Org org-a", "Confirmez le mot de passe")
	form := url.Values{"csrf_token": {"pre"}, "name": {"Nouvelle"}, "password": {"court"}, "password_again": {"autre"}}
	req, _ = http.NewRequest("POST", e.HTTP.URL+link, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "fr-CA")
	req.AddCookie(&http.Cookie{Name: "breachline_csrf", Value: "pre"})
	refused := sendPage(t, req, "")
	mustContain(t, refused.Body, "Les deux mots de passe sont différents.")
	assertFrench(t, "invitation refused", refused, "Org org-a", "nouveau@a.example", "Nouvelle")
	req, _ = http.NewRequest("GET", e.HTTP.URL+"/invitations/not-a-token", nil)
	req.Header.Set("Accept-Language", "fr")
	invalid := sendPage(t, req, "")
	mustContain(t, invalid.Body, "<h1>Invitation non valide</h1>", "Ce lien d&#39;invitation n&#39;est pas valide")
	assertFrench(t, "invalid invitation", invalid)
}

// outboxMessage returns the newest message of the outbox to an address as
// "Subject: …", a blank line and its decoded text.
func outboxMessage(t *testing.T, e *apptest.Env, to string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.App.Cfg.OutboxDir(), "*.eml"))
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().After(b.ModTime())
	})
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Header.Get("To"), to) {
			continue
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		return "Subject: " + subject + "\n\n" + messageText(t, m)
	}
	t.Fatalf("no message to %s", to)
	return ""
}
