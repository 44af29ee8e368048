package report

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrUnknownKind is returned for a document kind that is not in the registry.
var ErrUnknownKind = errors.New("unknown document kind")

// ErrInvalidInput is returned when the input cannot make a document at all
// (as opposed to content that is merely missing, which Check reports).
var ErrInvalidInput = errors.New("invalid document input")

// ErrNoCSV is returned by WriteCSV for kinds that have no CSV form.
var ErrNoCSV = errors.New("document kind has no CSV form")

// KindInfo describes one document kind.
type KindInfo struct {
	ID        string   // e.g. "ca-opc-pipeda"
	Title     string   // document title
	Regulator string   // recipient, or "" for internal documents
	Language  string   // "en" or "fr"
	RuleIDs   []string // catalogue rules whose obligations this document answers
	Filing    bool     // a regulator filing, printed with its stage
	CSV       bool     // WriteCSV also produces a CSV
}

// Missing is one content item a document prints as "not yet known".
type Missing struct {
	Field string // catalogue key or answer key
	Label string // the form's wording
	Why   string // the provision that asks for it
	// Optional marks an item the law or the form asks for only if known:
	// it is printed as not yet known and listed, but does not stop a
	// final filing.
	Optional bool
}

// kindDef is a registry entry: its description and how to check and render it.
type kindDef struct {
	info   KindInfo
	spec   func(Input) (filingSpec, error) // filings
	check  func(Input) []Missing           // other documents
	render func(Input, io.Writer) error    // other documents
	csv    func(Input, io.Writer) error
}

// registry lists every document kind in presentation order.
func registry() []kindDef {
	defs := make([]kindDef, 0, 20)
	defs = append(defs, canadianKinds()...)
	defs = append(defs, internationalKinds()...)
	defs = append(defs, genericKind(), registerKind(), phipaStatsKind(), fippaStatsKind(), summaryKind())
	return defs
}

// Kinds lists the document kinds that can be rendered.
func Kinds() []KindInfo {
	defs := registry()
	out := make([]KindInfo, len(defs))
	for i, d := range defs {
		out[i] = d.info
	}
	return out
}

func lookup(kind string) (kindDef, error) {
	for _, d := range registry() {
		if d.info.ID == kind {
			return d, nil
		}
	}
	return kindDef{}, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
}

// Check lists the content a document of this kind prints as "not yet
// known": the required items first, then those marked Optional. With no
// required item left the document can be filed as final.
func Check(kind string, in Input) ([]Missing, error) {
	d, err := lookup(kind)
	if err != nil {
		return nil, err
	}
	in.Zone = zoneOf(in) // resolved once, not per register row
	if d.spec == nil {
		return d.check(in), nil
	}
	spec, err := d.spec(in)
	if err != nil {
		return nil, err
	}
	return missingFields(spec, newView(in, spec.lang)), nil
}

// Render writes the PDF of one document kind. Missing content is printed as
// "not yet known"; it does not stop rendering. The output depends only on the
// input: the same input gives the same bytes. The render stops with an error
// when it outgrows lim or ctx ends.
func Render(ctx context.Context, kind string, in Input, w io.Writer, lim Limits) error {
	d, err := lookup(kind)
	if err != nil {
		return err
	}
	in.Zone = zoneOf(in) // resolved once, not per register row
	in.budget = newBudget(ctx, lim)
	if in.GeneratedAt.IsZero() {
		return fmt.Errorf("%w: GeneratedAt is required", ErrInvalidInput)
	}
	if d.spec == nil {
		return d.render(in, w)
	}
	spec, err := d.spec(in)
	if err != nil {
		return err
	}
	return renderFiling(spec, in, w)
}

// WriteCSV writes the CSV that accompanies a register or statistics document.
func WriteCSV(kind string, in Input, w io.Writer) error {
	d, err := lookup(kind)
	if err != nil {
		return err
	}
	in.Zone = zoneOf(in) // resolved once, not per register row
	if d.csv == nil {
		return fmt.Errorf("%w: %q", ErrNoCSV, kind)
	}
	return d.csv(in, w)
}

// fixed wraps a spec that does not depend on the input.
func fixed(s filingSpec) func(Input) (filingSpec, error) {
	return func(Input) (filingSpec, error) { return s, nil }
}
