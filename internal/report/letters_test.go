package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	fx "golang.org/x/image/math/fixed"
)

func TestLettersReadBackInTheirLanguage(t *testing.T) {
	data, st := writeLetters(t, batchOf(englishLetter("BLN-7K3M-Q9XZ"), frenchLetter("BLN-2H4P-W8RT")))
	qpdfCheck(t, data)
	if st.Letters != 2 || st.Pages != 2 || !slices.Equal(st.PageOf, []int{1, 2}) {
		t.Errorf("stats = %+v, want 2 letters on pages 1 and 2", st)
	}
	if n := pdfPages(t, data); n != 2 {
		t.Errorf("pdfinfo: %d pages, want 2", n)
	}
	info, err := exec.Command(requireTool(t, "pdfinfo"), "-f", "1", "-l", "2", pdfFile(t, data)).Output()
	sizes := regexp.MustCompile(`Page +\d+ size: +(.*)`).FindAllStringSubmatch(string(info), -1)
	if err != nil || len(sizes) != 2 || sizes[0][1] != "612 x 792 pts (letter)" || sizes[1][1] != "595.28 x 841.89 pts (A4)" {
		t.Errorf("page sizes are not Letter then A4 (%v):\n%s", err, info)
	}
	en, fr := pageText(t, data, 1, 1), pageText(t, data, 2, 2)
	for _, want := range []string{
		"Northfield Police Service", "Jane Doe", "42 Elm Street, Apt 3", "March 4, 2025",
		"What happened", "On February 27, 2025, an analyst sent an occurrence report to the wrong e-mail",
		"Privacy Officer", "Reference BLN-7K3M-Q9XZ", "Page 1 of 1",
	} {
		if !hasText(en, want) {
			t.Errorf("English letter lacks %q:\n%s", want, en)
		}
	}
	for _, want := range []string{
		"Élise Tremblay", "12, rue des Érables", "Québec QC", "le 4 mars 2025", "Ce qui s'est passé",
		"Le 27 février 2025, un analyste a envoyé un rapport d'événement", "Veuillez agréer nos salutations distinguées.",
		"Référence BLN-2H4P-W8RT", "Page 1 de 1",
	} {
		if !hasText(fr, want) {
			t.Errorf("French letter lacks %q:\n%s", want, fr)
		}
	}
	if strings.Contains(fr, "Page 1 of") || strings.Contains(en, "de 1") {
		t.Errorf("a footer is in the other letter's language")
	}
}

// TestAddressFallsInTheEnvelopeWindow reads the boxes of the words back: the
// return line and the recipient's address lie inside the window less its
// clearance, and nothing else on the page touches the window.
func TestAddressFallsInTheEnvelopeWindow(t *testing.T) {
	short := englishLetter("BLN-1")
	five := englishLetter("BLN-2")
	five.Recipient = []string{"Alexandra Konstantinidou-Whitfield", "c/o Harbour Billing LLC", "Suite 1200",
		"1234 Longwood Boulevard North-West", "Mississauga ON  L5B 4M7"}
	a4 := frenchLetter("BLN-3")
	a4six := frenchLetter("BLN-4")
	a4six.Recipient = []string{"Madame Élise Tremblay", "Service des comptes", "Bureau 400", "1234, boulevard René-Lévesque Ouest",
		"Montréal QC  H3B 4W8", "CANADA"}
	for _, l := range []LetterInput{short, five, a4, a4six} {
		t.Run(l.Paper+"/"+l.Reference, func(t *testing.T) {
			data, _ := writeLetters(t, batchOf(l))
			lay := layoutFor(l.Paper)
			page := pdfWords(t, data)[0]
			var inWindow []string
			for _, w := range page {
				if !w.overlaps(lay.window) {
					continue
				}
				inWindow = append(inWindow, w.text)
				if !w.inside(lay.address) {
					t.Errorf("%q at x %.1f–%.1f, y %.1f–%.1f mm is not inside the window's clear area %+v",
						w.text, w.xMin, w.xMax, w.yMin, w.yMax, lay.address)
				}
			}
			want := strings.Fields(strings.Join(append([]string{"Northfield Police Service, 100 Main Street, Northfield ON  K1A 0B1"}, l.Recipient...), " "))
			if !slices.Equal(inWindow, want) {
				t.Errorf("words in the window:\n got %q\nwant %q", inWindow, want)
			}
		})
	}
}

