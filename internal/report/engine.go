package report

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

const (
	fontFamily = "go"
	bodySize   = 10.0
	smallSize  = 8.0
	lineH      = 5.0 // mm per body line
	marginMM   = 18.0
	labelShare = 0.34 // share of the text width taken by field labels
)

// docMeta is what every page of a document repeats.
type docMeta struct {
	title     string
	subtitle  string // e.g. the regulator, printed under the title on page one
	org       string
	reference string
	docID     string
	generated time.Time
	zone      *time.Location
	preparer  string
	paper     string // "Letter" or "A4"
	landscape bool
	w         words
	budget    budget
}

// doc is a PDF being laid out: page chrome, sections, fields, paragraphs, tables.
type doc struct {
	pdf   *fpdf.Fpdf
	meta  docMeta
	left  float64
	width float64
	head  []string // the header's fitted texts, set on the first page
}

// newDoc starts a document with its header and footer installed and the first page added.
func newDoc(m docMeta) *doc {
	paper := m.paper
	if paper == "" {
		paper = "Letter"
	}
	orientation := "P"
	if m.landscape {
		orientation = "L"
	}
	p := fpdf.New(orientation, "mm", paper, "")
	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.SetCreationDate(m.generated)
	p.SetModificationDate(m.generated)
	p.SetProducer("Breachline", true)
	p.SetCreator("Breachline", true)
	p.SetTitle(clean(m.title), true)
	p.SetAuthor(clean(m.org), true)
	p.SetLang(m.w.code)
	goFonts.register(p)
	p.SetMargins(marginMM, 26, marginMM)
	p.SetAutoPageBreak(true, 20)
	p.AliasNbPages("{nb}")
	pw, _ := p.GetPageSize()
	d := &doc{pdf: p, meta: m, left: marginMM, width: pw - 2*marginMM}
	p.SetHeaderFuncMode(d.header, true)
	p.SetFooterFuncLpi(d.footer)
	p.AddPage()
	d.titleBlock()
	return d
}

// header prints the organization, breach reference and title at the top of
// each page. Every new page passes here, so it is also where a render that
// has outgrown its budget (pages or time) is stopped: the PDF library then
// ignores every later call and Output returns the error.
func (d *doc) header() {
	p := d.pdf
	if err := d.meta.budget.check(p.PageNo()); err != nil {
		p.SetError(err)
		return
	}
	p.SetY(10)
	p.SetFont(fontFamily, "B", smallSize+1)
	p.SetTextColor(40, 40, 40)
	half := d.width / 2
	if d.head == nil {
		d.head = d.headerTexts(half)
	}
	p.SetX(d.left)
	p.CellFormat(half, 4.5, d.head[0], "", 0, "L", false, 0, "")
	p.CellFormat(half, 4.5, d.head[1], "", 1, "R", false, 0, "")
	p.SetFont(fontFamily, "", smallSize)
	p.SetX(d.left)
	p.CellFormat(d.width, 4, d.head[2], "", 1, "L", false, 0, "")
	p.SetDrawColor(150, 150, 150)
	p.Line(d.left, 20, d.left+d.width, 20)
	p.SetTextColor(0, 0, 0)
	p.SetFont(fontFamily, "", bodySize)
}

// headerTexts fits the organization, reference and title to the header
// once; every page repeats them.
func (d *doc) headerTexts(half float64) []string {
	p := d.pdf
	ref := ""
	if d.meta.reference != "" {
		ref = d.meta.w.reference + " " + clean(d.meta.reference)
	}
	org := fit(p, clean(d.meta.org), half)
	ref = fit(p, ref, half)
	p.SetFont(fontFamily, "", smallSize)
	title := fit(p, clean(d.meta.title), d.width)
	p.SetFont(fontFamily, "B", smallSize+1)
	return []string{org, ref, title}
}

