package report

import (
	"context"
	"io"
	"testing"
)

// BenchmarkFiling renders one regulator filing (target: under 200 ms).
func BenchmarkFiling(b *testing.B) {
	in := fullInput()
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(context.Background(), "on-ipc-phipa", in, io.Discard, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegister10k renders a register of 10,000 breaches (target: under 5 s).
func BenchmarkRegister10k(b *testing.B) {
	in := fullInput()
	in.Register = manyEntries(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(context.Background(), "register", in, io.Discard, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegisterCSV10k writes the CSV of a register of 10,000 breaches.
func BenchmarkRegisterCSV10k(b *testing.B) {
	in := fullInput()
	in.Register = manyEntries(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV("register", in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
