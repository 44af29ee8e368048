package report

import (
	"html"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// word is a word read back with pdftotext -bbox, its box in millimetres
// from the top left corner of its page.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// inside reports whether the word's box lies within r.
func (w word) inside(r rect) bool {
	const eps = 0.05
	return w.xMin >= r.x-eps && w.yMin >= r.y-eps && w.xMax <= r.right()+eps && w.yMax <= r.bottom()+eps
}

// overlaps reports whether the word's box and r share any area.
func (w word) overlaps(r rect) bool {
	return w.xMin < r.right() && w.xMax > r.x && w.yMin < r.bottom() && w.yMax > r.y
}

var (
	pageRE = regexp.MustCompile(`<page width="[^"]*" height="[^"]*">`)
	wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// pdfWords reads every word of a PDF with its box, page by page.
func pdfWords(t testing.TB, data []byte) [][]word {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-bbox", "-enc", "UTF-8", pdfFile(t, data), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	parts := pageRE.Split(string(out), -1)[1:]
	pages := make([][]word, len(parts))
	for i, part := range parts {
		for _, m := range wordRE.FindAllStringSubmatch(part, -1) {
			mm := func(s string) float64 {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("bbox %q: %v", s, err)
				}
				return v * mmPerInch / 72
			}
			pages[i] = append(pages[i], word{text: html.UnescapeString(m[5]),
				xMin: mm(m[1]), yMin: mm(m[2]), xMax: mm(m[3]), yMax: mm(m[4])})
		}
	}
	return pages
}

// pageText reads pages from..to of a PDF with pdftotext -layout.
func pageText(t testing.TB, data []byte, from, to int) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", "-f", strconv.Itoa(from), "-l", strconv.Itoa(to),
		pdfFile(t, data), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// readable undoes what a PDF reader's text extraction leaves of shaped
// right-to-left text: Arabic presentation forms back to letters (NFKC) and
// the direction marks it adds around right-to-left runs removed.
func readable(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