// footer prints "Page N of M", the generation time with zone and the document id.
// On the last page the total is written out, so its digits are in the font subset
// that the page-count alias on earlier pages relies on.
func (d *doc) footer(last bool) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	_, ph := p.GetPageSize()
	p.SetY(ph - 14)
	p.SetDrawColor(150, 150, 150)
	p.Line(d.left, ph-15, d.left+d.width, ph-15)
	p.SetFont(fontFamily, "", smallSize)
	p.SetTextColor(60, 60, 60)
	total := "{nb}"
	if last {
		total = fmt.Sprint(p.PageNo())
	}
	info := fmt.Sprintf("%s %s · %s %s", d.meta.w.generated, formatTimeIn(d.meta.generated, d.meta.zone, d.meta.w.code),
		d.meta.w.documentID, clean(d.meta.docID))
	pageText := fmt.Sprintf(d.meta.w.page, p.PageNo(), total)
	pageW := 32.0
	p.SetX(d.left)
	p.CellFormat(d.width-pageW, 4, fit(p, info, d.width-pageW), "", 0, "L", false, 0, "")
	p.CellFormat(pageW, 4, pageText, "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// titleBlock prints the document title, subtitle and preparer on the first page.
func (d *doc) titleBlock() {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	p.Bookmark(clean(d.meta.title), 0, -1)
	p.SetFont(fontFamily, "B", 15)
	p.MultiCell(d.width, 7, clean(d.meta.title), "", "L", false)
	if d.meta.subtitle != "" {
		p.SetFont(fontFamily, "", bodySize+1)
		p.MultiCell(d.width, 5.5, clean(d.meta.subtitle), "", "L", false)
	}
	if d.meta.preparer != "" {
		p.SetFont(fontFamily, "I", bodySize)
		p.MultiCell(d.width, lineH, d.meta.w.preparedBy+d.meta.w.colon+clean(d.meta.preparer), "", "L", false)
	}
	p.Ln(3)
	p.SetFont(fontFamily, "", bodySize)
}

// heading starts a section; it moves to a new page when fewer than three lines remain.
func (d *doc) heading(text string) {
	if d.pdf.Err() {
		return
	}
	d.needSpace(4 * lineH)
	p := d.pdf
	p.Ln(2)
	// The outline is the navigation a screen reader offers in place of a
	// structure tree, which the PDF library cannot write (README.md).
	p.Bookmark(clean(text), 1, -1)
	p.SetFont(fontFamily, "B", bodySize+2)
	p.SetX(d.left)
	p.MultiCell(d.width, 6, clean(text), "", "L", false)
	p.SetDrawColor(200, 200, 200)
	p.Line(d.left, p.GetY(), d.left+d.width, p.GetY())
	p.Ln(1.5)
	p.SetFont(fontFamily, "", bodySize)
}

// field prints a short labelled value in two columns.
func (d *doc) field(label, value string) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	p.SetFont(fontFamily, "B", bodySize)
	lw := d.width * labelShare
	labelLines := len(p.SplitText(clean(label), lw))
	d.needSpace(float64(labelLines) * lineH)
	page, y0 := p.PageNo(), p.GetY()
	p.SetX(d.left)
	p.MultiCell(lw, lineH, clean(label), "", "L", false)
	yLabel := p.GetY()
	p.SetXY(d.left+lw, y0)
	p.SetFont(fontFamily, "", bodySize)
	p.MultiCell(d.width-lw, lineH, clean(value), "", "L", false)
	if p.PageNo() == page && yLabel > p.GetY() {
		p.SetY(yLabel)
	}
	p.SetX(d.left)
	p.Ln(1)
}

// block prints a label on its own line and a long value as a full-width paragraph.
func (d *doc) block(label, value string) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	d.needSpace(3 * lineH)
	p.SetFont(fontFamily, "B", bodySize)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH, clean(label), "", "L", false)
	d.paragraph(value)
}

// paragraph prints wrapped text; it continues on new pages as needed.
func (d *doc) paragraph(text string) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	p.SetFont(fontFamily, "", bodySize)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH, clean(text), "", "L", false)
	p.Ln(1.5)
}

// note prints a short italic remark.
func (d *doc) note(text string) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	p.SetFont(fontFamily, "I", bodySize-1)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH-0.5, clean(text), "", "L", false)
	p.SetFont(fontFamily, "", bodySize)
	p.Ln(1)
}

// needSpace adds a page when less than h millimetres remain above the bottom margin.
func (d *doc) needSpace(h float64) {
	if d.pdf.Err() {
		return
	}
	p := d.pdf
	_, ph := p.GetPageSize()
	_, _, _, bottom := p.GetMargins()
	if p.GetY()+h > ph-bottom {
		p.AddPage()
	}
}

// finish closes the document and writes it. An error the PDF library
// recorded on the way (a budget exceeded, a row that cannot fit) is returned
// instead of a document.
func (d *doc) finish(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return err
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// The layout methods return at once once the PDF library has recorded an
// error: it ignores every later call anyway, and some of its measuring
// functions index tables that are empty by then.

// fit shortens a one-line text with an ellipsis so that it fits in width w.
// No line of a page holds more than a few hundred characters, so only the
// first fitRunes are measured: a megabyte-long title costs no more than a
// short one.
func fit(p *fpdf.Fpdf, s string, w float64) string {
	limit := w - 2*p.GetCellMargin()
	if p.GetStringWidth(s) <= limit {
		return s
	}
	r := []rune(s)
	if len(r) > fitRunes {
		r = r[:fitRunes]
	}
	// The longest prefix that fits with the ellipsis, by bisection.
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.GetStringWidth(string(r[:mid])+"…") <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// fitRunes is more characters than any one line of a page can show.
const fitRunes = 1000

// formatTime prints an instant in a zone with the zone's abbreviation and offset.
func formatTime(t time.Time, z *time.Location) string {
	return formatTimeIn(t, z, "en")
}

// formatTimeIn prints an instant for a document in lang. French documents
// write the hour as "16 h 15" and give the offset without the English zone
// abbreviation (EST, EDT).
func formatTimeIn(t time.Time, z *time.Location, lang string) string {
	if z == nil {
		z = time.UTC
	}
	if lang == "fr" {
		return t.In(z).Format("2006-01-02 15 h 04 (UTC-07:00)")
	}
	return t.In(z).Format("2006-01-02 15:04 MST (UTC-07:00)")
}
