package report

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// filingCases are every filing kind, with the US state notice in several states.
func filingCases() []struct{ kind, state string } {
	var out []struct{ kind, state string }
	for _, k := range Kinds() {
		if !k.Filing {
			continue
		}
		if k.ID == "us-state-ag" {
			for _, st := range []string{"TX", "CA", "OK", "RI", "NM", "VT", "PA"} {
				out = append(out, struct{ kind, state string }{k.ID, st})
			}
			continue
		}
		out = append(out, struct{ kind, state string }{k.ID, ""})
	}
	return out
}

func genericRequirements() []Requirement {
	return []Requirement{
		{Field: "breach.description", Label: "(a) circumstances and, if known, the cause", Citation: "SOR/2018-64 s.2(1)(a)"},
		{Field: "breach.affected", Label: "(d) number of individuals", Citation: "SOR/2018-64 s.2(1)(d)"},
		{Field: "residents:CA-QC", Label: "Québec residents", Citation: "Reg. s.3(7)"},
		{Field: "answer:no_rrosh_reason", Label: "Why there was no real risk", Citation: "SOR/2018-64 s.6"},
	}
}

func TestEveryFilingReadsBackWithItsFields(t *testing.T) {
	t.Parallel()
	for _, c := range filingCases() {
		t.Run(c.kind+c.state, func(t *testing.T) {
			in := fullInput()
			if c.state != "" {
				in.State = c.state
			}
			in.Requirements = genericRequirements()
			data := render(t, c.kind, in)
			qpdfCheck(t, data)
			text := pdfText(t, data)
			spec := mustSpec(t, c.kind, in)
			v := newView(in, spec.lang)
			for _, s := range spec.sections {
				for _, f := range s.fields {
					value := v.value(f.key)
					if value == "" {
						value = f.fallback
					}
					if value == "" {
						t.Errorf("fixture leaves %s (%s) empty", f.key, f.label)
						continue
					}
					if !hasText(text, f.label) {
						t.Errorf("label %q not in PDF", f.label)
					}
					if !hasText(text, value) {
						t.Errorf("%s value %q not in PDF", f.key, value)
					}
				}
			}
			assertChrome(t, text, data, in, spec.lang)
			if miss, err := Check(c.kind, in); err != nil || len(miss) != 0 {
				t.Errorf("Check on a complete breach: %v %v", miss, err)
			}
		})
	}
}

func mustSpec(t *testing.T, kind string, in Input) filingSpec {
	t.Helper()
	d, err := lookup(kind)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := d.spec(in)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// assertChrome checks the header, footer and stage of every filing.
func assertChrome(t *testing.T, text string, data []byte, in Input, lang string) {
	t.Helper()
	pages := pdfPages(t, data)
	w := wordsFor(lang)
	generated := "2025-03-05 16:15 EST (UTC-05:00)" // GeneratedAt in the organization's zone
	if lang == "fr" {
		generated = "2025-03-05 16 h 15 (UTC-05:00)"
	}
	for _, want := range []string{
		in.Org.Name, in.Breach.Reference, in.DocumentID, stageLabel(in.Stage, w), generated,
		fmt.Sprintf(w.page, 1, fmt.Sprint(pages)),
		fmt.Sprintf(w.page, pages, fmt.Sprint(pages)),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in PDF", want)
		}
	}
	if n := strings.Count(text, in.Breach.Reference); n < pages {
		t.Errorf("reference printed %d times on %d pages", n, pages)
	}
}

func TestDerivedValuesArePrinted(t *testing.T) {
	t.Parallel()
	in := fullInput()
	text := pdfText(t, render(t, "ca-opc-pipeda", in))
	for _, want := range []string{
		"1,234", // roster total
		"2025-02-27 09:10 EST (UTC-05:00) – 2025-02-27 10:00 EST (UTC-05:00)", // occurred..ended in Toronto
		"names; dates of birth; occurrence details",
		"Dana Okafor, Privacy Officer",
		"California: 4; Ontario: 1,000; Quebec: 200; Texas: 30",
		"PR25-00042", // earlier filing's reference on an update
	} {
		if !hasText(text, want) {
			t.Errorf("%q not in PDF", want)
		}
	}
}

func TestQuebecNoticeIsInFrenchWithResidentCount(t *testing.T) {
	t.Parallel()
	in := fullInput()
	text := pdfText(t, render(t, "qc-cai", in))
	for _, want := range []string{
		"Avis à la Commission d'accès à l'information",
		"Nombre de personnes concernées qui résident au Québec",
		"Date ou période où l'organisation a pris connaissance de l'incident",
		"Mise à jour", "Page 1 de",
	} {
		if !hasText(text, want) {
			t.Errorf("%q not in PDF", want)
		}
	}
	if !regexp.MustCompile(`Nombre de personnes concernées\s+200\s+qui résident au Québec`).MatchString(text) {
		t.Errorf("Québec resident count 200 not printed beside its label")
	}
	in.Roster = RosterStats{}
	in.Breach.AffectedEstimate = 0
	text = pdfText(t, render(t, "qc-cai", in))
	if !hasText(text, "Inconnu pour l'instant — sera fourni dans une mise à jour") {
		t.Errorf("French placeholder missing")
	}
}

