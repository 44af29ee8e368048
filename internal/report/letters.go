package report

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// LetterBatch is one file of postal letters for a mail house: many letters,
// each starting on a new page, from one sender.
type LetterBatch struct {
	Sender  LetterSender
	Letters []LetterInput
	// Duplex starts every letter on an odd page, adding a blank page after a
	// letter that ends on an odd one, so that a printer printing both sides
	// never puts two people's letters on one sheet.
	Duplex      bool
	GeneratedAt time.Time // the file's creation time, in its metadata
	BatchID     string    // the mail house batch, in the file's metadata
}

// LetterSender is the organization that sends the letters. It is printed
// as the letterhead and, on one line in small type, as the return address
// above the recipient's address in the envelope window.
type LetterSender struct {
	Name         string
	AddressLines []string // postal address, one line each
	Contact      string   // e.g. a telephone number and e-mail, printed under the letterhead
}

// LetterInput is one letter to one person.
type LetterInput struct {
	Language string // "en" or "fr": the wording the layout adds (reference label, page numbers)
	Paper    string // "Letter" (North America, #10 window envelope) or "A4" (DL window envelope)
	// Recipient holds the address lines as they go on the envelope, the
	// addressee first. Blank lines are left out; no line is ever shortened.
	Recipient []string
	Date      string // the letter's date, already written in its language
	Reference string // the person's reference code, printed on every page of the letter
	// Body is plain text: paragraphs separated by blank lines, a single line
	// break kept as a line break, and a line starting with "# " a heading.
	Body string
}

// LetterStats describes a written file of letters, for the mail house's
// manifest.
type LetterStats struct {
	Letters int   // letters in the file
	Pages   int   // pages in the file, blank duplex pages included
	PageOf  []int // first page (from 1) of each letter, in input order
}

// Letter papers.
const (
	PaperLetter = "Letter"
	PaperA4     = "A4"
)

// Upper bounds on the short fields of a letter: each is printed on one or two
// lines beside the envelope window or in the footer.
const (
	maxReferenceRunes = 64
	maxDateRunes      = 80
)

// Letters writes a batch of postal letters as one PDF. Each letter starts on
// a new page (an odd one when the batch is duplex), its recipient's address
// placed for a window envelope of its paper, and every page of it carries its
// reference code and "page X of Y" of that letter.
//
// Before anything is written, every recipient address is fitted to its
// envelope window; an address that does not fit whole, even in the smallest
// type allowed, is never cut: Letters returns an *AddressError listing every
// such letter, and the caller decides what to do with them. Other unusable
// input is ErrInvalidInput. The page budget of lim and the context bound the
// whole file: ErrTooLarge or the context's error, and nothing written.
func Letters(ctx context.Context, in LetterBatch, w io.Writer, lim Limits) (LetterStats, error) {
	if err := validateBatch(in); err != nil {
		return LetterStats{}, err
	}
	f := newLetterFile(in, newBudget(ctx, lim))
	if err := f.prepare(); err != nil {
		return LetterStats{}, err
	}
	for i := range in.Letters {
		if err := f.write(i); err != nil {
			return LetterStats{}, err
		}
	}
	if err := f.pdf.Error(); err != nil {
		return LetterStats{}, err
	}
	if err := f.pdf.Output(w); err != nil {
		return LetterStats{}, fmt.Errorf("write pdf: %w", err)
	}
	return LetterStats{Letters: len(in.Letters), Pages: f.pdf.PageNo(), PageOf: f.pageOf}, nil
}

// AddressProblem is one letter whose recipient address cannot be printed
// whole inside the envelope window.
type AddressProblem struct {
	Index     int    // the letter's position in LetterBatch.Letters
	Reference string // the letter's reference code
	Reason    string // e.g. "line 2 is wider than the window even in 8 pt type"
}

// AddressError lists the letters of a batch whose addresses do not fit their
// envelope windows. Letters returns it before writing anything; it matches
// ErrInvalidInput with errors.Is.
type AddressError struct {
	Problems []AddressProblem
}

// Error names the letters and why each address does not fit, the first few
// in full.
func (e *AddressError) Error() string {
	const shown = 5
	var b strings.Builder
	fmt.Fprintf(&b, "%d letter(s) with an address too long for the envelope window", len(e.Problems))
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-shown)
			break
		}
		fmt.Fprintf(&b, "; letter %d (reference %q): %s", p.Index+1, p.Reference, p.Reason)
	}
	return b.String()
}

// Unwrap makes an AddressError an ErrInvalidInput.
func (e *AddressError) Unwrap() error { return ErrInvalidInput }

// validateBatch rejects a batch that cannot make letters at all.
func validateBatch(in LetterBatch) error {
	if len(in.Letters) == 0 {
		return fmt.Errorf("%w: a letter batch needs at least one letter", ErrInvalidInput)
	}
	if in.GeneratedAt.IsZero() {
		return fmt.Errorf("%w: a letter batch needs its generation time", ErrInvalidInput)
	}
	if strings.TrimSpace(in.Sender.Name) == "" || len(nonBlank(in.Sender.AddressLines)) == 0 {
		return fmt.Errorf("%w: the sender needs a name and a postal address (the return address)", ErrInvalidInput)
	}
	for i, l := range in.Letters {
		if err := validateLetter(l); err != nil {
			return fmt.Errorf("%w: letter %d: %s", ErrInvalidInput, i+1, err)
		}
	}
	return nil
}

// validateLetter checks the fields of one letter; address fitting is separate.
func validateLetter(l LetterInput) error {
	switch {
	case l.Language != "en" && l.Language != "fr":
		return fmt.Errorf("language %q is not en or fr", l.Language)
	case l.Paper != PaperLetter && l.Paper != PaperA4:
		return fmt.Errorf("paper %q is not %s or %s", l.Paper, PaperLetter, PaperA4)
	case strings.TrimSpace(l.Reference) == "" || utf8.RuneCountInString(l.Reference) > maxReferenceRunes ||
		strings.ContainsAny(l.Reference, "\r\n"):
		return fmt.Errorf("the reference code must be one line of 1 to %d characters", maxReferenceRunes)
	case strings.TrimSpace(l.Date) == "" || utf8.RuneCountInString(l.Date) > maxDateRunes:
		return fmt.Errorf("the date must be 1 to %d characters", maxDateRunes)
	case strings.TrimSpace(l.Body) == "":
		return fmt.Errorf("the body is empty")
	}
	return nil
}

// nonBlank returns the lines that hold more than white space, trimmed.
func nonBlank(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
