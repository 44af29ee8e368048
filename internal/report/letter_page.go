package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Vertical metrics of DejaVu Sans (hhea ascender and descender over
// unitsPerEm, 1901 and 483 of 2048), in em: where a line's ink and its box
// as PDF readers measure it begin and end around the baseline.
const (
	dejaVuAscent  = 0.93
	dejaVuDescent = 0.24
)

// Type of the page chrome around the body.
const (
	letterheadSize = 14.0
	senderSize     = 8.5
	sideSize       = 10.0
	footerSize     = 8.0
	sideLeading    = 1.3
)

// ascent is the distance from a line's top to its baseline, in mm.
func ascent(pt float64) float64 { return dejaVuAscent * pt * ptToMM }

// lineBox is the height of one line's box, ascent plus descent, in mm.
func lineBox(pt float64) float64 { return (dejaVuAscent + dejaVuDescent) * pt * ptToMM }

// letterFile is a batch of letters being laid out as one PDF.
type letterFile struct {
	in      LetterBatch
	pdf     *fpdf.Fpdf
	budget  budget
	returns map[string]returnLine // by paper
	heads   map[string][]string   // the letterhead's lines below the name, by paper
	name    string                // the sender's name, prepared
	address []addressBlock        // by letter
	side    [][]sideLine          // the column beside the window, by letter
	pageOf  []int
	last    paperLayout // the paper of the letter just written
}

// sideLine is a line of the column beside the window: the date and the
// reference code.
type sideLine struct {
	text string
	bold bool
	grey bool
	size float64
}

// newLetterFile starts the PDF: metadata, fonts, no automatic page breaks
// (every line is placed by the planner).
func newLetterFile(in LetterBatch, b budget) *letterFile {
	p := fpdf.New("P", "mm", PaperLetter, "")
	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.SetCreationDate(in.GeneratedAt)
	p.SetModificationDate(in.GeneratedAt)
	p.SetProducer("Breachline", true)
	p.SetCreator("Breachline", true)
	p.SetTitle(strings.TrimSpace("Letters "+metaText(in.BatchID)), true)
	p.SetSubject(metaText(in.BatchID), true)
	p.SetAuthor(metaText(in.Sender.Name), true)
	if lang := commonLanguage(in.Letters); lang != "" {
		p.SetLang(lang)
	}
	letterFonts.register(p)
	p.SetAutoPageBreak(false, 0)
	return &letterFile{in: in, pdf: p, budget: b, name: letterLine(in.Sender.Name)}
}

// metaText makes a value safe for the document's metadata: one line.
func metaText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(letterFonts.clean(s), "\n", " "))
}

// commonLanguage is the language of every letter, or "" when they differ.
func commonLanguage(letters []LetterInput) string {
	lang := letters[0].Language
	for _, l := range letters[1:] {
		if l.Language != lang {
			return ""
		}
	}
	return lang
}

// prepare fits everything that must fit before any page is drawn: the
// return address and letterhead for each paper in use, and each letter's
// address block and side column. Addresses that do not fit are collected
// into one AddressError.
func (f *letterFile) prepare() error {
	f.returns, f.heads = map[string]returnLine{}, map[string][]string{}
	for _, l := range f.in.Letters {
		if _, done := f.returns[l.Paper]; done {
			continue
		}
		lay := layoutFor(l.Paper)
		r, err := fitReturnLine(f.pdf, lay, f.in.Sender)
		if err != nil {
			return err
		}
		f.returns[l.Paper], f.heads[l.Paper] = r, f.letterhead(lay)
	}
	var problems []AddressProblem
	f.address = make([]addressBlock, len(f.in.Letters))
	f.side = make([][]sideLine, len(f.in.Letters))
	for i, l := range f.in.Letters {
		lay := layoutFor(l.Paper)
		a, why := fitAddress(f.pdf, lay, f.returns[l.Paper], l.Recipient)
		if why != "" {
			problems = append(problems, AddressProblem{Index: i, Reference: l.Reference, Reason: why})
			continue
		}
		side, err := f.sideColumn(lay, l)
		if err != nil {
			return fmt.Errorf("%w: letter %d: %s", ErrInvalidInput, i+1, err)
		}
		f.address[i], f.side[i] = a, side
	}
	if len(problems) > 0 {
		return &AddressError{Problems: problems}
	}
	return nil
}

