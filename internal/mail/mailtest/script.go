package mailtest

import (
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// A recipient's script is a list of steps used in the order they were
// added: a step meant for n messages is used n times, then the next one
// applies; a step for every message (n <= 0) stays. With no step left the
// recipient is accepted.
type step struct {
	atData bool            // acts on the end of DATA, not on RCPT TO
	reply  *smtp.SMTPError // refuse with this reply
	drop   bool            // close the connection without a reply
	delay  time.Duration   // wait before answering
	left   int             // uses left; <= 0 means every message
}

// errDropped ends a session whose connection was dropped on purpose.
var errDropped = errors.New("connection dropped by the test script")

// Refuse makes the server answer RCPT TO addr with code and text from now
// on, replacing any script for addr.
func (s *Server) Refuse(addr string, code int, enhanced smtp.EnhancedCode, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[strings.ToLower(addr)] = []*step{{reply: reply(code, enhanced, text)}}
}

// RefuseTimes makes the server answer RCPT TO addr with code and text for
// the next n messages (e.g. 451 4.3.0 twice), then go on with the script.
func (s *Server) RefuseTimes(addr string, n int, code int, enhanced smtp.EnhancedCode, text string) {
	s.add(addr, &step{reply: reply(code, enhanced, text), left: max(n, 1)})
}

// DropInData makes the server, for the next n messages to addr, read the
// whole message and then close the connection without answering: the
// client cannot know whether it was taken, and it is not recorded.
func (s *Server) DropInData(addr string, n int) {
	s.add(addr, &step{atData: true, drop: true, left: max(n, 1)})
}

// Stall makes the server, for the next n messages to addr, wait d after
// the end of the message before answering (and accepting it). A client
// that gives up first still finds the message recorded, as with a real
// server that was slow to reply.
func (s *Server) Stall(addr string, d time.Duration, n int) {
	s.add(addr, &step{atData: true, delay: d, left: max(n, 1)})
}

// Allow removes addr's script: it is accepted from now on.
func (s *Server) Allow(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.script, strings.ToLower(addr))
}

func (s *Server) add(addr string, st *step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(addr)
	s.script[k] = append(s.script[k], st)
}

func reply(code int, enhanced smtp.EnhancedCode, text string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: text}
}

// atRcpt counts the attempt and returns the refusal due for addr, if any.
func (s *Server) atRcpt(addr string) *smtp.SMTPError {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(addr)
	s.attempts[k]++
	st := s.take(k, false)
	if st == nil {
		return nil
	}
	return st.reply
}

// atData returns the step due at the end of a message to these
// recipients, if any.
func (s *Server) atData(rcpts []string) *step {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rcpts {
		if st := s.take(strings.ToLower(r), true); st != nil {
			return st
		}
	}
	return nil
}

// take uses the first step of k's script when it acts at this point.
func (s *Server) take(k string, atData bool) *step {
	steps := s.script[k]
	if len(steps) == 0 || steps[0].atData != atData {
		return nil
	}
	st := steps[0]
	if st.left > 0 {
		st.left--
		if st.left == 0 {
			s.script[k] = steps[1:]
		}
	}
	return st
}

// act carries out a DATA step; a nil error means accept the message.
func (x *session) act(st *step) error {
	if st.delay > 0 {
		select {
		case <-time.After(st.delay):
		case <-x.srv.done:
			return errDropped
		}
	}
	if st.drop {
		_ = x.conn.Conn().Close()
		return errDropped
	}
	if st.reply != nil {
		return st.reply
	}
	return nil
}
