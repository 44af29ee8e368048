package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
)

// walker collects what the MIME parts of a report hold.
type walker struct {
	parts        int
	report       bool // the message says it is a delivery status report
	reportingMTA string
	recipients   []DSNRecipient
	original     []Field // header of the returned message
	text         string  // start of the first text/plain part
}

// Bounds on what is read from one part.
const (
	maxStatusPart = 1 << 20
	maxOrigHeader = 256 << 10
	maxTextPart   = 16 << 10
)

// walk reads one entity with the given Content-Type and transfer encoding.
func (w *walker) walk(contentType, cte string, body io.Reader, depth int) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	switch mt {
	case "message/delivery-status", "message/global-delivery-status":
		w.report = true
		w.deliveryStatus(readLimited(decodeBody(cte, body), maxStatusPart))
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
		if w.original == nil {
			w.original = parseFields(readHeader(decodeBody(cte, body), maxOrigHeader))
		}
	case "text/plain":
		if w.text == "" {
			w.text = strings.ToValidUTF8(string(readLimited(decodeBody(cte, body), maxTextPart)), "")
		}
	default:
		if mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
			w.report = true
		}
		if strings.HasPrefix(mt, "multipart/") && depth < maxDSNDepth && params["boundary"] != "" {
			w.multipart(body, params["boundary"], depth)
		}
	}
}

func (w *walker) multipart(body io.Reader, boundary string, depth int) {
	mr := multipart.NewReader(body, boundary)
	for w.parts < maxDSNParts {
		p, err := mr.NextRawPart()
		if err != nil {
			return
		}
		w.parts++
		w.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1)
	}
}

// deliveryStatus reads the groups of fields of a message/delivery-status
// body: per-message fields first, then one group per recipient.
func (w *walker) deliveryStatus(data []byte) {
	for i, group := range fieldGroups(data) {
		fields := parseFields(group)
		if i == 0 && w.reportingMTA == "" {
			w.reportingMTA = typedValue(get(fields, "Reporting-MTA"))
		}
		if !isRecipientGroup(fields) || len(w.recipients) >= maxDSNRecipients {
			continue
		}
		w.recipients = append(w.recipients, recipientOf(fields))
	}
}

func isRecipientGroup(fields []Field) bool {
	for _, n := range []string{"Final-Recipient", "Original-Recipient", "Action", "Status"} {
		if get(fields, n) != "" {
			return true
		}
	}
	return false
}

func recipientOf(fields []Field) DSNRecipient {
	r := DSNRecipient{
		FinalRecipient:    bareAddress(typedValue(get(fields, "Final-Recipient"))),
		OriginalRecipient: bareAddress(typedValue(get(fields, "Original-Recipient"))),
		Action:            strings.ToLower(firstWord(get(fields, "Action"))),
		RemoteMTA:         typedValue(get(fields, "Remote-MTA")),
	}
	r.Status = enhancedCode(get(fields, "Status"))
	if r.Status == "" {
		r.Status = clip(firstWord(get(fields, "Status")))
	}
	diag := get(fields, "Diagnostic-Code")
	if typ, rest, ok := strings.Cut(diag, ";"); ok && !strings.ContainsAny(typ, " \t") {
		r.DiagnosticType, diag = strings.ToLower(strings.TrimSpace(typ)), rest
	}
	r.DiagnosticCode = clip(strings.TrimSpace(diag))
	r.Class = recipientClass(r.Action, r.Status, r.DiagnosticCode)
	return r
}

// decodeBody undoes a Content-Transfer-Encoding.
func decodeBody(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// readLimited reads up to n bytes; a read error keeps what came before it.
func readLimited(r io.Reader, n int64) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, n))
	return b
}

// readHeader reads a header block, up to the first empty line or n bytes.
func readHeader(r io.Reader, n int64) []byte {
	br := bufio.NewReader(io.LimitReader(r, n))
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimRight(line, "\r\n")) == 0 && len(line) > 0 {
			return head
		}
		head = append(head, line...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return head
		}
	}
}

// typedValue drops the type of an RFC 3464 typed field ("rfc822; a@b").
func typedValue(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		v = rest
	}
	return clip(strings.TrimSpace(v))
}

