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
	fmt.Fprintf(b, "%s  %s  (version %s, %s, %s)\n", requiredLabel(o.Required), o.Key(), o.Version, o.Jurisdiction, o.RuleStatus)
	fmt.Fprintf(b, "  to:       %s\n", o.Recipient.Name)
	if o.Due != nil {
		overdue := ""
		if o.Overdue {
			overdue = "  OVERDUE"
		}
		fmt.Fprintf(b, "  due:      %s%s\n", o.Due.Format(time.RFC3339), overdue)
	}
	if o.Standard != "" && o.Required != nil && *o.Required || o.Standard != "" && o.Required == nil {
		fmt.Fprintf(b, "  standard: %s\n", o.Standard)
	}
	if o.InternalTarget != nil {
		fmt.Fprintf(b, "  target:   %s (internal)\n", o.InternalTarget.Format(time.RFC3339))
	}
	if a := o.Alternative; a != nil {
		due := "no date"
		if a.Due != nil {
			due = a.Due.Format(time.RFC3339)
		}
		fmt.Fprintf(b, "  alt:      %s (%s)\n", due, a.Basis)
	}
	fmt.Fprintf(b, "  why:      %s\n", o.Explanation)
	if len(o.Missing) > 0 {
		fmt.Fprintf(b, "  missing:  %s\n", strings.Join(o.Missing, ", "))
	}
	fmt.Fprintf(b, "  cite:     %s\n\n", o.Citation)
}

func requiredLabel(r *bool) string {
	switch {
	case r == nil:
		return "UNDETERMINED"
	case *r:
		return "REQUIRED    "
	}
	return "not required"
}
