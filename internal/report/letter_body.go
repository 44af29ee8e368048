package report

import (
	"errors"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Type of a letter's body. Letters go to the public: the body type is a
// little larger than a filing's.
const (
	letterFamily    = "dejavu"
	letterBodySize  = 11.0
	letterHeadSize  = 12.5
	letterLeading   = 1.35 // body line spacing, a multiple of the type size
	headingLeading  = 1.25
	paragraphGap    = 2.5 // mm between paragraphs
	headingGap      = 4.0 // mm above a heading
	keepWithHeading = 2   // lines of the next paragraph kept with a heading
)

// bodyBlock is a paragraph or a heading of a letter's body, wrapped to the
// body's width.
type bodyBlock struct {
	heading bool
	lines   []string // in logical order; drawn through visualOrder
}

func (b bodyBlock) pitch() float64 {
	if b.heading {
		return pitch(letterHeadSize, headingLeading)
	}
	return pitch(letterBodySize, letterLeading)
}

// parseBody splits a body into headings and paragraphs: a blank line ends a
// paragraph, a line starting with "# " is a heading, and other line breaks
// are kept inside their paragraph.
func parseBody(body string) []bodyBlock {
	var blocks []bodyBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			blocks = append(blocks, bodyBlock{lines: para})
			para = nil
		}
	}
	for _, line := range strings.Split(letterFonts.clean(body), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "# "):
			flush()
			blocks = append(blocks, bodyBlock{heading: true, lines: []string{strings.TrimSpace(line[2:])}})
		default:
			para = append(para, line)
		}
	}
	flush()
	return blocks
}

// wrap shapes the Arabic of each block and breaks its lines to width w.
func wrap(p *fpdf.Fpdf, blocks []bodyBlock, w float64) {
	// SplitText keeps a cell margin on each side; the body has none.
	w += 2 * p.GetCellMargin()
	for i := range blocks {
		b := &blocks[i]
		if b.heading {
			p.SetFont(letterFamily, "B", letterHeadSize)
		} else {
			p.SetFont(letterFamily, "", letterBodySize)
		}
		var out []string
		for _, l := range b.lines {
			split := p.SplitText(shapeArabic(letterFonts, l), w)
			if len(split) == 0 {
				split = []string{""}
			}
			out = append(out, split...)
		}
		b.lines = out
	}
}

// placedLine is a line of the body at its place on a page.
type placedLine struct {
	text     string // logical order
	heading  bool
	baseline float64 // mm from the top of the sheet
}

// planner lays a letter's body out on pages before any is drawn, so that
// each page's footer can say how many pages the letter has.
type planner struct {
	lay      paperLayout
	maxPages int
	pages    [][]placedLine
	y        float64 // top of the next line on the last page
}

// errLayoutStuck is returned when a line fits on no page; with the fixed
// layouts it cannot happen, but a loop that adds pages must have an exit.
var errLayoutStuck = errors.New("report: a line of a letter fits on no page")

// planBody places the blocks on as many pages as they need, the first page
// starting lower, below the address block. A heading is moved to the next
// page unless it fits with the start of the paragraph after it, and a
// paragraph does not leave its first line alone at the bottom of a page.
func planBody(lay paperLayout, blocks []bodyBlock, maxPages int) ([][]placedLine, error) {
	pl := &planner{lay: lay, maxPages: maxPages}
	if err := pl.newPage(); err != nil {
		return nil, err
	}
	for i, b := range blocks {
		if err := pl.startBlock(blocks, i); err != nil {
			return nil, err
		}
		for _, l := range b.lines {
			if err := pl.place(l, b); err != nil {
				return nil, err
			}
		}
	}
	return pl.pages, nil
}

// startBlock adds the space above block i and moves to a new page when its
// start does not fit on this one.
func (pl *planner) startBlock(blocks []bodyBlock, i int) error {
	if pl.empty() {
		return nil
	}
	gap := paragraphGap
	if blocks[i].heading {
		gap = headingGap
	}
	if pl.y+gap+keepTogether(blocks, i) > pl.lay.bottom {
		return pl.newPage()
	}
	pl.y += gap
	return nil
}

// keepTogether is the height that must fit on a page for block i to start
// there: two lines of a paragraph (or its one line), or a heading with any
// headings right after it and the first lines of the paragraph that follows.
func keepTogether(blocks []bodyBlock, i int) float64 {
	b := blocks[i]
	if !b.heading {
		return b.pitch() * float64(min(len(b.lines), 2))
	}
	need := b.pitch() * float64(len(b.lines))
	for j := i + 1; j < len(blocks); j++ {
		n := blocks[j]
		if !n.heading {
			return need + paragraphGap + n.pitch()*float64(min(len(n.lines), keepWithHeading))
		}
		need += headingGap + n.pitch()*float64(len(n.lines))
	}
	return need
}

// place puts one line on the current page, or on a new one when it is full.
func (pl *planner) place(text string, b bodyBlock) error {
	h := b.pitch()
	if pl.y+h > pl.lay.bottom {
		if pl.empty() {
			return errLayoutStuck
		}
		if err := pl.newPage(); err != nil {
			return err
		}
	}
	size := letterBodySize
	if b.heading {
		size = letterHeadSize
	}
	// The baseline sits one ascent below the line's top (DejaVu: 0.76 em).
	last := len(pl.pages) - 1
	pl.pages[last] = append(pl.pages[last], placedLine{text: text, heading: b.heading, baseline: pl.y + 0.76*size*ptToMM + (h-size*ptToMM)/2})
	pl.y += h
	return nil
}

// errPlanTooLong is returned when a letter would take more pages than the
// file has left in its budget.
var errPlanTooLong = fmt.Errorf("%w: a letter needs more pages than the file has left", ErrTooLarge)

func (pl *planner) newPage() error {
	if len(pl.pages) >= pl.maxPages {
		return errPlanTooLong
	}
	pl.y = pl.lay.nextTop
	if len(pl.pages) == 0 {
		pl.y = pl.lay.firstTop
	}
	pl.pages = append(pl.pages, nil)
	return nil
}

func (pl *planner) empty() bool { return len(pl.pages[len(pl.pages)-1]) == 0 }
