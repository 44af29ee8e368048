package mail_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bmail "github.com/breachline/breachline/internal/mail"
)

type dsnWant struct {
	class     bmail.BounceClass
	messageID string
	to        string
	reason    string // a part of Reason
	rcpt      *bmail.DSNRecipient
}

var dsnCorpus = map[string]dsnWant{
	"postfix-hard.eml": {bmail.BounceHard, "notice.5d1e0c7b9a2f4e18@breachline.test", "bounce+7f3a9c2e41d0@bounces.breachline.test", "status 5.1.1",
		&bmail.DSNRecipient{FinalRecipient: "j.tremblay@example.ca", OriginalRecipient: "j.tremblay@example.ca", Action: "failed", Status: "5.1.1",
			DiagnosticType: "smtp", DiagnosticCode: "550 5.1.1 <j.tremblay@example.ca>: Recipient address rejected: User unknown in virtual mailbox table",
			RemoteMTA: "mx.example.ca", Class: bmail.BounceHard}},
	"postfix-delayed.eml": {bmail.BounceSoft, "notice.9c44e1d07b3a5f62@breachline.test", "bounce+0b9d33aa12c4@bounces.breachline.test", "action delayed",
		&bmail.DSNRecipient{FinalRecipient: "m.roy@example.org", OriginalRecipient: "m.roy@example.org", Action: "delayed", Status: "4.4.1",
			DiagnosticType: "x-postfix", DiagnosticCode: "connect to mx.example.org[198.51.100.7]:25: Connection timed out", Class: bmail.BounceSoft}},
	"postfix-expired.eml": {bmail.BounceSoft, "notice.9c44e1d07b3a5f62@breachline.test", "bounce+e5a1c9f0d7b2@bounces.breachline.test", "action failed, status 4.4.1", nil},
	"exim-failed.eml": {bmail.BounceHard, "notice.2b8f6d0e13c97a45@breachline.test", "bounce+31c07e6f9ab8@bounces.breachline.test", "status 5.0.0",
		&bmail.DSNRecipient{FinalRecipient: "s.gagnon@example.net", Action: "failed", Status: "5.0.0", DiagnosticType: "smtp",
			DiagnosticCode: "550 5.2.1 The email account that you tried to reach is disabled.", RemoteMTA: "mx.example.net", Class: bmail.BounceHard}},
	"gmail-hard.eml": {bmail.BounceHard, "notice.77e0f1a3b5c29d84@breachline.test", "bounce+a4471be0c3d9@bounces.breachline.test", "no.such.person@gmail.com: action failed, status 5.1.1", nil},
	"m365-hard.eml": {bmail.BounceHard, "notice.1a2b3c4d5e6f7a8b@breachline.test", "bounce+c0ffee5a77b1@bounces.breachline.test", "status 5.1.10",
		&bmail.DSNRecipient{FinalRecipient: "a.nobody@contoso.com", Action: "failed", Status: "5.1.10", DiagnosticType: "smtp",
			DiagnosticCode: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", Class: bmail.BounceHard}},
	"ooo-en.eml":      {bmail.BounceAutoReply, "notice.0f1e2d3c4b5a6978@breachline.test", "bounce+5e6f7a8b9c0d@bounces.breachline.test", "Auto-Submitted: auto-generated", nil},
	"ooo-fr.eml":      {bmail.BounceAutoReply, "notice.c3b2a1f0e9d8c7b6@breachline.test", "bounce+d00d1e55cafe@bounces.breachline.test", "X-Autoreply: yes", nil},
	"qmail-plain.eml": {bmail.BounceHard, "notice.4455667788990011@breachline.test", "bounce+feedc0de1234@bounces.breachline.test", "status 5.1.1 in its text", nil},
	"malformed.eml":   {bmail.BounceHard, "notice.abad1dea0001@breachline.test", "bounce+0000badf00d1@bounces.breachline.test", "nobody@example.org: action failed, status 5.1,", nil},
}

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "dsn", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseDSNCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "dsn", "*.eml"))
	if len(files) != len(dsnCorpus) {
		t.Fatalf("%d corpus files, %d expectations", len(files), len(dsnCorpus))
	}
	for name, want := range dsnCorpus {
		raw := readCorpus(t, name)
		for _, form := range []string{"lf", "crlf"} {
			t.Run(name+"/"+form, func(t *testing.T) {
				if form == "crlf" {
					raw = bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
				}
				rep, err := bmail.ParseDSN(raw)
				if err != nil {
					t.Fatal(err)
				}
				checkReport(t, rep, want)
			})
		}
	}
}