// TestWindowPositions pins the positions to the envelope standards.
func TestWindowPositions(t *testing.T) {
	const in = mmPerInch
	near := func(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }
	l := letterLayout
	if !near(l.window.x, 0.875*in) || !near(l.window.y, 2*in) || !near(l.window.w, 4.5*in) || !near(l.window.h, 1.125*in) {
		t.Errorf("#10 window = %+v", l.window)
	}
	if !near(l.address.x-l.window.x, in/8) || !near(l.window.bottom()-l.address.bottom(), in/8) {
		t.Errorf("#10 clearance = %+v in %+v", l.address, l.window)
	}
	a := a4Layout
	if a.window != (rect{20, 45, 90, 45}) || !near(a.address.x, 25) || !near(a.address.y, 50) {
		t.Errorf("DL window = %+v, address %+v", a.window, a.address)
	}
	for _, lay := range []paperLayout{letterLayout, a4Layout} {
		if lay.firstTop <= lay.window.bottom() || lay.side <= lay.window.right() {
			t.Errorf("%s: the body or the side column reaches into the window", lay.name)
		}
	}
}

func TestAddressShrinksBeforeItFails(t *testing.T) {
	p := newLetterFile(batchOf(englishLetter("x")), newBudget(context.Background(), Limits{})).pdf
	ret, err := fitReturnLine(p, letterLayout, sender())
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{"Jane Doe", "42 Elm Street", "Ottawa ON  K2P 1L4"}
	for _, c := range []struct {
		n    int
		size float64
	}{{3, 10}, {4, 10}, {5, 9.5}, {6, 8}} {
		all := slices.Clone(lines)
		for len(all) < c.n {
			all = append(all, fmt.Sprintf("Line %d", len(all)+1))
		}
		a, why := fitAddress(p, letterLayout, ret, all)
		if why != "" || a.size != c.size {
			t.Errorf("%d lines: size %g (%s), want %g", c.n, a.size, why, c.size)
		}
	}
}

// TestAddressTooLongIsATypedError: an address is never cut; a letter whose
// address cannot fit is named with the reason, and nothing is written.
func TestAddressTooLongIsATypedError(t *testing.T) {
	ok := englishLetter("OK-1")
	tall := englishLetter("TALL-2")
	tall.Recipient = []string{"1", "2", "3", "4", "5", "6", "7"}
	wide := frenchLetter("WIDE-3")
	wide.Recipient = []string{"Élise Tremblay", strings.Repeat("Boulevard ", 12), "Québec"}
	word := englishLetter("WORD-4")
	word.Recipient = []string{"Jane", strings.Repeat("W", 20_000)}
	none := englishLetter("NONE-5")
	none.Recipient = []string{" ", ""}
	var buf bytes.Buffer
	_, err := Letters(context.Background(), batchOf(ok, tall, wide, word, none), &buf, Limits{})
	var ae *AddressError
	if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want an *AddressError", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written despite the error", buf.Len())
	}
	want := []struct {
		index  int
		ref    string
		reason string
	}{
		{1, "TALL-2", "7 address lines do not fit"},
		{2, "WIDE-3", "address line 2 is wider than the window even in 8 pt type"},
		{3, "WORD-4", "address line 2 is wider"},
		{4, "NONE-5", "no address lines"},
	}
	if len(ae.Problems) != len(want) {
		t.Fatalf("problems = %+v", ae.Problems)
	}
	for i, w := range want {
		p := ae.Problems[i]
		if p.Index != w.index || p.Reference != w.ref || !strings.Contains(p.Reason, w.reason) {
			t.Errorf("problem %d = %+v, want letter %d %s: %s", i, p, w.index, w.ref, w.reason)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, `letter 2 (reference "TALL-2")`) || !strings.Contains(msg, "4 letter(s)") {
		t.Errorf("message = %s", msg)
	}
}

