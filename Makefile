# Kefu — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
PYTEST_WORKERS ?= 2
REDIS_CHECK_URL ?= $(if $(REDIS_URL),$(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: run test venv services ci-services browser axe nginx prod-check messages lint format bench-data bench load-test clean

# What serving needs (make run), and on top of it what the tests and lint need (make test).
$(BIN)/.installed-app: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(BIN)/.installed: $(BIN)/.installed-app
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

venv: $(BIN)/.installed

## make run: install, migrate the embedded SQLite database, load the demo center, serve.
run: $(BIN)/.installed-app
	env -u DATABASE_URL $(BIN)/kefu migrate --noinput -v0
	env -u DATABASE_URL $(BIN)/kefu demo
	env -u DATABASE_URL PORT=$(PORT) $(BIN)/kefu serve --port $(PORT)

## Start PostgreSQL and Redis when they are installed but not running (CI machines).
services:
	@if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1; then \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
	  for i in $$(seq 1 20); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done; fi
	@if command -v redis-server >/dev/null && ! redis-cli ping >/dev/null 2>&1; then \
	  echo "starting Redis"; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /tmp --logfile /tmp/kefu-redis.log || true; fi

## On CI (CI=true) PostgreSQL and Redis must answer: the suite's concurrency and Celery
## tests need them, and a run that quietly skipped them would prove nothing.
ci-services: venv
	@if [ "$$CI" = true ]; then \
	  $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=5).close()" "$(PG_URL)" \
	    || { echo "CI: PostgreSQL not reachable at $(PG_URL)"; exit 1; }; \
	  $(BIN)/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=5).ping()" "$(REDIS_CHECK_URL)" \
	    || { echo "CI: Redis not reachable at $(REDIS_CHECK_URL)"; exit 1; }; \
	fi

## Debian's Chromium and CJK fonts for the browser tests (never a downloaded browser).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "installing chromium and fonts-noto-cjk"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -q chromium fonts-noto-cjk >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk >/dev/null) || \
	  echo "could not install chromium: browser tests will be skipped"; fi

## axe-core (npm) for the accessibility test, kept in var/axe/ (never in the repository).
AXE := var/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || $(SUDO) apt-get install -y -q npm >/dev/null 2>&1 || true
	@mkdir -p var/axe && (npm install --silent --no-save --no-audit --no-fund --prefix var/axe \
	  axe-core@4.14.1 >/dev/null 2>&1 || echo "could not install axe-core: accessibility test skipped")
axe: $(AXE)

## make test: lint, then the whole suite on SQLite and (when reachable) on PostgreSQL.
test: venv services browser axe lint ci-services
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(PG_URL)" 2>/dev/null; then \
	  echo "== test suite on PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider; \
	elif [ "$$CI" = true ]; then \
	  echo "PostgreSQL not reachable at $(PG_URL): CI needs it (concurrency and Celery tests run there)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): PostgreSQL part skipped"; fi
	@$(MAKE) --no-print-directory prod-check

## Debian's nginx for the production check (the sample proxy configuration in deploy/).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "installing nginx"; export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -q nginx >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q nginx >/dev/null) || \
	  echo "could not install nginx: the production check talks to the web processes directly"; fi

## make prod-check: deploy/'s stack (systemd units' commands, nginx) up on loopback against
## this machine's PostgreSQL and Redis: ready, sign-in, a call popped, a job run by Celery,
## metrics; then torn down (deploy/prod_check.py). Needs both services (CI always has them).
prod-check: venv nginx
	@if $(BIN)/python -c "import psycopg,redis,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close(); redis.Redis.from_url(sys.argv[2], socket_timeout=3).ping()" "$(PG_URL)" "$(REDIS_CHECK_URL)" 2>/dev/null; then \
	  echo "== production check =="; \
	  env -u DATABASE_URL -u REDIS_URL PG_ADMIN_URL=$$(echo "$(PG_URL)" | sed 's#/[^/]*$$#/postgres#') $(BIN)/python deploy/prod_check.py; \
	elif [ "$$CI" = true ]; then echo "CI: the production check needs PostgreSQL and Redis"; exit 1; \
	else echo "PostgreSQL or Redis not reachable: production check skipped"; fi

## Console translations (English): extract, then edit kefu/locale/en/LC_MESSAGES/django.po.
messages: venv
	@command -v msgfmt >/dev/null || $(SUDO) apt-get install -y -q gettext >/dev/null
	env -u DATABASE_URL $(BIN)/kefu makemessages -l en -i ".venv/*" -i "var/*" -i "bench/*"
	cd kefu && ../$(BIN)/python -m django compilemessages --settings=config.settings.test

## make lint: ruff (lint and format), no model change without its migration, mypy on the
## services, selectors, presenters and registries (files in pyproject's [tool.mypy]).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL $(BIN)/kefu makemigrations --check --dry-run
	env -u DATABASE_URL $(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks (PostgreSQL): see docs/performance.md.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/kefu_bench
BENCH_SIZE ?= 1000000
bench-data: venv
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/generate.py --customers $(BENCH_SIZE)

bench: venv
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/search_bench.py

## The load test (bench/load_test.py, docs/performance.md): locust in a venv of its own (it
## registers a pytest plugin that patches the standard library: kept out of .venv).
LOAD_VENV := .venv-load
LOAD_ARGS ?=
load-test: venv
	test -x $(LOAD_VENV)/bin/locust || { $(PYTHON) -m venv $(LOAD_VENV) && \
	  $(LOAD_VENV)/bin/pip install -q --disable-pip-version-check -r bench/load/requirements.txt; }
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/load_test.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(LOAD_VENV) var .pytest_cache .ruff_cache
