package rosterfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rejectAt is a reject's row and column, for exact comparison.
type rejectAt struct {
	row    int
	column string
}

func rejectsAt(rejects []Reject) []rejectAt {
	out := make([]rejectAt, len(rejects))
	for i, r := range rejects {
		out[i] = rejectAt{r.Row, r.Column}
	}
	return out
}

// corpusCase is one messy file with its expected outcome.
type corpusCase struct {
	file     string
	accepted int
	rejects  []rejectAt
	check    func(t *testing.T, rd *Reader, people []*Person)
}

func TestCorpus(t *testing.T) {
	for _, c := range corpusCases() {
		t.Run(c.file, func(t *testing.T) {
			rd, rows := readFile(t, c.file, Options{ReferenceDate: refDate, DefaultCountry: "CA"})
			people, rejects := split(rows)
			if len(people) != c.accepted {
				t.Errorf("accepted %d, want %d", len(people), c.accepted)
			}
			if got := rejectsAt(rejects); !slices.Equal(got, c.rejects) {
				t.Errorf("rejects %v, want %v", got, c.rejects)
			}
			if c.check != nil {
				c.check(t, rd, people)
			}
		})
	}
}

func corpusCases() []corpusCase {
	return []corpusCase{
		{file: "utf8_bom.csv", accepted: 3, check: checkBOM},
		{file: "utf16le_tab.txt", accepted: 2, check: checkUTF16LE},
		{file: "utf16be.csv", accepted: 2, check: checkUTF16BE},
		{file: "utf16le_nobom.csv", accepted: 2, check: checkUTF16NoBOM("utf-16le")},
		{file: "utf16be_nobom.csv", accepted: 2, check: checkUTF16NoBOM("utf-16be")},
		{file: "cp1252.csv", accepted: 2, check: checkCP1252},
		{file: "semicolon_fr.csv", accepted: 2, check: checkSemicolon},
		{file: "quoted_newline.csv", accepted: 2, rejects: []rejectAt{{3, "email"}, {5, "email"}}, check: checkQuoted},
		{file: "blank_lines.csv", accepted: 2, rejects: []rejectAt{{6, "email"}}},
		{file: "ragged.csv", accepted: 3, rejects: []rejectAt{{3, ""}, {4, ""}}},
		{file: "bad_emails.csv", accepted: 2, rejects: []rejectAt{
			{3, "email"}, {4, "email"}, {5, "email"}, {6, "email"}, {7, "email"}, {9, "email"}}, check: checkEmails},
		{file: "ambiguous_region.csv", accepted: 5, rejects: []rejectAt{
			{2, "region"}, {5, "region"}, {7, "region"}, {8, "region"}, {11, "postal code"}, {12, "region"}}, check: checkRegions},
		{file: "minors.csv", accepted: 5, rejects: []rejectAt{
			{3, "guardian name"}, {5, "minor"}, {7, "date of birth"}, {10, "date of birth"}}, check: checkMinors},
		{file: "formula.csv", accepted: 2, check: checkFormula},
		{file: "phones.csv", accepted: 10, rejects: []rejectAt{
			{5, "phone"}, {13, "phone"}, {14, "phone"}, {15, "phone"}}, check: checkPhones},
		{file: "categories.csv", accepted: 3, check: checkCategories},
	}
}

func want(t *testing.T, what, got, exp string) {
	t.Helper()
	if got != exp {
		t.Errorf("%s = %q, want %q", what, got, exp)
	}
}

func checkBOM(t *testing.T, rd *Reader, p []*Person) {
	want(t, "encoding", string(rd.Encoding()), "utf-8")
	want(t, "first header", rd.Columns()[0].Header, "Name")
	want(t, "region", p[0].Region, "CA-ON")
	want(t, "region original", p[0].RegionOriginal, "Ont.")
	want(t, "postal", p[1].PostalCode, "M5V 2T6")
	want(t, "postal original", p[1].PostalOriginal, "m5v2t6")
	want(t, "PQ", p[2].Region, "CA-QC")
	want(t, "language", p[2].Language, "fr")
	want(t, "language source", p[2].LanguageSource, "default:region")
}

func checkUTF16LE(t *testing.T, rd *Reader, p []*Person) {
	want(t, "encoding", string(rd.Encoding()), "utf-16le")
	want(t, "delimiter", string(rd.Delimiter()), "\t")
	want(t, "name", p[0].Name, "Émilie Côté")
	want(t, "region", p[0].Region, "CA-QC")
	want(t, "language", p[0].Language, "fr")
	want(t, "language source", p[0].LanguageSource, "column")
	want(t, "language", p[1].Language, "en")
	want(t, "region", p[1].Region, "CA-BC")
}

