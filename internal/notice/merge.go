package notice

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/breachline/breachline/internal/plaintext"
)

// A notice template is text with merge fields: {{field}} prints a field;
// {{#field}}…{{/field}} prints its body only when the field is not empty,
// and {{^field}}…{{/field}} only when it is. There is nothing else: no
// expressions, no functions, no loops, so an organization's edited copy can
// only place the facts Breachline gives it, and every value is escaped for
// the part it lands in (HTML, plain text, a header or a letter).

// node is one piece of a parsed template.
type node struct {
	text  string // literal text (field == "")
	field string
	kind  byte // 0 value, '#' if set, '^' if empty
	body  []node
}

// Parsed is a parsed notice template part.
type Parsed struct {
	nodes []node
	// Fields lists every field the part names, in order of first use.
	Fields []string
	// guarded are the fields printed only inside a section that shows when
	// the same field is set: {{#remediation}}…{{remediation}}…{{/remediation}}.
	guarded map[string]bool
}

// conditional reports whether a field is printed only where its own
// section guards it (or not printed at all), so an empty value prints
// nothing and leaves no blank.
func (t *Parsed) conditional(field string) bool { return t.guarded[field] }

// guards works out which fields are only printed inside their own section.
func guards(nodes []node) map[string]bool {
	bare := map[string]bool{}
	inside := map[string]bool{}
	var walk func(ns []node, open map[string]bool)
	walk = func(ns []node, open map[string]bool) {
		for _, n := range ns {
			switch {
			case n.field == "":
			case n.kind == 0 && open[n.field]:
				inside[n.field] = true
			case n.kind == 0:
				bare[n.field] = true
			case n.kind == '#':
				next := map[string]bool{n.field: true}
				for k := range open {
					next[k] = true
				}
				walk(n.body, next)
			default:
				walk(n.body, open)
			}
		}
	}
	walk(nodes, map[string]bool{})
	out := map[string]bool{}
	for _, f := range collect(nodes) {
		out[f] = !bare[f]
	}
	return out
}

