# The whole set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/dangjian
# pytest-xdist workers: one per core (a test database each); JOBS=0 runs in one process.
JOBS ?= auto
DEBS := chromium fonts-noto-cjk

.PHONY: run test test-sqlite test-postgres lint venv debs postgres bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian packages the browser tests and PDF reports need (installed only when missing).
debs:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# PostgreSQL at 127.0.0.1:5432: start the local cluster when it is down.
postgres:
	@if ! $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL:postgres://%=postgresql://%)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true; \
	  for i in $$(seq 1 30); do $(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=2).close()" 2>/dev/null && break; sleep 1; done; \
	fi

run: venv
	$(BIN)/dangjian migrate --no-input
	$(BIN)/dangjian demo --port $(PORT)

test: venv debs postgres lint test-sqlite test-postgres

# The layers (ARCHITECTURE.md), as import-linter contracts in .importlinter.
lint: venv
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

test-sqlite: venv
	env -u DATABASE_URL $(BIN)/pytest -q -n $(JOBS) $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n $(JOBS) $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info staticfiles
