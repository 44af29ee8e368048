package rules

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteJSON writes the result as {"obligations":[…]} (indented).
func WriteJSON(w io.Writer, res Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("rules: encode result: %w", err)
	}
	return nil
}

// WriteText writes the result for people: one block per obligation,
// required duties first.
func WriteText(w io.Writer, res Result) error {
	var b strings.Builder
	for i := range res.Obligations {
		writeTextObligation(&b, &res.Obligations[i])
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("rules: write text: %w", err)
	}
	return nil
}

func writeTextObligation(b *strings.Builder, o *Obligation) {
	fmt.Fprintf(b, "%s  %s  (version %s, %s, %s)\n", requiredLabel(o), o.Key(), o.Version, o.Jurisdiction, o.RuleStatus)
	fmt.Fprintf(b, "  to:       %s\n", o.Recipient.Name)
	if o.Region != "" && o.Count != nil {
		fmt.Fprintf(b, "  region:   %s (%d affected)\n", o.RegionName, *o.Count)
	}
	writeTextDates(b, o)
	if o.SatisfiedBy != "" {
		fmt.Fprintf(b, "  satisfied by: %s\n", o.SatisfiedBy)
	}
	for _, a := range o.Alternatives {
		fmt.Fprintf(b, "  alt:      %s (%s)\n", alternativeText(a), a.Basis)
	}
	fmt.Fprintf(b, "  why:      %s\n", o.Explanation)
	if len(o.Missing) > 0 {
		fmt.Fprintf(b, "  missing:  %s\n", strings.Join(o.Missing, ", "))
	}
	for _, p := range o.Provisions {
		fmt.Fprintf(b, "  relies on: %s, %s (%s)%s\n", p.Label, p.Citation, p.Status, provisionNote(p))
	}
	if o.StatusNote != "" {
		fmt.Fprintf(b, "  status:   %s\n", o.StatusNote)
	}
	if o.Notes != "" {
		fmt.Fprintf(b, "  notes:    %s\n", o.Notes)
	}
	if in := InForceText(o.EffectiveFrom, o.EffectiveTo, o.EffectiveNote); in != "" {
		fmt.Fprintf(b, "  in force: %s\n", in)
	}
	fmt.Fprintf(b, "  cite:     %s\n", o.Citation)
	if o.Source != "" {
		fmt.Fprintf(b, "  source:   %s\n", o.Source)
	}
	for _, s := range o.SeeAlso {
		fmt.Fprintf(b, "  see also: %s\n", s)
	}
	b.WriteString("\n")
}

// writeTextDates prints the date lines: a deadline, a keep-until date, the
// end of a permitted window, the statutory standard and a target.
func writeTextDates(b *strings.Builder, o *Obligation) {
	if o.Due != nil {
		overdue := ""
		if o.Overdue {
			overdue = "  OVERDUE"
		}
		fmt.Fprintf(b, "  due:      %s%s\n", o.Due.Format(time.RFC3339), overdue)
	}
	if o.Until != nil {
		word := "keep until"
		if o.Kind == KindPermitted {
			word = "may until"
		}
		fmt.Fprintf(b, "  %-9s %s (never overdue)\n", word+":", o.Until.Format(time.RFC3339))
	}
	applies := o.Applies == nil || *o.Applies
	if o.Standard != "" && applies {
		fmt.Fprintf(b, "  standard: %s\n", o.Standard)
	}
	if o.InternalTarget != nil {
		what := "internal"
		if o.Kind == KindTarget {
			what = "not a statutory deadline"
		}
		fmt.Fprintf(b, "  target:   %s (%s)\n", o.InternalTarget.Format(time.RFC3339), what)
	}
}

func alternativeText(a Alternative) string {
	var parts []string
	if a.Due != nil {
		parts = append(parts, a.Due.Format(time.RFC3339))
	}
	if a.Required != nil && !*a.Required {
		parts = append(parts, "not required")
	}
	if a.SatisfiedBy != "" {
		parts = append(parts, "satisfied by "+a.SatisfiedBy)
	}
	if len(parts) == 0 {
		return "no date"
	}
	return strings.Join(parts, ", ")
}

func provisionNote(p Provision) string {
	var s string
	switch {
	case p.Kind == ExemptUnknown:
		s = "; not checked, listed for counsel"
	case !p.Applied:
		s = "; not applied"
	}
	if p.Note != "" {
		s += "; " + p.Note
	}
	return s
}

// requiredLabel is the first word of an obligation's text block.
func requiredLabel(o *Obligation) string {
	switch {
	case o.Kind == KindPermitted && o.Applies != nil && *o.Applies:
		return "PERMITTED   "
	case o.Required == nil:
		return "UNDETERMINED"
	case !*o.Required:
		return "not required"
	case o.Kind == KindRetention:
		return "KEEP RECORD "
	}
	return "REQUIRED    "
}

// InForceText says in words when a rule's version is in force, from its
// effective dates (YYYY-MM-DD, either may be empty) and the note on them:
// "from 2026-01-01; …". Empty when nothing is known.
func InForceText(from, to, note string) string {
	var span string
	switch {
	case from != "" && to != "":
		span = from + " to " + to
	case from != "":
		span = "from " + from
	case to != "":
		span = "until " + to
	}
	switch {
	case span == "":
		return note
	case note != "":
		return span + "; " + note
	}
	return span
}
