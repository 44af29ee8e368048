package cli

import (
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/errs"
)

// Exit statuses a mail system's pipe transport understands (sysexits.h):
// the report cannot be read, so trying again is useless; or the store is
// unavailable, so the relay should keep the message and try later.
const (
	exitDataErr  = 65
	exitTempFail = 75
)

func (e *env) bounceCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "bounce",
		Short: "Record a delivery report or automatic reply read from standard input",
		Long: `Reads one delivery status notification (RFC 3464) or automatic reply from
standard input, as a relay's pipe transport delivers it to the bounce
address, matches it to its notice by the notice's own bounce address or its
Message-ID (any organization), and records it: a final failure marks the
delivery bounced, or due as a letter when the person has a postal address.
Prints the outcome as JSON. Exit status 65: the input is not a report (do not
retry); 75: the database is unavailable (keep the message and retry).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return &exitError{code: exitTempFail, err: err}
			}
			defer a.Close()
			res, err := a.Notices.ReceiveBounceAsOperator(ctx, e.stdin)
			var inv *errs.Invalid
			var lim *errs.Limit
			switch {
			case errors.As(err, &inv) || errors.As(err, &lim):
				return &exitError{code: exitDataErr, err: err}
			case err != nil:
				return &exitError{code: exitTempFail, err: err}
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
}

// exitError is an error with the exit status the process should end with.
type exitError struct {
	code int
	err  error
}

func (x *exitError) Error() string { return x.err.Error() }
func (x *exitError) Unwrap() error { return x.err }

// exitCode is the process exit status for a command's error.
func exitCode(err error) int {
	var x *exitError
	if errors.As(err, &x) {
		return x.code
	}
	return 1
}