func checkReport(t *testing.T, rep bmail.Report, want dsnWant) {
	t.Helper()
	if rep.Class != want.class || rep.MessageID != want.messageID || rep.To != want.to || !strings.Contains(rep.Reason, want.reason) {
		t.Fatalf("got %v %q to %q (%s)\nwant %v %q to %q (%s)", rep.Class, rep.MessageID, rep.To, rep.Reason,
			want.class, want.messageID, want.to, want.reason)
	}
	if want.rcpt != nil && (len(rep.Recipients) != 1 || rep.Recipients[0] != *want.rcpt) {
		t.Fatalf("recipients %+v\nwant %+v", rep.Recipients, *want.rcpt)
	}
	if len(rep.Headers) == 0 || rep.Headers[0].Name == "" {
		t.Fatalf("no evidence kept: %+v", rep.Headers)
	}
}

func TestParseDSNKeepsEvidence(t *testing.T) {
	rep, err := bmail.ParseDSN(readCorpus(t, "ooo-fr.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := header(rep, "Subject"); got != "Réponse automatique\u00a0: Avis d’atteinte à la vie privée" {
		t.Fatalf("decoded subject %q", got)
	}
	rep, _ = bmail.ParseDSN(readCorpus(t, "gmail-hard.eml"))
	if header(rep, "X-Failed-Recipients") != "no.such.person@gmail.com" || rep.ReportingMTA != "googlemail.com" {
		t.Fatalf("evidence %+v", rep.Headers)
	}
	if d := rep.Recipients[0].DiagnosticCode; !strings.HasPrefix(d, "550-5.1.1 The email account") || !strings.HasSuffix(d, "- gsmtp") {
		t.Fatalf("diagnostic %q", d)
	}
	rep, _ = bmail.ParseDSN([]byte("To: Bounces <c@b.test>, d@b.test\nDelivered-To: b@b.test\nX-Original-To: a@b.test\nDelivered-To: B@b.test\n\n"))
	if strings.Join(rep.ToAll, " ") != "a@b.test b@b.test c@b.test d@b.test" || rep.To != "a@b.test" {
		t.Fatalf("to candidates %v", rep.ToAll)
	}
}

func header(rep bmail.Report, name string) string {
	for _, f := range rep.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func TestParseDSNAutoRepliesBySign(t *testing.T) {
	cases := map[string]bmail.BounceClass{
		"Subject: Absent du bureau\n":                                bmail.BounceAutoReply,
		"Subject: Out of Office: back Monday\n":                      bmail.BounceAutoReply,
		"Subject: =?iso-8859-1?q?R=E9ponse_automatique?=\n":          bmail.BounceAutoReply,
		"Subject: Re: Notice\nPrecedence: auto_reply\n":              bmail.BounceAutoReply,
		"Subject: Re: Notice\nAuto-Submitted: auto-replied (vac)\n":  bmail.BounceAutoReply,
		"Subject: Re: Notice\nAuto-Submitted: no\n":                  bmail.BounceUnknown,
		"Subject: Re: Notice\nPrecedence: bulk\n":                    bmail.BounceUnknown,
		"Subject: Re: Notice\nFrom: person@example.org\n":            bmail.BounceUnknown,
		"Subject: Returned mail: see transcript for details\n":       bmail.BounceUnknown,
		"Subject: Returned mail\n\n550 5.7.1 message refused\n":      bmail.BounceHard,
		"Subject: Mail delivery failed\n\n452 4.2.2 mailbox full\n":  bmail.BounceSoft,
		"From: postmaster@example.org\nSubject: x\n\nno code here\n": bmail.BounceUnknown,
	}
	for msg, want := range cases {
		rep, err := bmail.ParseDSN([]byte("To: bounce+1@b.test\nIn-Reply-To: <n.1@breachline.test>\n" + msg))
		if err != nil || rep.Class != want {
			t.Errorf("%q: %v (%s) %v, want %v", msg, rep.Class, rep.Reason, err, want)
		}
		if rep.MessageID != "n.1@breachline.test" || rep.To != "bounce+1@b.test" {
			t.Errorf("%q: id %q to %q", msg, rep.MessageID, rep.To)
		}
	}
}

func dsnWith(groups ...string) []byte {
	return []byte("From: MAILER-DAEMON@x.test\nTo: b@b.test\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n" +
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.test\n\n" + strings.Join(groups, "\n") + "\n--B--\n")
}

func TestParseDSNRecipientClasses(t *testing.T) {
	cases := []struct {
		group string
		want  bmail.BounceClass
	}{
		{"Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.7.1\n", bmail.BounceHard},
		{"Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 4.2.2\n", bmail.BounceSoft},
		{"Final-Recipient: rfc822; a@x\nAction: failed\n", bmail.BounceHard},
		{"Final-Recipient: rfc822; a@x\nAction: failed\nDiagnostic-Code: smtp; 452 mailbox full\n", bmail.BounceSoft},
		{"Final-Recipient: rfc822; a@x\nAction: delayed\nStatus: 4.4.7\n", bmail.BounceSoft},
		{"Final-Recipient: rfc822; a@x\nAction: delivered\nStatus: 2.0.0\n", bmail.BounceUnknown},
		{"Final-Recipient: rfc822; a@x\nAction: relayed\nStatus: 2.0.0\n", bmail.BounceUnknown},
		{"Final-Recipient: rfc822; a@x\nStatus: 5.1.1\n", bmail.BounceHard},
		{"Final-Recipient: rfc822; a@x\nAction: Failed\nStatus: 5.1.1 (user unknown)\n", bmail.BounceHard},
	}
	for _, c := range cases {
		rep, err := bmail.ParseDSN(dsnWith(c.group))
		if err != nil || rep.Class != c.want || len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "a@x" {
			t.Errorf("%q: %v %+v %v, want %v", c.group, rep.Class, rep.Recipients, err, c.want)
		}
	}
	rep, _ := bmail.ParseDSN(dsnWith("Final-Recipient: rfc822; a@x\nAction: delayed\n", "Final-Recipient: rfc822; b@x\nAction: failed\nStatus: 5.1.1\n"))
	if rep.Class != bmail.BounceHard || len(rep.Recipients) != 2 || rep.Recipients[0].Class != bmail.BounceSoft {
		t.Fatalf("mixed report: %v %+v", rep.Class, rep.Recipients)
	}
}

func TestParseDSNBounds(t *testing.T) {
	if _, err := bmail.ParseDSN(make([]byte, bmail.MaxDSNSize+1)); !errors.Is(err, bmail.ErrDSNTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	for _, raw := range []string{"", "\n\nbody only", "no header here at all"} {
		if _, err := bmail.ParseDSN([]byte(raw)); !errors.Is(err, bmail.ErrNotAMessage) {
			t.Fatalf("%q: %v", raw, err)
		}
	}
	if _, err := bmail.ReadDSN(bytes.NewReader(make([]byte, bmail.MaxDSNSize+10))); !errors.Is(err, bmail.ErrDSNTooLarge) {
		t.Fatalf("ReadDSN oversized: %v", err)
	}
	many := make([]string, 3000)
	for i := range many {
		many[i] = fmt.Sprintf("Final-Recipient: rfc822; p%d@x\nAction: failed\nStatus: 5.1.1\n", i)
	}
	rep, err := bmail.ParseDSN(dsnWith(many...))
	if err != nil || len(rep.Recipients) != 1000 {
		t.Fatalf("recipients capped at %d (%v), want 1000", len(rep.Recipients), err)
	}
}

func TestParseDSNHostileShapesStayCheap(t *testing.T) {
	var nested strings.Builder
	nested.WriteString("Content-Type: multipart/mixed; boundary=b0\n\n")
	for i := 1; i < 5000; i++ {
		fmt.Fprintf(&nested, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i-1, i)
	}
	shapes := map[string][]byte{
		"deep nesting":       []byte(nested.String()),
		"one long line":      append([]byte("Subject: "), bytes.Repeat([]byte("x"), 9<<20)...),
		"many header lines":  bytes.Repeat([]byte("X-A: b\n"), 1<<20),
		"many empty lines":   append([]byte("From: MAILER-DAEMON@x\nContent-Type: message/delivery-status\n\n"), bytes.Repeat([]byte("\n"), 9<<20)...),
		"long continuations": append([]byte("Subject: a\n"), bytes.Repeat([]byte(" b\n"), 3<<20)...),
	}
	for name, raw := range shapes {
		start := time.Now()
		rep, err := bmail.ParseDSN(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", name, d)
		}
		for _, f := range rep.Headers {
			if len(f.Value) > 1000 {
				t.Errorf("%s: header of %d bytes kept", name, len(f.Value))
			}
		}
	}
}
