package rosterfile

import (
	"fmt"
	"strconv"
	"time"
)

// Format names the kind of file a Reader parses.
type Format string

// Formats understood by NewReader.
const (
	FormatAuto Format = ""
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// DateOrder says how to read a numeric date such as 03/04/2010 whose day and month could swap.
type DateOrder string

// Date orders for ambiguous day/month dates. With DateOrderUnknown such dates are rejected.
const (
	DateOrderUnknown DateOrder = ""
	DateOrderDMY     DateOrder = "DMY"
	DateOrderMDY     DateOrder = "MDY"
)

// Options control how a file is read and normalised.
type Options struct {
	// Format is csv, xlsx or empty for detection from the file's first bytes.
	Format Format
	// Sheet is the XLSX worksheet to read; empty means the first sheet.
	Sheet string
	// Delimiter forces the CSV delimiter; zero means sniff comma, semicolon or tab from the header.
	Delimiter rune
	// Mapping maps file columns to fields, overriding the built-in header aliases.
	Mapping Mapping
	// BreachCategories are the data categories of the breach, given to a person whose row has none.
	BreachCategories []string
	// CategoryAliases maps category labels (folded: lower case, no accents or punctuation)
	// to category ids. When set, a category that resolves to no id is rejected.
	CategoryAliases map[string]string
	// DefaultCountry (ISO alpha-2) is used to read phone numbers written without a country code.
	// It never resolves an ambiguous region: that needs the row's country or postal code.
	DefaultCountry string
	// ReferenceDate is the date at which ages are computed to classify minors.
	// It is required when the file has a date of birth column.
	ReferenceDate time.Time
	// DateOrder resolves dates like 03/04/2010; see DateOrder.
	DateOrder DateOrder
	// Limits bound the cells, rows and, for a workbook, the expanded size a file may have;
	// zero fields take their defaults.
	Limits Limits
}

// Row is one data row of the file: a Person when the row is accepted, otherwise its Rejects.
type Row struct {
	// Number is the row number a user sees in a spreadsheet; the header is row 1
	// when the file starts with it. Blank rows count, multi-line quoted cells do not.
	Number int
	// Person is nil when the row is rejected.
	Person *Person
	// Rejects lists every problem found in the row.
	Rejects []Reject
}

// Person is one affected individual, normalised. Each normalised field keeps its original.
type Person struct {
	ExternalID          string
	Name                string
	GivenName           string
	FamilyName          string
	Email               string
	EmailOriginal       string
	Phone               string // E.164
	PhoneOriginal       string
	Address1            string
	Address2            string
	City                string
	Region              string // ISO 3166-2 for Canada and the US (CA-ON), else ISO alpha-2 country
	RegionOriginal      string
	RegionSource        string // "column", "postal" (from a Canadian postal code), "country" or ""
	Country             string // ISO 3166-1 alpha-2
	CountryOriginal     string
	PostalCode          string
	PostalOriginal      string
	Language            string // BCP 47 primary language: en, fr, ...
	LanguageOriginal    string
	LanguageSource      string // "column" or "default:region"
	DateOfBirth         string // YYYY-MM-DD
	DateOfBirthOriginal string
	Minor               bool
	GuardianName        string
	GuardianEmail       string
	GuardianPhone       string // E.164
	Channel             string // email, postal or none
	DataCategories      []string
	Attributes          map[string]string // unmapped columns, keyed by header
}

// Channels by which a person can be notified.
const (
	ChannelEmail  = "email"
	ChannelPostal = "postal"
	ChannelNone   = "none"
)

// Reject is one problem in one row. Value is masked so that a reject list can be shared.
type Reject struct {
	Row    int
	Column string
	Reason string
	Value  string
}

// Error formats the reject as: row 1,204, column `email`: not a valid address (j***@ex***).
func (r Reject) Error() string {
	s := "row " + groupThousands(r.Row)
	if r.Column != "" {
		s += ", column `" + r.Column + "`"
	}
	s += ": " + r.Reason
	if r.Value != "" {
		s += " (" + r.Value + ")"
	}
	return s
}

// FatalError stops the import of a whole file: it cannot be read, or the mapping is wrong, or
// it goes past one of the Limits.
type FatalError struct {
	Row int // 0 when the problem is not tied to a row
	// Column names the column when the problem is in one cell: its header, or its position
	// (a number in a CSV file, letters in a workbook) in the header row.
	Column string
	Err    error
}

// Error describes the problem, with the row and column when there are some.
func (e *FatalError) Error() string {
	where := ""
	if e.Row > 0 {
		where = "row " + groupThousands(e.Row)
	}
	if e.Column != "" {
		if where != "" {
			where += ", "
		}
		where += "column `" + e.Column + "`"
	}
	if where == "" {
		return e.Err.Error()
	}
	return where + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *FatalError) Unwrap() error { return e.Err }

func fatalf(row int, format string, args ...any) *FatalError {
	return &FatalError{Row: row, Err: fmt.Errorf(format, args...)}
}

// groupThousands renders 1204 as "1,204".
func groupThousands(n int) string { return groupThousands64(int64(n)) }

func groupThousands64(n int64) string {
	if n < 0 {
		return "-" + groupThousands64(-n)
	}
	s := strconv.FormatInt(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