// collect lists every field named anywhere.
func collect(nodes []node) []string {
	var out []string
	for _, n := range nodes {
		if n.field != "" {
			out = append(out, n.field)
			out = append(out, collect(n.body)...)
		}
	}
	return out
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ParseError says what is wrong with a template and where.
type ParseError struct {
	Part   string
	Line   int
	Column int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s, line %d, column %d: %s", e.Part, e.Line, e.Column, e.Msg)
}

// Parse reads a template part; known reports whether a field name exists.
// The error names the part, the line and column, and the problem.
func Parse(part, src string, known func(string) bool) (*Parsed, error) {
	p := &parser{part: part, src: src, known: known, seen: map[string]bool{}}
	nodes, err := p.parse("")
	if err != nil {
		return nil, err
	}
	return &Parsed{nodes: nodes, Fields: p.order, guarded: guards(nodes)}, nil
}

type parser struct {
	part  string
	src   string
	pos   int
	known func(string) bool
	seen  map[string]bool
	order []string
}

func (p *parser) errAt(pos int, format string, args ...any) error {
	line, col := 1, 1
	for _, r := range p.src[:pos] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &ParseError{Part: p.part, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// parse reads nodes until the end or the closing tag of section open.
func (p *parser) parse(open string) ([]node, error) {
	var out []node
	for {
		i := strings.Index(p.src[p.pos:], "{{")
		if i < 0 {
			if open != "" {
				return nil, p.errAt(len(p.src), "section {{#%s}} is never closed with {{/%s}}", open, open)
			}
			if rest := p.src[p.pos:]; rest != "" {
				out = append(out, node{text: rest})
			}
			p.pos = len(p.src)
			return out, nil
		}
		if i > 0 {
			out = append(out, node{text: p.src[p.pos : p.pos+i]})
		}
		start := p.pos + i
		j := strings.Index(p.src[start:], "}}")
		if j < 0 {
			return nil, p.errAt(start, "{{ is never closed with }}")
		}
		tag := strings.TrimSpace(p.src[start+2 : start+j])
		p.pos = start + j + 2
		if tag != "" && strings.ContainsRune("#^/", rune(tag[0])) {
			out = p.standalone(out, start)
		}
		n, closed, err := p.tag(start, tag, open)
		if err != nil {
			return nil, err
		}
		if closed {
			return out, nil
		}
		out = append(out, n)
	}
}

// standalone drops the line of a section tag that stands alone on its
// line (only spaces or tabs around it), so that sections on lines of their
// own leave no blank line behind: the spaces before the tag are trimmed
// from the text before it and the line break after it is skipped.
func (p *parser) standalone(out []node, start int) []node {
	lineStart := strings.LastIndexByte(p.src[:start], '\n') + 1
	if strings.Trim(p.src[lineStart:start], " \t") != "" {
		return out
	}
	rest := p.src[p.pos:]
	end := strings.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	if strings.Trim(strings.TrimSuffix(rest[:end], "\r"), " \t") != "" {
		return out
	}
	if n := len(out); n > 0 && out[n-1].field == "" {
		out[n-1].text = strings.TrimRight(out[n-1].text, " \t")
	}
	p.pos += min(end+1, len(rest))
	return out
}

// tag handles one {{…}}; closed is true for the end of section open.
func (p *parser) tag(at int, tag, open string) (node, bool, error) {
	kind := byte(0)
	if tag != "" && (tag[0] == '#' || tag[0] == '^' || tag[0] == '/') {
		kind, tag = tag[0], strings.TrimSpace(tag[1:])
	}
	if !fieldName.MatchString(tag) {
		return node{}, false, p.errAt(at, "%q is not a field name (lower-case letters, digits and _)", tag)
	}
	if kind == '/' {
		if tag != open {
			return node{}, false, p.errAt(at, "{{/%s}} closes a section that is not open", tag)
		}
		return node{}, true, nil
	}
	if !p.known(tag) {
		return node{}, false, p.errAt(at, "unknown field %q", tag)
	}
	if !p.seen[tag] {
		p.seen[tag] = true
		p.order = append(p.order, tag)
	}
	n := node{field: tag, kind: kind}
	if kind == 0 {
		return n, false, nil
	}
	body, err := p.parse(tag)
	if err != nil {
		return node{}, false, err
	}
	n.body = body
	return n, false, nil
}

// Escaping is how a value is made safe for the part it is printed in.
type Escaping int

// The parts of a notice.
const (
	// Text is a plain-text body: control and direction-override characters
	// are removed.
	Text Escaping = iota
	// HTML is an HTML body: markup is escaped and line breaks kept.
	HTML
	// Header is a one-line header such as the subject: line breaks and
	// control characters become spaces, so a value cannot add a header.
	Header
)

// Render prints the template with the values; used receives the fields that
// printed a non-empty value (for the content checklist), may be nil.
func (t *Parsed) Render(values func(string) string, esc Escaping, used map[string]bool) string {
	var b strings.Builder
	render(&b, t.nodes, values, esc, used)
	out := b.String()
	if esc == Header {
		out = strings.Join(strings.Fields(out), " ")
	}
	return out
}

func render(b *strings.Builder, nodes []node, values func(string) string, esc Escaping, used map[string]bool) {
	for _, n := range nodes {
		if n.field == "" {
			b.WriteString(n.text)
			continue
		}
		v := strings.TrimSpace(values(n.field))
		switch n.kind {
		case '#':
			if v != "" {
				render(b, n.body, values, esc, used)
			}
		case '^':
			if v == "" {
				render(b, n.body, values, esc, used)
			}
		default:
			if v != "" && used != nil {
				used[n.field] = true
			}
			b.WriteString(escape(v, esc))
		}
	}
}

// escape makes a value safe for its part.
func escape(v string, esc Escaping) string {
	v = inert(v)
	switch esc {
	case HTML:
		return strings.ReplaceAll(html.EscapeString(v), "\n", "<br>\n")
	case Header:
		return strings.Join(strings.Fields(v), " ")
	}
	return v
}

// inert removes from a value what could change how the rest of a message
// reads: control characters (but line breaks and tabs), direction
// overrides, isolates and marks, and the byte-order mark; line and
// paragraph separators become line breaks.
func inert(v string) string {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == 0x2028 || r == 0x2029:
			return '\n'
		case plaintext.Bidi(r) || r == 0xFEFF:
			return -1
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, v)
}
