package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestHTTPServerLimits: slow clients are timed out (headers, idle
// keep-alive connections) and headers are bounded.
func TestHTTPServerLimits(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), dbtest.OpenEmpty(t, db.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	hs := a.httpServer(http.NotFoundHandler())
	if hs.ReadHeaderTimeout != 10*time.Second || hs.IdleTimeout != 2*time.Minute || hs.ReadTimeout <= 0 || hs.MaxHeaderBytes != 64<<10 {
		t.Fatalf("limits: header %v, idle %v, read %v, header bytes %d", hs.ReadHeaderTimeout, hs.IdleTimeout, hs.ReadTimeout, hs.MaxHeaderBytes)
	}
}