func bareAddress(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
	}
	return v
}

func firstWord(v string) string {
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return ""
}

var (
	enhancedRe = regexp.MustCompile(`(?:^|[^0-9.])([245]\.[0-9]{1,3}\.[0-9]{1,3})(?:[^0-9.]|$)`)
	basicRe    = regexp.MustCompile(`(?:^|[^0-9])([45][0-9][0-9])(?:[ -]|$)`)
)

// enhancedCode finds the first enhanced status code (RFC 3463) in s.
func enhancedCode(s string) string {
	if m := enhancedRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// basicCode finds the first 4xx or 5xx SMTP reply code in s, or "".
func basicCode(s string) string {
	if m := basicRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

var textIDRe = regexp.MustCompile(`(?im)^message-id:[ \t]*<([^<>\s]+)>`)

// textMessageID finds a Message-ID field quoted in a bounce's text, where
// bouncers without a delivery-status part copy the returned message.
func textMessageID(text string) string {
	if m := textIDRe.FindStringSubmatch(text); m != nil {
		return msgID("<"+m[1]+">", false)
	}
	return ""
}

// contentType is the first Content-Type field that parses, so that a
// broken duplicate does not hide a good one.
func contentType(fields []Field) string {
	for _, v := range getAll(fields, "Content-Type") {
		if _, _, err := mime.ParseMediaType(v); err == nil {
			return v
		}
	}
	return ""
}

// evidenceFields are the header fields a Report keeps.
var evidenceFields = map[string]bool{
	"from": true, "to": true, "subject": true, "date": true, "message-id": true, "in-reply-to": true,
	"references": true, "auto-submitted": true, "x-autoreply": true, "x-autorespond": true,
	"precedence": true, "x-precedence": true, "x-failed-recipients": true, "delivered-to": true,
	"x-original-to": true, "envelope-to": true, "return-path": true, "content-type": true,
	"x-auto-response-suppress": true, "x-ms-exchange-message-is-ndr": true,
}

func evidence(fields []Field) []Field {
	var out []Field
	for _, f := range fields {
		if evidenceFields[strings.ToLower(f.Name)] && len(out) < maxDSNHeaders {
			v := f.Value
			if strings.EqualFold(f.Name, "Subject") {
				v = decodeWords(v)
			}
			out = append(out, Field{Name: f.Name, Value: v})
		}
	}
	return out
}

// originalID is the Message-ID of the returned message: from its header
// when the report includes it, else In-Reply-To, else the last of
// References. (ParseDSN then tries a bounce's text.)
func originalID(fields, original []Field) string {
	if id := msgID(get(original, "Message-ID"), false); id != "" {
		return id
	}
	if id := msgID(get(fields, "In-Reply-To"), false); id != "" {
		return id
	}
	return msgID(get(fields, "References"), true)
}

// msgID takes the first (or last) <…> of v, or its first word.
func msgID(v string, last bool) string {
	var ids []string
	for rest := v; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			break
		}
		ids = append(ids, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
	if len(ids) == 0 {
		ids = strings.Fields(v)
	}
	if len(ids) == 0 {
		return ""
	}
	id := ids[0]
	if last {
		id = ids[len(ids)-1]
	}
	id = strings.TrimSpace(id)
	if len(id) > 250 || strings.ContainsAny(id, " \t<>") || !strings.Contains(id, "@") {
		return ""
	}
	return id
}

// sentTo lists the addresses the report was delivered to, most telling
// first.
func sentTo(fields []Field) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range []string{"X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To", "To"} {
		for _, v := range getAll(fields, name) {
			for _, a := range addresses(v) {
				if k := strings.ToLower(a); !seen[k] && len(out) < 10 {
					seen[k] = true
					out = append(out, a)
				}
			}
		}
	}
	return out
}

func addresses(v string) []string {
	if list, err := mail.ParseAddressList(v); err == nil {
		out := make([]string, 0, len(list))
		for _, a := range list {
			out = append(out, a.Address)
		}
		return out
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		if a := bareAddress(part); strings.Contains(a, "@") && !strings.ContainsAny(a, " \t") {
			out = append(out, a)
		}
	}
	return out
}
