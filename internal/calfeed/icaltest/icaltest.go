// Package icaltest reads iCalendar text back for tests: it checks the line
// rules (CRLF, 75-octet folding), unfolds, and splits components and
// properties with their TEXT values unescaped.
package icaltest

import (
	"fmt"
	"strings"
)

// Prop is one property: name, parameters as written, raw and unescaped value.
type Prop struct {
	Name   string
	Params string
	Raw    string
	Value  string
}

// Component is a BEGIN/END block.
type Component struct {
	Kind     string
	Props    []Prop
	Children []*Component
}

// Get returns the unescaped value of the first property called name.
func (c *Component) Get(name string) string {
	for _, p := range c.Props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// Find returns the children of a kind.
func (c *Component) Find(kind string) []*Component {
	var out []*Component
	for _, ch := range c.Children {
		if ch.Kind == kind {
			out = append(out, ch)
		}
	}
	return out
}

// Parse checks and reads a whole stream; it returns the VCALENDAR.
func Parse(raw string) (*Component, error) {
	if !strings.HasSuffix(raw, "\r\n") {
		return nil, fmt.Errorf("stream does not end in CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	// Each logical line is built up in its own builder: appending a
	// continuation to a string would copy it again for each one.
	var lines []*strings.Builder
	for i, l := range physical {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			return nil, fmt.Errorf("line %d: bare line break", i+1)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d: %d octets, more than 75", i+1, len(l))
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d: continuation first", i+1)
			}
			_, _ = lines[len(lines)-1].WriteString(l[1:])
			continue
		}
		b := &strings.Builder{}
		b.WriteString(l)
		lines = append(lines, b)
	}
	logical := make([]string, len(lines))
	for i, b := range lines {
		logical[i] = b.String()
	}
	return build(logical)
}

func build(lines []string) (*Component, error) {
	var stack []*Component
	var root *Component
	for _, l := range lines {
		p, err := split(l)
		if err != nil {
			return nil, err
		}
		switch p.Name {
		case "BEGIN":
			c := &Component{Kind: p.Raw}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, c)
			} else if root != nil {
				return nil, fmt.Errorf("second top-level component")
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Kind != p.Raw {
				return nil, fmt.Errorf("END:%s does not match", p.Raw)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("property %s outside a component", p.Name)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, fmt.Errorf("unbalanced components")
	}
	return root, nil
}

func split(l string) (Prop, error) {
	i := strings.IndexAny(l, ":;")
	if i <= 0 {
		return Prop{}, fmt.Errorf("malformed line %q", l)
	}
	p := Prop{Name: l[:i]}
	rest := l[i:]
	if rest[0] == ';' {
		j := strings.Index(rest, ":")
		if j < 0 {
			return Prop{}, fmt.Errorf("malformed line %q", l)
		}
		p.Params, rest = rest[1:j], rest[j:]
	}
	p.Raw = rest[1:]
	v, err := unescape(p.Raw)
	if err != nil {
		return Prop{}, fmt.Errorf("%s: %w", p.Name, err)
	}
	p.Value = v
	return p, nil
}

func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("dangling backslash")
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ';', ',':
			b.WriteByte(s[i])
		default:
			return "", fmt.Errorf("bad escape \\%c", s[i])
		}
	}
	return b.String(), nil
}
