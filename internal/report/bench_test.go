package report

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
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

// BenchmarkLetters writes 10,000 one-page letters, half English on Letter
// paper and half French on A4, in files of 500 as a mail house run is
// split (target: under 30 s in total on a 2-core machine). It reports the
// largest heap in use while it ran.
func BenchmarkLetters(b *testing.B) {
	const total, perFile = 10_000, 500
	letters := make([]LetterInput, total)
	for i := range letters {
		l := englishLetter(fmt.Sprintf("BLN-%06d", i))
		if i%2 == 1 {
			l = frenchLetter(fmt.Sprintf("BLN-%06d", i))
		}
		l.Recipient = append([]string{fmt.Sprintf("Person Number %d", i)}, l.Recipient[1:]...)
		letters[i] = l
	}
	b.ReportAllocs()
	var peak uint64
	var pages int
	for b.Loop() {
		pages = 0
		peak = max(peak, peakHeap(func() {
			for start := 0; start < total; start += perFile {
				st, err := Letters(context.Background(), batchOf(letters[start:start+perFile]...), io.Discard, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				pages += st.Pages
			}
		}))
	}
	if pages != total {
		b.Fatalf("%d pages for %d one-page letters", pages, total)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkHostileDocuments renders every kind of document for a breach
// whose every field holds emoji and hostile text, and for the plain
// text in the same fields as the baseline of the same run (targets: each document under
// 1 s and under 100 MB of heap). It reports the slowest document and the
// largest heap of each.
func BenchmarkHostileDocuments(b *testing.B) {
	for b.Loop() {
		plainSec, plainHeap := worstDocument(b, []Input{hostileInput("Files were sent to the wrong recipient.")})
		var hostile []Input
		for _, s := range hostileTexts {
			hostile = append(hostile, hostileInput(s))
		}
		sec, heap := worstDocument(b, hostile)
		b.ReportMetric(plainSec, "plain-max-s")
		b.ReportMetric(float64(plainHeap)/(1<<20), "plain-max-MiB")
		b.ReportMetric(sec, "hostile-max-s")
		b.ReportMetric(float64(heap)/(1<<20), "hostile-max-MiB")
		b.ReportMetric(sec/plainSec, "time-ratio")
	}
}

// worstDocument renders every kind for each input and returns the longest
// render in seconds and the largest heap in use during one.
func worstDocument(b *testing.B, inputs []Input) (float64, uint64) {
	var worst float64
	var heap uint64
	for _, in := range inputs {
		for _, k := range Kinds() {
			start := time.Now()
			peak := peakHeap(func() {
				if err := Render(context.Background(), k.ID, in, io.Discard, Limits{}); err != nil {
					b.Fatalf("%s: %v", k.ID, err)
				}
			})
			worst = max(worst, time.Since(start).Seconds())
			heap = max(heap, peak)
		}
	}
	return worst, heap
}
