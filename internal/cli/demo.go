package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/demo"
)

func (e *env) demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load demonstration organizations, breaches and fictional affected people",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			l := demo.NewLoader(a.DB.Gorm, a.Auth, a.Breaches, a.Roster, time.Now())
			res, err := l.Load(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Loaded %d organizations, %d breaches and %d fictional affected people.\n\n", res.Organizations, res.Breaches, res.People)
			fmt.Fprintf(e.stdout, "Sign in at %s/signin as\n  %s\n  password: %s\n\nThe same password works for:\n", a.Cfg.BaseURL, res.AdminEmail, res.AdminPassword)
			for _, u := range res.Users {
				fmt.Fprintln(e.stdout, "  "+u)
			}
			return nil
		},
	}
}
