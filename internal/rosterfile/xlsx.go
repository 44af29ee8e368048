package rosterfile

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// A workbook is a zip archive of XML parts: _rels/.rels names the workbook
// part, whose relationships name the sheets and the shared strings. Only
// those parts are read, each as a stream of XML tokens of bounded size.
// The archive is read whole into memory first, since a zip needs random
// access; its directory is checked against the limits before any part is
// uncompressed, and the zip reader refuses a part that expands past the
// size its directory declares.

// xlsxPackage is an opened workbook archive.
type xlsxPackage struct {
	files map[string]*zip.File // by lower-case name
	lim   Limits
}

// openPackage reads the archive and checks its declared sizes.
func openPackage(r io.Reader, lim Limits) (*xlsxPackage, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxExpandedBytes+1))
	if err != nil {
		return nil, &FatalError{Err: fmt.Errorf("reading the file: %w", err)}
	}
	if int64(len(data)) > lim.MaxExpandedBytes {
		return nil, limitFatal(0, &LimitError{Limit: LimitExpandedBytes, Max: lim.MaxExpandedBytes, Column: -1}, nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &FatalError{Err: fmt.Errorf("opening the workbook: %w", err)}
	}
	if err := checkArchive(zr.File, lim); err != nil {
		return nil, err
	}
	p := &xlsxPackage{files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	for _, f := range zr.File {
		p.files[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	return p, nil
}

// checkArchive refuses a workbook one of whose parts expands more times
// than the ratio allows (the mark of a zip bomb, so it is checked first),
// or whose parts together expand past the size limit.
func checkArchive(files []*zip.File, lim Limits) error {
	for _, f := range files {
		if f.UncompressedSize64 < ratioExemptBytes {
			continue
		}
		if f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxCompressionRatio) { // #nosec G115 -- the limit is validated positive
			return limitFatal(0, &LimitError{Limit: LimitCompressionRatio, Max: int64(lim.MaxCompressionRatio),
				Found: int64(min(f.UncompressedSize64, 1<<62)), Compressed: int64(min(f.CompressedSize64, 1<<62)), Part: f.Name, Column: -1}, nil)
		}
	}
	if total := sumSizes(files); total > lim.MaxExpandedBytes {
		return limitFatal(0, &LimitError{Limit: LimitExpandedBytes, Max: lim.MaxExpandedBytes, Found: total, Column: -1}, nil)
	}
	return nil
}

// sumSizes adds the declared uncompressed sizes, saturating at the largest int64.
func sumSizes(files []*zip.File) int64 {
	var total uint64
	for _, f := range files {
		total += f.UncompressedSize64
		if total > 1<<62 {
			return 1 << 62
		}
	}
	return int64(total)
}

// file returns the part named name (any case), or nil.
func (p *xlsxPackage) file(name string) *zip.File {
	return p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// open starts reading the part named name.
func (p *xlsxPackage) open(name string) (*partReader, error) {
	f := p.file(name)
	if f == nil {
		return nil, fatalf(0, "the workbook has no part %s", name)
	}
	return openPart(f, p.lim)
}

// relationship is one entry of a part's relationships.
type relationship struct {
	typ    string // the type URI's last segment: officeDocument, worksheet, sharedStrings
	target string // the target part, from the archive's root
}

// relationships reads the relationships of the part named from, by id.
// A part without relationships has none.
func (p *xlsxPackage) relationships(from string) (map[string]relationship, error) {
	dir, base := path.Split(from)
	name := path.Join(dir, "_rels", base+".rels")
	rels := map[string]relationship{}
	if p.file(name) == nil {
		return rels, nil
	}
	err := p.each(name, func(e xml.StartElement) error {
		if e.Name.Local != "Relationship" || attr(e, "TargetMode") == "External" {
			return nil
		}
		target := attr(e, "Target")
		if !strings.HasPrefix(target, "/") {
			target = path.Join(dir, target)
		}
		typ := attr(e, "Type")
		rels[attr(e, "Id")] = relationship{typ: typ[strings.LastIndex(typ, "/")+1:], target: strings.TrimPrefix(path.Clean(target), "/")}
		return nil
	})
	return rels, err
}

// each calls fn with every start element of the part named name.
func (p *xlsxPackage) each(name string, fn func(xml.StartElement) error) error {
	pr, err := p.open(name)
	if err != nil {
		return err
	}
	defer pr.close()
	for {
		tok, err := pr.token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(pr.name, err, p.lim)
		}
		if e, ok := tok.(xml.StartElement); ok {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
}

// sheetRef is a sheet of the workbook: its name and part.
type sheetRef struct {
	name, part string
}

// workbook returns the workbook's sheets in order and its shared strings
// part ("" when it has none).
func (p *xlsxPackage) workbook() (sheets []sheetRef, sharedStrings string, err error) {
	wbPart := "xl/workbook.xml"
	rootRels, err := p.relationships("")
	if err != nil {
		return nil, "", err
	}
	for _, r := range rootRels {
		if r.typ == "officeDocument" {
			wbPart = r.target
		}
	}
	rels, err := p.relationships(wbPart)
	if err != nil {
		return nil, "", err
	}
	err = p.each(wbPart, func(e xml.StartElement) error {
		if e.Name.Local == "sheet" {
			sheets = append(sheets, sheetRef{name: attr(e, "name"), part: rels[relID(e)].target})
		}
		return nil
	})
	for _, r := range rels {
		if r.typ == "sharedStrings" {
			sharedStrings = r.target
		}
	}
	if sharedStrings == "" && p.file("xl/sharedStrings.xml") != nil {
		sharedStrings = "xl/sharedStrings.xml"
	}
	return sheets, sharedStrings, err
}

// pickSheet finds the sheet named name (any case), or the first sheet when
// name is empty.
func pickSheet(sheets []sheetRef, name string) (sheetRef, error) {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
		if name == "" && i == 0 || name != "" && strings.EqualFold(s.name, name) {
			if s.part == "" {
				return s, fatalf(0, "the workbook's sheet %q has no content", s.name)
			}
			return s, nil
		}
	}
	return sheetRef{}, fatalf(0, "the workbook has no sheet %q (sheets: %s)", name, strings.Join(names, ", "))
}

// newXLSXSource opens the workbook, loads its shared strings and starts
// streaming the rows of the chosen sheet (the first when sheet is empty).
func newXLSXSource(r io.Reader, sheet string, lim Limits) (*xlsxSource, error) {
	p, err := openPackage(r, lim)
	if err != nil {
		return nil, err
	}
	sheets, ssPart, err := p.workbook()
	if err != nil {
		return nil, err
	}
	ref, err := pickSheet(sheets, sheet)
	if err != nil {
		return nil, err
	}
	sst := &sharedStrings{}
	if ssPart != "" && p.file(ssPart) != nil {
		if sst, err = p.readSharedStrings(ssPart); err != nil {
			return nil, err
		}
	}
	pr, err := p.open(ref.part)
	if err != nil {
		return nil, err
	}
	return &xlsxSource{part: pr, sst: sst, lim: lim}, nil
}
