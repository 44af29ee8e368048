package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
)

// openapiCmd prints the API description that /api/openapi.yaml serves,
// without a database or a running server.
func (e *env) openapiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "openapi",
		Short: "Print the OpenAPI 3.1 description of the API (as served at /api/openapi.yaml)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := app.OpenAPI()
			if err != nil {
				return fmt.Errorf("openapi: %w", err)
			}
			_, err = e.stdout.Write(spec)
			return err
		},
	}
}
