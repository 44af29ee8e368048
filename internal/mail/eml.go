package mail

import (
	"bytes"
	"fmt"
	"time"
)

// EML writes a message as the RFC 5322 bytes Breachline would send from
// the from address (a preview to download, exactly as a recipient gets it).
func EML(from string, m *Message, now time.Time) ([]byte, error) {
	msg, _, err := build(from, m, now)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message: %w", err)
	}
	return buf.Bytes(), nil
}
