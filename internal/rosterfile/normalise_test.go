package rosterfile

import (
	"errors"
	"strings"
	"testing"
)

func TestNormaliseRegion(t *testing.T) {
	cases := []struct{ in, country, postal, region, rc string }{
		{"Ont.", "", "", "CA-ON", "CA"}, {"ontario", "", "", "CA-ON", "CA"}, {"ON", "CA", "", "CA-ON", "CA"},
		{"Québec", "", "", "CA-QC", "CA"}, {"Quebec", "", "", "CA-QC", "CA"}, {"PQ", "", "", "CA-QC", "CA"},
		{"Nfld", "", "", "CA-NL", "CA"}, {"Î.-P.-É.", "", "", "CA-PE", "CA"}, {"Yukon", "", "", "CA-YT", "CA"},
		{"Nunavut", "", "", "CA-NU", "CA"}, {"T.N.-O.", "", "", "CA-NT", "CA"}, {"Sask", "", "", "CA-SK", "CA"},
		{"Colombie-Britannique", "", "", "CA-BC", "CA"}, {"Nouvelle-Écosse", "", "", "CA-NS", "CA"},
		{"TX", "", "", "US-TX", "US"}, {"District of Columbia", "", "", "US-DC", "US"}, {"Puerto Rico", "", "", "US-PR", "US"},
		{"CA", "US", "", "US-CA", "US"}, {"CA", "", "94105", "US-CA", "US"}, {"California", "", "", "US-CA", "US"},
		{"Allemagne", "", "", "DE", "DE"}, {"DEU", "", "", "DE", "DE"}, {"Royaume-Uni", "", "", "GB", "GB"},
		{"NL", "", "2511 CV", "NL", "NL"}, {"NL", "", "A1C 5M2", "CA-NL", "CA"}, {"Bavaria", "DE", "", "DE", "DE"},
		{"US-TX", "", "", "US-TX", "US"}, {"ca-on", "", "", "CA-ON", "CA"},
	}
	for _, c := range cases {
		r, rc, err := NormaliseRegion(c.in, c.country, c.postal)
		if err != nil || r != c.region || rc != c.rc {
			t.Errorf("NormaliseRegion(%q,%q,%q) = %q,%q,%v; want %q,%q", c.in, c.country, c.postal, r, rc, err, c.region, c.rc)
		}
	}
	for _, in := range []string{"CA", "DE", "IN", "GA", "Georgia", "PE", "Atlantis", ""} {
		if r, _, err := NormaliseRegion(in, "", ""); err == nil {
			t.Errorf("NormaliseRegion(%q) = %q, want an error", in, r)
		}
	}
	if _, _, err := NormaliseRegion("Texas", "CA", ""); err == nil {
		t.Error("Texas in Canada accepted")
	}
	if _, _, err := NormaliseRegion("Ontario", "US", ""); err == nil {
		t.Error("Ontario in the US accepted")
	}
}

