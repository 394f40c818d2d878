# SGUL build, run and test entry points. Go 1.27 comes from the module proxy.
export GOTOOLCHAIN := auto
export CGO_ENABLED := 0

GO      ?= go
BIN     ?= sgul
DATA    ?= pb_data
HTTP    ?= 127.0.0.1:8090
LDFLAGS := -s -w
# keep identical to the Dockerfile's build stage
BUILD   := $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

.PHONY: build demo run test test-short e2e e2e-browser bench bench-micro lint fuzz clean

build:
	$(BUILD)

## demo: build, load the demo institute into $(DATA) (idempotent) and serve it at http://$(HTTP)
demo: build
	./$(BIN) demo --dir $(DATA)
	./$(BIN) serve --dir $(DATA) --http $(HTTP)

run: build
	./$(BIN) serve --dir $(DATA) --http $(HTTP)

## test: every test (PostgreSQL tests run when SGUL_TEST_POSTGRES_URL is set), then a short run of each fuzz target
test:
	$(GO) vet ./...
	$(GO) test -trimpath -count=1 -timeout 20m ./...
	$(MAKE) fuzz FUZZTIME=3s
	$(MAKE) e2e
	$(MAKE) e2e-browser

## e2e-browser: the staff portal in headless chromium (screenshots in test-output/screenshots)
e2e-browser:
	./e2e/run-browser.sh

## e2e: the demo served and checked through the official PocketBase JS SDK
e2e:
	./e2e/run.sh

test-short:
	$(GO) test -trimpath -count=1 -short ./...

FUZZTIME ?= 10s
fuzz:
	@for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' internal | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "fuzz ./$$dir $$f"; \
	    $(GO) test -trimpath -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -parallel 2 ./$$dir || exit 1; \
	  done; \
	done

## bench: the load benchmark (docs/benchmarks.md). Generates the data set once
## (sgul demo --scale $(SCALE), resumable), then drives SGUL and plain PocketBase over
## HTTP. BENCH_FLAGS passes flags to the driver, e.g. BENCH_FLAGS="-d 10s -only leads,balance"
## (go run ./internal/bench/cmd/bench -h lists them).
SCALE       ?= 500
BENCH_DATA  ?= bench-data/scale$(SCALE)
BENCH_FLAGS ?=
bench: build
	$(GO) build -trimpath -o bin/plainpb ./internal/bench/plainpb
	$(GO) build -trimpath -o bin/bench ./internal/bench/cmd/bench
	./$(BIN) demo --dir $(BENCH_DATA) --scale $(SCALE)
	./bin/bench -sgul ./$(BIN) -plainpb bin/plainpb -data $(BENCH_DATA) $(BENCH_FLAGS)

## bench-micro: the Go micro-benchmarks (pgmirror, mailer, ...)
bench-micro:
	$(GO) test -trimpath -run '^$$' -bench . -benchtime 1x ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

clean:
	rm -f $(BIN)
