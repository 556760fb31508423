# The contract kit's front door. `make` validates, generates, fuzzes and publishes;
# `make test` runs every check and test. Each target installs what it needs itself.
# Override variables on the command line, like: make serve PORT=9000
#
# A table: each target is one line of prerequisites and one recipe. The kit's own commands run
# as $(RUN)<name>, the thin entry point scripts/<name>.py; tools run as themselves.

SHELL := /bin/bash
.DEFAULT_GOAL := all

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RUN := $(PY) -m scripts.
PORT ?= 8000
TOKEN_FLAGS ?=
PYTEST_ARGS ?=
PROXY_PORT ?= 8010
# pytest-xdist workers for `make test` (auto: one per core; 0: no workers, all in one process).
PYTEST_WORKERS ?= auto
# Debian packages the targets rely on; installed with apt-get when missing.
APT_PACKAGES ?= chromium chromium-driver postgresql wrk curl

.PHONY: all help install apt-packages validate generate check-generated lint serve token \
	fuzz fuzz-zoo fuzz-conforming rules proxy check-traffic traffic-zoo publish breaking bench \
	soak test clean

# --- Set-up ----------------------------------------------------------------------------------

## all: validate the spec, generate the client, fuzz the reference server, publish dist/
all: validate generate fuzz publish

## help: list the targets
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

## install: create .venv from requirements.lock and node_modules from package-lock.json
install: $(VENV)/.installed node_modules/.installed

## apt-packages: install Chromium, PostgreSQL, wrk and curl from Debian when missing (needs root)
apt-packages:
	@scripts/ensure-apt-packages $(APT_PACKAGES)

# --- The spec and the client -----------------------------------------------------------------

## validate: spec validator, Redocly and Spectral lint, examples, and the project's own checks
##           (skipped while nothing they read changed since they passed; FORCE=1 runs them)
validate: install
	$(RUN)validate openapi.yaml

## generate: validate and regenerate the typed client under generated/, side by side
##           (nothing to do while its inputs and generated/ are unchanged; FORCE=1 redoes it)
generate: install
	$(RUN)generate

## check-generated: fail when generated/ differs from what openapi.yaml produces
check-generated: install
	$(RUN)check_generated

## lint: ruff (format and lint), mypy --strict, and the import rules of ARCHITECTURE.md
lint: install
	$(BIN)/ruff format --check . && $(BIN)/ruff check . && $(BIN)/mypy && $(BIN)/lint-imports --no-cache

# --- The reference server --------------------------------------------------------------------

## serve: run the reference server in dev mode on 127.0.0.1:$(PORT)
##        WORKERS=N processes (default: one per core), SERVER_STACK=uvicorn-uvloop|granian|uvicorn-asyncio
serve: install
	PORT=$(PORT) $(RUN)serve --dev

## token: print a dev token the dev server accepts (TOKEN_FLAGS=--no-permission for a 403 token)
token: install
	@$(RUN)token $(TOKEN_FLAGS)

# --- Fuzzing and the bug zoo -----------------------------------------------------------------

## fuzz: pre-flight, then schemathesis and the probes against TARGET_URL (or an embedded server)
fuzz: install
	$(RUN)fuzz

## fuzz-zoo: run the harness against every bug-zoo variant; every one must be caught
fuzz-zoo: install
	$(RUN)fuzz_zoo

## fuzz-conforming: run the harness against every conforming variant; every one must pass
fuzz-conforming: install
	$(RUN)fuzz_conforming

## rules: write the rule table of fuzzing/README.md and the variant tables of bug_zoo/README.md
rules: install
	$(RUN)rules --write

# --- Real traffic ----------------------------------------------------------------------------

## proxy: a checking reverse proxy on 127.0.0.1:$(PROXY_PORT) in front of TARGET_URL
##        (default make serve's); PROXY_MAX_TIME=seconds to stop by itself (traffic/README.md)
proxy: install
	$(RUN)proxy --port $(PROXY_PORT)

# HAR reaches the script in the environment (make exports the variables set on its command
# line), not as a word of the recipe: a file name with spaces or quotes stays one name.
## check-traffic: the proxy's checks over a recorded HAR 1.2 file: make check-traffic HAR=file.har
check-traffic: install
	$(RUN)check_traffic

## traffic-zoo: the client's traffic through the proxy in front of every bug-zoo variant;
##              writes the table of traffic/README.md (what the kit and redocly drift found)
traffic-zoo: install
	$(RUN)traffic_zoo --write

# --- Releases --------------------------------------------------------------------------------

## publish: bundle the spec, build the offline docs page and the client, write dist/
publish: generate apt-packages
	$(RUN)publish

## breaking: compare openapi.yaml with the last published spec; fail on a breaking change
breaking: install
	$(RUN)breaking

# --- Measuring and the whole suite -----------------------------------------------------------

## bench: measure generation, server, fuzzing, client and `make test`; write BENCHMARKS.md (~20 min)
##        BENCH_MODE=smoke: tiny budgets, writes reports/BENCHMARKS-smoke.md instead
bench: install apt-packages
	$(RUN)bench

## soak: drive concurrent clients against the server for a bounded time on loopback
##       (WORKERS and SERVER_STACK choose the server's processes and stack, as for serve)
soak: install
	$(RUN)soak

## test: lint, validate, drift and breaking-change checks, then the whole pytest suite
test: install apt-packages lint validate check-generated breaking
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

## clean: remove build outputs, reports and local state (keeps .venv and node_modules)
clean:
	rm -rf dist reports state .pytest_cache .mypy_cache .ruff_cache

# --- What install makes ----------------------------------------------------------------------

$(VENV)/.installed: requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json package.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
