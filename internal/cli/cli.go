// Package cli is the breachline command line: serve, worker, migrate, user,
// token, demo, version and the domain commands. Each command builds the App
// through the composition root and calls its services.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/errs"
)

// env is what a command run sees of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	environ        []string
	configPath     string
}

// Run executes the command line args and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, environ: environ}
	root := &cobra.Command{
		Use:           "breachline",
		Short:         "Breach notification and regulatory compliance tracker",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&e.configPath, "config", "", "YAML settings file (see config/breachline.example.yaml)")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(e.commands()...)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(stderr, "breachline:", describe(err))
		return exitCode(err)
	}
	return 0
}

// commands lists every subcommand; each lives in its own file.
func (e *env) commands() []*cobra.Command {
	return []*cobra.Command{
		e.serveCmd(),
		e.workerCmd(),
		e.migrateCmd(),
		e.userCmd(),
		e.tokenCmd(),
		e.demoCmd(),
		e.versionCmd(),
		e.importCmd(),
		e.rosterCmd(),
		e.reportCmd(),
		e.assessCmd(),
		e.healthcheckCmd(),
		e.bounceCmd(),
		e.auditCmd(),
		e.purgeCmd(),
		e.campaignCmd(),
		e.openapiCmd(),
	}
}

// describe turns an error into a message for a person at a terminal.
func describe(err error) string {
	var inv *errs.Invalid
	if errors.As(err, &inv) {
		return inv.Error()
	}
	return err.Error()
}

func (e *env) config() (config.Config, error) {
	return config.Load(e.configPath, e.environ)
}

// open loads the configuration and opens the application (migrating).
func (e *env) open(ctx context.Context) (*app.App, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr))
}

// signalContext is cancelled on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func (e *env) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(e.stdout, "breachline", app.Version)
			return nil
		},
	}
}
