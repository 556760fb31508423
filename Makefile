# The contract kit's front door. `make` validates, generates, fuzzes and publishes;
# `make test` runs every check and test. Each target installs what it needs itself.
# Override variables on the command line, like: make serve PORT=9000
#
# A table: each target is one line of prerequisites and one recipe. The kit's own commands run
# as $(RUN)<name>, the thin entry point scripts/<name>.py; tools run as themselves.
#
# Exit statuses: make exits 2 whenever a recipe fails, whatever status the command gave. The
# commands that tell "breaks the contract" (1) from "could not start" (2), `fuzz`, `proxy`,
# `check-traffic` and `breaking`, keep their status when run as their entry point, which is what
# a CI pipeline should call: .venv/bin/python -m scripts.<name> (README.md, "In CI").
#
# `make help` prints the `## ` comments below; README.md's table of targets is the same text
# (tests/test_makefile.py compares them).

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

## help: list the targets (the table of README.md is this list)
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

## install: create .venv from requirements.lock and node_modules from package-lock.json
install: $(VENV)/.installed node_modules/.installed

## apt-packages: install Chromium, PostgreSQL, wrk and curl from Debian when missing (needs root)
apt-packages:
	@scripts/ensure-apt-packages $(APT_PACKAGES)

# --- The spec and the client -----------------------------------------------------------------

## validate: openapi-spec-validator, the project's own checks, every example against its schema,
##           Redocly and Spectral lint with no error or warning; stops at the first failing stage,
##           naming the place (skipped while nothing they read changed since they passed; FORCE=1
##           runs them)
validate: install
	$(RUN)validate openapi.yaml

## generate: validate and regenerate the typed client under generated/ beside it
##           (--fail-on-warning, mypy --strict, smoke import), replaced only when both pass
##           (nothing to do while its inputs and generated/ are unchanged; FORCE=1 redoes it)
generate: install
	$(RUN)generate

## check-generated: fail when generated/ differs from what openapi.yaml produces, new files
##                  included
check-generated: install
	$(RUN)check_generated

## lint: ruff (format and lint) and mypy --strict on the hand-written code, and the import
##       rules of ARCHITECTURE.md (lint-imports)
lint: install
	$(BIN)/ruff format --check . && $(BIN)/ruff check . && $(BIN)/mypy && $(BIN)/lint-imports --no-cache

# --- The reference server --------------------------------------------------------------------

## serve: run the reference server in dev mode on 127.0.0.1:8000 (PORT=9000 moves it);
##        WORKERS=N processes (default: one per core), SERVER_STACK=uvicorn-uvloop (default),
##        granian or uvicorn-asyncio
serve: install
	PORT=$(PORT) $(RUN)serve --dev

## token: print a dev token the dev server accepts (TOKEN_FLAGS=--no-permission for a 403 token)
token: install
	@$(RUN)token $(TOKEN_FLAGS)

# --- Fuzzing and the bug zoo -----------------------------------------------------------------

## fuzz: pre-flight, then schemathesis and the probes against TARGET_URL, or an embedded
##       reference server when unset (fuzzing/README.md); exit 1: the target breaks the
##       contract, 2: the run cannot start; make turns any failure into 2
##       (CI: .venv/bin/python -m scripts.fuzz)
fuzz: install
	$(RUN)fuzz

## fuzz-zoo: run the harness against every bug-zoo variant; every one must be caught
##           (bug_zoo/README.md)
fuzz-zoo: install
	$(RUN)fuzz_zoo

## fuzz-conforming: run the harness against every conforming variant; every one must pass
fuzz-conforming: install
	$(RUN)fuzz_conforming

## rules: write the rule table of fuzzing/README.md and the variant tables of bug_zoo/README.md
rules: install
	$(RUN)rules --write

# --- Real traffic ----------------------------------------------------------------------------

## proxy: a checking reverse proxy on 127.0.0.1:8010 (PROXY_PORT) in front of TARGET_URL
##        (default make serve's); PROXY_MAX_TIME=seconds to stop by itself (traffic/README.md);
##        exit 1: the traffic broke the contract, 2: it cannot start; make turns any failure
##        into 2 (CI: .venv/bin/python -m scripts.proxy)
proxy: install
	$(RUN)proxy --port $(PROXY_PORT)

# HAR reaches the script in the environment (make exports the variables set on its command
# line), not as a word of the recipe: a file name with spaces or quotes stays one name.
## check-traffic: the proxy's checks over a recorded HAR 1.2 file: make check-traffic HAR=file.har;
##                exit 1: the traffic broke the contract, 2: the file cannot be read; make turns
##                any failure into 2 (CI: .venv/bin/python -m scripts.check_traffic file.har)
check-traffic: install
	$(RUN)check_traffic

## traffic-zoo: the client's traffic through the proxy in front of every bug-zoo variant;
##              writes the table of traffic/README.md (what the kit and redocly drift found)
traffic-zoo: install
	$(RUN)traffic_zoo --write

# --- Releases --------------------------------------------------------------------------------

## publish: fill dist/: the spec bundled (YAML, JSON), the offline HTML page, the client's wheel
##          and sdist, the release notes, the API changelog and SHA256SUMS
publish: generate apt-packages
	$(RUN)publish

## breaking: compare openapi.yaml and its client's public API with the last published spec's
##           (published/openapi.yaml); fail on a breaking change unless the major version went
##           up; exit 1: a change breaks clients, 2: a spec cannot be read or generated; make
##           turns any failure into 2 (CI: .venv/bin/python -m scripts.breaking)
breaking: install
	$(RUN)breaking

# --- Measuring and the whole suite -----------------------------------------------------------

## bench: measure generation, server, fuzzing, client and `make test`; write BENCHMARKS.md (~20 min);
##        BENCH_MODE=smoke: tiny budgets, writes reports/BENCHMARKS-smoke.md instead
bench: install apt-packages
	$(RUN)bench

## soak: drive concurrent clients against the server for a bounded time on loopback and check
##       every acknowledged write (WORKERS and SERVER_STACK choose the server's processes and
##       stack, as for serve)
soak: install
	$(RUN)soak

## test: lint, validate, check-generated and breaking, then the whole pytest suite on one
##       pytest-xdist worker per core (PYTEST_WORKERS=0: one process)
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
