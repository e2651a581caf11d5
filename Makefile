# zhizao — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 2023
PG_URL_BASE ?= postgres://postgres@127.0.0.1:5432
PLAN ?= data/plans/jiaxing-135n.yaml
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup run test lint typecheck check-migrations test-sqlite test-postgres data messages schema clean bench-web browser openapi bench-import bench-eval

help:
	@echo "make run   — set up, load the 135N plan and demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test  — set up, lint, type-check, run the suite on SQLite and PostgreSQL"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed
	@mkdir -p var

data: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py plan_load $(PLAN)
	$(PY) manage.py demo_data --seed $(SEED) --no-progress
	$(PY) manage.py enterprise_demo --seed $(SEED)

run: export ZHIZAO_DEBUG ?= 1
run: data
	@echo
	@echo "  zhizao 智造 — http://$(HOST):$(PORT)/"
	@$(PY) manage.py demo_logins
	@echo
	@# The background worker recomputes stored progress when values change; it stops with
	@# the server (Ctrl-C).
	@$(PY) manage.py db_worker -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: setup
	ZHIZAO_DEBUG=1 $(BIN)/mypy .

check-migrations: setup
	ZHIZAO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Browser tests drive Debian's Chromium (never a downloaded browser). Installed here when
# missing and we may; without it the browser tests are skipped, except under CI=true.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-noto-cjk >/dev/null; \
	  else echo "NOTE: chromium is not installed; browser tests will be skipped"; fi; }

test-sqlite: setup browser
	@echo "== test suite on SQLite =="
	$(BIN)/pytest

# A throwaway database is created for the run and dropped afterwards. Without a reachable
# server the pass is skipped with a visible line, except under CI=true where it is required.
test-postgres: setup
	@echo "== test suite on PostgreSQL =="
	@db=zhizao_ci_$$$$; \
	if ! $(PY) scripts/pgdb.py ping "$(PG_URL_BASE)/postgres"; then \
	  if [ "$${CI:-}" = "true" ]; then echo "PostgreSQL at $(PG_URL_BASE) is required under CI=true but is unreachable"; exit 1; fi; \
	  echo "SKIPPED: PostgreSQL pass — no server reachable at $(PG_URL_BASE)"; exit 0; \
	fi; \
	$(PY) scripts/pgdb.py create "$(PG_URL_BASE)" $$db || exit 1; \
	trap '$(PY) scripts/pgdb.py drop "$(PG_URL_BASE)" '$$db EXIT; \
	DATABASE_URL="$(PG_URL_BASE)/$$db" $(BIN)/pytest --create-db

test: lint typecheck check-migrations test-sqlite test-postgres

messages: setup
	ZHIZAO_DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete -i ".venv/*" -i "node_modules/*" -i "*/tests/*" -i "bench/*" -i "var/*"
	ZHIZAO_DEBUG=1 $(PY) manage.py compilemessages -v 0

schema: setup
	$(PY) manage.py plan_schema > data/plans/plan.schema.json

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	@touch $@

# 50 logged-in users for 60 s against gunicorn on a throwaway PostgreSQL database; the last
# line is `p50_ms=… p95_ms=… p99_ms=… errors=…`. BENCH_USERS / BENCH_SECONDS shorten it.
bench-web: $(VENV)/.bench-installed node_modules/.installed
	PG_URL_BASE="$(PG_URL_BASE)" $(PY) bench/web/run.py

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache

# The schema does not depend on settings; debug only spares the need for a secret key.
openapi: export ZHIZAO_DEBUG ?= 1
openapi: setup
	$(PY) manage.py api_schema > docs/openapi.json

# 100,000 rows of annual figures (and a copy with 5 % bad rows) imported by our importer and
# by django-import-export into a throwaway PostgreSQL database; the last line is
# `ours_100k_s=… die_100k_s=… ratio=…`. BENCH_ROWS / BENCH_DIE_ROWS shorten it.
bench-import: $(VENV)/.bench-installed
	PG_URL_BASE="$(PG_URL_BASE)" $(PY) bench/import/run.py

# The 亩均 evaluation of 1,000,000 synthetic enterprises: our engine, pandas and DuckDB on
# the same scheme (identical classes and ranks asserted), then a full evaluate-and-store run
# on a throwaway PostgreSQL database; the last line is
# `engine_s=… pandas_s=… duckdb_s=… store_pg_s=…`. BENCH_N shortens it (bench/README.md).
bench-eval: $(VENV)/.bench-installed
	PG_URL_BASE="$(PG_URL_BASE)" $(PY) bench/eval/run.py
