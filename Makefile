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

.PHONY: run build test test-short lint fuzz bench demo clean

run:
	$(GO) run ./cmd/breachline serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/breachline ./cmd/breachline

test:
	$(GO) test -count=1 -timeout 30m $(PKGS)

test-short:
	$(GO) test -short -count=1 $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet $(PKGS)
	$(GO) test -count=1 ./internal/arch/

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
# page latency on SQLite while a 200,000-row import runs.
# Imports of a million rows need BREACHLINE_TEST_DATABASE_URL for PostgreSQL.
# PostgreSQL benchmarks run when BREACHLINE_TEST_DATABASE_URL is set and are
# skipped otherwise; each prints its baseline from the same run beside it.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m ./internal/report/ ./internal/rules/ ./internal/app/
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./internal/rosterfile/ ./internal/roster/ ./internal/obligation/ ./internal/mail/ ./internal/reminder/

demo:
	$(GO) run ./cmd/breachline demo

clean:
	rm -rf bin