func TestAllSubdivisionsResolve(t *testing.T) {
	for _, list := range [][]subdivision{canada, unitedStates} {
		for _, s := range list {
			country := s.code[:2]
			for _, n := range append([]string{s.code[3:]}, s.names...) {
				r, _, err := NormaliseRegion(n, country, "")
				if err != nil || r != s.code {
					t.Errorf("%q in %s = %q, %v; want %s", n, country, r, err, s.code)
				}
			}
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	ok := []struct{ in, country, out string }{
		{"416-555-0123", "CA", "+14165550123"}, {"(212) 555 0199", "US", "+12125550199"},
		{"1 416 555 0123", "CA", "+14165550123"}, {"011 44 20 7946 0018", "CA", "+442079460018"},
		{"07700 900123", "GB", "+447700900123"}, {"0044 7700 900123", "FR", "+447700900123"},
		{"06 12 34 56 78", "FR", "+33612345678"}, {"+32 2 123 45 67", "", "+3221234567"},
		{"06 1234 5678", "IT", "+390612345678"}, {"612 345 678", "ES", "+34612345678"},
		{"416.555.0123 x204", "CA", "+14165550123"}, {"514 555 0123 poste 12", "CA", "+15145550123"},
	}
	for _, c := range ok {
		got, err := NormalisePhone(c.in, c.country)
		if err != nil || got != c.out {
			t.Errorf("NormalisePhone(%q,%q) = %q,%v; want %q", c.in, c.country, got, err, c.out)
		}
	}
	bad := []struct{ in, country string }{
		{"555-0123", "CA"}, {"416-555-0123", ""}, {"123-456-7890", "US"}, {"416-055-0123", "CA"},
		{"+999 123", ""}, {"7700 900123", "GB"}, {"06 12 34 56", "FR"}, {"phone", "CA"}, {"+", ""},
		{"+44 20", ""}, {"12345", "ZZ"},
	}
	for _, c := range bad {
		if got, err := NormalisePhone(c.in, c.country); err == nil {
			t.Errorf("NormalisePhone(%q,%q) = %q, want an error", c.in, c.country, got)
		}
	}
}

func TestNormaliseEmail(t *testing.T) {
	ok := map[string]string{
		"a@example.com": "a@example.com", " Jean.Dupont@Exemple.QC.CA ": "Jean.Dupont@exemple.qc.ca",
		"x+tag@sub.example.org": "x+tag@sub.example.org", "\"Ann\" <ann@example.com>": "ann@example.com",
	}
	for in, out := range ok {
		if got, err := NormaliseEmail(in); err != nil || got != out {
			t.Errorf("NormaliseEmail(%q) = %q,%v; want %q", in, got, err, out)
		}
	}
	for _, in := range []string{"", "plain", "a@b", "a@b.c", "a b@example.com", "a@exa mple.com", "a@@example.com",
		".a@example.com", "a.@example.com", "a@-example.com", "a@example..com", "a@example.123",
		"a@x.com,b@y.com", "<>", "a@[127.0.0.1]"} {
		if got, err := NormaliseEmail(in); err == nil {
			t.Errorf("NormaliseEmail(%q) = %q, want an error", in, got)
		}
	}
}

func TestNormalisePostalAndLanguageAndCountry(t *testing.T) {
	postal := []struct{ in, country, out string }{
		{"k1a0b1", "CA", "K1A 0B1"}, {"K1A-0B1", "", "K1A 0B1"}, {"02134", "US", "02134"},
		{"021341234", "US", "02134-1234"}, {"sw1a 1aa", "GB", "SW1A 1AA"}, {"EC1A1BB", "GB", "EC1A 1BB"},
		{"D-10115", "DE", "10115"}, {"75008", "FR", "75008"}, {"1011 ab", "NL", "1011 AB"}, {"1000", "BE", "1000"},
	}
	for _, c := range postal {
		if got, err := NormalisePostal(c.in, c.country); err != nil || got != c.out {
			t.Errorf("NormalisePostal(%q,%q) = %q,%v; want %q", c.in, c.country, got, err, c.out)
		}
	}
	for _, c := range [][2]string{{"D1A 1A1", "CA"}, {"2134", "US"}, {"1234", "DE"}, {"ABCDE", "FR"}, {"12345", "GB"}, {"!!", ""}} {
		if got, err := NormalisePostal(c[0], c[1]); err == nil {
			t.Errorf("NormalisePostal(%q,%q) = %q, want an error", c[0], c[1], got)
		}
	}
	lang := map[string]string{"English": "en", "anglais": "en", "FR": "fr", "fr-CA": "fr", "Français": "fr", "fra": "fr", "Español": "es", "zh-Hant-TW": "zh"}
	for in, out := range lang {
		if got, err := NormaliseLanguage(in); err != nil || got != out {
			t.Errorf("NormaliseLanguage(%q) = %q,%v; want %q", in, got, err, out)
		}
	}
	for _, in := range []string{"Klingonese", "x", "12"} {
		if got, err := NormaliseLanguage(in); err == nil {
			t.Errorf("NormaliseLanguage(%q) = %q, want an error", in, got)
		}
	}
	for in, out := range map[string]string{"Canada": "CA", "CAN": "CA", "États-Unis": "US", "USA": "US", "uk": "GB", "Allemagne": "DE"} {
		if got, err := NormaliseCountry(in); err != nil || got != out {
			t.Errorf("NormaliseCountry(%q) = %q,%v; want %q", in, got, err, out)
		}
	}
	if _, err := NormaliseCountry("Ontario"); err == nil {
		t.Error("Ontario accepted as a country")
	}
}

func TestRejectErrorAndMask(t *testing.T) {
	r := Reject{Row: 1204, Column: "email", Reason: "not a valid address", Value: maskValue(FieldEmail, "jean@example.com")}
	want(t, "error", r.Error(), "row 1,204, column `email`: not a valid address (j***@ex***)")
	want(t, "millions", groupThousands(1234567), "1,234,567")
	want(t, "mask short", maskValue(FieldName, "Al"), "***")
	want(t, "mask region shown", maskValue(FieldRegion, "CA"), "CA")
}

func TestFatalFiles(t *testing.T) {
	cases := map[string]struct {
		data string
		opts Options
		msg  string
	}{
		"empty":       {"", Options{}, "empty"},
		"xls":         {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", Options{}, ".xls"},
		"nul":         {"name\x00,email\n", Options{}, "NUL"},
		"no name":     {"email,city\na@example.com,X\n", Options{}, "no name or id column"},
		"dob no ref":  {"name,dob\nA,2000-01-01\n", Options{}, "reference date"},
		"bad country": {"name\nA\n", Options{DefaultCountry: "Narnia"}, "Narnia"},
		"bad format":  {"name\nA\n", Options{Format: "ods"}, "ods"},
		"header only": {",,\n\n", Options{}, "no header"},
	}
	for name, c := range cases {
		_, err := NewReader(strings.NewReader(c.data), c.opts)
		var fe *FatalError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want a fatal error mentioning %q", name, err, c.msg)
		}
	}
}

func TestMixedEncodingRowRejected(t *testing.T) {
	data := "name,city\nAnne,Montréal\nBob,Montr\xe9al\nCid,Laval\n"
	_, rows := readAll(t, strings.NewReader(data), Options{})
	people, rejects := split(rows)
	if len(people) != 2 || len(rejects) != 1 || rejects[0].Row != 3 {
		t.Fatalf("people %d rejects %v", len(people), rejects)
	}
}

func TestLoneCRAndDelimiterOverride(t *testing.T) {
	_, rows := readAll(t, strings.NewReader("name|email\r\rA|a@example.com\rB|b@example.com"), Options{Delimiter: '|'})
	if len(rows) != 2 || rows[0].Number != 3 || rows[1].Number != 4 || rows[1].Person.Email != "b@example.com" {
		t.Fatalf("rows %+v", rows)
	}
}
