# Docsift build, run and test entry points. Every recipe runs in bash with
# -euo pipefail, so any failing step fails the target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# The official Go tarball's place, as a fallback when PATH lacks it.
export PATH := $(PATH):/usr/local/go/bin
# nodynamic: the HEIC decoder (github.com/gen2brain/heic) uses only its
# WebAssembly build of libheif, never a system libheif.so loaded through
# purego; the plain binary then stays statically linked. A -tags on a
# command line replaces this, so DESKTOP_TAGS repeats it.
export GOFLAGS := $(strip $(GOFLAGS) -tags=nodynamic)

GO ?= go
BIN := build/bin/docsift
# The release (VERSION): `docsift version`, the About box, the package.
VERSION := $(shell cat VERSION)
VERSION_LDFLAGS := -X github.com/docsift/docsift/backend/cli.Version=$(VERSION)
BENCH_BIN := build/bin/docsift-bench
TEST_TIMEOUT ?= 20m
BENCH ?= .
# Flags of `make bench` (docsift-bench): e.g. --quick, --only search,list, --profile local.
BENCH_FLAGS ?=
# The report(s) `make bench-table` writes into BENCHMARKS.md (several: the
# newest that measured a scenario gives its rows).
BENCH_JSON ?= build/bench/latest.json
# Exports DOCSIFT_TEST_* for the services scripts/services.sh runs. The
# assignment makes a failing `services.sh env` fail the recipe (a bare
# eval "$(...)" would hide it).
SERVICES_ENV = services_env=$$(scripts/services.sh env); eval "$$services_env"

# The web UI (frontend/): npm ci runs only when node_modules is missing or
# older than the lockfile; the Vite build only when a source changed. The
# build lands in frontend/dist/web, which the Go binary embeds.
NPM ?= npm
UI_DEPS := frontend/node_modules/.package-lock.json
UI_BUILD := frontend/dist/web/index.html
UI_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/package.json frontend/package-lock.json \
	frontend/vite.config.ts frontend/svelte.config.js frontend/tsconfig.json
# Where `make run` serves: make run ADDR=127.0.0.1:8080, or DOCSIFT_ADDR.
ADDR ?= $(or $(DOCSIFT_ADDR),127.0.0.1:7878)

.PHONY: all build frontend run setup test frontend-test e2e vet bench bench-table gobench services-start services-stop services-status clean

all: build

## build: build the web UI, then compile the docsift binary (which embeds it) into build/bin/
build: frontend
	mkdir -p $(dir $(BIN))
	$(GO) build -ldflags "$(VERSION_LDFLAGS)" -o $(BIN) .

## frontend: build the web UI into frontend/dist/web (and print its gzipped size)
frontend: $(UI_BUILD)

$(UI_DEPS): frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	touch $@

$(UI_BUILD): $(UI_DEPS) $(UI_SRC)
	cd frontend && $(NPM) run build

## run: install what is missing, build, import samples/, then open the desktop window when a display is available, otherwise serve the web UI (prints the URL; Ctrl-C stops)
run:
	scripts/setup.sh
	$(MAKE) --no-print-directory build
	./$(BIN) import samples/
	./$(BIN) ls
	if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		$(MAKE) --no-print-directory desktop; \
		echo "Docsift opens its window (a display is available). Ctrl-C or closing the window stops."; \
		exec ./$(DESKTOP_BIN); \
	fi; \
	echo "Docsift is serving http://$(ADDR)/ : open it in a browser (from another machine: ssh -L 7878:$(ADDR) this-host). Ctrl-C stops."; \
	exec ./$(BIN) serve --addr $(ADDR)

## setup: install system packages and Go modules (idempotent)
setup:
	scripts/setup.sh

## test: setup, start PostgreSQL + MinIO, vet, run every Go test, then the UI's unit tests, the browser E2E, the desktop smoke test, and the Debian package's validators and install test (CI=true: missing services or tools fail)
test:
	scripts/setup.sh
	scripts/services.sh start
	$(MAKE) --no-print-directory build
	$(SERVICES_ENV); \
	$(GO) vet ./...; \
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory frontend-test
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory smoke-desktop
	$(MAKE) --no-print-directory package-validate package-test

## frontend-test: type-check the web UI and run its unit tests (Vitest)
frontend-test: $(UI_DEPS)
	cd frontend && $(NPM) run check && $(NPM) test

## e2e: drive the built UI in headless Chromium against a real `docsift serve`; screenshots in build/e2e/
e2e: build
	cd frontend && $(NPM) run e2e

vet:
	$(GO) vet ./...

## check-arch: check the import rules (internal/archtest: the library imports no driver and no config); make test runs it with every Go test
.PHONY: check-arch
check-arch:
	$(GO) test -count=1 ./internal/archtest

# The desktop window (app/, Wails v2 over GTK 3 + WebKitGTK 4.1). Only this
# build links Wails and GTK: the tags select main_desktop.go and Wails'
# real frontend; the plain build above stays pure Go.
DESKTOP_BIN := build/bin/docsift-desktop
DESKTOP_TAGS := production,webkit2_41,nodynamic
.PHONY: desktop run-desktop smoke-desktop

