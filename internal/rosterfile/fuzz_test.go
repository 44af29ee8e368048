package rosterfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func FuzzReader(f *testing.F) {
	seeds := []string{
		"name,email\nA,a@example.com\n",
		"\xef\xbb\xbfNom;Courriel\r\n\"Côté; Luc\";luc@exemple.ca\r\n\r\n",
		"\xff\xfeN\x00a\x00m\x00e\x00\n\x00",
		"id,name\n1,\"multi\nline\"\n2,\"unclosed\n",
		"name,email\n\n,\n\"a\"\"b\",x\rB,y\r\n",
		"name\tdob\tminor\nKid\t2015-01-01\toui\n",
		"name,email\nH\xe9l\xe8ne,h@example.com\nAnn\xc3\xa9,a@example.com\n",
		"name,region,postal\nX,CA,90210\nY,DE,\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		rd, err := NewReader(strings.NewReader(data), Options{ReferenceDate: refDate, DefaultCountry: "CA", Limits: Limits{MaxRowBytes: 4096, MaxCellBytes: 1024, MaxColumns: 64}})
		if err != nil {
			var fe *FatalError
			if !errors.As(err, &fe) {
				t.Fatalf("NewReader error is not fatal-typed: %v", err)
			}
			return
		}
		defer rd.Close()
		last := rd.HeaderRow()
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				return
			}
			if row.Number <= last {
				t.Fatalf("row %d after row %d", row.Number, last)
			}
			last = row.Number
			if (row.Person == nil) == (len(row.Rejects) == 0) {
				t.Fatalf("row %d: person and rejects disagree: %+v", row.Number, row)
			}
		}
	})
}

func FuzzNormaliseRegion(f *testing.F) {
	for _, s := range []string{"Ont.", "CA", "Québec", "PQ", "Georgia", "DEU", "US-TX", "Î.-P.-É.", ""} {
		f.Add(s, "", "")
		f.Add(s, "CA", "K1A 0B1")
	}
	f.Add("CA", "", "90210")
	f.Fuzz(func(t *testing.T, value, country, postal string) {
		region, rc, err := NormaliseRegion(value, country, postal)
		if err != nil {
			return
		}
		if rc == "" || !strings.HasPrefix(region, rc) {
			t.Fatalf("region %q not within country %q", region, rc)
		}
		if country != "" && rc != country {
			t.Fatalf("region %q outside the row's country %q", region, country)
		}
	})
}

func FuzzNormalisePhone(f *testing.F) {
	for _, s := range []string{"(416) 555-0123", "+44 (0)20 7946 0018", "011 33 1 23 45 67 89", "555", "x", "+1", "0 6 12 34 56 78 ext 9"} {
		f.Add(s, "CA")
		f.Add(s, "FR")
	}
	f.Fuzz(func(t *testing.T, value, country string) {
		p, err := NormalisePhone(value, country)
		if err != nil {
			return
		}
		if len(p) < 6 || len(p) > 16 || p[0] != '+' || !isDigits(p[1:]) {
			t.Fatalf("not E.164: %q from %q", p, value)
		}
		if again, err := NormalisePhone(p, ""); err != nil || again != p {
			t.Fatalf("E.164 %q does not normalise to itself: %q %v", p, again, err)
		}
	})
}

func FuzzNormaliseEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", "Jean <j@Ex.com>", "a@@b.c", "a b@c.d", "\"q\"@x.org", "a@x.com,b@y.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		e, err := NormaliseEmail(value)
		if err != nil {
			return
		}
		if strings.ContainsAny(e, " \t\r\n<>") || strings.Count(e, "@") != 1 {
			t.Fatalf("accepted %q from %q", e, value)
		}
		if again, err := NormaliseEmail(e); err != nil || again != e {
			t.Fatalf("%q does not normalise to itself: %q %v", e, again, err)
		}
	})
}

// FuzzXLSX reads workbooks whose sheet data and shared strings are
// arbitrary: every outcome is rows with increasing numbers or a fatal
// error, within small limits.
func FuzzXLSX(f *testing.F) {
	f.Add(handRows, handStrings)
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>`, `<si><t>name</t></si><si><t>Ann</t></si>`)
	f.Add(`<row r="2"><c r="ZZZZ2"><v>1</v></c></row><row r="1"></row>`, `<si><r><t>_x00</t></r></si>`)
	f.Add(`<row><c t="inlineStr"><is><t>name</t></is></c></row><row><c t="s"><v>-1</v></c></row>`, ``)
	f.Fuzz(func(t *testing.T, rows, strs string) {
		data := zipWith(t, zip.Store, workbookParts(text("xl/worksheets/sheet1.xml", sheetHead+rows+sheetTail),
			text("xl/sharedStrings.xml", sstHead+strs+sstTail))...)
		opts := Options{ReferenceDate: refDate, Limits: Limits{MaxCellBytes: 256, MaxColumns: 16, MaxRowBytes: 1024, MaxExpandedBytes: 1 << 20}}
		rd, err := NewReader(bytes.NewReader(data), opts)
		if err != nil {
			var fe *FatalError
			if !errors.As(err, &fe) {
				t.Fatalf("NewReader error is not fatal-typed: %v", err)
			}
			return
		}
		defer rd.Close()
		last := rd.HeaderRow()
		for {
			row, err := rd.Next()
			if err != nil {
				var fe *FatalError
				if !errors.Is(err, io.EOF) && !errors.As(err, &fe) {
					t.Fatalf("Next error is not fatal-typed: %v", err)
				}
				return
			}
			if row.Number <= last {
				t.Fatalf("row %d after row %d", row.Number, last)
			}
			last = row.Number
		}
	})
}
