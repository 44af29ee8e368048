package report

import (
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// rect is a rectangle on a sheet, in millimetres from its top left corner.
type rect struct{ x, y, w, h float64 }

func (r rect) right() float64  { return r.x + r.w }
func (r rect) bottom() float64 { return r.y + r.h }

const mmPerInch = 25.4

// US Letter (8 1/2" × 11") folded in three for a #10 window envelope
// (4 1/8" × 9 1/2"). The standard #10 window is 4 1/2" × 1 1/8", its left
// edge 7/8" from the envelope's left and its bottom 1/2" above the
// envelope's bottom. With the standard tri-fold (three panels of 3 2/3",
// the address panel in front) the window falls about 2" below the top of
// the sheet and 7/8" from its left. The USPS Domestic Mail Manual (601.6.3)
// requires a clear space of at least 1/8" between the address block and
// every edge of the window, kept when the insert moves to its limits; the
// address is printed 1/8" inside the window's nominal position, so how far
// the folded sheet can move in the envelope is the mail house's to check.
const (
	letterWindowLeft   = 7.0 / 8 * mmPerInch
	letterWindowTop    = 2 * mmPerInch
	letterWindowWidth  = 4.5 * mmPerInch
	letterWindowHeight = 1.125 * mmPerInch
	letterClearance    = 1.0 / 8 * mmPerInch
)

// A4 (210 × 297 mm) folded in three (DIN 5008 form B fold marks at 105 and
// 210 mm) for a DL window envelope (110 × 220 mm, ISO 269). The window of
// DIN 680 is 90 × 45 mm, 20 mm from the envelope's left edge and 15 mm above
// its bottom; DIN 5008 form B puts the sheet's address field under it, 45 mm
// from the top and 20 mm from the left, with the text starting 25 mm from
// the left. A 105 mm panel can sit up to 5 mm higher in a 110 mm envelope,
// so the window's top edge may fall anywhere from 45 to 50 mm on the sheet:
// the address starts at 50 mm.
const (
	a4WindowLeft   = 20.0
	a4WindowTop    = 45.0
	a4WindowWidth  = 90.0
	a4WindowHeight = 45.0
	a4TextInset    = 5.0 // DIN 5008: the address starts 25 mm from the sheet's left edge
	a4SheetPlay    = 5.0 // a 105 mm panel in a 110 mm envelope
	a4BottomInset  = 3.0
)

// Type sizes of the address block, in points. The recipient's address
// starts at addressSize and shrinks in steps of half a point down to
// minAddressSize (below it, post-office readers and people both struggle);
// past that it is an error, never a cut line.
const (
	addressSize    = 10.0
	minAddressSize = 8.0
	returnSize     = 6.0 // the sender's return address above the recipient's
	minReturnSize  = 5.0
	returnGap      = 0.8 // mm between the return line and the address
)

// ptToMM converts a type size to millimetres.
const ptToMM = mmPerInch / 72

// pitch is the distance between baselines, in mm, for lines of type size pt.
func pitch(pt, leading float64) float64 { return pt * ptToMM * leading }

// paperLayout is where everything goes on one paper size.
type paperLayout struct {
	name        string
	size        fpdf.SizeType
	window      rect    // the envelope window on the unfolded sheet: only the address block prints here
	address     rect    // the return line and the recipient's address: the window less its clearance
	left, right float64 // body margins from the left and right edges
	side        float64 // left edge of the column beside the window (date, reference)
	headTop     float64 // top of the letterhead
	firstTop    float64 // top of the body on a letter's first page
	nextTop     float64 // top of the body on later pages
	bottom      float64 // bottom of the body, from the top of the sheet
	footer      float64 // baseline of the footer, from the top of the sheet
}

// layoutFor returns the layout of a paper: PaperLetter or PaperA4.
func layoutFor(paper string) paperLayout {
	if paper == PaperA4 {
		return a4Layout
	}
	return letterLayout
}

var letterLayout = paperLayout{
	name:     PaperLetter,
	size:     fpdf.SizeType{Wd: 8.5 * mmPerInch, Ht: 11 * mmPerInch},
	window:   rect{letterWindowLeft, letterWindowTop, letterWindowWidth, letterWindowHeight},
	address:  rect{letterWindowLeft + letterClearance, letterWindowTop + letterClearance, letterWindowWidth - 2*letterClearance, letterWindowHeight - 2*letterClearance},
	left:     mmPerInch,
	right:    mmPerInch,
	side:     letterWindowLeft + letterWindowWidth + mmPerInch/4,
	headTop:  mmPerInch / 2,
	firstTop: 90,
	nextTop:  25,
	bottom:   11*mmPerInch - 22,
	footer:   11*mmPerInch - 12,
}

var a4Layout = paperLayout{
	name:     PaperA4,
	size:     fpdf.SizeType{Wd: 210, Ht: 297},
	window:   rect{a4WindowLeft, a4WindowTop, a4WindowWidth, a4WindowHeight},
	address:  rect{a4WindowLeft + a4TextInset, a4WindowTop + a4SheetPlay, a4WindowWidth - 2*a4TextInset, a4WindowHeight - a4SheetPlay - a4BottomInset},
	left:     25, // DIN 5008
	right:    20,
	side:     125, // DIN 5008 form B: the information block starts 125 mm from the left
	headTop:  10,
	firstTop: 98.5, // below the address field, where DIN 5008 form B letters start their text
	nextTop:  25,
	bottom:   297 - 22,
	footer:   297 - 12,
}

// width is the body's text width.
func (l paperLayout) width() float64 { return l.size.Wd - l.left - l.right }

// addressBlock is a recipient's address fitted to its window.
type addressBlock struct {
	lines []string // prepared for drawing: cleaned, shaped, in visual order
	size  float64  // type size, points
}

// returnLine is the sender's return address fitted to one line of a window.
type returnLine struct {
	text string
	size float64
}

// addressLeading is the line spacing of the address block, a multiple of
// the type size: single-spaced, as addresses are written.
const addressLeading = 1.1

// fitAddress finds the largest type size, from addressSize down to
// minAddressSize, at which every line of the address fits the window's width
// and all of them fit under the return line. It returns the reason when
// none does.
func fitAddress(p *fpdf.Fpdf, lay paperLayout, ret returnLine, recipient []string) (addressBlock, string) {
	lines := nonBlank(recipient)
	if len(lines) == 0 {
		return addressBlock{}, "the recipient has no address lines"
	}
	for i, l := range lines {
		lines[i] = letterLine(l)
	}
	room := lay.address.h - lineBox(ret.size) - returnGap
	for size := addressSize; size >= minAddressSize; size -= 0.5 {
		if addressHeight(len(lines), size) > room {
			continue
		}
		if widest(p, lines, size) <= lay.address.w {
			return addressBlock{lines: lines, size: size}, ""
		}
	}
	if most := 1 + int((room-lineBox(minAddressSize))/pitch(minAddressSize, addressLeading)); len(lines) > most {
		return addressBlock{}, fmt.Sprintf("%d address lines do not fit the window's height even in %g pt type (at most %d)",
			len(lines), minAddressSize, most)
	}
	p.SetFont(letterFamily, "", minAddressSize)
	for i, l := range lines {
		if p.GetStringWidth(l) > lay.address.w {
			return addressBlock{}, fmt.Sprintf("address line %d is wider than the window even in %g pt type", i+1, minAddressSize)
		}
	}
	return addressBlock{}, "the address does not fit the window"
}

// fitReturnLine fits the sender's name and address to one line of the
// window, in returnSize type or smaller down to minReturnSize.
func fitReturnLine(p *fpdf.Fpdf, lay paperLayout, s LetterSender) (returnLine, error) {
	text := letterLine(strings.Join(append([]string{s.Name}, nonBlank(s.AddressLines)...), ", "))
	for size := returnSize; size >= minReturnSize; size -= 0.5 {
		if widest(p, []string{text}, size) <= lay.address.w {
			return returnLine{text: text, size: size}, nil
		}
	}
	return returnLine{}, fmt.Errorf("%w: the sender's name and address are too long for one line of the %s envelope window, even in %g pt type",
		ErrInvalidInput, lay.name, minReturnSize)
}

// addressHeight is the height of n address lines in type of size pt, from
// the top of the first line's box to the bottom of the last one's.
func addressHeight(n int, pt float64) float64 {
	return float64(n-1)*pitch(pt, addressLeading) + lineBox(pt)
}

// widest measures the widest of lines in regular type of size pt.
func widest(p *fpdf.Fpdf, lines []string, pt float64) float64 {
	p.SetFont(letterFamily, "", pt)
	w := 0.0
	for _, l := range lines {
		w = max(w, p.GetStringWidth(l))
	}
	return w
}

// letterLine prepares one line of a letter for drawing: cleaned for the
// letter fonts, a line break inside it made a space, Arabic shaped and the
// whole put in visual order.
func letterLine(s string) string {
	s = strings.ReplaceAll(letterFonts.clean(s), "\n", " ")
	return visualOrder(shapeArabic(letterFonts, s))
}
