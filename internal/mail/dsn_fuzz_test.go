package mail_test

import (
	"os"
	"path/filepath"
	"testing"

	bmail "github.com/breachline/breachline/internal/mail"
)

// FuzzParseDSN feeds the parser arbitrary messages, starting from the
// corpus of real-world shapes: it must not panic, and what it keeps stays
// within its bounds.
func FuzzParseDSN(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "dsn", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nAction: failed\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rep, err := bmail.ParseDSN(raw)
		if err != nil {
			return
		}
		if rep.Class < bmail.BounceUnknown || rep.Class > bmail.BounceAutoReply {
			t.Fatalf("class %d", rep.Class)
		}
		if len(rep.Recipients) > 1000 || len(rep.Headers) > 50 || len(rep.ToAll) > 10 || len(rep.MessageID) > 250 {
			t.Fatalf("unbounded report: %d recipients, %d headers, %d addresses", len(rep.Recipients), len(rep.Headers), len(rep.ToAll))
		}
		for _, r := range rep.Recipients {
			for _, v := range []string{r.FinalRecipient, r.OriginalRecipient, r.Action, r.Status, r.DiagnosticCode, r.RemoteMTA} {
				if len(v) > 1000 {
					t.Fatalf("value of %d bytes", len(v))
				}
			}
		}
	})
}
