package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Outbox writes each message as an RFC 5322 .eml file into a directory,
// for development and for installations without a mail server. A file
// appears whole or not at all: it is written under a temporary name and
// renamed.
type Outbox struct {
	dir  string
	from string
	now  func() time.Time
}

// NewOutbox returns an outbox writing into dir (created when missing).
func NewOutbox(dir, from string, now func() time.Time) (*Outbox, error) {
	if _, _, err := build(from, &Message{To: "check@example.org", Subject: "x", Text: "x"}, time.Now()); err != nil {
		return nil, fmt.Errorf("mail from: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &Outbox{dir: dir, from: from, now: now}, nil
}

// Dir is the directory the outbox writes to.
func (o *Outbox) Dir() string { return o.dir }

// Send writes one file per message.
func (o *Outbox) Send(ctx context.Context, msgs []*Message) []Result {
	results := make([]Result, len(msgs))
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			results[i].Class, results[i].Err = Temporary, err
			continue
		}
		msg, id, err := build(o.from, m, o.now())
		results[i].MessageID = id
		if err != nil {
			results[i].Class, results[i].Err = Permanent, err
			continue
		}
		if err := o.write(id, msg); err != nil {
			results[i].Class, results[i].Err = Temporary, err
		}
	}
	return results
}

func (o *Outbox) write(id string, msg *gomail.Msg) error {
	f, err := os.CreateTemp(o.dir, ".writing-*.tmp")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	tmp := f.Name()
	_, err = msg.WriteTo(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(o.dir, o.fileName(id)))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

// fileName sorts by time of writing and names the message.
func (o *Outbox) fileName(id string) string {
	local, _, _ := strings.Cut(id, "@")
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, local)
	return o.now().UTC().Format("20060102T150405.000000000Z") + "-" + safe + ".eml"
}