func TestMissingContentIsListedAndPrinted(t *testing.T) {
	t.Parallel()
	in := Input{Org: Organization{Name: "Clinic"}, Breach: Breach{Reference: "BR-1"}, GeneratedAt: at("2025-01-02T03:04:05Z")}
	miss, err := Check("on-ipc-phipa", in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range miss {
		got[m.Field] = true
		if m.Label == "" || m.Why == "" {
			t.Errorf("missing item without label or reason: %+v", m)
		}
	}
	for _, want := range []string{"breach.description", "breach.period", "breach.discovered", "breach.affected",
		"breach.containment", "org.contact", AnswerPHIPACircumstance} {
		if !got[want] {
			t.Errorf("Check does not list %s: %v", want, miss)
		}
	}
	for _, never := range []string{"org.name", "org.type", "report.date"} {
		if got[never] {
			t.Errorf("Check lists %s, which is known or has the form's fixed answer", never)
		}
	}
	text := pdfText(t, render(t, "on-ipc-phipa", in))
	if n := strings.Count(strings.Join(strings.Fields(text), " "), "Not yet known — will be provided in an update"); n < len(miss) {
		t.Errorf("placeholder printed %d times for %d missing items", n, len(miss))
	}
	if !hasText(text, "Content still to be provided") || !hasText(text, "Preliminary report") {
		t.Errorf("missing-content list or default stage not printed")
	}
}

func TestHostileStringsRenderLiterally(t *testing.T) {
	t.Parallel()
	hostile := []string{
		"<script>alert('x')</script>", "%PDF-1.4", ")Tj ET BT (", `back\slash \\ \(x\)`, "(unbalanced",
		"Ελληνικά κείμενο", "Кириллица текст", "Français : déjà été, œuvre, garçon",
		"endobj trailer << /Root 1 0 R >>",
	}
	in := fullInput()
	in.Org.Name = "Org )Tj <b>bold</b>"
	in.Breach.Title = strings.Join(hostile, " | ")
	in.Breach.Description = strings.Join(hostile, "\n") + "\nrtl\u200fmark \u202eoverride\u202c end\ttab\x00nul"
	data := render(t, "ca-opc-pipeda", in)
	qpdfCheck(t, data)
	text := pdfText(t, data)
	for _, h := range append(hostile, in.Org.Name) {
		if !strings.Contains(text, h) {
			t.Errorf("%q not rendered literally", h)
		}
	}
	// Direction marks and overrides are shown as their code points: visible
	// to the reader, and unable to reorder the text around them.
	if strings.ContainsAny(text, "\u200f\u202e\u202c") {
		t.Errorf("a direction control reached the PDF as itself")
	}
	if !regexp.MustCompile(`rtl\[U\+200F\]mark \[U\+202E\]override\[U\+202C\] end tab\x{FFFD}nul`).MatchString(text) {
		t.Errorf("direction marks not shown as code points, text reordered, or control characters not replaced:\n%s", text)
	}
}

func TestLongDescriptionWrapsAcrossPages(t *testing.T) {
	t.Parallel()
	var words []string
	for i := 0; len(strings.Join(words, " ")) < 10000; i++ {
		words = append(words, fmt.Sprintf("w%04d", i))
	}
	in := fullInput()
	in.Breach.Description = strings.Join(words, " ")
	in.Breach.Cause = strings.Repeat("x", 10000) // no break opportunity at all
	data := render(t, "on-ipc-phipa", in)
	qpdfCheck(t, data)
	pages := pdfPages(t, data)
	if pages < 3 {
		t.Fatalf("10,000-character texts fit on %d pages", pages)
	}
	text := pdfText(t, data)
	if !inOrder(strings.Fields(text), words) {
		t.Errorf("description words lost or out of order")
	}
	if got := strings.Count(text, "x"); got < 10000 {
		t.Errorf("unbroken text lost characters: %d of 10000", got)
	}
	if !strings.Contains(text, fmt.Sprintf("Page %d of %d", pages, pages)) {
		t.Errorf("last page footer wrong")
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds() {
		in := fullInput()
		in.Requirements = genericRequirements()
		in.Register, in.Year = manyEntries(30), 2025
		a := sha256.Sum256(render(t, k.ID, in))
		b := sha256.Sum256(render(t, k.ID, in))
		if a != b {
			t.Errorf("%s: two renders differ", k.ID)
		}
		in.GeneratedAt = in.GeneratedAt.Add(1)
		in.DocumentID = "other"
		if c := sha256.Sum256(render(t, k.ID, in)); c == a {
			t.Errorf("%s: a different input gave the same bytes", k.ID)
		}
	}
}

func TestInvalidInputs(t *testing.T) {
	t.Parallel()
	in := fullInput()
	cases := []struct {
		name string
		kind string
		mod  func(*Input)
		want error
	}{
		{"unknown kind", "nope", func(*Input) {}, ErrUnknownKind},
		{"bad stage", "ca-opc-pipeda", func(in *Input) { in.Stage = "draft" }, ErrInvalidInput},
		{"no time", "ca-opc-pipeda", func(in *Input) { in.GeneratedAt = time.Time{} }, ErrInvalidInput},
		{"no state", "us-state-ag", func(in *Input) { in.State = "" }, ErrInvalidInput},
		{"bad state", "us-state-ag", func(in *Input) { in.State = "ZZ" }, ErrInvalidInput},
		{"no requirements", "generic", func(in *Input) { in.Requirements = nil }, ErrInvalidInput},
		{"no year", "phipa-annual-stats", func(in *Input) { in.Year = 0 }, ErrInvalidInput},
		{"backwards period", "register", func(in *Input) { in.PeriodStart, in.PeriodEnd = at("2025-02-01T00:00:00Z"), at("2025-01-01T00:00:00Z") }, ErrInvalidInput},
	}
	for _, c := range cases {
		cp := in
		c.mod(&cp)
		err := Render(context.Background(), c.kind, cp, io.Discard, Limits{})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if err := WriteCSV("ca-opc-pipeda", fullInput(), io.Discard); !errors.Is(err, ErrNoCSV) {
		t.Errorf("CSV of a filing: %v", err)
	}
	if _, err := Check("us-state-ag", Input{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Check without state: %v", err)
	}
}
