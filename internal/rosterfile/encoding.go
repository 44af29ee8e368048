package rosterfile

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names the character encoding a CSV file was read in.
type Encoding string

// Encodings recognised in CSV files.
const (
	EncodingUnknown Encoding = "" // no byte above 0x7F seen yet: plain ASCII so far
	EncodingUTF8    Encoding = "utf-8"
	EncodingUTF16LE Encoding = "utf-16le"
	EncodingUTF16BE Encoding = "utf-16be"
	EncodingCP1252  Encoding = "windows-1252"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	magicZip   = []byte("PK\x03\x04")
	magicOLE   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniffFormat guesses csv or xlsx from the first bytes; legacy .xls is refused.
func sniffFormat(head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, magicZip):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, magicOLE):
		return "", errors.New("this is a legacy Excel .xls file (or an encrypted workbook); save it as .xlsx or CSV")
	}
	return FormatCSV, nil
}

// openText strips a byte-order mark and returns the text stream with its encoding. UTF-16
// is converted to UTF-8 on the fly; other input is returned as is and decoded per row.
func openText(br *bufio.Reader) (io.Reader, Encoding, error) {
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
		return br, EncodingUTF8, nil
	case bytes.HasPrefix(head, bomUTF16LE):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, dec), EncodingUTF16LE, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, dec), EncodingUTF16BE, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		if order, ok := utf16Order(head); ok {
			enc := EncodingUTF16LE
			if order == unicode.BigEndian {
				enc = EncodingUTF16BE
			}
			dec := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder()
			return transform.NewReader(br, dec), enc, nil
		}
		return nil, "", errors.New("the file contains NUL bytes: it is binary, or text in an encoding that cannot be recognised; save it as CSV UTF-8")
	}
	return br, EncodingUnknown, nil
}

// utf16Order recognises UTF-16 without a byte-order mark from its first
// bytes: a roster's header and most of its text are ASCII, which UTF-16
// writes as the character and a NUL, in an order that gives the byte order
// away. It needs at least 16 bytes, nearly every character unit of that
// shape (at least 90%), and no NUL on the other side; otherwise ok is
// false and the file is refused rather than guessed.
func utf16Order(head []byte) (order unicode.Endianness, ok bool) {
	n := len(head) &^ 1
	if n < 16 {
		return unicode.LittleEndian, false
	}
	var nulEven, nulOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			nulEven++
		}
		if head[i+1] == 0 {
			nulOdd++
		}
	}
	units := n / 2
	switch {
	case nulEven == 0 && nulOdd*10 >= units*9:
		return unicode.LittleEndian, true
	case nulOdd == 0 && nulEven*10 >= units*9:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// textDecoder turns a record's bytes into a string. For files without a byte-order mark it
// decides between UTF-8 and Windows-1252 from the first bytes above 0x7F and then holds to
// that choice: a later row that does not fit is reported, never guessed.
type textDecoder struct {
	enc Encoding
}

// sniff decides the encoding from a sample when the sample settles it.
func (d *textDecoder) sniff(sample []byte) {
	if d.enc != EncodingUnknown {
		return
	}
	// Ignore a multi-byte sequence cut by the end of the sample.
	if ls := lastStart(sample); ls >= 0 && !utf8.FullRune(sample[ls:]) {
		sample = sample[:ls]
	}
	d.decide(sample)
}

// lastStart finds where the last (possibly partial) UTF-8 sequence of b begins.
func lastStart(b []byte) int {
	i := len(b) - 1
	for i > 0 && i > len(b)-utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	return i
}

func (d *textDecoder) decide(b []byte) {
	if isASCII(b) {
		return
	}
	// Text with proper UTF-8 sequences is UTF-8 even if some rows are not: those rows are
	// then reported rather than decoded as Windows-1252 and mangled.
	if utf8.Valid(b) || hasMultibyte(b) {
		d.enc = EncodingUTF8
	} else {
		d.enc = EncodingCP1252
	}
}

// hasMultibyte reports whether b holds at least one valid multi-byte UTF-8 sequence.
func hasMultibyte(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if size > 1 && r != utf8.RuneError {
			return true
		}
		b = b[size:]
	}
	return false
}

// decode converts one record. ok is false when the bytes do not fit the file's encoding.
func (d *textDecoder) decode(b []byte) (string, bool) {
	if d.enc == EncodingUnknown {
		d.decide(b)
	}
	switch d.enc {
	case EncodingCP1252:
		if hasMultibyte(b) {
			// Windows-1252 text almost never forms UTF-8 sequences ("Ã©"): a mixed file.
			return "", false
		}
		return decodeCP1252(b)
	case EncodingUnknown:
		return string(b), true
	}
	if !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cp1252High maps bytes 0x80-0x9F; zero marks the five bytes Windows-1252 leaves undefined.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// decodeCP1252 converts Windows-1252 bytes to UTF-8; ok is false on an undefined byte.
func decodeCP1252(b []byte) (string, bool) {
	if isASCII(b) {
		return string(b), true
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	for _, c := range b {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xA0:
			r := cp1252High[c-0x80]
			if r == 0 {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return string(out), true
}
