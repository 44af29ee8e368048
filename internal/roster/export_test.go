package roster

import (
	"bytes"
	"testing"

	"github.com/breachline/breachline/internal/rosterfile"
)

func TestRejectsWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewRejectsWriter(&buf)
	if err := w.Write(Reject{Row: 1204, Column: "email", Reason: "not a valid address", Value: "j***@ex***"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(Reject{Row: 3, Column: "=cmd", Reason: "x", Value: "-1***"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "row,column,reason,value\n1204,email,not a valid address,j***@ex***\n3,'=cmd,x,'-1***\n"
	if buf.String() != want {
		t.Errorf("csv %q, want %q", buf.String(), want)
	}
}

func TestDedupKey(t *testing.T) {
	t.Parallel()
	a := &rosterfile.Person{Name: "Jean-Luc Côté", Email: "JL@Example.com", Address1: "12 Rue Principale", PostalCode: "H2X 1Y4", Country: "CA"}
	b := &rosterfile.Person{Name: "jean luc cote", Email: "jl@example.com", Address1: "12 rue principale", PostalCode: "H2X1Y4", Country: "CA"}
	ea, na := DedupKey(a)
	eb, nb := DedupKey(b)
	if ea != eb || na != nb || na == "" {
		t.Errorf("keys differ: %q %q / %q %q", ea, na, eb, nb)
	}
	if e, n := DedupKey(&rosterfile.Person{Name: "X"}); e != "" || n != "" {
		t.Errorf("keys without data: %q %q", e, n)
	}
}