func checkUTF16BE(t *testing.T, rd *Reader, p []*Person) {
	want(t, "encoding", string(rd.Encoding()), "utf-16be")
	want(t, "name", p[0].Name, "María López")
	want(t, "region", p[0].Region, "US-TX")
	want(t, "region", p[1].Region, "US-NY")
}

// checkUTF16NoBOM checks a UTF-16 file written without a byte-order mark,
// recognised from the NULs of its ASCII characters.
func checkUTF16NoBOM(enc string) func(t *testing.T, rd *Reader, p []*Person) {
	return func(t *testing.T, rd *Reader, p []*Person) {
		want(t, "encoding", string(rd.Encoding()), enc)
		want(t, "name", p[0].Name, "Josée Gagnon")
		want(t, "region", p[0].Region, "CA-QC")
		want(t, "region", p[1].Region, "CA-ON")
	}
}

// A file with NULs that is not recognisably UTF-16 is refused, not guessed.
func TestBinaryFileIsRefused(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "binary_nul.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = NewReader(f, Options{})
	var fe *FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "NUL bytes") {
		t.Fatalf("binary file: %v", err)
	}
}

func checkCP1252(t *testing.T, rd *Reader, p []*Person) {
	want(t, "encoding", string(rd.Encoding()), "windows-1252")
	want(t, "name", p[0].Name, "Hélène Tremblay")
	want(t, "city", p[0].City, "Montréal")
	want(t, "notes", p[0].Attributes["Notes"], "l\u2019appartement 3")
	want(t, "euro", p[1].Attributes["Notes"], "€ 20")
}

func checkSemicolon(t *testing.T, rd *Reader, p []*Person) {
	want(t, "delimiter", string(rd.Delimiter()), ";")
	want(t, "given", p[0].GivenName, "Marie")
	want(t, "family (Nom beside Prénom)", p[0].FamilyName, "Lavoie")
	want(t, "name", p[0].Name, "Marie Lavoie")
	want(t, "phone", p[0].Phone, "+15145550142")
	want(t, "dob", p[0].DateOfBirth, "1980-05-17")
	want(t, "address with comma", p[0].Address1, "12, rue Sainte-Catherine")
	want(t, "quoted semicolon", p[1].Address1, "45, rue Elgin; app. 3")
	want(t, "dob day first", p[1].DateOfBirth, "1975-09-17")
	want(t, "channel", p[1].Channel, ChannelPostal)
	want(t, "channel", p[0].Channel, ChannelEmail)
}

func checkQuoted(t *testing.T, rd *Reader, p []*Person) {
	want(t, "name", p[0].Name, "Smith, Jane")
	want(t, "address", p[0].Address1, "10 Main St\nApt 4\nSuite \"B\"")
	want(t, "quotes", p[1].Name, "Ann \"Annie\" Lee")
	want(t, "crlf inside quotes", p[1].Address1, "1 Bay St\nFloor 2")
	want(t, "attribute", p[1].Attributes["notes"], "multi\nline\nnote")
}

func checkEmails(t *testing.T, rd *Reader, p []*Person) {
	want(t, "display form", p[1].Email, "JEAN@example.com")
	want(t, "original", p[1].EmailOriginal, "Jean Dupont <JEAN@Example.COM>")
}

func checkRegions(t *testing.T, rd *Reader, p []*Person) {
	want(t, "CA with ZIP", p[0].Region, "US-CA")
	want(t, "CA with Canadian postal", p[1].Region, "CA-ON")
	want(t, "CA with Canadian postal, source", p[1].RegionSource, "postal")
	want(t, "Georgia in the US", p[2].Region, "US-GA")
	want(t, "ON", p[3].Region, "CA-ON")
	want(t, "Bayern", p[4].Region, "DE")
	want(t, "Bayern original", p[4].RegionOriginal, "Bayern")
}

func checkMinors(t *testing.T, rd *Reader, p []*Person) {
	if !p[0].Minor || p[0].Channel != ChannelEmail || p[0].GuardianEmail != "pat@example.com" {
		t.Errorf("kid with guardian email: %+v", *p[0])
	}
	if !p[1].Minor || p[1].GuardianPhone != "+14165550100" {
		t.Errorf("flagged minor: %+v", *p[1])
	}
	if p[2].Minor {
		t.Error("adult marked minor")
	}
	if !p[3].Minor || p[3].Channel != ChannelPostal {
		t.Errorf("minor with guardian name and address: %+v", *p[3])
	}
	if p[4].Minor {
		t.Error("18 on the reference date is not a minor")
	}
}

