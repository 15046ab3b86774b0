# Coursblog. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# pytest-xdist workers; "0" runs in one process.
WORKERS ?= auto

.DEFAULT_GOAL := help

.PHONY: help install install-dev run test check lint format browser-deps editor clean

help:
	@echo "make run     install, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test    install the development tools and run the whole test suite"
	@echo "make check   lint, format check, Django checks and missing migrations"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: $(BIN)/python requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

# The HTML and accessibility checkers the tests use (needs npm; the tests skip without it).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the HTML validity and accessibility tests will be skipped."; \
	fi

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev node_modules/.installed
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djade --check --target-version 5.2 $$(git ls-files 'templates/*.html')
	$(BIN)/django-upgrade --target-version 5.2 $$(git ls-files '*.py')
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

lint: check

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild the post editor's bundle (static/js/editor.bundle.js, committed) from frontend/.
editor: node_modules/.installed
	npm run build

# Debian's Chromium for the browser tests (Playwright drives it; its own download does not work here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3* var/media var/static
