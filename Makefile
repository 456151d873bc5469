# Oversight: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/oversight/static/vendor
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The same default as settings.DATA_DIR: the SQLite file, static files and evidence live here.
DATA_DIR := $(or $(OVERSIGHT_DATA_DIR),var)

.PHONY: install run reset-demo test lint clean chromium bench probe load

install: $(STAMP) $(VENDOR)/.built

# Reinstall when the lock file or project metadata changes; otherwise nothing to do.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

$(VENDOR)/.built: node_modules/.installed frontend/oversight.scss frontend/unbrand.mjs
	mkdir -p $(VENDOR)/govuk $(VENDOR)/moj
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(VENDOR)/moj/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets $(VENDOR)/moj/
	npm run --silent build
	touch $(VENDOR)/.built

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver )

# The worker (background jobs: reading documents, and the daily sweep it queues itself: reminders)
# runs beside the web server, its output in the same terminal, and stops with it, on Ctrl-C or when
# the server exits: the trap stops the worker by its process id (without the autoreloader, whose
# child process would outlive it; restart `make run` after changing a job).
run: install
	mkdir -p $(DATA_DIR)/staticfiles
	$(BIN)/oversight migrate --no-input
	$(BIN)/oversight load_demo
	$(BIN)/oversight worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/oversight runserver $(HOST):$(PORT)

# Start the demo again from nothing: deletes the local SQLite database and evidence files, then runs.
reset-demo:
	@test -z "$(DATABASE_URL)" || { echo "reset-demo only deletes the local SQLite database; unset DATABASE_URL" >&2; exit 1; }
	rm -f $(DATA_DIR)/oversight.sqlite3 $(DATA_DIR)/oversight.sqlite3-wal $(DATA_DIR)/oversight.sqlite3-shm
	rm -rf $(DATA_DIR)/media
	$(MAKE) run

test: install chromium
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests e2e bench
	$(BIN)/ruff format --check src tests e2e bench
	$(BIN)/mypy

# The national-scale workforce benchmark (not a test): prints a table, writes bench/results.json; then the
# document reading benchmark (bench/ingest/): precision and recall on labelled real documents, bench/ingest/results.json;
# then the theme suggestions (bench/themes/): macro-F1 and accuracy beside a baseline, bench/themes/results.json;
# then the protection dashboard's aggregates beside hand-written SQL (bench/protection/), bench/protection/results.json.
# then a 100,000-row import of protective measures (rows per second, peak RSS), bench/protection_import.json.
bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.themes
	$(BIN)/python -m bench.protection
	$(BIN)/python -m bench.protection_import

# The side-channel probe (not a test): response times for a locked case against an unknown one, per
# route; prints a table, writes bench/sidechannel.json. A few minutes.
probe: install
	$(BIN)/python -m bench.sidechannel

# The load test (not a test, and not in `make bench`: it needs PostgreSQL, generates the national data
# when its database is empty, then runs 50 users for 5 minutes against gunicorn); prints a table, writes
# bench/load/results.json. LOAD_DATABASE_URL picks the database; LOAD_ARGS adds options (--users, --minutes,
# --scale, --restart-db-at; see `python -m bench.load --help`).
load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) src/oversight/static/oversight/oversight.css var