// letterhead returns the lines printed under the sender's name, fitted to
// the space above the window: the address lines one per line, or joined on
// one line when there are too many, then the contact line.
func (f *letterFile) letterhead(lay paperLayout) []string {
	p := f.pdf
	lines := nonBlank(f.in.Sender.AddressLines)
	contact := nonBlank([]string{f.in.Sender.Contact})
	room := lay.window.y - 3 - lay.headTop - lineBox(letterheadSize) - 1
	most := max(0, int((room-lineBox(senderSize))/pitch(senderSize, 1.2)))
	if len(lines)+len(contact) > most+1 {
		lines = []string{strings.Join(lines, ", ")}
	}
	lines = append(lines, contact...)
	p.SetFont(letterFamily, "", senderSize)
	out := make([]string, 0, len(lines))
	for _, l := range lines[:min(len(lines), most+1)] {
		out = append(out, fit(p, letterLine(l), lay.width()))
	}
	return out
}

// sideColumn lays out the date and the reference code beside the window.
// They must fit between the window's top and the body; they are never cut.
func (f *letterFile) sideColumn(lay paperLayout, l LetterInput) ([]sideLine, error) {
	p := f.pdf
	w := lay.size.Wd - lay.right - lay.side + 2*p.GetCellMargin()
	var out []sideLine
	add := func(text string, style string, grey bool) {
		p.SetFont(letterFamily, style, sideSize)
		text = strings.ReplaceAll(letterFonts.clean(text), "\n", " ")
		for _, s := range p.SplitText(shapeArabic(letterFonts, text), w) {
			out = append(out, sideLine{text: s, bold: style == "B", grey: grey, size: sideSize})
		}
	}
	add(l.Date, "", false)
	add(wordsFor(l.Language).reference, "", true)
	add(l.Reference, "B", false)
	if h := float64(len(out)) * pitch(sideSize, sideLeading); lay.window.y+h > lay.firstTop-2 {
		return nil, errors.New("the date and reference code are too long to print beside the envelope window")
	}
	if !f.footerFits(lay, l) {
		return nil, errors.New("the reference code is too long for the footer")
	}
	return out, nil
}

// footerFits reports whether the reference code fits the footer whole,
// beside the widest page number a letter may have.
func (f *letterFile) footerFits(lay paperLayout, l LetterInput) bool {
	p := f.pdf
	w := wordsFor(l.Language)
	p.SetFont(letterFamily, "", footerSize)
	pageW := p.GetStringWidth(fmt.Sprintf(w.page, 9999, "9999"))
	return p.GetStringWidth(w.reference+" "+letterLine(l.Reference)) <= lay.width()-pageW-5-2*p.GetCellMargin()
}

// write lays out one letter on its pages, after a blank page when the
// batch is duplex and the previous letter ended on an odd page.
func (f *letterFile) write(i int) error {
	l := f.in.Letters[i]
	lay := layoutFor(l.Paper)
	if f.in.Duplex && f.pdf.PageNo()%2 == 1 && !f.addPage(f.last) {
		return f.pdf.Error()
	}
	blocks := parseBody(l.Body)
	wrap(f.pdf, blocks, lay.width())
	pages, err := planBody(lay, blocks, f.budget.maxPages-f.pdf.PageNo())
	if errors.Is(err, errPlanTooLong) {
		return f.budget.check(f.budget.maxPages + 1)
	}
	if err != nil {
		return err
	}
	f.pageOf = append(f.pageOf, f.pdf.PageNo()+1)
	w := wordsFor(l.Language)
	ref := letterLine(l.Reference)
	for n, lines := range pages {
		if !f.addPage(lay) {
			return f.pdf.Error()
		}
		if n == 0 {
			f.drawFirstPage(i, lay)
		} else {
			f.drawContinuation(lay)
		}
		f.drawBody(lay, lines)
		f.drawFooter(lay, w, ref, n+1, len(pages))
	}
	f.last = lay
	return nil
}

