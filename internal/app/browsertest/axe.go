package browsertest

import (
	"context"
	_ "embed"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.11.0 (npm axe-core, MPL-2.0), kept in the tree
// so the accessibility audit runs wherever the browser tests run, never
// skipped for a missing file.
//
//go:embed axe.min.js
var axeSource string

// axeRun runs the WCAG 2.1 A and AA rules and lists each violation with the
// elements it was found on. Only violations are collected in full (axe's
// resultTypes): the rules that pass are still run, their nodes not listed.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
	.then(r => r.violations.map(v => v.id + " [" + v.impact + "]: " + v.help + " at " +
		v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(", ")).join("\n"))`

// Axe audits the page the tab shows with axe-core and fails the test on
// any WCAG 2.1 AA violation, naming the page (label) in the message.
// The script is injected through the DevTools protocol, which the page's
// Content-Security-Policy does not govern.
func Axe(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		t.Fatalf("%s: axe-core: %v", label, err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			t.Fatalf("%s: load axe-core: %v", label, err)
		}
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", label, err)
	}
	if found != "" {
		t.Errorf("%s: accessibility violations:\n%s", label, found)
	}
}

// Phone and Desktop are the two widths every page is checked at, in CSS
// pixels.
const (
	Phone   = 390
	Desktop = 1366
)

// Width sets the tab's viewport width (height 900) for the pages loaded
// after it.
func Width(t testing.TB, ctx context.Context, width int64) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width <= Phone {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900, opts...)); err != nil {
		t.Fatalf("set width %d: %v", width, err)
	}
}

// NoHorizontalScroll fails the test when the page is wider than the
// viewport (WCAG 1.4.10 reflow): tables may scroll inside their own box,
// the page itself may not.
func NoHorizontalScroll(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return "";
		const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
			.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""));
		return document.documentElement.scrollWidth + " > " + w + ": " + wide.slice(0, 8).join(", ");
	})()`))
	if err != nil {
		t.Fatalf("%s: measure width: %v", label, err)
	}
	if over != "" {
		t.Errorf("%s: the page scrolls sideways: %s", label, over)
	}
}

// Screenshot keeps a full-page PNG of the tab as a test artifact, under
// $BREACHLINE_ARTIFACTS (default: artifacts/screenshots at the top of the
// source tree), named from label.
func Screenshot(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	dir := os.Getenv("BREACHLINE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(moduleRoot(), "artifacts", "screenshots")
	}
	// #nosec G703 -- the directory is the test runner's own setting, in a test helper
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", label, err)
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, label)
	// #nosec G703 -- the test runner's directory; the name keeps only letters, digits, - and _
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), png, 0o600); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
}

// moduleRoot is the directory holding go.mod above the working directory
// (a test's package directory), or the working directory.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// Check is the per-page check of the quality bar at one width: no
// sideways scrolling, no axe violation, and a screenshot kept.
func Check(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	NoHorizontalScroll(t, ctx, label)
	Axe(t, ctx, label)
	Screenshot(t, ctx, label)
}
