package mail

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Outbox writes each message as an RFC 5322 .eml file into a directory,
// for development and for installations without a mail server. A file
// appears whole or not at all: it is written under a temporary name and
// renamed. Each file starts with a Return-Path field holding the envelope
// sender, as a mailbox would store it.
type Outbox struct {
	dir     string
	compose composer
}

// OutboxOption changes how an Outbox writes.
type OutboxOption func(*Outbox)

// OutboxDKIM signs every message the outbox writes.
func OutboxDKIM(d *DKIM) OutboxOption {
	return func(o *Outbox) { o.compose.dkim = d }
}

// NewOutbox returns an outbox writing into dir (created when missing).
func NewOutbox(dir, from string, now func() time.Time, opts ...OutboxOption) (*Outbox, error) {
	if err := checkFrom(from); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	o := &Outbox{dir: dir, compose: composer{from: from, now: now}}
	for _, opt := range opts {
		opt(o)
	}
	return o, nil
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
		env, data, res := o.compose.render(m)
		results[i] = res
		if data == nil {
			continue
		}
		if err := o.write(env, data); err != nil {
			results[i].Class, results[i].Err = Temporary, err
		}
	}
	return results
}

func (o *Outbox) write(env envelope, data []byte) error {
	f, err := os.CreateTemp(o.dir, ".writing-*.tmp")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	tmp := f.Name()
	_, err = io.WriteString(f, "Return-Path: <"+env.from+">\r\n")
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(o.dir, o.fileName(env.id)))
	}
	if err != nil {
		_ = os.Remove(tmp)
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
	return o.compose.now().UTC().Format("20060102T150405.000000000Z") + "-" + safe + ".eml"
}
