# Retour — `make run` serves the demo, `make test` runs every test stage.
SHELL := /bin/bash
BIN := .build/debug/retour
SWIFT_SOURCES := Sources Tests Package.swift

.PHONY: run test deps build lint format test-sqlite test-fifteenth-reason test-postgres test-year test-hostile test-schema test-client test-e2e test-a11y test-cluster bench cluster clean

# Each step says what it does; the build's and the migrations' output go to var/log (scripts/run.sh).
run:
	@scripts/run.sh

test: deps lint build test-sqlite test-fifteenth-reason test-postgres test-year test-hostile test-schema test-client test-e2e test-a11y test-cluster
	@echo "All test stages passed."

deps:
	@scripts/install-deps.sh

# One debug build (app and tests) serves every stage.
build:
	swift build --build-tests

lint:
	swift format lint --strict --recursive $(SWIFT_SOURCES)

format:
	swift format format --in-place --recursive $(SWIFT_SOURCES)

test-sqlite:
	swift test --skip-build

# docs/architecture.md's worked example, checked: a fifteenth reason added to copies of the files it
# names, and the Swift tests (but the snapshots of pages that list every reason) run against it.
test-fifteenth-reason:
	scripts/fifteenth-reason.sh

test-postgres:
	scripts/with-postgres.sh swift test --skip-build

# A year in a day: 365 days of imports, registrations, decisions, expiries, policies, backups (one
# restored mid-year) and housekeeping on one installation, then the invariants (SQLite and PostgreSQL).
test-year:
	RETOUR_YEAR=1 swift test --skip-build --filter YearTests
	RETOUR_YEAR=1 scripts/with-postgres.sh swift test --skip-build --filter YearTests

# Bad input on every API operation and form, 100 MB anonymous bodies, the database stopped under
# load and kill -9 during submissions, against `retour serve` on a throw-away PostgreSQL.
test-hostile:
	scripts/hostile.sh

# Schemathesis with every check against the OpenAPI document, as a reseller, an agent and an admin.
test-schema:
	scripts/schema.sh

# A client generated from the OpenAPI document by openapi-python-client drives a whole journey.
test-client:
	scripts/api-client.sh

test-e2e:
	scripts/e2e.sh

# axe-core (WCAG 2.0/2.1 A and AA, best practices) and the W3C Nu HTML checker over every page of
# every role; prints both counts; fails on any finding or on a page route that no role reaches.
test-a11y:
	scripts/a11y.sh

# Three processes behind nginx on one PostgreSQL: they share sessions, throttling, idempotency and
# files, and one killed under load fails only the requests in flight on it.
test-cluster:
	RETOUR_WEBHOOK_ALLOW_PRIVATE=1 scripts/cluster.sh python3 e2e/cluster/cluster_test.py

# The demo on three `retour serve` processes behind nginx on one PostgreSQL, at http://localhost:8080.
cluster: deps build
	scripts/cluster.sh

# Release build (about 11 minutes here), then Retour on generated data, SQLite and PostgreSQL side
# by side (BENCH_LINES, default 1 000 000), written to docs/benchmarks.md; then the rule engine and
# the import's memory.
BENCH_LINES ?= 1000000
BENCH_SECONDS ?= 10
# PostgreSQL may be measured larger than SQLite: make bench BENCH_PG_LINES=10000000 (the 10 M run).
BENCH_PG_LINES ?= $(BENCH_LINES)
BENCH_POSTGRES = python3 bench/run.py .build/release/retour postgres .build/bench-results.json --lines $(BENCH_PG_LINES) --duration $(BENCH_SECONDS)
bench: deps
	command -v wrk >/dev/null || apt-get install -y wrk
	swift build -c release
	rm -f .build/bench-results.json
	python3 bench/run.py .build/release/retour sqlite .build/bench-results.json --lines $(BENCH_LINES) --duration $(BENCH_SECONDS)
	RETOUR_UPLOAD_MB_PER_DAY=10000 RETOUR_BINARY=.build/release/retour RETOUR_CLUSTER_DATA=keep LOG_LEVEL=warning \
	  scripts/with-postgres.sh bash -c '$(BENCH_POSTGRES) && scripts/cluster.sh $(BENCH_POSTGRES) --cluster'
	python3 bench/report.py .build/bench-results.json docs/benchmarks.md "make bench BENCH_LINES=$(BENCH_LINES) BENCH_PG_LINES=$(BENCH_PG_LINES) BENCH_SECONDS=$(BENCH_SECONDS)"
	.build/release/retour-bench 2000000
	python3 bench/import_bench.py .build/release/retour 100000
	scripts/with-postgres.sh python3 bench/import_bench.py .build/release/retour 100000

clean:
	rm -rf .build var
