# Javon: `make run` serves the library, `make test` checks it. Both set everything up.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-16)
export JAVON_DATA_DIR ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/javon

# The interface's catalogues: the .po files are kept in git, the .mo files are compiled here
# (msgfmt from Debian's gettext). `make messages` brings the .po files up to date.
MO := $(patsubst %.po,%.mo,$(wildcard src/javon/web/locale/*/LC_MESSAGES/django.po))

.PHONY: run test lint typecheck pytest pytest-sqlite pytest-postgres bench setup demo clean messages

setup: $(STAMP) $(MO)
	@scripts/vendor-js

%.mo: %.po | $(STAMP)
	msgfmt --check -o $@ $<

messages: setup
	$(VENV)/bin/javon messages

$(STAMP): pyproject.toml
	@scripts/system-packages
	@if [ ! -x $(PY) ]; then py=$$(scripts/find-python) && "$$py" -m venv $(VENV); fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: setup
	$(VENV)/bin/javon migrate --no-input
	$(VENV)/bin/javon demo
	$(VENV)/bin/javon serve

demo: setup
	$(VENV)/bin/javon migrate --no-input
	$(VENV)/bin/javon demo

lint: setup
	$(VENV)/bin/ruff check src tests bench

typecheck: setup
	$(VENV)/bin/mypy src

pytest-sqlite: setup
	JAVON_DATA_DIR=$(CURDIR)/var/test-sqlite JAVON_DATABASE_URL=sqlite:///test.sqlite3 \
	  $(VENV)/bin/pytest -q

pytest-postgres: setup
	@if $(PY) scripts/pg-ready.py "$(PG_URL)"; then \
	  JAVON_DATA_DIR=$(CURDIR)/var/test-pg JAVON_DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -q; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL at $(PG_URL) is unreachable: under CI that is a failure." >&2; exit 1; \
	else \
	  echo "PostgreSQL at $(PG_URL) is unreachable: the PostgreSQL run is SKIPPED (it fails under CI=true)." >&2; \
	fi

test: lint typecheck pytest-sqlite pytest-postgres

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf var/test-sqlite var/test-pg .pytest_cache .mypy_cache
