// Package browsertest starts Debian's headless Chromium for UI tests through
// chromedp. Without Chromium the tests skip, except in CI (CI=true), where a
// missing browser is a failure. Under -short they skip.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Require skips the test under -short and returns the path of Chromium,
// skipping when it is missing except in CI, where that is a failure. Browser
// tests call it first, before building what the browser will look at.
func Require(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must run the browser tests")
		}
		t.Skip("chromium not installed: browser tests skipped")
	}
	return path
}

// New returns a browser tab context that lives until the test ends, or
// for a minute at most. Each test gets its own Chromium with its own
// profile, so parallel browser tests share no cookies, storage or process.
func New(t *testing.T) context.Context {
	t.Helper()
	return NewWithin(t, 60*time.Second)
}

// NewWithin is New for a test that needs the browser longer (one that
// visits many pages): the tab lives until the test ends, or for limit.
func NewWithin(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := Require(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx
}