// addPage starts a page of the layout's paper, unless the file's budget
// (pages or time) is spent: then the error is recorded and false returned.
func (f *letterFile) addPage(lay paperLayout) bool {
	if err := f.budget.check(f.pdf.PageNo() + 1); err != nil {
		f.pdf.SetError(err)
		return false
	}
	f.pdf.AddPageFormat("P", lay.size)
	return !f.pdf.Err()
}

// drawFirstPage prints the letterhead, the date and reference beside the
// window, and the address block inside it.
func (f *letterFile) drawFirstPage(i int, lay paperLayout) {
	p := f.pdf
	l := f.in.Letters[i]
	y := lay.headTop + ascent(letterheadSize)
	p.SetFont(letterFamily, "B", letterheadSize)
	p.Text(lay.left, y, fit(p, f.name, lay.width()))
	y += lineBox(letterheadSize) - ascent(letterheadSize) + 1 + ascent(senderSize)
	p.SetFont(letterFamily, "", senderSize)
	for _, h := range f.heads[l.Paper] {
		p.Text(lay.left, y, h)
		y += pitch(senderSize, 1.2)
	}
	y = lay.window.y + ascent(sideSize)
	for _, s := range f.side[i] {
		f.sideText(lay, s, y)
		y += pitch(s.size, sideLeading)
	}
	f.drawAddress(lay, f.returns[l.Paper], f.address[i])
}

func (f *letterFile) sideText(lay paperLayout, s sideLine, y float64) {
	p := f.pdf
	style := ""
	if s.bold {
		style = "B"
	}
	if s.grey {
		p.SetTextColor(90, 90, 90)
	}
	p.SetFont(letterFamily, style, s.size)
	p.Text(lay.side, y, visualOrder(s.text))
	p.SetTextColor(0, 0, 0)
}

// drawAddress prints the return line in small grey type and the recipient's
// address under it, inside the window's clearance.
func (f *letterFile) drawAddress(lay paperLayout, ret returnLine, a addressBlock) {
	p := f.pdf
	x, y := lay.address.x, lay.address.y
	p.SetFont(letterFamily, "", ret.size)
	p.SetTextColor(70, 70, 70)
	p.Text(x, y+ascent(ret.size), ret.text)
	p.SetTextColor(0, 0, 0)
	y += lineBox(ret.size) + returnGap + ascent(a.size)
	p.SetFont(letterFamily, "", a.size)
	for _, l := range a.lines {
		p.Text(x, y, l)
		y += pitch(a.size, addressLeading)
	}
}

// drawContinuation heads a letter's later pages with the sender's name.
func (f *letterFile) drawContinuation(lay paperLayout) {
	p := f.pdf
	p.SetFont(letterFamily, "", footerSize)
	p.SetTextColor(70, 70, 70)
	p.Text(lay.left, lay.headTop+ascent(footerSize), fit(p, f.name, lay.width()))
	p.SetTextColor(0, 0, 0)
}

// drawBody prints the planned lines of one page.
func (f *letterFile) drawBody(lay paperLayout, lines []placedLine) {
	p := f.pdf
	for _, l := range lines {
		if l.text == "" {
			continue
		}
		if l.heading {
			p.SetFont(letterFamily, "B", letterHeadSize)
		} else {
			p.SetFont(letterFamily, "", letterBodySize)
		}
		p.Text(lay.left, l.baseline, visualOrder(l.text))
	}
}

// drawFooter prints the letter's reference code and "page n of total" of
// the letter, in its language, under a thin rule.
func (f *letterFile) drawFooter(lay paperLayout, w words, ref string, n, total int) {
	p := f.pdf
	right := lay.size.Wd - lay.right
	p.SetDrawColor(170, 170, 170)
	p.SetLineWidth(0.2)
	p.Line(lay.left, lay.footer-4, right, lay.footer-4)
	p.SetFont(letterFamily, "", footerSize)
	p.SetTextColor(70, 70, 70)
	page := fmt.Sprintf(w.page, n, strconv.Itoa(total))
	pageW := p.GetStringWidth(page)
	p.Text(lay.left, lay.footer, fit(p, w.reference+" "+ref, lay.width()-pageW-5))
	p.Text(right-pageW, lay.footer, page)
	p.SetTextColor(0, 0, 0)
}
