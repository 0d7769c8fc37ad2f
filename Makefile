# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/xinfang
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist): each worker has its own test database.
XDIST ?= -n auto
# The browser journeys drive the pages, not the database: they run once, on SQLite. The access crawl
# pins its own clock, so the awkward-day run on SQLite (make test-awkward-day) leaves it out too.
PG_PYTEST_ARGS ?= -m "not browser"
DAY_PYTEST_ARGS ?= -m "not browser" --ignore=tests/test_access.py
# The day the PostgreSQL run takes as today (tests/clock.py): empty is the real date; CI sets an awkward day.
PG_TODAY ?=

.PHONY: run test lint test-sqlite test-postgres test-awkward-day test-days install messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "==> http://127.0.0.1:8000  accounts: clerk coordinator leader handler mediator admin  password: Xinfang@2026"
	@echo "==> background worker (large exports and imports): manage.py db_worker, stopped with the server"
	@DEBUG=1 $(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# pytest exits 5 when it collected nothing: treat that as a failure, never as a pass.
define run_pytest
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests ($(1))"; exit 1; fi; exit $$rc
endef

# ruff (pyflakes, import order, complexity) over the tree; mypy with django-stubs over office/.
lint: $(STAMP)
	@echo "==> ruff and mypy"
	$(VENV)/bin/ruff check .
	DATABASE_URL= $(VENV)/bin/mypy office

test-sqlite: $(STAMP)
	@echo "==> test suite on SQLite"
	DATABASE_URL= $(call run_pytest,SQLite)

test-postgres: $(STAMP)
	@echo "==> test suite on PostgreSQL ($(PG_URL))$(if $(PG_TODAY), with TEST_TODAY=$(PG_TODAY))"
	@$(PY) -c "import psycopg, sys; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL is unreachable at $(PG_URL)"; exit 1; }
	DATABASE_URL=$(PG_URL) TEST_TODAY=$(PG_TODAY) $(PY) -m pytest $(XDIST) $(PG_PYTEST_ARGS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (PostgreSQL)"; exit 1; fi; exit $$rc

# The suite once more with the clock on an awkward day (tests/clock.py; it rotates daily).
test-awkward-day: $(STAMP)
	@day=$$($(PY) -m tests.clock pick); echo "==> test suite on SQLite with TEST_TODAY=$$day"; \
	DATABASE_URL= TEST_TODAY=$$day $(PY) -m pytest $(XDIST) $(DAY_PYTEST_ARGS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (TEST_TODAY=$$day)"; exit 1; fi; exit $$rc

# Every awkward day in turn, on SQLite (about five minutes each): run before touching dates.
test-days: $(STAMP)
	@for day in $$($(PY) -m tests.clock names); do \
	  echo "==> test suite on SQLite with TEST_TODAY=$$day"; \
	  DATABASE_URL= TEST_TODAY=$$day $(PY) -m pytest -q $(XDIST) $(PYTEST_ARGS) || exit 1; \
	done

# With CI set, the suite must also pass on PostgreSQL (and fails if it is unreachable), with the clock on
# an awkward day (tests/clock.py picks one by the real date): the second run checks the other database
# and the calendar at once, so CI stays well under 30 minutes. Without CI, PostgreSQL runs on the real
# date when a server answers at PG_URL.
test: lint test-sqlite
	@if [ -n "$$CI" ]; then $(MAKE) --no-print-directory test-postgres PG_TODAY=$$($(PY) -m tests.clock pick); \
	elif $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "==> PostgreSQL not reachable at $(PG_URL): ran SQLite only (CI runs both)"; fi

# Regenerate the Chinese catalogue after changing user-facing text (needs gettext).
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='bench/*' --ignore='tests/*' --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

clean:
	rm -rf $(VENV) .pytest_cache .test-media staticfiles
