package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

const from = "Breachline <alerts@breachline.test>"

var fixed = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

func newSMTP(t *testing.T, url string, opts ...func(*bmail.SMTPOptions)) *bmail.SMTP {
	t.Helper()
	o := bmail.SMTPOptions{URL: url, From: from, Timeout: 5 * time.Second, Now: func() time.Time { return fixed }}
	for _, f := range opts {
		f(&o)
	}
	s, err := bmail.NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// text extracts the plain-text part of a parsed message.
func text(t *testing.T, m *mail.Message) (plain, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return decodePart(t, m.Header.Get("Content-Transfer-Encoding"), m.Body), ""
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return plain, html
		}
		if err != nil {
			t.Fatal(err)
		}
		body := decodePart(t, p.Header.Get("Content-Transfer-Encoding"), p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = body
		} else {
			plain = body
		}
	}
}

func decodePart(t *testing.T, cte string, r io.Reader) string {
	t.Helper()
	var rd io.Reader = r
	switch strings.ToLower(cte) {
	case "quoted-printable":
		rd = qpReader(r)
	case "base64":
		rd = b64Reader(r)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func parse(t *testing.T, raw []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	return m
}

func TestSMTPDeliversByteCorrectMessages(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSMTP(t, srv.URL())
	body := "Échéance : 2025-03-05 17:00 (America/Toronto)\nCitation: PHIPA s. 12(2) — «notice»\n" + strings.Repeat("long line ", 40)
	msgs := []*bmail.Message{
		{To: "po@example.org", ToName: "Zoë Privacy", Subject: "Rappel: échéance BR-2025-0007", Text: body,
			HTML: "<p>Échéance</p>", Headers: map[string]string{"X-Breachline-Reminder": "42"}},
		{To: "legal@example.org", Subject: "Second", Text: "plain only", ID: "fixed-id@breachline.test"},
	}
	res := s.Send(context.Background(), msgs)
	for i, r := range res {
		if r.Class != bmail.Delivered || r.Err != nil {
			t.Fatalf("message %d: %v %v", i, r.Class, r.Err)
		}
	}
	if res[1].MessageID != "fixed-id@breachline.test" || !strings.HasSuffix(res[0].MessageID, "@breachline.test") {
		t.Fatalf("message ids: %q %q", res[0].MessageID, res[1].MessageID)
	}
	got := srv.Messages()
	if len(got) != 2 || srv.Connections() != 1 {
		t.Fatalf("got %d messages over %d connections, want 2 over 1", len(got), srv.Connections())
	}
	if got[0].From != "alerts@breachline.test" || got[0].To[0] != "po@example.org" {
		t.Fatalf("envelope: %+v", got[0])
	}
	m := parse(t, got[0].Data)
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != msgs[0].Subject {
		t.Fatalf("subject %q (%v)", subj, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || to[0].Name != "Zoë Privacy" || to[0].Address != "po@example.org" {
		t.Fatalf("to: %v %v", to, err)
	}
	if m.Header.Get("Message-Id") != "<"+res[0].MessageID+">" {
		t.Fatalf("message-id header %q, result %q", m.Header.Get("Message-Id"), res[0].MessageID)
	}
	if d, err := m.Header.Date(); err != nil || !d.Equal(fixed) {
		t.Fatalf("date %v %v", d, err)
	}
	if m.Header.Get("X-Breachline-Reminder") != "42" {
		t.Fatalf("extra header lost")
	}
	plain, html := text(t, m)
	if strings.TrimRight(plain, "\n") != body || !strings.Contains(html, "<p>Échéance</p>") {
		t.Fatalf("bodies differ:\n%q\n%q", plain, html)
	}
	for _, line := range bytes.Split(got[0].Data, []byte("\r\n")) {
		if len(line) > 998 {
			t.Fatalf("line of %d octets", len(line))
		}
	}
}

func TestSMTPRefusedRecipientDoesNotFailTheBatch(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Refuse("gone@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	srv.Refuse("busy@example.org", 451, smtp.EnhancedCode{4, 3, 0}, "try later")
	s := newSMTP(t, srv.URL())
	msgs := []*bmail.Message{
		{To: "a@example.org", Subject: "s", Text: "t"},
		{To: "gone@example.org", Subject: "s", Text: "t"},
		{To: "busy@example.org", Subject: "s", Text: "t"},
		{To: "not an address", Subject: "s", Text: "t"},
		{To: "b@example.org", Subject: "s", Text: "t"},
	}
	res := s.Send(context.Background(), msgs)
	want := []struct {
		class bmail.Class
		code  int
	}{{bmail.Delivered, 0}, {bmail.Permanent, 550}, {bmail.Temporary, 451}, {bmail.Permanent, 0}, {bmail.Delivered, 0}}
	for i, w := range want {
		if res[i].Class != w.class || res[i].Code != w.code {
			t.Errorf("message %d: got %v %d (%v), want %v %d", i, res[i].Class, res[i].Code, res[i].Err, w.class, w.code)
		}
	}
	if !errors.Is(res[3].Err, bmail.ErrInvalidMessage) {
		t.Errorf("bad address: %v", res[3].Err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("server accepted %d messages, want 2", n)
	}
}

func TestSMTPUnreachableIsTemporary(t *testing.T) {
	t.Parallel()
	s := newSMTP(t, "smtp://127.0.0.1:1")
	res := s.Send(context.Background(), []*bmail.Message{{To: "a@example.org", Subject: "s", Text: "t"}})
	if res[0].Class != bmail.Temporary || res[0].Err == nil {
		t.Fatalf("got %v %v", res[0].Class, res[0].Err)
	}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := mailtest.TLSPair(t)
	srv := mailtest.Start(t, mailtest.Options{TLS: serverTLS, User: "mailer", Password: "s3cret:/@"})
	s := newSMTP(t, "smtp://mailer:s3cret%3A%2F%40@"+srv.Addr, func(o *bmail.SMTPOptions) { o.TLS = clientTLS })
	res := s.Send(context.Background(), []*bmail.Message{{To: "a@example.org", Subject: "s", Text: "t"}})
	if res[0].Class != bmail.Delivered {
		t.Fatalf("send: %v", res[0].Err)
	}
	got := srv.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].User != "mailer" {
		t.Fatalf("want one message over TLS as mailer, got %+v", got)
	}
	bad := newSMTP(t, "smtp://mailer:wrong@"+srv.Addr, func(o *bmail.SMTPOptions) { o.TLS = clientTLS })
	res = bad.Send(context.Background(), []*bmail.Message{{To: "a@example.org", Subject: "s", Text: "t"}})
	if res[0].Class == bmail.Delivered || strings.Contains(res[0].Err.Error(), "wrong") {
		t.Fatalf("bad credentials: %v %v", res[0].Class, res[0].Err)
	}
}

func TestNewSMTPRejectsBadURLWithoutEchoingIt(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://h:25", "smtp://", "smtp://u:pw-secret@h:99999"} {
		_, err := bmail.NewSMTP(bmail.SMTPOptions{URL: u, From: from})
		if err == nil || strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("%q: %v", u, err)
		}
	}
	if _, err := bmail.NewSMTP(bmail.SMTPOptions{URL: "smtp://h:25", From: "not an address"}); err == nil {
		t.Error("bad from accepted")
	}
}

func TestOutboxWritesParseableFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	o, err := bmail.NewOutbox(dir, from, func() time.Time { return fixed })
	if err != nil {
		t.Fatal(err)
	}
	res := o.Send(context.Background(), []*bmail.Message{
		{To: "po@example.org", Subject: "Délai — BR-1", Text: "Ligne 1\nLigne 2 ünïcödé", HTML: "<b>x</b>"},
		{To: "", Subject: "s", Text: "t"},
		{To: "legal@example.org", Subject: "Two", Text: "t"},
	})
	if res[0].Class != bmail.Delivered || res[1].Class != bmail.Permanent || res[2].Class != bmail.Delivered {
		t.Fatalf("results: %+v", res)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d files, want 2", len(entries))
	}
	found := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			t.Fatalf("stray file %s", e.Name())
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m := parse(t, raw)
		if m.Header.Get("Message-Id") == "<"+res[0].MessageID+">" {
			found++
			plain, _ := text(t, m)
			if strings.TrimRight(plain, "\n") != "Ligne 1\nLigne 2 ünïcödé" {
				t.Fatalf("body %q", plain)
			}
		}
	}
	if found != 1 {
		t.Fatalf("message %s not found in outbox", res[0].MessageID)
	}
}

// TestDisplayNamesOfAnyShape: a recipient's name with quotes, commas,
// parentheses, angle brackets or accents reaches the server as one
// recipient whose To header reads back as that name.
func TestDisplayNamesOfAnyShape(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := newSMTP(t, srv.URL())
	names := []string{`=HYPERLINK("http://evil.example","x")`, `Ann "the boss" Lee`, `Roy, Chloé`, `<script>x</script>`, `Zoë (personal)`}
	var msgs []*bmail.Message
	for i, n := range names {
		msgs = append(msgs, &bmail.Message{To: fmt.Sprintf("p%d@example.org", i), ToName: n, Subject: "s", Text: "t"})
	}
	for i, r := range s.Send(context.Background(), msgs) {
		if r.Class != bmail.Delivered {
			t.Fatalf("%q: %v", names[i], r.Err)
		}
	}
	for i, n := range names {
		got := srv.To(fmt.Sprintf("p%d@example.org", i))
		if len(got) != 1 || len(got[0].To) != 1 {
			t.Fatalf("%q: %d messages", n, len(got))
		}
		m, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		list, err := m.Header.AddressList("To")
		if err != nil || len(list) != 1 || list[0].Name != n {
			t.Fatalf("%q reads back as %v (%v)", n, list, err)
		}
	}
}
