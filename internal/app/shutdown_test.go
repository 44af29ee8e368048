package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/web"
)

// TestGracefulShutdownDrainsRequests cancels the serve context (what SIGTERM
// does) while a request is in flight: the request completes, then Serve
// returns cleanly and the port stops accepting.
//
// It is not parallel: Serve starts River's workers while the request is on
// its way, and a cancel that lands before River has made its first
// connection makes Serve fail with "start workers: ... context canceled".
// On a busy machine (parallel tests) that happened; run alone, the workers
// start well within the request.
func TestGracefulShutdownDrainsRequests(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.Listen, cfg.DataDir, cfg.ShutdownTimeout = "127.0.0.1:0", t.TempDir(), 10*time.Second
	a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), dbtest.OpenEmpty(t, db.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Auth.CreateUser(ctx, a.DB.Gorm, "ops@example.org", "", "")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Auth.CreateToken(ctx, nil, "", u.ID, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	a.extraRoutes = func(s *web.Server) {
		s.API.GET("/slow", func(c *gin.Context) {
			close(started)
			<-release
			c.String(http.StatusOK, "done")
		})
	}
	serveCtx, stop := context.WithCancel(ctx)
	addrCh, served := make(chan string, 1), make(chan error, 1)
	go func() { served <- a.Serve(serveCtx, true, func(addr string) { addrCh <- addr }) }()
	addr := <-addrCh

	reqDone := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/slow", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			reqDone <- -1
			return
		}
		res.Body.Close()
		reqDone <- res.StatusCode
	}()
	<-started
	stop() // as SIGTERM would
	select {
	case err := <-served:
		t.Fatalf("Serve returned while a request was in flight: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if code := <-reqDone; code != http.StatusOK {
		t.Fatalf("in-flight request got %d, want 200", code)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after draining")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}
