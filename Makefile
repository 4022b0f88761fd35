# `make run` and `make test` do all the set-up from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres fuzz lint install lock browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/raksa migrate --no-input
	$(BIN)/raksa demo
	bash scripts/serve-demo.sh $(HOST) $(PORT)

browser:
	bash scripts/ensure-chromium.sh

test: install browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/raksa} $(BIN)/pytest $(PYTEST_ARGS)

# schemathesis against a live server on a throw-away database: SQLite, or PostgreSQL when DATABASE_URL says so.
fuzz: install
	$(BIN)/python scripts/fuzz_api.py $(FUZZ_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Re-pin after changing pyproject.toml's dependencies.
lock:
	$(BIN)/python -m pip install --quiet "uv==0.13.9"
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var
