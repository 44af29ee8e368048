package report

import (
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	kind := os.Getenv("DUMP_KIND")
	if kind == "" {
		t.Skip()
	}
	in := fullInput()
	in.Requirements = genericRequirements()
	in.Register, in.Year = manyEntries(300), 2025
	os.WriteFile("/tmp/rpt/"+kind+".pdf", render(t, kind, in), 0o644)
}
