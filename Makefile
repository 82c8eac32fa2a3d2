# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export APP_ENV ?= development

.PHONY: run setup test lint

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

## setup: install, migrate, import every program under courses/, seed demo users (prints their logins)
setup: $(VENV)/.deps
	$(BIN)/flask --app wsgi db upgrade
	for c in courses/*/; do $(BIN)/flask --app wsgi course import "$$c" || exit 1; done
	$(BIN)/flask --app wsgi demo seed

## run: everything above, then the job worker (mail, certificates, reminders, digests) beside the web server
## on http://127.0.0.1:5000 (`make run PORT=5057` for another port); Ctrl-C stops both. Links in mail and
## certificates use PUBLIC_BASE_URL, which follows HOST and PORT unless it is set.
run: setup
	export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/flask --app wsgi jobs worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## test: the whole suite (TEST_DATABASE_URL picks the database; SQLite by default)
test: $(VENV)/.deps
	APP_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

lint: $(VENV)/.deps
	$(BIN)/ruff check .