// checkFormula checks that formula-looking cells are kept as text, exactly
// as written; the export neutralises them (see roster.SafeCell).
func checkFormula(t *testing.T, rd *Reader, p []*Person) {
	want(t, "stored as text", p[0].Attributes["comment"], `=HYPERLINK("http://x","click")`)
	want(t, "plus", p[0].Attributes["code"], "+1234")
	want(t, "at", p[1].Attributes["comment"], "@SUM(A1:A2)")
	want(t, "minus", p[1].Attributes["code"], "-5")
}

func checkPhones(t *testing.T, rd *Reader, p []*Person) {
	exp := []string{"+14165550123", "+16135550199", "+18005550100", "+442079460018", "+442079460018",
		"+33123456789", "+33123456789", "+49301234567", "+49301234567", "+14165550123"}
	for i, e := range exp {
		want(t, p[i].PhoneOriginal, p[i].Phone, e)
	}
}

func checkCategories(t *testing.T, rd *Reader, p []*Person) {
	if !slices.Equal(p[0].DataCategories, []string{"sin", "health", "date_of_birth"}) {
		t.Errorf("categories %v", p[0].DataCategories)
	}
	if !slices.Equal(p[2].DataCategories, []string{"email"}) {
		t.Errorf("duplicates kept: %v", p[2].DataCategories)
	}
}

func TestBreachCategoriesAndAliases(t *testing.T) {
	opts := Options{BreachCategories: []string{"name", "email"}, CategoryAliases: map[string]string{
		"sin": "sin", "health": "health", "dateofbirth": "date_of_birth", "email": "email"}}
	_, rows := readFile(t, "categories.csv", opts)
	people, rejects := split(rows)
	if len(people) != 3 || len(rejects) != 0 {
		t.Fatalf("people %d rejects %v", len(people), rejects)
	}
	if !slices.Equal(people[1].DataCategories, []string{"name", "email"}) {
		t.Errorf("breach categories not applied: %v", people[1].DataCategories)
	}
	opts.CategoryAliases = map[string]string{"sin": "sin"}
	_, rows = readFile(t, "categories.csv", opts)
	_, rejects = split(rows)
	if got := rejectsAt(rejects); !slices.Equal(got, []rejectAt{{2, "data categories"}, {4, "data categories"}}) {
		t.Errorf("unknown categories: %v", got)
	}
}

func TestMappingFile(t *testing.T) {
	m := loadMapping(t, "mapping.yaml")
	rd, rows := readFile(t, "mapping.csv", Options{Mapping: m})
	people, rejects := split(rows)
	if len(people) != 1 || !slices.Equal(rejectsAt(rejects), []rejectAt{{3, "Courriel pro"}}) {
		t.Fatalf("people %d rejects %v", len(people), rejects)
	}
	want(t, "id", people[0].ExternalID, "C-1")
	want(t, "attribute", people[0].Attributes["Notes"], "vip")
	want(t, "masked", rejects[0].Value, "b***@***")
	if c := rd.Columns(); c[2].Field != FieldEmail || c[3].Attribute != "Notes" {
		t.Errorf("columns %+v", c)
	}
}

func TestMappingErrors(t *testing.T) {
	f, _ := os.Open(filepath.Join("testdata", "mapping_unknown_field.yaml"))
	defer f.Close()
	if _, err := ParseMapping(f); err == nil || !strings.Contains(err.Error(), "client_number") {
		t.Errorf("unknown field: %v", err)
	}
	m := loadMapping(t, "mapping_missing_column.yaml")
	f2, _ := os.Open(filepath.Join("testdata", "mapping.csv"))
	defer f2.Close()
	_, err := NewReader(f2, Options{Mapping: m})
	var fe *FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `"Numero"`) {
		t.Errorf("missing column: %v", err)
	}
}

func loadMapping(t *testing.T, name string) Mapping {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ParseMapping(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUnclosedQuoteIsFatal(t *testing.T) {
	f, _ := os.Open(filepath.Join("testdata", "unclosed_quote.csv"))
	defer f.Close()
	rd, err := NewReader(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil || row.Number != 2 {
		t.Fatalf("first row %+v %v", row, err)
	}
	_, err = rd.Next()
	var fe *FatalError
	if !errors.As(err, &fe) || fe.Row != 3 || !errors.Is(err, errUnclosedQuote) {
		t.Fatalf("want fatal at row 3, got %v", err)
	}
	if _, again := rd.Next(); again != err {
		t.Errorf("fatal error not sticky: %v", again)
	}
}
