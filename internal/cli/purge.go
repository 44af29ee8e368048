package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/retention"
)

func (e *env) purgeCmd() *cobra.Command {
	var org string
	var dryRun, asJSON bool
	cmd := &cobra.Command{
		Use:   "purge",
		Short: "Remove affected people's contact data past its retention period (--dry-run: show what would go)",
		Long: `Removes the contact data of affected people (names, addresses, e-mail
addresses, phone numbers, dates of birth, guardians, the letters printed for
them, bounce reports and server replies) of each breach that is closed, whose
notice campaigns are completed or cancelled, and whose organization's
retention period (contact_retention_days) has passed since, unless the
organization holds all removals (retention_hold). The breach, its record, its
obligations, documents, counts and audit trail stay, and so does whether, how
and when each person was told. Each removal is recorded in the audit log. The
worker runs this daily.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			var orgID int64
			if org != "" {
				o, err := a.Auth.OrganizationByRef(ctx, org)
				if err != nil {
					return fmt.Errorf("no organization %s", org)
				}
				orgID = o.ID
			}
			rep, err := a.Retention.Run(ctx, &auth.Principal{User: auth.User{Email: "cli"}}, orgID, dryRun)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			printPurge(e.stdout, rep)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "remove nothing: show what would be removed and what is kept, and why")
	cmd.Flags().StringVar(&org, "organization", "", "only this organization (slug)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func printPurge(w io.Writer, rep retention.Report) {
	verb := "removed"
	if rep.DryRun {
		verb = "would remove"
	}
	if len(rep.Breaches) == 0 {
		fmt.Fprintln(w, "no breach holds contact data of affected people")
	}
	for _, b := range rep.Breaches {
		fmt.Fprintf(w, "%s %s (%s): ", b.Organization, b.Reference, b.Status)
		what := fmt.Sprintf("contact data of %d people, %d rejected import rows, %d letter files, %d bounce reports, %d server replies",
			b.People.People, b.People.Rejects, b.Notices.LetterFiles, b.Notices.Bounces, b.Notices.Replies)
		switch {
		case b.Due:
			fmt.Fprintf(w, "%s %s\n", verb, what)
		case b.RemovableFrom != nil:
			fmt.Fprintf(w, "keeps %s until %s: %s\n", what, b.RemovableFrom.Format(time.DateOnly), b.Reason)
		default:
			fmt.Fprintf(w, "keeps %s: %s\n", what, b.Reason)
		}
		for _, k := range b.Kept {
			until := k.Standard
			if k.Until != nil {
				until = "until at least " + k.Until.UTC().Format(time.DateOnly)
			}
			fmt.Fprintf(w, "  the breach record stays whole: %s (%s) %s\n", k.Rule, k.Citation, until)
		}
	}
	if rep.DryRun {
		fmt.Fprintln(w, "dry run: nothing was removed")
	} else {
		fmt.Fprintf(w, "%d breaches' contact data removed\n", rep.Removed())
	}
}
