package report

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestPDFsCarryLanguageTitleAndOutline: the library cannot write a
// structure tree (README.md, "Accessibility"), so every document states
// its language and title, has an outline of its headings for navigation,
// and keeps its text as text in reading order.
func TestPDFsCarryLanguageTitleAndOutline(t *testing.T) {
	for _, tc := range []struct{ kind, lang string }{{"qc-cai", "fr"}, {"ca-opc-pipeda", "en"}} {
		data := render(t, tc.kind, fullInput())
		qpdfCheck(t, data)
		if !bytes.Contains(data, []byte("/Lang ("+tc.lang+")")) {
			t.Errorf("%s: no /Lang (%s) in the catalog", tc.kind, tc.lang)
		}
		if !bytes.Contains(data, []byte("/Outlines")) {
			t.Errorf("%s: no outline", tc.kind)
		}
		info, err := exec.Command(requireTool(t, "pdfinfo"), pdfFile(t, data)).Output()
		if err != nil {
			t.Fatal(err)
		}
		spec := mustSpec(t, tc.kind, fullInput())
		if !strings.Contains(string(info), "Title:") || !strings.Contains(string(info), strings.Fields(spec.title)[0]) {
			t.Errorf("%s: document title not in the metadata:\n%s", tc.kind, info)
		}
		// Reading order: the first section's heading comes before its first label.
		text := pdfText(t, data)
		first := spec.sections[0]
		if !inOrder(strings.Fields(text), []string{strings.Fields(first.title)[0], strings.Fields(first.fields[0].label)[0]}) {
			t.Errorf("%s: heading and first field out of order", tc.kind)
		}
	}
}
