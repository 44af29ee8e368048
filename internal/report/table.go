package report

import "fmt"

// column is one table column: a heading and a share of the text width.
type column struct {
	head  string
	share float64 // shares are normalised over the table
	right bool    // right-align (numbers)
}

// table lays out rows under a header row that is repeated on every page the
// table reaches. Cells wrap; a row taller than the space left on a page is
// split and continues under the repeated header.
type table struct {
	d      *doc
	cols   []column
	widths []float64
	size   float64 // font size
	lh     float64 // line height
}

// newTable starts a table and prints its header row.
func (d *doc) newTable(cols []column, size float64) *table {
	t := &table{d: d, cols: cols, size: size, lh: size * 0.45}
	total := 0.0
	for _, c := range cols {
		total += c.share
	}
	for _, c := range cols {
		t.widths = append(t.widths, d.width*c.share/total)
	}
	d.needSpace(4 * t.lh)
	t.printHeader()
	return t
}

// printHeader draws the header row at the current position.
func (t *table) printHeader() {
	p := t.d.pdf
	if p.Err() {
		return
	}
	p.SetFont(fontFamily, "B", t.size)
	lines := t.split(headTexts(t.cols))
	h := float64(maxLen(lines))*t.lh + 1
	t.drawCells(lines, 0, maxLen(lines), h, true)
	p.SetFont(fontFamily, "", t.size)
}

// row adds one row of cell texts. A row that cannot make progress (the PDF
// library has stopped on an error, or a fresh page has no room for a single
// line under the header) stops the document with an error instead of adding
// pages for ever.
func (t *table) row(cells []string) {
	p := t.d.pdf
	if p.Err() {
		return
	}
	p.SetFont(fontFamily, "", t.size)
	lines := t.split(cells)
	n := maxLen(lines)
	for start := 0; start < n && !p.Err(); {
		room := t.linesLeft()
		if room < 1 || (start == 0 && room < n && room < 3) {
			page := p.PageNo()
			p.AddPage()
			t.printHeader()
			if p.Err() {
				return
			}
			if p.PageNo() == page || t.linesLeft() < 1 {
				p.SetError(fmt.Errorf("%w: a table row does not fit on a page", ErrInvalidInput))
				return
			}
			room = t.linesLeft()
		}
		end := min(n, start+room)
		t.drawCells(lines, start, end, float64(end-start)*t.lh+1, false)
		start = end
	}
}

// linesLeft is how many cell lines fit above the bottom margin.
func (t *table) linesLeft() int {
	p := t.d.pdf
	_, ph := p.GetPageSize()
	_, _, _, bottom := p.GetMargins()
	return int((ph - bottom - p.GetY() - 1) / t.lh)
}

// drawCells draws lines [from, to) of every cell as one band of height h.
func (t *table) drawCells(lines [][]string, from, to int, h float64, head bool) {
	p := t.d.pdf
	x, y := t.d.left, p.GetY()
	p.SetDrawColor(170, 170, 170)
	if head {
		p.SetFillColor(230, 230, 230)
	}
	for i, w := range t.widths {
		style := "D"
		if head {
			style = "FD"
		}
		p.Rect(x, y, w, h, style)
		align := "L"
		if t.cols[i].right {
			align = "R"
		}
		for j := from; j < to && j < len(lines[i]); j++ {
			p.SetXY(x, y+0.5+float64(j-from)*t.lh)
			p.CellFormat(w, t.lh, lines[i][j], "", 0, align, false, 0, "")
		}
		x += w
	}
	p.SetXY(t.d.left, y+h)
}

// split wraps every cell to its column width.
func (t *table) split(cells []string) [][]string {
	out := make([][]string, len(t.widths))
	if t.d.pdf.Err() {
		for i := range out {
			out[i] = []string{""}
		}
		return out
	}
	for i, w := range t.widths {
		text := ""
		if i < len(cells) {
			text = clean(cells[i])
		}
		out[i] = t.d.pdf.SplitText(text, w)
		if len(out[i]) == 0 {
			out[i] = []string{""}
		}
	}
	return out
}

func headTexts(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.head
	}
	return out
}

func maxLen(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}
