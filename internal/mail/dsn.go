package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxDSNSize is the largest message ParseDSN reads: 10 MiB.
const MaxDSNSize = 10 << 20

// Limits that keep hostile reports cheap.
const (
	maxDSNRecipients = 1000
	maxDSNParts      = 64
	maxDSNDepth      = 4
	maxDSNValue      = 1000
	maxDSNHeaders    = 50
)

// Errors of ParseDSN.
var (
	ErrDSNTooLarge = fmt.Errorf("delivery report larger than %d bytes", MaxDSNSize)
	ErrNotAMessage = errors.New("not an e-mail message: no header fields")
)

// BounceClass sorts what a returned message means for a delivery.
type BounceClass int

// The classes.
const (
	// BounceUnknown: nothing to apply (not a failure report, or unreadable).
	BounceUnknown BounceClass = iota
	// BounceHard: the address does not work (action failed, status 5.x.x).
	BounceHard
	// BounceSoft: a temporary failure (action delayed, or failed with a
	// 4.x.x status).
	BounceSoft
	// BounceAutoReply: an out-of-office or other automatic reply; the
	// message was delivered.
	BounceAutoReply
)

// String names the class.
func (c BounceClass) String() string {
	switch c {
	case BounceHard:
		return "hard"
	case BounceSoft:
		return "soft"
	case BounceAutoReply:
		return "auto-reply"
	}
	return "unknown"
}

// Report is what ParseDSN found in a returned message, with the evidence.
type Report struct {
	// Class is the most severe of the recipients' classes, or what the
	// headers show when the message holds no delivery status.
	Class BounceClass
	// Reason says which evidence decided the class, e.g.
	// "a@example.org: action failed, status 5.1.1".
	Reason string
	// MessageID is the Message-ID (without angle brackets) of the message
	// the report is about: from the returned message or its headers, else
	// from In-Reply-To or References. Empty when none was found.
	MessageID string
	// To is the address the report was sent to, for VERP matching: the
	// first of X-Original-To, Delivered-To, Envelope-To, To. ToAll lists
	// every one found, in that order.
	To    string
	ToAll []string
	// ReportingMTA is the server that wrote the report (RFC 3464 §2.2.2).
	ReportingMTA string
	// Recipients are the per-recipient entries, in order.
	Recipients []DSNRecipient
	// Headers are the report's own header fields that bear on its meaning
	// (From, Subject, Auto-Submitted, X-Failed-Recipients, …), in order,
	// with encoded words decoded.
	Headers []Field
}

// DSNRecipient is one per-recipient entry of a delivery status
// notification (RFC 3464 §2.3).
type DSNRecipient struct {
	// FinalRecipient and OriginalRecipient are addresses, without the
	// address type ("rfc822;").
	FinalRecipient    string
	OriginalRecipient string
	// Action is failed, delayed, delivered, relayed or expanded.
	Action string
	// Status is the enhanced status code, e.g. 5.1.1.
	Status string
	// DiagnosticCode is the remote server's reply, e.g.
	// "550 5.1.1 user unknown"; DiagnosticType its type, e.g. "smtp".
	DiagnosticCode string
	DiagnosticType string
	// RemoteMTA is the server that gave the diagnostic.
	RemoteMTA string
	// Class is what this entry means for the delivery.
	Class BounceClass
}

// Field is one header field.
type Field struct {
	// Name is the field name as written, e.g. "Auto-Submitted".
	Name string
	// Value is the unfolded value, at most 1000 bytes.
	Value string
}

// ReadDSN reads at most MaxDSNSize bytes from r and parses them.
func ReadDSN(r io.Reader) (Report, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxDSNSize+1))
	if err != nil {
		return Report{}, fmt.Errorf("read delivery report: %w", err)
	}
	return ParseDSN(raw)
}

// ParseDSN reads a returned message: an RFC 3464 delivery status
// notification (multipart/report with a message/delivery-status part, as
// Postfix, Exim, Gmail and Microsoft 365 send them), a plain-text bounce,
// or an automatic reply. It never fails on a malformed message: what
// cannot be read is left out and the class is unknown. Its only errors are
// ErrDSNTooLarge and ErrNotAMessage.
func ParseDSN(raw []byte) (Report, error) {
	if len(raw) > MaxDSNSize {
		return Report{}, ErrDSNTooLarge
	}
	head, body := splitMessage(raw)
	fields := parseFields(head)
	if len(fields) == 0 {
		return Report{}, ErrNotAMessage
	}
	w := &walker{}
	w.walk(contentType(fields), get(fields, "Content-Transfer-Encoding"), bytes.NewReader(body), 0)
	rep := Report{ReportingMTA: w.reportingMTA, Recipients: w.recipients, Headers: evidence(fields)}
	rep.Class, rep.Reason = classify(fields, w, &rep)
	rep.MessageID = originalID(fields, w.original)
	if rep.MessageID == "" && rep.Class != BounceAutoReply && looksLikeBounce(fields, w) {
		rep.MessageID = textMessageID(w.text)
	}
	rep.ToAll = sentTo(fields)
	if len(rep.ToAll) > 0 {
		rep.To = rep.ToAll[0]
	}
	return rep, nil
}

