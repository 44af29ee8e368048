package report

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strconv"
	"testing"
)

func statsInput() Input {
	in := fullInput()
	mk := func(ref, aware string, affected int, kinds ...string) RegisterEntry {
		return RegisterEntry{Breach: Breach{Reference: ref, Kinds: kinds,
			Events: []Event{{Kind: EventAware, At: at(aware)}}}, Affected: affected}
	}
	in.Register = []RegisterEntry{
		mk("S1", "2024-03-01T12:00:00Z", 100, KindTheft, TagInternalParty, TagPaperRecords),
		mk("S2", "2024-05-01T12:00:00Z", 40, KindTheft, TagRansomware),
		mk("S3", "2024-06-01T12:00:00Z", 7, KindTheft, TagStranger, TagUnencryptedDevice),
		mk("L1", "2024-07-01T12:00:00Z", 3, KindLoss, TagPaperRecords),
		mk("D1", "2024-08-01T12:00:00Z", 1, KindUnauthorizedDisclosure, TagMisdirected),
		mk("D2", "2024-12-31T23:30:00Z", 9, KindUnauthorizedDisclosure, TagMisdirected), // 2024-12-31 18:30 in Toronto
		mk("X1", "2025-01-01T04:30:00Z", 500, KindTheft),                                // 2024-12-31 in Toronto
		mk("X2", "2025-01-01T05:30:00Z", 900, KindLoss),                                 // 2025 in Toronto
		mk("X3", "2023-12-31T12:00:00Z", 900, KindLoss),
	}
	in.Register[0].ReportedAt = ptr(at("2024-03-05T12:00:00Z"))
	in.Register[4].NotifiedAt = ptr(at("2024-08-03T12:00:00Z"))
	in.Year = 2024
	return in
}

func TestPHIPAStatisticsCounts(t *testing.T) {
	t.Parallel()
	lines, err := AnnualStatistics("phipa-annual-stats", statsInput())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range lines {
		got[l.Category+"/"+l.Measure] = l.Count
	}
	want := map[string]int{
		"stolen/total": 4, "stolen/internal_party": 1, "stolen/stranger": 1, "stolen/ransomware": 1,
		"stolen/other_cyberattack": 0, "stolen/unencrypted_portable_equipment": 1, "stolen/paper_records": 1,
		"stolen/individuals_affected": 647,
		"lost/total":                  1, "lost/paper_records": 1, "lost/individuals_affected": 3,
		"used_without_authority/total":      0,
		"disclosed_without_authority/total": 2, "disclosed_without_authority/misdirected": 2,
		"disclosed_without_authority/individuals_affected": 10,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s = %d, want %d", k, got[k], n)
		}
	}
}

func TestStatisticsPDFAndCSV(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"phipa-annual-stats", "fippa-annual-stats"} {
		in := statsInput()
		data := render(t, kind, in)
		qpdfCheck(t, data)
		text := pdfText(t, data)
		if !hasText(text, "Calendar year 2024") || !hasText(text, "Breaches counted 7") {
			t.Errorf("%s: year or count missing", kind)
		}
		if !regexp.MustCompile(`Total number of incidents\s+4\b`).MatchString(text) {
			t.Errorf("%s: stolen total not printed", kind)
		}
		var buf bytes.Buffer
		if err := WriteCSV(kind, in, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		lines, _ := AnnualStatistics(kind, in)
		if len(rows) != len(lines)+1 {
			t.Fatalf("%s: %d CSV rows for %d counts", kind, len(rows), len(lines))
		}
		for i, l := range lines {
			r := rows[i+1]
			if r[0] != "2024" || r[1] != l.Category || r[2] != l.Measure || r[3] != strconv.Itoa(l.Count) {
				t.Errorf("%s: CSV row %v for %+v", kind, r, l)
			}
		}
	}
	lines, _ := AnnualStatistics("fippa-annual-stats", statsInput())
	for _, l := range lines {
		if l.Category == "stolen" && l.Measure == "reported_to_ipc" && l.Count != 1 {
			t.Errorf("reported_to_ipc = %d", l.Count)
		}
		if l.Category == "disclosed_without_authority" && l.Measure == "individuals_notified" && l.Count != 1 {
			t.Errorf("individuals_notified = %d", l.Count)
		}
	}
}

func TestSummaryShowsTimelineObligationsAndCounts(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Obligations[0].StatusNote = "the 30-day figure is unverified"
	in.Obligations[1].Notes = "no harm threshold applies"
	data := render(t, "summary", in)
	qpdfCheck(t, data)
	text := pdfText(t, data)
	for _, want := range []string{
		"Breach occurred", "recipient called", "Individuals notified",
		"2025-02-28 08:30 EST (UTC-05:00)", // discovered, in Toronto
		"ON-PHIPA-IPC", "2025-03-06 12:00 EST", "Pending", "at the first reasonable opportunity", "letters batch 1",
		"Quebec", "200", "Minors", "Bounced", "1,200", "2025-03-05 15:00 EST", "Postal mail", "French",
		"Unverified: the 30-day figure is unverified", "Note: no harm threshold applies",
	} {
		if !hasText(text, want) {
			t.Errorf("%q not in summary", want)
		}
	}
	// Labels and region names, never the stored codes.
	for _, code := range []string{"CA-QC", "bounced", "postal", "not_required"} {
		if regexp.MustCompile(`\b` + code + `\b`).MatchString(text) {
			t.Errorf("the code %q is printed", code)
		}
	}
	if !inOrder(fieldsOf(text), []string{"Breach", "occurred", "Discovered", "Became", "Determined", "Contained", "Individuals"}) {
		t.Errorf("timeline out of order")
	}
	miss, _ := Check("summary", Input{})
	if len(miss) != 2 {
		t.Errorf("summary Check on empty input: %v", miss)
	}
}

func fieldsOf(s string) []string { return regexp.MustCompile(`\s+`).Split(s, -1) }
