package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
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
	q := a.DB.Gorm.WithContext(ctx).Table("breaches b").
		Select("b.id, b.organization_id, b.reference, o.slug").Joins("JOIN organizations o ON o.id = b.organization_id")
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		q = q.Where("b.id = ?", id)
	} else {
		q = q.Where("b.reference = ?", strings.ToUpper(strings.TrimSpace(ref)))
	}
	if orgSlug != "" {
		q = q.Where("o.slug = ?", orgSlug)
	}
	var found []breachRef
	if err := q.Order("o.slug").Scan(&found).Error; err != nil {
		return breachRef{}, fmt.Errorf("find breach %s: %w", ref, err)
	}
	switch len(found) {
	case 0:
		if orgSlug != "" {
			return breachRef{}, fmt.Errorf("no breach %s in organization %s", ref, orgSlug)
		}
		return breachRef{}, fmt.Errorf("no breach %s", ref)
	case 1:
		return found[0], nil
	}
	slugs := make([]string, len(found))
	for i, f := range found {
		slugs[i] = f.Slug
	}
	return breachRef{}, fmt.Errorf("breach reference %s exists in several organizations (%s): add --organization", ref, strings.Join(slugs, ", "))
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
	export.MarkFlagRequired("breach")
	export.MarkFlagRequired("out")
	cmd.AddCommand(export)
	return cmd
}

// exportRoster records the export in the audit log, then writes the CSV to
// a temporary file renamed into place, so a failed export leaves no partial file.
func exportRoster(ctx context.Context, a *app.App, b breachRef, out string) (int64, error) {
	var n int64
	err := a.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&roster.StoredPerson{}).Where("breach_id = ?", b.ID).Count(&n).Error; err != nil {
			return err
		}
		return auth.Audit(ctx, tx, nil, "cli", b.OrganizationID, "roster.export", "breach", strconv.FormatInt(b.ID, 10),
			map[string]any{"people": n, "via": "cli", "file": filepath.Base(out)})
	})
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".roster-export-*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := roster.ExportCSV(ctx, a.DB.Gorm, b.ID, tmp); err != nil {
		tmp.Close()
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
