package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
)

// assessCmd evaluates a facts file against the catalogue. It needs no
// database: only the embedded catalogue and calendars are loaded.
func (e *env) assessCmd() *cobra.Command {
	var factsPath, format, nowFlag string
	cmd := &cobra.Command{
		Use:   "assess",
		Short: "Work out the obligations for the facts of a breach (JSON or YAML; see config/regulations/README.md)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "text" {
				return fmt.Errorf("--format %q: want json or text", format)
			}
			now := time.Now()
			if nowFlag != "" {
				t, err := time.Parse(time.RFC3339, nowFlag)
				if err != nil {
					return fmt.Errorf("--now %q: want an RFC 3339 time such as 2026-05-05T12:00:00-04:00", nowFlag)
				}
				now = t
			}
			res, err := e.assess(factsPath, now)
			if err != nil {
				return err
			}
			if format == "text" {
				return rules.WriteText(e.stdout, res)
			}
			return rules.WriteJSON(e.stdout, res)
		},
	}
	cmd.Flags().StringVar(&factsPath, "facts", "", `facts file (JSON or YAML), or "-" for standard input (required)`)
	cmd.Flags().StringVar(&format, "format", "json", "json ({\"obligations\":[…]}) or text")
	cmd.Flags().StringVar(&nowFlag, "now", "", "evaluate as of this RFC 3339 instant (default: the current time)")
	_ = cmd.MarkFlagRequired("facts")
	return cmd
}

func (e *env) assess(path string, now time.Time) (rules.Result, error) {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path) // #nosec G304 -- the operator's --facts file
		if err != nil {
			return rules.Result{}, fmt.Errorf("facts: %w", err)
		}
		defer f.Close()
		r = f
	}
	return obligation.AssessReader(r, now)
}
