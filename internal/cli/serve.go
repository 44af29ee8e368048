package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (e *env) serveCmd() *cobra.Command {
	var noWorkers bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web service (and background workers unless --no-workers)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext()
			defer stop()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			n, err := a.Auth.CountUsers(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintln(e.stderr, `No users yet. Create the first administrator with:
  breachline user add --email you@example.org --role admin --organization your-org < password-file
or load demonstration data with:
  breachline demo`)
			}
			return a.Serve(ctx, !noWorkers, func(addr string) {
				fmt.Fprintf(e.stderr, "Breachline is listening on http://%s (database: %s)\n", addr, a.DB.Dialect)
			})
		},
	}
	cmd.Flags().BoolVar(&noWorkers, "no-workers", false, "serve HTTP only; run `breachline worker` processes for jobs")
	return cmd
}

func (e *env) workerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run background workers only (sending, imports, reminders)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext()
			defer stop()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			fmt.Fprintf(e.stderr, "Breachline worker running (%d workers, database: %s)\n", a.Cfg.Workers, a.DB.Dialect)
			return a.RunWorkers(ctx)
		},
	}
}

func (e *env) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations (serve does this at start too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			cur, _, err := a.DB.MigrationStatus(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database (%s) is at migration %d\n", a.DB.Dialect, cur)
			return nil
		},
	}
}