// TestDuplexStartsEveryLetterOnAnOddPage: a blank back follows a letter
// that ends on an odd page, so no sheet holds two people's letters.
func TestDuplexStartsEveryLetterOnAnOddPage(t *testing.T) {
	two := englishLetter("TWO")
	two.Body = longBody(8)
	three := englishLetter("THREE")
	three.Body = longBody(14)
	in := batchOf(englishLetter("ONE"), two, three, frenchLetter("FOUR"))
	in.Duplex = true
	data, st := writeLetters(t, in)
	pages := pdfWords(t, data)
	if len(pages) != st.Pages {
		t.Fatalf("stats say %d pages, the file has %d", st.Pages, len(pages))
	}
	// 1 | blank 2 | 3–4 | 5–7, blank 8 | 9
	if !slices.Equal(st.PageOf, []int{1, 3, 5, 9}) || st.Pages != 9 {
		t.Fatalf("stats = %+v", st)
	}
	for _, blank := range []int{2, 8} {
		if len(pages[blank-1]) != 0 {
			t.Errorf("page %d should be blank, has %d words", blank, len(pages[blank-1]))
		}
	}
	for i, first := range st.PageOf {
		if first%2 != 1 {
			t.Errorf("letter %d starts on even page %d", i+1, first)
		}
	}
	in.Duplex = false
	_, st = writeLetters(t, in)
	if !slices.Equal(st.PageOf, []int{1, 2, 4, 7}) || st.Pages != 7 {
		t.Errorf("simplex stats = %+v", st)
	}
}

// TestPagesAreNumberedPerLetter: every page carries its letter's reference
// code and its page number within that letter.
func TestPagesAreNumberedPerLetter(t *testing.T) {
	long := frenchLetter("LONG-1")
	long.Body = longBody(20)
	data, st := writeLetters(t, batchOf(long, englishLetter("SHORT-2")))
	if !slices.Equal(st.PageOf, []int{1, 4}) {
		t.Fatalf("stats = %+v", st)
	}
	want := []string{"Référence LONG-1 Page 1 de 3", "Référence LONG-1 Page 2 de 3", "Référence LONG-1 Page 3 de 3",
		"Reference SHORT-2 Page 1 of 1"}
	for i, w := range want {
		text := strings.Join(strings.Fields(pageText(t, data, i+1, i+1)), " ")
		if !strings.HasSuffix(text, w) {
			t.Errorf("page %d ends %q, want %q", i+1, text[max(0, len(text)-60):], w)
		}
	}
}

// TestHeadingsStayWithTheirParagraph moves a heading down the page line by
// line: it never ends a page, and a paragraph never leaves one line behind.
func TestHeadingsStayWithTheirParagraph(t *testing.T) {
	p := newLetterFile(batchOf(englishLetter("x")), newBudget(context.Background(), Limits{})).pdf
	for _, lay := range []paperLayout{letterLayout, a4Layout} {
		for n := 0; n < 45; n++ {
			body := strings.Repeat("A line.\n", n) + "\n# What happened\n# In short\n" +
				strings.Repeat("Words of the paragraph after the headings. ", 12) + "\n\nEnd."
			blocks := parseBody(body)
			wrap(p, blocks, lay.width())
			pages, err := planBody(lay, blocks, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i, page := range pages {
				if last := page[len(page)-1]; last.heading {
					t.Errorf("%s, %d lines before: page %d ends with heading %q", lay.name, n, i+1, last.text)
				}
				if i+1 < len(pages) && page[len(page)-1].text == "" {
					t.Errorf("%s: page %d ends with an empty line", lay.name, i+1)
				}
			}
		}
	}
}

func TestLetterScriptsAndCodePoints(t *testing.T) {
	l := englishLetter("SCRIPTS-1")
	l.Recipient = []string{"Γιώργος Παπαδόπουλος", "Дмитрий Иванов", "محمد عبد الله", "王小明", "1 Main St", "Ottawa ON  K2P 1L4"}
	l.Body = "Dear Γιώργος, Дмитрий and 王小明,\n\nThis letter is for محمد عبد الله.\n\nShalom: שלום עולם."
	data, _ := writeLetters(t, batchOf(l))
	qpdfCheck(t, data)
	text := readable(pdfText(t, data))
	for _, want := range []string{"Γιώργος Παπαδόπουλος", "Дмитрий Иванов", "محمد عبد الله", "[U+738B][U+5C0F][U+660E]",
		"Dear Γιώργος, Дмитрий and [U+738B][U+5C0F][U+660E],", "This letter is for", "Shalom:", "שלום עולם"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not read back:\n%s", want, text)
		}
	}
	if strings.ContainsRune(text, '王') {
		t.Errorf("a CJK character reached the PDF though the letter font lacks it")
	}
}

