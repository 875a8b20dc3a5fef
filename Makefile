# Retour — `make run` serves the demo, `make test` runs every test stage.
SHELL := /bin/bash
BIN := .build/debug/retour
SWIFT_SOURCES := Sources Tests Package.swift

.PHONY: run test deps build lint format test-sqlite test-postgres test-hostile test-schema test-e2e bench clean

run: deps build
	$(BIN) migrate
	$(BIN) demo
	@echo "Retour is at http://localhost:8080 — log in with one of the demo logins above."
	$(BIN) serve --hostname 0.0.0.0 --port 8080

test: deps lint build test-sqlite test-postgres test-hostile test-schema test-e2e
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

test-postgres:
	scripts/with-postgres.sh swift test --skip-build

# Bad input on every API operation and form, 100 MB anonymous bodies, the database stopped under
# load and kill -9 during submissions, against `retour serve` on a throw-away PostgreSQL.
test-hostile:
	scripts/hostile.sh

# Schemathesis with every check against the OpenAPI document, as a reseller, an agent and an admin.
test-schema:
	scripts/schema.sh

test-e2e:
	scripts/e2e.sh

# Release build (about 16 minutes here), then the benchmarks of docs/benchmarks.md.
bench: deps
	swift build -c release --product retour-bench
	.build/release/retour-bench 2000000
	swift build -c release --product retour
	python3 bench/import_bench.py .build/release/retour 100000

clean:
	rm -rf .build var
