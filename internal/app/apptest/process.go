package apptest

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binary builds the breachline command into the test's temporary
// directory and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "breachline")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/breachline/breachline/cmd/breachline").CombinedOutput() // #nosec G204 -- a fixed go build of the product
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Process is a running breachline command (serve, worker, …).
type Process struct {
	Name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// Start runs bin with args and the settings env (BREACHLINE_…=…) alone:
// the test's own environment's Breachline settings are left out. Its
// output goes to a log shown when the test fails; it is killed when the
// test ends.
func Start(t testing.TB, name, bin string, env []string, args ...string) *Process {
	t.Helper()
	p := &Process{Name: name, log: filepath.Join(t.TempDir(), "process.log"), done: make(chan struct{})}
	logFile, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...) // #nosec G204 -- the binary this package built, with the test's arguments
	p.cmd.Env = append(withoutSettings(os.Environ()), env...)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			raw, _ := os.ReadFile(p.log)
			t.Logf("%s log:\n%s", name, raw)
		}
	})
	return p
}

// Kill ends the process with SIGKILL (no chance to finish anything) and
// waits until it is gone.
func (p *Process) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitHTTP waits until the process answers GET url with 200.
func (p *Process) WaitHTTP(t testing.TB, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if p.Exited() {
			t.Fatalf("%s exited before answering %s", p.Name, url)
		}
		res, err := http.Get(url) // #nosec G107 -- the test server the test started
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer %s within %v", p.Name, url, within)
}

// FreeAddress is a loopback address with a port nothing listens on.
func FreeAddress(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// withoutSettings drops Breachline settings from an environment.
func withoutSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "BREACHLINE_") {
			out = append(out, kv)
		}
	}
	return out
}