// TestLetterHostileTextIsInert: markup, PDF syntax, line-break injection,
// direction overrides and a 20,000-character word are printed as text,
// never interpreted, and the file stays valid and bounded.
func TestLetterHostileTextIsInert(t *testing.T) {
	hostile := []string{
		"<script>alert(1)</script> &amp; <b>bold</b>",
		"%PDF-1.4 ) Tj ET BT /F1 99 Tf (injected) Tj \\) \\",
		"Jane\r\nDoe\rSmith\nBcc: victim@example.com",
		"\u202Egnp.exe\u202C \u2066isolate\u2069 \u200Bzero",
		strings.Repeat("W", 20_000),
	}
	l := englishLetter("HOSTILE-1")
	l.Recipient = []string{hostile[0], hostile[1], hostile[2], hostile[3]}
	l.Date = "<i>4 March</i> \u202E2025"
	l.Body = strings.Join(hostile, "\n\n# "+hostile[1]+"\n")
	in := batchOf(l)
	in.Sender.Name = "<b>Org</b> \u202E"
	in.BatchID = "B1)\r\n/Title (x"
	data, st := writeLetters(t, in)
	qpdfCheck(t, data)
	if st.Pages < 2 || st.Pages > 40 {
		t.Errorf("%d pages for a 20,000-character word", st.Pages)
	}
	text := pdfText(t, data)
	for _, want := range []string{"<script>alert(1)</script> &amp; <b>bold</b>", "%PDF-1.4 ) Tj ET BT /F1 99 Tf (injected) Tj \\) \\",
		"Jane Doe Smith Bcc: victim@example.com", "[U+202E]gnp.exe[U+202C] [U+2066]isolate[U+2069] [U+200B]zero",
		"<b>Org</b> [U+202E]", "<i>4 March</i>", "[U+202E]2025", strings.Repeat("W", 40)} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not read back as text:\n%.3000s", want, text)
		}
	}
	if n := strings.Count(strings.ReplaceAll(text, "\n", ""), "W"); n < 20_000 {
		t.Errorf("the long word lost characters: %d of 20,000 W", n)
	}
	for _, r := range []rune{'\u202E', '\u2066', '\u200B'} {
		if strings.ContainsRune(text, r) {
			t.Errorf("%U reached the PDF as itself", r)
		}
	}
}

func TestLettersRejectUnusableInput(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*LetterBatch)
	}{
		{"no letters", func(b *LetterBatch) { b.Letters = nil }},
		{"no time", func(b *LetterBatch) { b.GeneratedAt = at("0001-01-01T00:00:00Z") }},
		{"no sender name", func(b *LetterBatch) { b.Sender.Name = " " }},
		{"no return address", func(b *LetterBatch) { b.Sender.AddressLines = []string{""} }},
		{"return address too long", func(b *LetterBatch) { b.Sender.AddressLines = []string{strings.Repeat("Street ", 40)} }},
		{"language", func(b *LetterBatch) { b.Letters[0].Language = "de" }},
		{"paper", func(b *LetterBatch) { b.Letters[0].Paper = "Legal" }},
		{"no reference", func(b *LetterBatch) { b.Letters[0].Reference = "" }},
		{"reference on two lines", func(b *LetterBatch) { b.Letters[0].Reference = "A\nB" }},
		{"long reference", func(b *LetterBatch) { b.Letters[0].Reference = strings.Repeat("R", 65) }},
		{"no date", func(b *LetterBatch) { b.Letters[0].Date = "" }},
		{"long date", func(b *LetterBatch) { b.Letters[0].Date = strings.Repeat("W", 80) }},
		{"no body", func(b *LetterBatch) { b.Letters[0].Body = "\n\n  \n" }},
	} {
		in := batchOf(englishLetter("OK-1"))
		c.edit(&in)
		var buf bytes.Buffer
		if _, err := Letters(context.Background(), in, &buf, Limits{}); !errors.Is(err, ErrInvalidInput) || buf.Len() != 0 {
			t.Errorf("%s: err = %v, %d bytes", c.name, err, buf.Len())
		}
	}
}

