# Coursblog. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# pytest-xdist workers; "0" runs in one process.
WORKERS ?= auto

.DEFAULT_GOAL := help

.PHONY: help install install-dev run serve test check lint format browser-deps editor bench bench-wxr bench-images bench-participation bench-search load-test clean

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
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Links in emails point at the address the site is served on.
SITE_URL_ENV = SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}
RUN_ENV = DEBUG=$${DEBUG:-1} $(SITE_URL_ENV)

# The production configuration, locally: DEBUG off, gunicorn, whitenoise, collected
# static files. Plain HTTP on 127.0.0.1, so secure-only cookies and the HTTPS redirect
# are off; set DATABASE_URL and REDIS_URL to use PostgreSQL and Redis.
serve: install
	mkdir -p var
	test -s var/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py coursblog.wsgi

SERVE_ENV = DEBUG=0 SECRET_KEY=$$(cat var/secret_key) ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
	SERVE_MEDIA=$${SERVE_MEDIA:-1} $(SITE_URL_ENV) HOST=$(HOST) PORT=$(PORT)

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

# The benchmark (see bench/run.py): a table, and bench/results/latest.json.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run

# The WordPress import's speed (1,100 comments) and memory (5,000 vs 50,000), see bench/wxr.py.
bench-wxr: install-dev
	$(BIN)/python -m bench.wxr

# What processing an upload costs a worker: the worst allowed image of each kind (bench/images.py).
bench-images: install-dev
	$(BIN)/python -m bench.images
# The participation page on a class of 200 students, 3,000 posts and 30,000 comments
# (see bench/participation.py): SQLite, or PostgreSQL with DATABASE_URL.
bench-participation: install-dev
	$(BIN)/python -m bench.participation

# Search on 10,000 posts and 100,000 comments (see bench/search.py): median and 95th
# percentile per search; SQLite, or PostgreSQL with DATABASE_URL (the target: under 100 ms).
bench-search: install-dev
	$(BIN)/python -m bench.search

# Load and fault test on PostgreSQL (see bench/load.py).
load-test: install-dev
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# Debian's Chromium for the browser tests (Playwright drives it; its own download does not work here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3* var/media var/media-public var/static
