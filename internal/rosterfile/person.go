package rosterfile

import (
	"slices"
	"strconv"
	"strings"
)

// rowBuilder turns one record into a Person, collecting every problem on the way.
type rowBuilder struct {
	rd      *Reader
	lay     *layout
	rec     record
	p       *Person
	rejects []Reject
}

func (rd *Reader) buildRow(rec record) Row {
	b := rowBuilder{rd: rd, lay: rd.lay, rec: rec, p: &Person{}}
	if rec.encoding {
		b.reject(-1, "", "the row's bytes are not valid "+string(rd.Encoding())+" text: the file mixes encodings", "")
		return Row{Number: rec.row, Rejects: b.rejects}
	}
	if !b.checkWidth() {
		return Row{Number: rec.row, Rejects: b.rejects}
	}
	b.names()
	b.place()
	b.contact()
	b.language()
	b.minor()
	b.categories()
	b.attributes()
	if len(b.rejects) > 0 {
		return Row{Number: rec.row, Rejects: b.rejects}
	}
	b.p.Channel = channel(b.p)
	return Row{Number: rec.row, Person: b.p}
}

// cell returns the trimmed value of column i, or "" when the row has no such column.
func (b *rowBuilder) cell(i int) string {
	if i < 0 || i >= len(b.rec.cells) {
		return ""
	}
	return unneutralise(strings.TrimSpace(b.rec.cells[i]))
}

// SafeCell neutralises a value for a CSV or spreadsheet export: a value starting with = + - @,
// a tab or a carriage return would be run as a formula by a spreadsheet, so it is prefixed
// with a single quote and shown as text.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// unneutralise undoes SafeCell: a value that a spreadsheet-safe export
// prefixed with a single quote ("'+1 416…", "'-") reads as it was, so a
// roster exported from Breachline (or any tool that guards formulas the
// same way) imports again unchanged.
func unneutralise(s string) string {
	if len(s) >= 2 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}

func (b *rowBuilder) reject(col int, f Field, reason, raw string) {
	b.rejects = append(b.rejects, Reject{
		Row:    b.rec.row,
		Column: b.lay.header(col, f),
		Reason: reason,
		Value:  maskValue(f, raw),
	})
}

// checkWidth reports rows whose cell count differs from the header's, since their values
// may sit under the wrong headers. Extra empty cells at the end are harmless.
func (b *rowBuilder) checkWidth() bool {
	cells, want := b.rec.cells, len(b.lay.headers)
	n := len(cells)
	for n > want && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	if n > want || n < want && !b.rd.src.shortRowsOK() {
		b.rejects = append(b.rejects, Reject{
			Row:    b.rec.row,
			Reason: "the row has " + strconv.Itoa(n) + " cells but the header has " + strconv.Itoa(want) + "; values may be under the wrong columns",
		})
		return false
	}
	return true
}

func (b *rowBuilder) names() {
	l, p := b.lay, b.p
	p.ExternalID = b.cell(l.externalID)
	p.Name = b.cell(l.name)
	p.GivenName = b.cell(l.givenName)
	p.FamilyName = b.cell(l.familyName)
	if p.Name == "" {
		p.Name = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
	}
	if p.Name == "" && p.ExternalID == "" {
		col := l.name
		if col < 0 {
			col = max(l.givenName, l.familyName, l.externalID)
		}
		b.reject(col, FieldName, "a name or an id is required", "")
	}
	p.Address1 = b.cell(l.address1)
	p.Address2 = b.cell(l.address2)
	p.City = b.cell(l.city)
	p.GuardianName = b.cell(l.guardianName)
}

func (b *rowBuilder) contact() {
	l, p := b.lay, b.p
	if raw := b.cell(l.email); raw != "" {
		p.EmailOriginal = raw
		email, err := NormaliseEmail(raw)
		if err != nil {
			b.reject(l.email, FieldEmail, err.Error(), raw)
		}
		p.Email = email
	}
	if raw := b.cell(l.phone); raw != "" {
		p.PhoneOriginal = raw
		phone, err := NormalisePhone(raw, b.phoneCountry())
		if err != nil {
			b.reject(l.phone, FieldPhone, err.Error(), raw)
		}
		p.Phone = phone
	}
}

// phoneCountry is the country a national number is read with: the row's, else the default.
func (b *rowBuilder) phoneCountry() string {
	if b.p.Country != "" {
		return b.p.Country
	}
	return b.rd.opts.DefaultCountry
}

func (b *rowBuilder) language() {
	p := b.p
	if raw := b.cell(b.lay.language); raw != "" {
		p.LanguageOriginal = raw
		lang, err := NormaliseLanguage(raw)
		if err != nil {
			b.reject(b.lay.language, FieldLanguage, err.Error(), raw)
		}
		p.Language, p.LanguageSource = lang, "column"
		return
	}
	p.Language, p.LanguageSource = defaultLanguage(p.Region), "default:region"
}

func (b *rowBuilder) categories() {
	raw := b.cell(b.lay.dataCategories)
	if raw == "" {
		b.p.DataCategories = slices.Clone(b.rd.opts.BreachCategories)
		return
	}
	cats, err := splitCategories(raw, b.rd.opts.CategoryAliases)
	if err != nil {
		b.reject(b.lay.dataCategories, FieldDataCategories, err.Error(), raw)
		return
	}
	b.p.DataCategories = cats
}

// attributes keeps the unmapped columns' non-empty values, as text.
func (b *rowBuilder) attributes() {
	for _, c := range b.lay.attrs {
		v := b.cell(c.index)
		if v == "" {
			continue
		}
		if b.p.Attributes == nil {
			b.p.Attributes = make(map[string]string, len(b.lay.attrs))
		}
		b.p.Attributes[c.attr] = v
	}
}

// channel picks how the person is notified: email when there is a valid address (the
// guardian's for a minor), else post when there is a usable address, else none.
func channel(p *Person) string {
	email := p.Email
	if p.Minor {
		email = p.GuardianEmail
	}
	switch {
	case email != "":
		return ChannelEmail
	case hasPostalAddress(p):
		return ChannelPostal
	}
	return ChannelNone
}

// hasPostalAddress requires a street line, a city and either a postal code or a country.
func hasPostalAddress(p *Person) bool {
	return p.Address1 != "" && p.City != "" && (p.PostalCode != "" || p.Country != "")
}
