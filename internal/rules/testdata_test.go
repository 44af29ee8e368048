package rules

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The legal reference tests read facts and figures vendored from
// regulations.md and deadline-cases.json into testdata/, so that they run
// wherever the repository is checked out.
const (
	casesFile    = "testdata/deadline-cases.json"
	coverageFile = "testdata/coverage.csv"
	// sharedReference is where the reference lives on the team's machines;
	// when present, the vendored copies must match it.
	sharedReference = "../../../shared/reference"
)

// readTestdata reads a vendored reference file. A missing file fails the
// test in CI (CI=true) and skips it elsewhere: a legal check that silently
// does not run is worse than a red build.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data %s is required in CI", name)
		}
		t.Skipf("reference data %s not found", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestVendoredCasesMatchTheReference catches a reference that moved on
// without the vendored copy: the worked cases must be the ones the team
// reviews.
func TestVendoredCasesMatchTheReference(t *testing.T) {
	shared, err := os.ReadFile(filepath.Join(sharedReference, "deadline-cases.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("shared reference not present on this machine; the vendored copy is used")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, readTestdata(t, casesFile)) {
		t.Errorf("%s differs from %s: copy the reference again", casesFile, filepath.Join(sharedReference, "deadline-cases.json"))
	}
}
