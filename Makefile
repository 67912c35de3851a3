# carecharge: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/carecharge/apps/web/static/dist/carecharge.css
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PEOPLE ?= 400
DEMO_SEED ?= 2026
# Demo mode: debug pages, the demo council and its printed logins. Never for real data.
RUN_ENV := DEBUG=true CARECHARGE_DEMO=true
TEST_ENV := CARECHARGE_TESTING=true

.PHONY: run test install assets migrate demo lint typecheck importlint check bench clean help

help:
	@echo "make run    install, build, migrate, load the demo council and serve it on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite (set DATABASE_URL for PostgreSQL)"
	@echo "make check  ruff, mypy and the import-linter contracts"
	@echo "make bench  the performance benchmarks (see docs/performance.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly the locked versions, then the project itself (editable) without resolving again.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

$(ASSETS): node_modules/.package-lock.json assets/carecharge.scss assets/carecharge.js assets/build.mjs
	npm run --silent build

assets: $(ASSETS)

migrate: install
	$(RUN_ENV) $(BIN)/carecharge migrate --no-input

run: install assets
	$(RUN_ENV) $(BIN)/carecharge migrate --no-input
	$(RUN_ENV) $(BIN)/carecharge demo --people $(DEMO_PEOPLE) --seed $(DEMO_SEED) --if-empty
	$(RUN_ENV) $(BIN)/carecharge demo_logins
	$(RUN_ENV) $(BIN)/carecharge serve --host $(HOST) --port $(PORT)

test: install assets
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck:
	$(TEST_ENV) $(BIN)/mypy

importlint:
	$(TEST_ENV) $(BIN)/lint-imports

check: install lint typecheck importlint

bench: install
	$(TEST_ENV) $(BIN)/python -m carecharge.bench
	$(TEST_ENV) $(BIN)/python -m carecharge.bench.assess
	$(TEST_ENV) $(BIN)/python -m carecharge.bench.billing $(BENCH_BILLING_ARGS)

clean:
	rm -rf $(VENV) node_modules src/carecharge/apps/web/static/dist var
