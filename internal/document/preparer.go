package document

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/report"
)

type preparerKey struct{}

// WithPreparer names the person who prepared the documents generated with
// ctx, in place of the caller's own name and role: the command line acts
// with the operator's authority on behalf of someone (--prepared-by).
func WithPreparer(ctx context.Context, p report.Person) context.Context {
	return context.WithValue(ctx, preparerKey{}, p)
}

// preparedBy is the "Prepared by" of a document of the organization: the
// person named with WithPreparer, else the caller's name and their role in
// the organization, in the document's language. An account that has no
// name of its own (only its e-mail address) and the command line's
// operator are not printed: a regulator reads a person, not an account.
func preparedBy(ctx context.Context, p *auth.Principal, orgID int64, lang string) report.Person {
	if v, ok := ctx.Value(preparerKey{}).(report.Person); ok {
		return v
	}
	if p == nil || p.Via == "cli" {
		return report.Person{}
	}
	name := strings.TrimSpace(p.User.Name)
	if name == "" || strings.EqualFold(name, p.User.Email) {
		return report.Person{}
	}
	out := report.Person{Name: name}
	if role, ok := p.RoleIn(orgID); ok {
		out.Role = RoleTitle(role, lang)
	}
	return out
}

// RoleTitle names a membership role as a document prints it, capitalized
// ("Privacy officer", "Juriste").
func RoleTitle(role auth.Role, lang string) string {
	words := i18n.For(lang).Term("role", string(role))
	r, n := utf8.DecodeRuneInString(words)
	if n == 0 {
		return words
	}
	return string(unicode.ToUpper(r)) + words[n:]
}
