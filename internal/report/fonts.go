package report

import (
	_ "embed"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// goFonts print filings, registers and statistics.
var goFonts = newFontSet(fontFamily,
	face{"", goregular.TTF}, face{"B", gobold.TTF}, face{"I", goitalic.TTF})

// DejaVu Sans and DejaVu Sans Bold 2.37, unmodified, from Debian's
// fonts-dejavu-core package; see fonts/README.md. Their licence
// (fonts/LICENSE: the Bitstream Vera and Arev licences, DejaVu's own changes
// being in the public domain) allows using, copying, embedding and
// redistributing them, also within a product that is sold, as long as the
// copyright and licence notices go with every copy of the fonts; it forbids
// selling the fonts by themselves and giving a modified font their names.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

// letterFonts print postal letters. People's names and addresses come in
// many scripts; DejaVu Sans draws about 5,400 characters of the Basic
// Multilingual Plane (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew,
// Arabic among them) where the Go fonts draw about 700.
var letterFonts = newFontSet("dejavu", face{"", dejaVuSans}, face{"B", dejaVuSansBold})
