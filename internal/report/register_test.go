package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func registerInput() Input {
	in := fullInput()
	entries := manyEntries(3)
	entries[1].Breach.Title = "=HYPERLINK(\"http://x\")"
	entries[1].Breach.Description = "Second, with \"quotes\", commas\nand a newline"
	entries[2].Breach.Events = []Event{{Kind: EventAware, At: at("2024-12-31T04:59:00Z")}} // 2024-12-30 in Toronto
	undated := RegisterEntry{Breach: Breach{Reference: "BR-UNDATED", Description: "Date not yet established"}}
	in.Register = append(entries, undated)
	in.PeriodStart, in.PeriodEnd = at("2025-01-01T05:00:00Z"), at("2026-01-01T05:00:00Z")
	return in
}

func TestRegisterPDFAndCSVHoldTheSameBreaches(t *testing.T) {
	t.Parallel()
	in := registerInput()
	data := render(t, "register", in)
	qpdfCheck(t, data)
	text := pdfText(t, data)
	for _, want := range []string{"BR-00000", "BR-00001", "BR-UNDATED", "Breaches in this register 3",
		"=HYPERLINK(\"http://x\")", "Real risk of significant harm: yes", "Undetermined", "Not yet known"} {
		if !hasText(text, want) {
			t.Errorf("%q not in register PDF", want)
		}
	}
	if strings.Contains(text, "BR-00002") {
		t.Errorf("breach outside the period is in the register")
	}

	var buf bytes.Buffer
	if err := WriteCSV("register", in, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(registerCSVHeader(), ",") {
		t.Fatalf("CSV rows: %v", rows)
	}
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	first, second, undated := rows[1], rows[2], rows[3]
	if first[col("reference")] != "BR-00000" || first[col("affected")] != "10" || first[col("notifiable")] != "yes" {
		t.Errorf("first row: %v", first)
	}
	if first[col("aware")] != "2025-01-01T09:00:00-05:00" {
		t.Errorf("aware time not RFC 3339 in the organization's zone: %q", first[col("aware")])
	}
	if second[col("title")] != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("formula not neutralised: %q", second[col("title")])
	}
	if second[col("description")] != in.Register[1].Breach.Description {
		t.Errorf("description changed in CSV: %q", second[col("description")])
	}
	if undated[col("reference")] != "BR-UNDATED" || undated[col("notifiable")] != "undetermined" {
		t.Errorf("undated row: %v", undated)
	}
}

func TestRegisterRepeatsHeaderOnEveryPage(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Register = manyEntries(250)
	data := render(t, "register", in)
	qpdfCheck(t, data)
	pages := pdfPages(t, data)
	if pages < 3 {
		t.Fatalf("250 breaches on %d pages", pages)
	}
	text := pdfText(t, data)
	if n := strings.Count(text, "Reported to"); n != pages {
		t.Errorf("table header on %d of %d pages", n, pages)
	}
	if !inOrder(strings.Fields(text), []string{"BR-00000", "BR-00100", "BR-00249"}) {
		t.Errorf("rows missing or out of order")
	}
}

func TestRegisterSplitsARowTallerThanAPage(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Register = manyEntries(2)
	var words []string
	for i := range 1500 {
		words = append(words, "z"+strings.Repeat("q", i%7)+string(rune('a'+i%26)))
	}
	in.Register[1].Breach.Description = strings.Join(words, " ")
	data := render(t, "register", in)
	qpdfCheck(t, data)
	if pages := pdfPages(t, data); pages < 2 {
		t.Fatalf("tall row did not continue on a new page (%d pages)", pages)
	}
	if !inOrder(strings.Fields(pdfText(t, data)), words) {
		t.Errorf("tall cell text lost across the page break")
	}
}

func TestRegisterCheckListsUnknownItems(t *testing.T) {
	t.Parallel()
	in := registerInput()
	miss, err := Check("register", in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range miss {
		got[m.Field] = true
	}
	for _, want := range []string{"BR-UNDATED/breach.data", "BR-UNDATED/breach.period", "BR-UNDATED/risk_assessment"} {
		if !got[want] {
			t.Errorf("Check misses %s: %v", want, miss)
		}
	}
	if got["BR-00000/breach.data"] || got["BR-00000/risk_assessment"] {
		t.Errorf("Check lists items of a complete entry: %v", miss)
	}
}
