package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
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
}

// doc is a PDF being laid out: page chrome, sections, fields, paragraphs, tables.
type doc struct {
	pdf   *fpdf.Fpdf
	meta  docMeta
	left  float64
	width float64
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
	p.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
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

// header prints the organization, breach reference and title at the top of each page.
func (d *doc) header() {
	p := d.pdf
	p.SetY(10)
	p.SetFont(fontFamily, "B", smallSize+1)
	p.SetTextColor(40, 40, 40)
	half := d.width / 2
	p.SetX(d.left)
	p.CellFormat(half, 4.5, fit(p, clean(d.meta.org), half), "", 0, "L", false, 0, "")
	ref := ""
	if d.meta.reference != "" {
		ref = d.meta.w.reference + " " + clean(d.meta.reference)
	}
	p.CellFormat(half, 4.5, fit(p, ref, half), "", 1, "R", false, 0, "")
	p.SetFont(fontFamily, "", smallSize)
	p.SetX(d.left)
	p.CellFormat(d.width, 4, fit(p, clean(d.meta.title), d.width), "", 1, "L", false, 0, "")
	p.SetDrawColor(150, 150, 150)
	p.Line(d.left, 20, d.left+d.width, 20)
	p.SetTextColor(0, 0, 0)
	p.SetFont(fontFamily, "", bodySize)
}

// footer prints "Page N of M", the generation time with zone and the document id.
// On the last page the total is written out, so its digits are in the font subset
// that the page-count alias on earlier pages relies on.
func (d *doc) footer(last bool) {
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
	info := fmt.Sprintf("%s %s · %s %s", d.meta.w.generated, formatTime(d.meta.generated, d.meta.zone),
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
	p := d.pdf
	p.SetFont(fontFamily, "B", 15)
	p.MultiCell(d.width, 7, clean(d.meta.title), "", "L", false)
	if d.meta.subtitle != "" {
		p.SetFont(fontFamily, "", bodySize+1)
		p.MultiCell(d.width, 5.5, clean(d.meta.subtitle), "", "L", false)
	}
	if d.meta.preparer != "" {
		p.SetFont(fontFamily, "I", bodySize)
		p.MultiCell(d.width, lineH, d.meta.w.preparedBy+": "+clean(d.meta.preparer), "", "L", false)
	}
	p.Ln(3)
	p.SetFont(fontFamily, "", bodySize)
}

// heading starts a section; it moves to a new page when fewer than three lines remain.
func (d *doc) heading(text string) {
	d.needSpace(4 * lineH)
	p := d.pdf
	p.Ln(2)
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
	p := d.pdf
	d.needSpace(3 * lineH)
	p.SetFont(fontFamily, "B", bodySize)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH, clean(label), "", "L", false)
	d.paragraph(value)
}

// paragraph prints wrapped text; it continues on new pages as needed.
func (d *doc) paragraph(text string) {
	p := d.pdf
	p.SetFont(fontFamily, "", bodySize)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH, clean(text), "", "L", false)
	p.Ln(1.5)
}

// note prints a short italic remark.
func (d *doc) note(text string) {
	p := d.pdf
	p.SetFont(fontFamily, "I", bodySize-1)
	p.SetX(d.left)
	p.MultiCell(d.width, lineH-0.5, clean(text), "", "L", false)
	p.SetFont(fontFamily, "", bodySize)
	p.Ln(1)
}

// needSpace adds a page when less than h millimetres remain above the bottom margin.
func (d *doc) needSpace(h float64) {
	p := d.pdf
	_, ph := p.GetPageSize()
	_, _, _, bottom := p.GetMargins()
	if p.GetY()+h > ph-bottom {
		p.AddPage()
	}
}

// finish closes the document and writes it.
func (d *doc) finish(w io.Writer) error {
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// fit shortens a one-line text with an ellipsis so that it fits in width w.
func fit(p *fpdf.Fpdf, s string, w float64) string {
	limit := w - 2*p.GetCellMargin()
	if p.GetStringWidth(s) <= limit {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.GetStringWidth(string(r)+"…") > limit {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// clean makes text safe to lay out: line ends are normalised, tabs become
// spaces and other control characters are replaced by a visible mark. Every
// other character, including markup and PDF syntax, is kept as written.
func clean(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f:
			return '\uFFFD'
		}
		return r
	}, s)
}

// formatTime prints an instant in a zone with the zone's abbreviation and offset.
func formatTime(t time.Time, z *time.Location) string {
	if z == nil {
		z = time.UTC
	}
	return t.In(z).Format("2006-01-02 15:04 MST (UTC-07:00)")
}
