// Command breachline is the breach notification and regulatory compliance
// tracker: web service, background workers and administration commands.
package main

import (
	"io"
	"os"
	_ "time/tzdata" // zone rules inside the binary, for minimal images

	"github.com/breachline/breachline/internal/cli"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole program, testable without a process.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run(args, os.Stdin, stdout, stderr, os.Environ())
}
