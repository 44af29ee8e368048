package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// BenchmarkPagesDuringImportSQLite measures the pages' latency on the
// embedded database while a 200,000-row roster is imported through the
// upload and a worker, beside the same pages with nothing importing (the
// baseline, in the same run). Four browsers load the deadlines page, the
// breach list, a breach, the import's page and the API's deadlines and
// obligations in turn. The target: no page over one second while the
// import runs. BREACHLINE_BENCH_ROWS sets the roster's size.
func BenchmarkPagesDuringImportSQLite(b *testing.B) {
	rows := 200_000
	if v := os.Getenv("BREACHLINE_BENCH_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	e := apptest.New(b, db.SQLite)
	acme := e.Org("acme")
	po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	var br struct{ ID int64 }
	e.Do("POST", "/api/v1/breaches", po, newBreach).JSON(b, &br)
	cookie, _, err := e.App.Auth.CreateSession(context.Background(), userID(b, e, "po@acme.example"), 12*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	file := benchRoster(rows)
	pages := []string{"/deadlines", "/breaches", fmt.Sprintf("/breaches/%d", br.ID),
		"/api/v1/deadlines", fmt.Sprintf("/api/v1/breaches/%d/obligations", br.ID)}
	ctx, cancel := context.WithCancel(context.Background())
	workers := make(chan struct{})
	go func() { defer close(workers); e.App.RunWorkers(ctx) }()
	defer func() { cancel(); <-workers }()

	for b.Loop() {
		idle := loadPages(b, e, cookie, po, pages, func() { time.Sleep(10 * time.Second) })
		start := time.Now()
		id := uploadBenchRoster(b, e, po, br.ID, file)
		busy := loadPages(b, e, cookie, po, append(pages, fmt.Sprintf("/imports/%d", id)), func() {
			waitImportDone(b, e, po, id, 10*time.Minute)
		})
		took := time.Since(start)
		report(b, "idle", idle)
		report(b, "import", busy)
		b.ReportMetric(took.Seconds(), "import-s")
		if busy.max > time.Second {
			b.Logf("a page took %v while the import ran (target: 1 s)", busy.max)
		}
	}
	b.ReportMetric(0, "ns/op")
}

// latencies are the times pages took.
type latencies struct {
	all         []time.Duration
	max         time.Duration
	statuses    map[int]int
	slowestPage string
}

func report(b *testing.B, name string, l latencies) {
	sortDurations(l.all)
	at := func(q float64) float64 { return float64(l.all[int(q*float64(len(l.all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
	b.ReportMetric(float64(l.max.Microseconds())/1000, name+"-max-ms")
	b.ReportMetric(float64(len(l.all)), name+"-pages")
	b.Logf("%s: %d pages, statuses %v, slowest %s (%v)", name, len(l.all), l.statuses, l.slowestPage, l.max)
}

// loadPages has four browsers load the pages in turn until during
// returns, and returns how long each page took.
func loadPages(b *testing.B, e *apptest.Env, cookie, token string, pages []string, during func()) latencies {
	stop := make(chan struct{})
	var mu sync.Mutex
	l := latencies{statuses: map[int]int{}}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := pages[i%len(pages)]
				req, _ := http.NewRequest("GET", e.HTTP.URL+path, nil)
				if strings.HasPrefix(path, "/api/") {
					req.Header.Set("Authorization", "Bearer "+token)
				} else {
					req.AddCookie(&http.Cookie{Name: "breachline_session", Value: cookie})
				}
				start := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				d := time.Since(start)
				mu.Lock()
				l.all = append(l.all, d)
				l.statuses[res.StatusCode]++
				if d > l.max {
					l.max, l.slowestPage = d, path
				}
				mu.Unlock()
			}
		}()
	}
	during()
	close(stop)
	wg.Wait()
	return l
}

// benchRoster is a CSV roster of rows people.
func benchRoster(rows int) []byte {
	var buf bytes.Buffer
	buf.Grow(rows * 130)
	buf.WriteString("id,first name,last name,email,phone,address,city,province,postal code,language\n")
	provs := []string{"ON", "QC", "BC", "AB", "NS", "MB"}
	posts := []string{"K1A 0B1", "H2X 1Y4", "V6B 1A1", "T2P 1J9", "B3H 1A1", "R3C 0V8"}
	for i := range rows {
		k := i % len(provs)
		fmt.Fprintf(&buf, "%d,Jean%d,Tremblay%d,jean.tremblay%d@example.com,(416) 555-%04d,%d rue Principale,Ville%d,%s,%s,%s\n",
			i, i, i%997, i, i%10000, i%500, i%300, provs[k], posts[k], []string{"en", "fr"}[i%2])
	}
	return buf.Bytes()
}

// uploadBenchRoster uploads a roster through the API and returns the
// import's id.
func uploadBenchRoster(b *testing.B, e *apptest.Env, tok string, breachID int64, file []byte) int64 {
	return uploadTo(b, e.HTTP.URL, tok, breachID, string(file))
}

// waitImportDone polls the import until it is done.
func waitImportDone(b *testing.B, e *apptest.Env, tok string, id int64, within time.Duration) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var v importView
		e.Do("GET", fmt.Sprintf("/api/v1/imports/%d", id), tok, nil).JSON(b, &v)
		switch v.Status {
		case "done":
			return
		case "failed", "cancelled":
			b.Fatalf("import: %+v", v)
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Fatalf("import %d not done within %v", id, within)
}

// userID is the id of the user with the address.
func userID(b testing.TB, e *apptest.Env, email string) int64 {
	u, err := e.App.Auth.UserByEmail(context.Background(), email)
	if err != nil {
		b.Fatal(err)
	}
	return u.ID
}
