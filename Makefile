# Breachline developer commands. `make run` serves on 127.0.0.1:8080 with the
# embedded SQLite database and mail to ./breachline-data/outbox; `make test`
# runs every test (PostgreSQL ones too when BREACHLINE_TEST_DATABASE_URL is set);
# `make test-short` leaves out the browser tests and the slow ones (-short).
# Test databases are copies of one migrated per schema (internal/db/dbtest).

GO       ?= go
PKGS     ?= ./...
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/breachline/breachline/internal/app.Version=$(VERSION)
FUZZTIME ?= 10s

# The linters, pinned; `make tools` installs them with go install (each
# supports Go 1.26).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOSEC       := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.10.0
GOBIN       ?= $(shell $(GO) env GOPATH)/bin

.PHONY: run build test test-short lint openapi-lint tools fuzz bench demo clean

run:
	$(GO) run ./cmd/breachline serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/breachline ./cmd/breachline

test:
	$(GO) test -count=1 -timeout 45m $(PKGS)

test-short:
	$(GO) test -short -count=1 $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet $(PKGS)
	$(GOBIN)/staticcheck $(PKGS)
	$(GOBIN)/gosec -quiet -fmt text $(PKGS)
	GOVULNCHECK=$(GOBIN)/govulncheck .ci/govulncheck $(PKGS)
	$(GO) test -count=1 ./internal/arch/
	GO=$(GO) .ci/openapi-lint

# The API description, with Redocly CLI (pinned in the script; needs npx).
openapi-lint:
	GO=$(GO) .ci/openapi-lint

# Exceptions are made in place, with their reason: `//lint:ignore CHECK reason`
# for staticcheck, `// #nosec G… -- reason` for gosec; an error deliberately
# dropped is assigned to _.
tools:
	$(GO) install $(STATICCHECK)
	$(GO) install $(GOSEC)
	$(GO) install $(GOVULNCHECK)

# Each fuzz target runs briefly; the seed corpora also run in `make test`.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./internal/rosterfile/
	$(GO) test -run '^$$' -fuzz '^FuzzNormaliseRegion$$' -fuzztime $(FUZZTIME) ./internal/rosterfile/
	$(GO) test -run '^$$' -fuzz '^FuzzNormalisePhone$$' -fuzztime $(FUZZTIME) ./internal/rosterfile/
	$(GO) test -run '^$$' -fuzz '^FuzzNormaliseEmail$$' -fuzztime $(FUZZTIME) ./internal/rosterfile/
	$(GO) test -run '^$$' -fuzz '^FuzzXLSX$$' -fuzztime $(FUZZTIME) ./internal/rosterfile/
	$(GO) test -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./internal/report/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDSN$$' -fuzztime $(FUZZTIME) ./internal/mail/

# Benchmarks: the obligation engine, PDF filings and registers, roster parsing,
# sending notices. Imports of a million rows, 100,000 notices sent through the
# workers (against a plain go-mail loop), the expansion of a 1,000,000-person
# campaign need BREACHLINE_TEST_DATABASE_URL for PostgreSQL; page latency on
# SQLite while a 200,000-row import runs does not.
# /verify holds 500 genuine code checks a second while a campaign sends
# (BenchmarkVerifyWhileSending, PostgreSQL; p50/p99 beside /healthz at the same
# rate; BREACHLINE_VERIFY_BENCH_RATE tries another rate).
# PostgreSQL benchmarks run when BREACHLINE_TEST_DATABASE_URL is set and are
# skipped otherwise; each prints its baseline from the same run beside it.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m ./internal/report/ ./internal/rules/ ./internal/app/
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./internal/rosterfile/ ./internal/roster/ ./internal/obligation/ ./internal/mail/ ./internal/reminder/

demo:
	$(GO) run ./cmd/breachline demo

clean:
	rm -rf bin
