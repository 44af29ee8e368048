package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/audit"
)

// exitBroken is the exit status of a verification that found a problem.
const exitBroken = 2

func (e *env) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify the audit trail and keep checkpoints of it"}
	cmd.AddCommand(e.auditVerifyCmd(), e.auditCheckpointCmd())
	return cmd
}

func (e *env) auditVerifyCmd() *cobra.Command {
	var org, checkpoint string
	var noStored, asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Walk every audit chain and name the first entry edited, inserted, deleted or reordered",
		Long: `Walks the audit chain of every organization (or of one, with --organization)
under the audit key and names the first entry that was edited, inserted, deleted
or reordered. The newest entries of a chain can be removed without breaking it:
compared with a checkpoint (--checkpoint FILE, a file or a saved e-mail holding
one; by default the latest in the checkpoint folder) a chain that lost entries
the checkpoint names is reported too. Exit status 2 when a chain does not hold.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			cp, source, err := chooseCheckpoint(a, checkpoint, noStored)
			if err != nil {
				return err
			}
			var orgIDs []int64
			if org != "" {
				o, err := a.Auth.OrganizationByRef(ctx, org)
				if err != nil {
					return fmt.Errorf("no organization %s", org)
				}
				orgIDs = []int64{o.ID}
			}
			rep, err := audit.Verify(ctx, a.DB.Gorm, orgIDs, cp)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printReport(ctx, e.stdout, a, rep, source)
			}
			if p := rep.FirstProblem(); p != nil {
				return &exitError{code: exitBroken, err: p}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "organization", "", "verify this organization's chain only (slug)")
	cmd.Flags().StringVar(&checkpoint, "checkpoint", "", "compare with the checkpoint in this file (a checkpoint file or a saved e-mail)")
	cmd.Flags().BoolVar(&noStored, "no-stored-checkpoint", false, "do not compare with the latest checkpoint of the checkpoint folder")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// chooseCheckpoint reads the checkpoint named, or the latest stored one,
// and checks its signature against the installation's key.
func chooseCheckpoint(a *app.App, file string, noStored bool) (*audit.Checkpoint, string, error) {
	var (
		cp     *audit.Checkpoint
		err    error
		source = file
	)
	switch {
	case file != "":
		cp, err = audit.ReadCheckpoint(file)
	case !noStored:
		cp, err = audit.LatestCheckpoint(a.Cfg.CheckpointDir())
		source = "the latest in " + a.Cfg.CheckpointDir()
	}
	if err != nil {
		return nil, "", err
	}
	if cp == nil {
		return nil, "", nil
	}
	if err := cp.CheckSignature(a.AuditKey.PublicKey()); err != nil {
		return nil, "", &exitError{code: exitBroken, err: err}
	}
	return cp, source, nil
}

func printReport(ctx context.Context, w io.Writer, a *app.App, rep audit.Report, source string) {
	for _, c := range rep.Chains {
		name := "the installation's accounts"
		if c.OrganizationID != 0 {
			name = fmt.Sprintf("organization %d", c.OrganizationID)
			if o, err := a.Auth.OrganizationByID(ctx, a.DB.Gorm, c.OrganizationID); err == nil {
				name = fmt.Sprintf("organization %d (%s)", o.ID, o.Slug)
			}
		}
		if c.Problem != nil {
			fmt.Fprintf(w, "chain of %s: DOES NOT HOLD: %s: %s\n", name, c.Problem.Kind, c.Problem.Message)
			continue
		}
		fmt.Fprintf(w, "chain of %s: holds: %d entries, head seq %d hash %s\n", name, c.Entries, c.Head.Seq, c.Head.Hash)
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	if rep.Checkpoint != nil {
		fmt.Fprintf(w, "compared with the checkpoint of %s (%s); its signature holds\n", rep.Checkpoint.Made.Format("2006-01-02 15:04:05Z"), source)
	} else {
		fmt.Fprintln(w, "no checkpoint compared: removal of the newest entries cannot be seen without one")
	}
	if rep.OK() {
		fmt.Fprintf(w, "%d entries verified\n", rep.Entries())
	}
}

func (e *env) auditCheckpointCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoint",
		Short: "Verify every chain, then sign, keep and e-mail a checkpoint of their heads now",
		Long: `Verifies every audit chain against the latest checkpoint and, when they hold,
signs a checkpoint of each chain's head, writes it to the checkpoint folder,
e-mails it to the operators and prints it. The worker does the same every
BREACHLINE_AUDIT_CHECKPOINT_EVERY.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			w := a.AuditWatch()
			w.CheckpointEvery = 0
			out, err := w.Run(ctx)
			if err != nil {
				return err
			}
			if out.Checkpoint == nil {
				if p := out.Report.FirstProblem(); p != nil {
					return &exitError{code: exitBroken, err: p}
				}
				return &exitError{code: exitBroken, err: errors.New("the latest checkpoint cannot be used; the operators were told")}
			}
			fmt.Fprint(e.stdout, out.Checkpoint.String())
			fmt.Fprintln(e.stderr, "written to", out.Path)
			return nil
		},
	}
}