func TestLettersStayWithinTheirBudget(t *testing.T) {
	letters := make([]LetterInput, 5)
	for i := range letters {
		letters[i] = englishLetter(fmt.Sprintf("REF-%d", i))
	}
	var buf bytes.Buffer
	_, err := Letters(context.Background(), batchOf(letters...), &buf, Limits{MaxPages: 3})
	if !errors.Is(err, ErrTooLarge) || buf.Len() != 0 {
		t.Errorf("5 letters within 3 pages: err = %v, %d bytes", err, buf.Len())
	}
	huge := englishLetter("HUGE")
	huge.Body = strings.Repeat("word ", 2_000_000)
	_, err = Letters(context.Background(), batchOf(huge), &buf, Limits{MaxPages: 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("a ten-megabyte body within 20 pages: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Letters(ctx, batchOf(letters...), &buf, Limits{})
	if !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Errorf("cancelled: err = %v, %d bytes", err, buf.Len())
	}
}

func TestLettersAreReproducible(t *testing.T) {
	in := batchOf(englishLetter("A"), frenchLetter("B"))
	a, _ := writeLetters(t, in)
	b, _ := writeLetters(t, in)
	if !bytes.Equal(a, b) {
		t.Errorf("the same batch gave different bytes")
	}
}

// TestDejaVuMetrics checks the vertical metrics the address block is
// measured with against the font itself.
func TestDejaVuMetrics(t *testing.T) {
	for _, ttf := range [][]byte{dejaVuSans, dejaVuSansBold} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.Metrics(nil, fx.I(int(f.UnitsPerEm())), 0)
		if err != nil {
			t.Fatal(err)
		}
		em := float64(f.UnitsPerEm())
		asc, desc := float64(m.Ascent)/64/em, float64(m.Descent)/64/em
		if asc > dejaVuAscent+0.005 || desc > dejaVuDescent+0.005 {
			t.Errorf("font ascent %.3f, descent %.3f em exceed the constants %.2f, %.2f", asc, desc, dejaVuAscent, dejaVuDescent)
		}
	}
}

// FuzzLetters writes a letter with arbitrary text as its body and as a line
// of its address: it may only fail as an address that does not fit or a
// file over its page budget, never hang or grow without bound.
func FuzzLetters(f *testing.F) {
	for _, s := range hostileTexts {
		if len(s) < 1000 {
			f.Add(s, s)
		}
	}
	f.Add("%PDF-1.4 )Tj ET BT ( <script>", "# heading only")
	f.Add("محمد\u0651 لا (١٢٣) 12:30 שָׁלוֹם", "a\r\nb")
	f.Fuzz(func(t *testing.T, line, body string) {
		l := englishLetter("FUZZ-1")
		l.Recipient = []string{"Jane Doe", line, "Ottawa ON"}
		l.Body = body
		var buf bytes.Buffer
		_, err := Letters(context.Background(), batchOf(l), &buf, Limits{MaxPages: 100})
		var ae *AddressError
		switch {
		case err == nil, errors.Is(err, ErrTooLarge), errors.As(err, &ae):
		case strings.TrimSpace(body) == "" && errors.Is(err, ErrInvalidInput):
		default:
			t.Fatalf("line %q, body %q: %v", line, body, err)
		}
	})
}
