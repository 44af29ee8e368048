package mail

import (
	"bytes"
	"fmt"
	"time"
)

// composer renders Messages into the bytes that go on the wire or into the
// outbox, signed when a DKIM key is configured. SMTP, Pool and Outbox share
// it so that a message is the same byte for byte whichever way it leaves.
type composer struct {
	from string
	now  func() time.Time
	dkim *DKIM
}

// prepared is one message ready to send: its envelope and its bytes.
type prepared struct {
	index int // position in the caller's batch
	env   envelope
	data  []byte
}

// render builds and, when configured, signs one message. A message the
// caller got wrong is a Permanent result; a signing failure is Temporary,
// because the message itself is fine.
func (c composer) render(m *Message) (envelope, []byte, Result) {
	msg, env, err := build(c.from, m, c.now())
	if err != nil {
		return env, nil, Result{MessageID: env.id, Class: Permanent, Err: err}
	}
	var buf bytes.Buffer
	buf.Grow(len(m.Text) + len(m.HTML) + len(m.HTML)/8 + 2048)
	if _, err := msg.WriteTo(&buf); err != nil {
		return env, nil, Result{MessageID: env.id, Class: Permanent, Err: fmt.Errorf("render: %v: %w", err, ErrInvalidMessage)}
	}
	data := buf.Bytes()
	if c.dkim != nil {
		if data, err = c.dkim.sign(data); err != nil {
			return env, nil, Result{MessageID: env.id, Class: Temporary, Err: err}
		}
	}
	return env, data, Result{MessageID: env.id}
}

// prepare renders a batch. Messages that cannot be sent get their final
// result at once and no entry in the returned list.
func (c composer) prepare(msgs []*Message, results []Result) []prepared {
	out := make([]prepared, 0, len(msgs))
	for i, m := range msgs {
		env, data, res := c.render(m)
		results[i] = res
		if data != nil {
			out = append(out, prepared{index: i, env: env, data: data})
		}
	}
	return out
}

// checkFrom fails when from cannot be a sender address.
func checkFrom(from string) error {
	if _, _, err := build(from, &Message{To: "check@example.org", Subject: "x", Text: "x"}, time.Now()); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	return nil
}
