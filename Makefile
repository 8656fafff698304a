# HAIC-Track: `make run` and `make test` work on a fresh machine.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask
STAMP   := $(VENV)/.requirements-installed
HOST    ?= 127.0.0.1
PORT    ?= 5000
export FLASK_APP := wsgi.py
# The demo simulates Twilio's signed webhooks (`flask sms simulate`): any token will do locally.
export TWILIO_AUTH_TOKEN ?= demo-twilio-auth-token
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
step = @echo "==> $(1)"

.PHONY: run test test-sqlite test-postgres venv migrate seed serve scheduler bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(call step,[1/4] Creating the virtualenv $(VENV) and installing packages (first run: 1-3 minutes))
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar off -r requirements-dev.txt | grep -E '^(Collecting|Successfully)' || true
	@$(PY) -c "import flask, flask_smorest" || { echo "package install failed: see the pip output above"; exit 1; }
	touch $(STAMP)
	$(call step,packages installed)

migrate: venv
	$(call step,[2/4] Migrating the database (flask db upgrade))
	$(FLASK) db upgrade

seed: migrate
	$(call step,[3/4] Loading the demo cohort (flask demo seed; about 15 s the first time))
	$(FLASK) demo seed

## run: create the environment, migrate the embedded SQLite database, load demo data,
## then serve the API (gunicorn) and run the scheduler beside it until Ctrl-C.
run: seed
	$(call step,[4/4] Serving the API and running the scheduler (Ctrl-C stops both))
	@echo "API on http://$(HOST):$(PORT)  (docs: /api/v1/docs, spec: /api/v1/openapi.json)"
	@echo "Demo passwords: $(FLASK) demo credentials.  Simulate a patient's SMS:"
	@echo "  $(FLASK) sms simulate \"+8613800000000\" \"拉肚子5次\""
	@trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) scheduler.py & scheduler=$$!; \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

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
