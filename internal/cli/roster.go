package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
)

// breachRef is a breach found from the command line.
type breachRef struct {
	ID             int64
	OrganizationID int64
	Reference      string
	Slug           string
}

// findBreach resolves an id or a reference such as BR-2025-0007. A reference
// is unique only inside an organization, so one used by several needs --organization.
func findBreach(ctx context.Context, a *app.App, ref, orgSlug string) (breachRef, error) {
	var orgIDs []int64
	if orgSlug != "" {
		o, err := a.Auth.OrganizationByRef(ctx, orgSlug)
		if err != nil {
			return breachRef{}, fmt.Errorf("no organization %s", orgSlug)
		}
		orgIDs = []int64{o.ID}
	}
	found, err := a.Breaches.ByReference(ctx, a.DB.Gorm, ref, orgIDs)
	if err != nil {
		return breachRef{}, err
	}
	switch len(found) {
	case 0:
		if orgSlug != "" {
			return breachRef{}, fmt.Errorf("no breach %s in organization %s", ref, orgSlug)
		}
		return breachRef{}, fmt.Errorf("no breach %s", ref)
	case 1:
		return refOf(ctx, a, found[0])
	}
	slugs := make([]string, len(found))
	for i, f := range found {
		b, err := refOf(ctx, a, f)
		if err != nil {
			return breachRef{}, err
		}
		slugs[i] = b.Slug
	}
	return breachRef{}, fmt.Errorf("breach reference %s exists in several organizations (%s): add --organization", ref, strings.Join(slugs, ", "))
}

// refOf names a breach with its organization's slug.
func refOf(ctx context.Context, a *app.App, b breach.Breach) (breachRef, error) {
	o, err := a.Auth.OrganizationByID(ctx, a.DB.Gorm, b.OrganizationID)
	if err != nil {
		return breachRef{}, err
	}
	return breachRef{ID: b.ID, OrganizationID: b.OrganizationID, Reference: b.Reference, Slug: o.Slug}, nil
}

func (e *env) rosterCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "roster", Short: "The affected people of a breach"}
	var ref, org, out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Export a breach's roster as CSV (formula-safe; recorded in the audit log)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			b, err := findBreach(ctx, a, ref, org)
			if err != nil {
				return err
			}
			n, err := exportRoster(ctx, a, b, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "exported %d people of %s to %s\n", n, b.Reference, out)
			return nil
		},
	}
	export.Flags().StringVar(&ref, "breach", "", "breach reference (BR-2025-0007) or id (required)")
	export.Flags().StringVar(&org, "organization", "", "organization slug, when the reference exists in several")
	export.Flags().StringVar(&out, "out", "", "CSV file to write (required)")
	_ = export.MarkFlagRequired("breach")
	_ = export.MarkFlagRequired("out")
	cmd.AddCommand(export)
	return cmd
}

// exportRoster records the export in the audit log, then writes the CSV to
// a temporary file renamed into place, so a failed export leaves no partial file.
func exportRoster(ctx context.Context, a *app.App, b breachRef, out string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".roster-export-*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	// The command line acts with the operator's authority, as an
	// administrator of the breach's organization.
	op := &auth.Principal{User: auth.User{Email: "cli"}, Memberships: map[int64]auth.Role{b.OrganizationID: auth.RoleAdmin}, Via: "cli"}
	n, err := a.Roster.Export(ctx, op, "cli", b.ID, tmp)
	if err != nil {
		_ = tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return n, nil
}