// classify decides the report's class: from the delivery status when
// there is one, else from the signs of an automatic reply, else from a
// bounce's text.
func classify(fields []Field, w *walker, rep *Report) (BounceClass, string) {
	if len(rep.Recipients) > 0 {
		return worst(rep.Recipients)
	}
	if looksLikeBounce(fields, w) {
		return textBounce(fields, w.text, rep)
	}
	if why := autoReply(fields); why != "" {
		return BounceAutoReply, why
	}
	return BounceUnknown, "no delivery status and no sign of an automatic reply"
}

// worst returns the most severe recipient class and its evidence.
func worst(rs []DSNRecipient) (BounceClass, string) {
	rank := map[BounceClass]int{BounceUnknown: 0, BounceSoft: 1, BounceHard: 2}
	best := 0
	for i, r := range rs {
		if rank[r.Class] > rank[rs[best].Class] {
			best = i
		}
	}
	r := rs[best]
	why := fmt.Sprintf("%s: action %s, status %s", orNone(r.FinalRecipient), orNone(r.Action), orNone(r.Status))
	if r.DiagnosticCode != "" {
		why += ", diagnostic " + r.DiagnosticCode
	}
	return r.Class, why
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// recipientClass applies RFC 3464's meaning of Action and Status.
func recipientClass(action, status, diagnostic string) BounceClass {
	s := status
	if s == "" {
		s = enhancedCode(diagnostic)
	}
	if s == "" {
		s = basicCode(diagnostic)
	}
	switch action {
	case "failed":
		if strings.HasPrefix(s, "4") {
			return BounceSoft
		}
		return BounceHard
	case "delayed":
		return BounceSoft
	case "delivered", "relayed", "expanded":
		return BounceUnknown
	}
	switch {
	case strings.HasPrefix(s, "5"):
		return BounceHard
	case strings.HasPrefix(s, "4"):
		return BounceSoft
	}
	return BounceUnknown
}

// textBounce reads a bounce that has no delivery-status part: the first
// status code in its text decides, and X-Failed-Recipients names whom.
func textBounce(fields []Field, text string, rep *Report) (BounceClass, string) {
	status := enhancedCode(text)
	if status == "" {
		status = basicCode(text)
	}
	class := recipientClass("", status, "")
	for _, v := range getAll(fields, "X-Failed-Recipients") {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" && len(rep.Recipients) < maxDSNRecipients {
				rep.Recipients = append(rep.Recipients, DSNRecipient{FinalRecipient: clip(a), Action: "failed", Status: status, Class: class})
			}
		}
	}
	if status == "" {
		return BounceUnknown, "a bounce without a delivery-status part or a status code in its text"
	}
	return class, "a bounce without a delivery-status part; status " + status + " in its text"
}

// looksLikeBounce: a report with no readable status that still comes
// from a mailer daemon, names failed recipients or says it is a report.
func looksLikeBounce(fields []Field, w *walker) bool {
	if w.report || get(fields, "X-Failed-Recipients") != "" {
		return true
	}
	from := strings.ToLower(get(fields, "From"))
	if strings.Contains(from, "mailer-daemon") || strings.Contains(from, "postmaster") {
		return true
	}
	subject := strings.ToLower(decodeWords(get(fields, "Subject")))
	return containsAny(subject, bounceSubjects)
}

var bounceSubjects = []string{
	"undelivered mail", "undeliverable", "delivery status notification", "mail delivery failed",
	"delivery failure", "failure notice", "returned mail", "mail delivery system",
	"non remis", "non distribuable", "échec de la remise", "echec de la remise",
}

// autoReply names the sign that the message is an automatic reply, or
// returns "".
func autoReply(fields []Field) string {
	if v := strings.ToLower(get(fields, "Auto-Submitted")); v != "" && !strings.HasPrefix(v, "no") {
		return "Auto-Submitted: " + clip(v)
	}
	for _, name := range []string{"X-Autoreply", "X-Autorespond", "X-Autoreply-From", "X-Mail-Autoreply"} {
		if v := get(fields, name); v != "" && !strings.EqualFold(v, "no") {
			return name + ": " + clip(v)
		}
	}
	for _, name := range []string{"Precedence", "X-Precedence"} {
		if strings.EqualFold(strings.TrimSpace(get(fields, name)), "auto_reply") {
			return name + ": auto_reply"
		}
	}
	subject := decodeWords(get(fields, "Subject"))
	if containsAny(strings.ToLower(subject), autoReplySubjects) {
		return "subject: " + clip(subject)
	}
	return ""
}

var autoReplySubjects = []string{
	"out of office", "out of the office", "automatic reply", "auto reply", "auto-reply", "autoreply",
	"auto response", "auto-response", "autoresponse", "away from the office", "on vacation", "vacation reply",
	"réponse automatique", "reponse automatique", "absent du bureau", "absente du bureau",
	"absence du bureau", "message d'absence", "message d’absence", "je suis absent", "répondeur", "en congé",
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
