package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// requireTool finds a command-line tool; in CI a missing tool fails the test.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (apt-get install poppler-utils qpdf): %v", name, err)
	}
	t.Skipf("%s not installed", name)
	return ""
}

// pdfFile writes a PDF to a temporary file and returns its path.
func pdfFile(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfText reads a PDF back with pdftotext -layout.
func pdfText(t testing.TB, data []byte) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", pdfFile(t, data), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfPages reads the page count with pdfinfo.
func pdfPages(t testing.TB, data []byte) int {
	t.Helper()
	tool := requireTool(t, "pdfinfo")
	out, err := exec.Command(tool, pdfFile(t, data)).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// qpdfCheck fails the test unless qpdf --check finds the file clean.
func qpdfCheck(t testing.TB, data []byte) {
	t.Helper()
	tool := requireTool(t, "qpdf")
	out, err := exec.Command(tool, "--check", pdfFile(t, data)).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("WARNING")) {
		t.Fatalf("qpdf --check warnings:\n%s", out)
	}
}

// render renders a kind or fails the test.
func render(t testing.TB, kind string, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(context.Background(), kind, in, &buf, Limits{}); err != nil {
		t.Fatalf("Render(%s): %v", kind, err)
	}
	return buf.Bytes()
}

// hasText reports whether the words of want occur in text in order, either
// contiguously or close together: pdftotext -layout interleaves a wrapped value
// with its wrapped label, and page chrome interrupts text that crosses pages.
func hasText(text, want string) bool {
	words, wantWords := strings.Fields(text), strings.Fields(want)
	if len(wantWords) == 0 {
		return true
	}
	if strings.Contains(strings.Join(words, " "), strings.Join(wantWords, " ")) {
		return true
	}
	window := 2*len(wantWords) + 60
	for i, w := range words {
		if !strings.HasSuffix(w, wantWords[0]) {
			continue
		}
		if inOrder(words[i+1:min(len(words), i+window)], wantWords[1:]) {
			return true
		}
	}
	return false
}

func inOrder(words, want []string) bool {
	j := 0
	for _, w := range words {
		if j < len(want) && strings.Contains(w, want[j]) {
			j++
		}
	}
	return j == len(want)
}
