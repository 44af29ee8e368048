package notice

import (
	"net/mail"
	"strings"

	"github.com/breachline/breachline/internal/roster"
)

// reach is what deciding how to reach a person reads.
type reach struct {
	Region, Language, Email, GuardianEmail, Address1, PostalCode string
	Minor                                                        bool
}

func reachOf(r roster.Recipient) reach {
	return reach{Region: r.Region, Language: r.Language, Email: r.Email, GuardianEmail: r.GuardianEmail,
		Address1: r.Address1, PostalCode: r.PostalCode, Minor: r.Minor}
}

func reachOfPerson(p roster.StoredPerson) reach {
	return reach{Region: p.Region, Language: p.Language, Email: p.Email, GuardianEmail: p.GuardianEmail,
		Address1: p.Address1, PostalCode: p.PostalCode, Minor: p.Minor}
}

// emailOf is the address a person's notice goes to: a minor's guardian's,
// or their own; "" when there is no usable address.
func emailOf(r reach) string {
	addr := r.Email
	if r.Minor {
		addr = r.GuardianEmail
	}
	if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr || !strings.Contains(addr, "@") {
		return ""
	}
	return addr
}

// channelOf is how a person is reached: e-mail when they (or a minor's
// guardian) have a usable address, else a letter when they have a postal
// address, else nothing (the substitute notice covers them).
func channelOf(r reach) string {
	switch {
	case emailOf(r) != "":
		return ChannelEmail
	case strings.TrimSpace(r.Address1) != "" && strings.TrimSpace(r.PostalCode) != "":
		return ChannelPostal
	}
	return ChannelNone
}

// languageOf is the language of a person's notice: the one a rule requires
// where they live (French in Québec), else their own when the template is
// written in it, else the campaign's.
func (s *Service) languageOf(r reach, set TemplateSet, def string) string {
	if lang := s.requiredLanguage(r.Region); lang != "" {
		if _, ok := set.Parts[lang]; ok {
			return lang
		}
	}
	if _, ok := set.Parts[r.Language]; ok {
		return r.Language
	}
	return def
}
