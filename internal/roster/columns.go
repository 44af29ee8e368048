package roster

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/rosterfile"
)

// personColumns are the affected_people columns an import writes, in the
// order of the values personValues returns.
var personColumns = []string{
	"breach_id", "import_id", "row_number", "external_id", "name", "given_name", "family_name",
	"email", "email_original", "phone", "phone_original", "address1", "address2", "city",
	"region", "region_original", "region_source", "country", "country_original",
	"postal_code", "postal_original", "language", "language_original", "language_source",
	"date_of_birth", "date_of_birth_original", "minor", "guardian_name", "guardian_email",
	"guardian_phone", "guardian_contact", "channel", "data_categories", "attributes",
	"email_key", "name_key", "review", "created_at",
}

// rowMeta is what every row of one import shares.
type rowMeta struct {
	breachID, importID int64
	now                time.Time
}

// personValues appends one row's values to dst in personColumns order.
func personValues(dst []any, m rowMeta, number int, p *rosterfile.Person) []any {
	emailKey, nameKey := DedupKey(p)
	guardian := p.GuardianEmail
	if guardian == "" {
		guardian = p.GuardianPhone
	}
	return append(dst,
		m.breachID, m.importID, int64(number), p.ExternalID, p.Name, p.GivenName, p.FamilyName,
		p.Email, p.EmailOriginal, p.Phone, p.PhoneOriginal, p.Address1, p.Address2, p.City,
		p.Region, p.RegionOriginal, p.RegionSource, p.Country, p.CountryOriginal,
		p.PostalCode, p.PostalOriginal, p.Language, p.LanguageOriginal, p.LanguageSource,
		p.DateOfBirth, p.DateOfBirthOriginal, p.Minor, p.GuardianName, p.GuardianEmail,
		p.GuardianPhone, guardian, p.Channel, jsonList(p.DataCategories), jsonMap(p.Attributes),
		emailKey, nameKey, "", m.now,
	)
}

// jsonList encodes a list of ids as a JSON array; ids need no escaping
// beyond what strconv-style quoting gives, so this avoids reflection.
func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, s)
	}
	b.WriteByte(']')
	return b.String()
}

func jsonMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(raw)
}

// writeJSONString writes s as a JSON string.
func writeJSONString(b *strings.Builder, s string) {
	b.Write(appendJSONString(nil, s))
}

// appendJSONString appends s as a JSON string; text without quotes,
// backslashes or control characters is copied as is (UTF-8 is valid JSON).
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			raw, _ := json.Marshal(s)
			return append(buf, raw...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
