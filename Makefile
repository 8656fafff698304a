# HAIC-Track: `make run` and `make test` work on a fresh machine.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask
STAMP   := $(VENV)/.requirements-installed
HOST    ?= 127.0.0.1
PORT    ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test test-sqlite test-postgres venv migrate seed serve scheduler bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed

## run: create the environment, migrate the embedded SQLite database, load demo data,
## then serve the API (gunicorn) and run the scheduler beside it until Ctrl-C.
run: seed
	@echo "API on http://$(HOST):$(PORT)  (docs: /api/v1/docs, spec: /api/v1/openapi.json)"
	@trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) scheduler.py & scheduler=$$!; \
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

## test: every test on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
test: venv
	@if command -v chromium >/dev/null 2>&1; then echo "browser tests: using $$(command -v chromium)"; \
	else echo "browser tests: SKIPPED, no chromium (apt-get install -y chromium; .ci/run does it)"; fi
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"; fi

PYTEST_ARGS ?= -n 2

test-sqlite: venv
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: venv
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
