# Docsift build, run and test entry points. Every recipe runs in bash with
# -euo pipefail, so any failing step fails the target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# The official Go tarball's place, as a fallback when PATH lacks it.
export PATH := $(PATH):/usr/local/go/bin

GO ?= go
BIN := build/bin/docsift
TEST_TIMEOUT ?= 20m
BENCH ?= .
# Exports DOCSIFT_TEST_* for the services scripts/services.sh runs. The
# assignment makes a failing `services.sh env` fail the recipe (a bare
# eval "$(...)" would hide it).
SERVICES_ENV = services_env=$$(scripts/services.sh env); eval "$$services_env"

.PHONY: all build run setup test vet bench services-start services-stop services-status clean

all: build

## build: compile the docsift binary into build/bin/
build:
	mkdir -p $(dir $(BIN))
	$(GO) build -o $(BIN) .

## run: install what is missing, build, and run Docsift on the local profile
run:
	scripts/setup.sh
	$(MAKE) --no-print-directory build
	./$(BIN) import samples/
	./$(BIN) ls

## setup: install system packages and Go modules (idempotent)
setup:
	scripts/setup.sh

## test: setup, start PostgreSQL + MinIO, vet, run every test (CI=true: missing services fail)
test:
	scripts/setup.sh
	scripts/services.sh start
	$(SERVICES_ENV); \
	$(GO) vet ./...; \
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

vet:
	$(GO) vet ./...

## bench: run the backend benchmarks against the real services; figures also in build/bench/latest.txt
bench:
	scripts/services.sh start
	mkdir -p build/bench
	$(SERVICES_ENV); \
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./backend/... | tee build/bench/latest.txt

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

services-status:
	scripts/services.sh status

## clean: remove build outputs (build/ itself holds Wails assets and stays)
clean:
	rm -rf build/bin build/bench
