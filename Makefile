# dancoso — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint bench bench-petitions bench-disclosure venv install install-dev migrate seed messages clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Serve the demo: install, migrate the embedded SQLite database, load demo data, serve and run jobs.
run: seed
	DEBUG=1 $(PY) manage.py serve --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Lint: ruff (bugs, style, formatting), import-linter (the one-way dependencies of DESIGN.md §2),
## migrations in step with the models, Django's system checks, and the CI script's syntax.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING
	bash -n .ci/run

## Benchmarks against a separate database (BENCH_DATABASE_URL; default var/bench.sqlite3); see bench/README.md.
## Extra options: make bench BENCH_ARGS="--scale 2 --requests 200"
BENCH_ARGS ?=
bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

## Petitions intake (gunicorn, 2 workers) and the inbox with 10^6 rows, on PostgreSQL; see docs/bench-petitions.md.
bench-petitions: install-dev
	$(PY) -m bench.petitions $(BENCH_ARGS)

## The public disclosure portal with 10^5 publications (gunicorn, 2 workers, PostgreSQL); see docs/bench-disclosure.md.
bench-disclosure: install-dev
	$(PY) -m bench.disclosure $(BENCH_ARGS)

## Recompile translations after editing dancoso/locale/*/LC_MESSAGES/django.po
messages: install-dev
	$(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) var/*.sqlite3*
