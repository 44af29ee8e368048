package rosterfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// refDate is the reference date used for ages in the corpus.
var refDate = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

// readAll reads every row of r, failing the test on a fatal error.
func readAll(t *testing.T, r io.Reader, opts Options) (*Reader, []Row) {
	t.Helper()
	rd, err := NewReader(r, opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	t.Cleanup(func() { _ = rd.Close() })
	var rows []Row
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd, rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func readFile(t *testing.T, name string, opts Options) (*Reader, []Row) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return readAll(t, f, opts)
}

// split returns the accepted people and the rejects of rows.
func split(rows []Row) ([]*Person, []Reject) {
	var people []*Person
	var rejects []Reject
	for _, r := range rows {
		if r.Person != nil {
			people = append(people, r.Person)
		}
		rejects = append(rejects, r.Rejects...)
	}
	return people, rejects
}