## desktop: build the web UI, then the desktop binary (window + every CLI command) into build/bin/docsift-desktop
# A position-independent executable, as Debian builds its binaries (the
# package ships this one as /usr/bin/docsift).
desktop: frontend
	mkdir -p $(dir $(DESKTOP_BIN))
	$(GO) build -tags $(DESKTOP_TAGS) -buildmode=pie -ldflags "-w -s $(VERSION_LDFLAGS)" -o $(DESKTOP_BIN) .

## run-desktop: build and open the desktop window (needs a display; without one `docsift` serves instead)
run-desktop: desktop
	./$(DESKTOP_BIN)

## smoke-desktop: start the desktop binary under Xvfb: bridge call, screenshot (build/e2e/desktop-window.png), an OS file drop (CI=true: missing tools fail)
smoke-desktop: desktop
	scripts/smoke-desktop.sh $(DESKTOP_BIN) build/e2e/desktop-window.png

# The Debian package of the desktop application (scripts/package.sh).
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
PACKAGE_DEB := build/package/docsift_$(VERSION)_$(DEB_ARCH).deb
.PHONY: package package-validate package-test

## package: build build/package/docsift_VERSION_ARCH.deb: the desktop build as /usr/bin/docsift, desktop entry, metainfo, hicolor icons, docsift(1) from the commands' help
package: desktop
	scripts/package.sh $(DESKTOP_BIN)

## package-validate: desktop-file-validate, appstreamcli validate-tree and lintian on the package; any error fails (CI=true: missing tools fail)
package-validate: package
	scripts/package-validate.sh $(PACKAGE_DEB)

## package-test: apt-get install the package, check what it installed, run the desktop smoke test against /usr/bin/docsift and an "Open with" through its desktop entry, then apt-get remove it (needs root or sudo)
package-test: package
	scripts/package-test.sh $(PACKAGE_DEB)

## bench: build docsift and docsift-bench (cmd/docsift-bench, not part of the product), then measure both profiles against the real services: every target vs its baseline (table; JSON in build/bench/). BENCH_FLAGS=--quick for a short run
bench: build
	$(GO) build -o $(BENCH_BIN) ./cmd/docsift-bench
	scripts/services.sh start
	$(SERVICES_ENV); \
	./$(BENCH_BIN) --docsift $(BIN) $(BENCH_FLAGS)

## bench-table: rewrite the current tables at the top of BENCHMARKS.md (between its current:begin/end markers) from docsift-bench's JSON (BENCH_JSON, default build/bench/latest.json)
bench-table:
	$(GO) build -o $(BENCH_BIN) ./cmd/docsift-bench
	./$(BENCH_BIN) table --write BENCHMARKS.md $(BENCH_JSON)

## gobench: the go-test benchmarks of every package (BENCH=regexp selects); output also in build/bench/gobench.txt
gobench:
	scripts/services.sh start
	mkdir -p build/bench
	$(SERVICES_ENV); \
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./backend/... | tee build/bench/gobench.txt

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

services-status:
	scripts/services.sh status

## clean: remove build outputs (build/ itself holds Wails assets and stays)
clean:
	rm -rf build/bin build/bench build/e2e build/package frontend/dist/web

# Fuzz targets of every parser the project owns (package:Target): the
# config file, the search query, the extractors, the API's request decoding.
FUZZ_TARGETS := backend/config:FuzzParseFile backend/query:FuzzParse \
	backend/extract:FuzzRTF backend/extract:FuzzHTML backend/extract:FuzzOOXML \
	backend/extract:FuzzText backend/extract:FuzzDOC backend/extract:FuzzImageHeader backend/httpapi:FuzzAPIRequest \
	backend/store/sqlite/internal/fts:FuzzHighlight backend/meta:FuzzExtract
FUZZTIME ?= 5s
.PHONY: fuzz-short faults

## fuzz-short: run every fuzz target for FUZZTIME (default 5s; `make test` runs it, `make faults` for 2m)
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" when -fuzztime ends while a worker is mid-input
# (go.dev/issue/75804, fixed in Go 1.27): no input is written and nothing
# was found. Such a run, and only such a run, is tried once more; a
# failing input ("Failing input written"), a panic or any other failure
# fails at once.
fuzz-short:
	mkdir -p build
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; log=build/fuzz-$$name.log; \
		for try in 1 2; do \
			echo "fuzz: $$name in ./$$pkg for $(FUZZTIME)"; \
			if $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg 2>&1 | tee $$log; then break; fi; \
			if [ $$try = 1 ] && grep -q '^    context deadline exceeded$$' $$log && ! grep -qE 'Failing input written|panic:|--- FAIL: .*\(' <(grep -v "^--- FAIL: $$name " $$log); then \
				echo "fuzz: $$name stopped on Go's fuzztime race (go.dev/issue/75804), nothing found: once more"; continue; \
			fi; \
			exit 1; \
		done; \
	done

## faults: the full fault suite (DOCSIFT_FAULTS=full: 2,000 files and 20 SIGKILLs per profile, service outages, disk full, the hostile corpus with a 4 GB sparse file), then every fuzz target for 2 minutes; figures on the "faults:" lines (also in build/faults.txt)
faults:
	scripts/services.sh start
	mkdir -p build
	$(SERVICES_ENV); \
	DOCSIFT_FAULTS=full $(GO) test -count=1 -timeout 60m -v -run '^(TestFault|TestHostile)' ./backend/cli/ ./backend/watch/ | tee build/faults.txt; \
	grep '^faults:' build/faults.txt
	$(MAKE) --no-print-directory fuzz-short FUZZTIME=2m
