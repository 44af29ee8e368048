package rosterfile

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// errTokenTooLarge stops an XML decoder whose next token (a text, a tag
// with its attributes, a comment) would be larger than its bound.
var errTokenTooLarge = errors.New("an XML token is larger than its bound")

// boundedBytes feeds an xml.Decoder one byte at a time, so that the
// decoder reads nothing ahead, and fails once more than max bytes are asked
// for since the last reset: the decoder holds a whole token in memory, and
// this is what bounds it.
type boundedBytes struct {
	r   *bufio.Reader
	n   int
	max int
}

// ReadByte returns the next byte, or errTokenTooLarge past the bound.
func (b *boundedBytes) ReadByte() (byte, error) {
	if b.n >= b.max {
		return 0, errTokenTooLarge
	}
	b.n++
	return b.r.ReadByte()
}

// Read fills p through ReadByte; the decoder does not call it.
func (b *boundedBytes) Read(p []byte) (int, error) {
	for i := range p {
		c, err := b.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = c
	}
	return len(p), nil
}

// partReader streams the XML tokens of one workbook part.
type partReader struct {
	name string
	rc   io.ReadCloser
	in   *boundedBytes
	dec  *xml.Decoder
}

// tokenBound is how large a token of a part may be: a cell's text may be
// written with entities (&quot; is six bytes for one), and tags and other
// markup need no more than a few kilobytes.
func tokenBound(lim Limits) int {
	return 8*lim.MaxCellBytes + 64<<10
}

func openPart(f *zip.File, lim Limits) (*partReader, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, &FatalError{Err: fmt.Errorf("opening the workbook part %s: %w", f.Name, err)}
	}
	in := &boundedBytes{r: bufio.NewReaderSize(rc, 32<<10), max: tokenBound(lim)}
	return &partReader{name: f.Name, rc: rc, in: in, dec: xml.NewDecoder(in)}, nil
}

// token returns the part's next token; io.EOF at its end, errTokenTooLarge
// for a token past the bound, or the decoder's error. A CharData token is
// valid until the next call.
func (p *partReader) token() (xml.Token, error) {
	p.in.n = 0
	return p.dec.RawToken()
}

func (p *partReader) close() error { return p.rc.Close() }

// partError wraps an error reading the part named part as a fatal error;
// a token past its bound is reported as a cell past the cell size limit.
func partError(part string, err error, lim Limits) *FatalError {
	if errors.Is(err, errTokenTooLarge) {
		return limitFatal(0, &LimitError{Limit: LimitCellBytes, Max: int64(lim.MaxCellBytes), Part: part, Column: -1,
			Note: "the part holds markup or text at least that large"}, nil)
	}
	return &FatalError{Err: fmt.Errorf("reading the workbook part %s: %w", part, err)}
}

// attr returns the value of the attribute named local (any namespace).
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relID returns the value of a relationship id attribute (r:id).
func relID(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}
