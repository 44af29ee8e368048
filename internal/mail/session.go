package mail

import (
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wneessen/go-mail/smtp"
)

// maxReply bounds the reply text kept in a Result.
const maxReply = 512

// conn is one open SMTP session with the relay.
type conn struct {
	c       *smtp.Client
	timeout time.Duration
	lastUse time.Time
	sent    int // messages the server accepted on this connection
}

// attempt is the outcome of one message on one connection.
type attempt struct {
	res Result
	// broken: the connection cannot be used again (dropped, timed out,
	// out of step, or the server said 421).
	broken bool
	// unsent: the failure came before the server took any of the message
	// (no 354 to DATA yet), so sending it again cannot duplicate it.
	unsent bool
	// timeout: the failure was a timeout.
	timeout bool
}

// deliver runs one mail transaction: MAIL FROM, RCPT TO, DATA. The
// deadline bounds each step; a zero deadline means the connection's
// timeout from now.
func (c *conn) deliver(p *prepared, deadline time.Time) attempt {
	if err := c.extend(deadline); err != nil {
		return c.failed(err, "set deadline", true)
	}
	if err := c.c.Mail("<" + p.env.from + ">"); err != nil {
		return c.refused(err, "MAIL FROM")
	}
	if err := c.c.Rcpt("<" + p.env.to + ">"); err != nil {
		return c.refused(err, "RCPT TO")
	}
	w, err := c.c.Data()
	if err != nil {
		return c.refused(err, "DATA")
	}
	if err := c.extend(deadline); err != nil {
		return c.failed(err, "set deadline", false)
	}
	if _, err := w.Write(p.data); err != nil {
		return c.failed(err, "sending the message", false)
	}
	if err := w.Close(); err != nil {
		return c.answered(err, "end of message")
	}
	c.sent++
	reply := "250"
	if dc, ok := w.(*smtp.DataCloser); ok && dc.ServerResponse() != "" {
		reply = cleanReply("250 " + dc.ServerResponse())
	}
	return attempt{res: Result{Class: Delivered, Reply: reply}}
}

// refused handles an error to a command before the message was sent: a
// reply is that message's outcome (after RSET); anything else broke the
// connection and leaves the message unsent.
func (c *conn) refused(err error, step string) attempt {
	a := c.answered(err, step)
	a.unsent = true
	if !a.broken {
		if rerr := c.c.Reset(); rerr != nil {
			a.broken = true
		}
	}
	return a
}

// answered turns an error into an attempt: with the server's reply when
// there was one (5xx permanent, otherwise temporary), else a broken
// connection and a temporary failure.
func (c *conn) answered(err error, step string) attempt {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return c.failed(err, step, false)
	}
	class := Temporary
	if te.Code >= 500 && te.Code < 600 {
		class = Permanent
	}
	reply := cleanReply(fmt.Sprintf("%d %s", te.Code, te.Msg))
	return attempt{
		res:    Result{Class: class, Code: te.Code, Reply: reply, Err: &replyError{step: step, reply: reply, err: err}},
		broken: te.Code == 421, // RFC 5321 §3.8: the server is closing the channel
	}
}

// replyError is a server's refusal, worded with its cleaned reply; it
// unwraps to the protocol error.
type replyError struct {
	step, reply string
	err         error
}

func (e *replyError) Error() string { return e.step + ": " + e.reply }
func (e *replyError) Unwrap() error { return e.err }

// failed records a broken connection: the message is Temporary.
func (c *conn) failed(err error, step string, unsent bool) attempt {
	_ = c.c.Close()
	var ne net.Error
	timeout := errors.As(err, &ne) && ne.Timeout()
	return attempt{
		res:     Result{Class: Temporary, Err: fmt.Errorf("connection lost during %s: %w", step, err)},
		broken:  true,
		unsent:  unsent,
		timeout: timeout,
	}
}

// extend sets the I/O deadline for the next step.
func (c *conn) extend(deadline time.Time) error {
	d := c.timeout
	if !deadline.IsZero() {
		d = min(d, time.Until(deadline))
	}
	if d <= 0 {
		return errors.New("deadline passed")
	}
	return c.c.UpdateDeadline(d)
}

// noop checks that an idle connection still answers.
func (c *conn) noop() error {
	if err := c.extend(time.Time{}); err != nil {
		return err
	}
	return c.c.Noop()
}

// quit ends the session politely, within a few seconds.
func (c *conn) quit() {
	if c.c.UpdateDeadline(min(c.timeout, 5*time.Second)) == nil {
		if c.c.Quit() == nil {
			return
		}
	}
	_ = c.c.Close()
}

// cleanReply puts a server reply on one line of printable text, at most
// maxReply bytes.
func cleanReply(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxReply {
		cut := maxReply
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
