// Package mail sends Breachline's e-mail: through an SMTP relay (go-mail; a
// Pool keeps a few connections open and reuses them, SMTP dials once per
// batch) or, when no relay is configured, into a file outbox of RFC 5322
// .eml files. Messages can be DKIM-signed. Each message in a batch gets its
// own result, with the relay's reply, so one refused address never fails the
// others. ParseDSN reads the delivery status notifications that come back.
// Nothing here logs message bodies, keys or credentials.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one recipient. From is the sender's setting.
type Message struct {
	// ID is the Message-ID without angle brackets; generated when empty.
	// Callers that may retry a send set it so that a repeat is recognisable.
	ID string
	// To is the recipient's address; ToName is an optional display name.
	To     string
	ToName string
	// Subject and Text are required; HTML is an optional alternative.
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields (e.g. X-Breachline-Reminder).
	Headers map[string]string
	// Date is the Date header; zero means the time of sending.
	Date time.Time
	// EnvelopeFrom is the bounce address (SMTP MAIL FROM, the Return-Path
	// of the delivered message); empty means the From setting. A caller
	// gives each notice its own (VERP) to match bounces to deliveries.
	EnvelopeFrom string
}

// Class sorts the outcome of one message.
type Class int

// The outcomes.
const (
	// Delivered: the server (or the outbox) accepted the message.
	Delivered Class = iota
	// Temporary: try again later (4xx replies, connection problems).
	Temporary
	// Permanent: do not retry (5xx replies, malformed addresses).
	Permanent
)

// String names the class.
func (c Class) String() string {
	switch c {
	case Delivered:
		return "delivered"
	case Temporary:
		return "temporary"
	}
	return "permanent"
}

// Result is the outcome of one message, in the order the messages were given.
type Result struct {
	// MessageID is the Message-ID used, without angle brackets.
	MessageID string
	Class     Class
	// Code is the SMTP reply code when the server gave one (e.g. 451, 550).
	Code int
	// Reply is the server's last reply to this message, code and text on
	// one line (e.g. "550 5.1.1 user unknown", or "250 2.0.0 queued as
	// 4F2A" when accepted), for a ledger to keep; empty when no server
	// answered. It is at most 512 bytes and never holds credentials.
	Reply string
	// Err describes a failure; nil when delivered.
	Err error
}

// Sender sends batches of messages; it is safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, msgs []*Message) []Result
}

// ErrInvalidMessage marks a message that cannot be sent as given.
var ErrInvalidMessage = errors.New("invalid message")

// NewMessageID returns a unique Message-ID (without angle brackets) in the
// domain of the from address.
func NewMessageID(from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) + "@" + domainOf(from)
}

func domainOf(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "localhost"
}

// envelope is what the SMTP transaction needs besides the message bytes.
type envelope struct {
	id   string // Message-ID without angle brackets
	from string // MAIL FROM, a bare address
	to   string // RCPT TO, a bare address
}

// build turns a Message into go-mail's representation and its envelope.
// The error is ErrInvalidMessage-wrapped: bad input is a permanent failure.
func build(from string, m *Message, now time.Time) (*gomail.Msg, envelope, error) {
	if m == nil {
		return nil, envelope{}, fmt.Errorf("nil message: %w", ErrInvalidMessage)
	}
	env := envelope{id: m.ID}
	if env.id == "" {
		env.id = NewMessageID(from)
	}
	if strings.TrimSpace(m.Subject) == "" || m.Text == "" {
		return nil, env, fmt.Errorf("subject and text are required: %w", ErrInvalidMessage)
	}
	if strings.ContainsAny(env.id, "<> \r\n") || !strings.Contains(env.id, "@") {
		return nil, env, fmt.Errorf("message id %q: %w", env.id, ErrInvalidMessage)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, env, fmt.Errorf("from address: %v: %w", err, ErrInvalidMessage)
	}
	var err error
	if env.from, err = envelopeFrom(from, m.EnvelopeFrom); err != nil {
		return nil, env, err
	}
	if env.to, err = addRecipient(msg, m); err != nil {
		return nil, env, err
	}
	if err := setHeaders(msg, m.Headers); err != nil {
		return nil, env, err
	}
	setContent(msg, m, env.id, now)
	return msg, env, nil
}

func setContent(msg *gomail.Msg, m *Message, id string, now time.Time) {
	date := m.Date
	if date.IsZero() {
		date = now
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(id)
	msg.SetDateWithValue(date)
	msg.SetUserAgent("Breachline")
	// Every message Breachline sends is automatic (RFC 3834): responders
	// should not answer it with out-of-office replies.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
}

// envelopeFrom is the bare bounce address: the message's own when given
// (it must be a plain address, without a display name), else the From
// setting's.
func envelopeFrom(from, given string) (string, error) {
	if given == "" {
		a, err := mail.ParseAddress(from)
		if err != nil {
			return "", fmt.Errorf("from address: %w", ErrInvalidMessage)
		}
		return a.Address, nil
	}
	a, err := mail.ParseAddress(given)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(given) || !strings.Contains(a.Address, "@") {
		return "", fmt.Errorf("envelope from address: %w", ErrInvalidMessage)
	}
	return a.Address, nil
}

func addRecipient(msg *gomail.Msg, m *Message) (string, error) {
	addr, err := mail.ParseAddress(m.To)
	if err != nil || addr.Name != "" || strings.ContainsAny(m.ToName, "\r\n") {
		return "", fmt.Errorf("recipient address: %w", ErrInvalidMessage)
	}
	if m.ToName != "" {
		// net/mail quotes (or encodes) any display name, quotes and
		// commas included; go-mail's own formatting does not escape them.
		err = msg.To((&mail.Address{Name: m.ToName, Address: addr.Address}).String())
	} else {
		err = msg.To(addr.Address)
	}
	if err != nil {
		return "", fmt.Errorf("recipient address: %w", ErrInvalidMessage)
	}
	return addr.Address, nil
}

// setHeaders adds extra fields; only X- fields are accepted so a caller
// cannot replace the envelope-relevant ones.
func setHeaders(msg *gomail.Msg, h map[string]string) error {
	for k, v := range h {
		if !strings.HasPrefix(strings.ToLower(k), "x-") || strings.ContainsAny(k, ": \r\n") || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("header %q: %w", k, ErrInvalidMessage)
		}
		msg.SetGenHeader(gomail.Header(k), v)
	}
	return nil
}
