package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/hostiletest"
)

// hostileTexts are the shared corpus of hostile strings (hostiletest) that
// fit a field, and strings that stress the layout: emoji as long as a
// field may be, combining marks, a text of only line breaks.
var hostileTexts = func() []string {
	var out []string
	for _, c := range hostiletest.Fitting() {
		out = append(out, c.Text)
	}
	return append(out,
		"👩‍👩‍👧 family 👍🏽 ok",
		"王小明 and محمد and שלום and 日本語",
		strings.Repeat("😀", 5000),         // 20,000 bytes: the longest text a breach field takes
		strings.Repeat("a\u0301", 10_000), // combining marks
		strings.Repeat("\n", 2000),
	)
}()

// hostileInput puts every hostile text in every field a document prints.
func hostileInput(s string) Input {
	in := fullInput()
	in.Org.Name, in.Org.ContactName, in.Org.Address = s, s, s
	b := &in.Breach
	b.Reference, b.Title, b.Description, b.Cause = s, s, s, s
	b.DataCategories, b.SubjectCategories = []string{s, "names"}, []string{s}
	b.HowDiscovered, b.Containment, b.Mitigation, b.Prevention = s, s, s, s
	b.HarmAssessment, b.IndividualSteps, b.Safeguards = s, s, s
	for i := range b.Events {
		b.Events[i].Note = s
	}
	for k := range b.Answers {
		b.Answers[k] = s
	}
	in.Preparer, in.Title = s, s
	in.Requirements = genericRequirements()
	in.Register, in.Year = manyEntries(20), 2025
	for i := range in.Register {
		in.Register[i].Breach.Title, in.Register[i].Breach.Description = s, s
	}
	for i := range in.Obligations {
		in.Obligations[i].Explanation = s
	}
	return in
}

// TestCharactersOutsideTheFontRender is the regression test for a breach whose
// description held one emoji: the summary grew without bound until the kernel
// killed the server, and filings answered 500. Every kind now renders every
// hostile text, quickly, in bounded memory, with the characters the fonts
// lack shown as their code points.
//
// It is not parallel: peakHeap reads the whole process's heap. It renders
// every kind with every text (about ten seconds), so -short skips it.
func TestCharactersOutsideTheFontRender(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every kind with every hostile text: skipped under -short")
	}
	for _, s := range hostileTexts {
		for _, k := range Kinds() {
			in := hostileInput(s)
			start := time.Now()
			var buf bytes.Buffer
			peak := peakHeap(func() {
				if err := Render(context.Background(), k.ID, in, &buf, Limits{}); err != nil {
					t.Fatalf("%s with %.20q: %v", k.ID, s, err)
				}
			})
			took := time.Since(start)
			// Generous bounds: the test guards against unbounded growth (the
			// defect reached 24 GB), not against a slow or busy machine.
			// Measured alone: at most 0.43 s and 60 MiB in use.
			if took > 10*time.Second {
				t.Errorf("%s with %.20q took %v", k.ID, s, took)
			}
			if peak > 300<<20 {
				t.Errorf("%s with %.20q: heap reached %d MiB", k.ID, s, peak>>20)
			}
			if buf.Len() > 20<<20 {
				t.Errorf("%s with %.20q is %d MiB", k.ID, s, buf.Len()>>20)
			}
		}
	}
}

// peakHeap runs fn and returns the largest heap in use seen while it ran,
// sampled every millisecond.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var m runtime.MemStats
		var top uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapInuse)
			select {
			case <-done:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	return <-peak
}

func TestUncoveredCharactersAreShownAsCodePoints(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Breach.Description = "Staff reacted 😀 to the message from 王 (see \u202eabc)."
	text := pdfText(t, render(t, "summary", in))
	for _, want := range []string{"[U+1F600]", "[U+738B]", "[U+202E]abc"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s not printed:\n%s", want, text)
		}
	}
	if strings.ContainsRune(text, '😀') {
		t.Errorf("the emoji reached the PDF as a glyph the font does not have")
	}
	if got := clean("é ü Ж α € … ’"); got != "é ü Ж α € … ’" {
		t.Errorf("characters the fonts have were changed: %q", got)
	}
}

func TestRenderStopsAtItsPageBudget(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Register = manyEntries(400)
	var buf bytes.Buffer
	err := Render(context.Background(), "register", in, &buf, Limits{MaxPages: 3})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a 400-breach register within 3 pages: err = %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a document past its budget still wrote %d bytes", buf.Len())
	}
	in.Breach.Description = strings.Repeat("word ", 200_000)
	err = Render(context.Background(), "summary", in, &buf, Limits{MaxPages: 10})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a million-character description within 10 pages: err = %v", err)
	}
}

func TestRenderStopsWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := fullInput()
	in.Register = manyEntries(400)
	err := Render(ctx, "register", in, new(bytes.Buffer), Limits{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the context's error", err)
	}
}

func TestTableRowThatCannotFitIsAnError(t *testing.T) {
	t.Parallel()
	in := fullInput()
	d := newDoc(metaFor(in, newView(in, "en"), "t", "", "Letter"))
	// A header so tall that no line fits under it on a fresh page.
	tb := d.newTable([]column{{head: strings.Repeat("tall header ", 3000), share: 1}, {head: "x", share: 30}}, 9)
	tb.row([]string{"a", "b"})
	done := make(chan error, 1)
	go func() { done <- d.finish(new(bytes.Buffer)) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a row with no room on any page rendered without error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a row with no room on any page did not stop")
	}
}

// FuzzRender lays out the summary and a filing with arbitrary text in the
// fields a user types; no input may fail, hang or grow without bound.
func FuzzRender(f *testing.F) {
	for _, s := range hostileTexts {
		if len(s) < 1000 {
			f.Add(s)
		}
	}
	f.Add("%PDF-1.4 )Tj ET BT ( <script>")
	f.Fuzz(func(t *testing.T, s string) {
		in := fullInput()
		in.Breach.Title, in.Breach.Description, in.Org.Name = s, s+s, s
		in.Breach.DataCategories = []string{s}
		for _, kind := range []string{"summary", "on-ipc-phipa"} {
			var buf bytes.Buffer
			err := Render(context.Background(), kind, in, &buf, Limits{MaxPages: 200})
			if err != nil && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%s: %v", kind, err)
			}
		}
	})
}

// TestHostileTextIsInertInPDFs puts each string of the shared corpus in
// every field of the summary and a filing: the PDF is well formed (qpdf),
// holds no action, script or link the text could have written, and reads
// back with the text shown as text, direction and control characters as
// visible code points.
func TestHostileTextIsInertInPDFs(t *testing.T) {
	t.Parallel()
	for _, c := range hostiletest.Fitting() {
		for _, kind := range []string{"summary", "ca-opc-pipeda"} {
			data := render(t, kind, hostileInput(c.Text))
			qpdfCheck(t, data)
			for _, bad := range []string{"/JavaScript", "/JS", "/OpenAction", "/Launch", "/AA", "/URI"} {
				if bytes.Contains(data, []byte(bad)) {
					t.Errorf("%s with %s holds %s", kind, c.Name, bad)
				}
			}
			text := pdfText(t, data)
			for _, r := range text {
				if hostiletest.Bidi(r) || r != '\f' && r != '\r' && hostiletest.Control(r) {
					t.Errorf("%s with %s: %U reached the page", kind, c.Name, r)
					break
				}
			}
			if c.Name == "PDF syntax" && !strings.Contains(text, "endobj") {
				t.Errorf("%s: the PDF syntax was not printed as text", kind)
			}
		}
	}
}

// A field of a megabyte is refused by the breach's own limits; given to
// the renderer all the same, it is a clear error within the page budget,
// not a stall.
func TestMegabyteWordStaysWithinBudget(t *testing.T) {
	t.Parallel()
	for _, c := range hostiletest.Corpus() {
		if !c.Huge {
			continue
		}
		in := fullInput()
		in.Breach.Description = c.Text
		start := time.Now()
		err := Render(context.Background(), "summary", in, new(bytes.Buffer), Limits{MaxPages: 100})
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if took := time.Since(start); took > 30*time.Second {
			t.Fatalf("%s took %v", c.Name, took)
		}
	}
}

// TestHostileTextIsInertInCSV writes the register and the statistics with
// each string of the corpus in every field: the CSV reads back with as
// many records and fields as written, every value in its own cell, and no
// cell that a spreadsheet would run as a formula.
func TestHostileTextIsInertInCSV(t *testing.T) {
	t.Parallel()
	for _, c := range hostiletest.Corpus() {
		for _, kind := range []string{"register", "phipa-annual-stats"} {
			var buf bytes.Buffer
			if err := WriteCSV(kind, hostileInput(c.Text), &buf); err != nil {
				t.Fatalf("%s with %s: %v", kind, c.Name, err)
			}
			checkCSVInert(t, kind+" with "+c.Name, buf.Bytes())
		}
	}
}

// checkCSVInert reads a CSV back: every record as wide as the header, no
// cell a formula.
func checkCSVInert(t *testing.T, what string, data []byte) {
	t.Helper()
	rd := csv.NewReader(bytes.NewReader(data))
	rd.FieldsPerRecord = 0
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("%s: the CSV does not read back: %v", what, err)
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if !hostiletest.FormulaSafe(cell) {
				t.Errorf("%s: record %d, field %d is a formula: %.40q", what, i+1, j+1, cell)
			}
		}
	}
}
