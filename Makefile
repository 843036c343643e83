# Rebound: every target installs what it needs from requirements.lock on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo run test test-fast test-latest lint fmt bench migrate lock clean runtime wheel

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rebound needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

## Chat with the real bot in this terminal, through the local Bot API emulator (no token needed).
demo: $(STAMP)
	$(BIN)/rebound demo

## Run the bot against Telegram (needs REBOUND_BOT_TOKEN).
run: $(STAMP)
	$(BIN)/rebound run

## Lint, type-check and run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

## The quick loop while you work (under a minute on two cores): every test not marked `slow`
## (the e2e tests, subprocesses, measured runs), on every core. No lint; `make test` runs all.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow" -n auto $(PYTEST_ARGS)

## The test suite on the newest releases pyproject.toml's ranges allow (not the lock), in a
## venv of its own (.venv-latest), rebuilt each time so that it picks up new releases.
LATEST := .venv-latest
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --upgrade-strategy eager -e '.[dev]'
	@$(LATEST)/bin/python -m pip list --disable-pip-version-check --format=freeze | grep -iE '^(python-telegram-bot|sqlalchemy|aiosqlite|asyncpg|aiohttp|alembic|pydantic|apscheduler)=='
	$(LATEST)/bin/pytest $(PYTEST_ARGS)

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/rebound migrate

## Benchmarks at small sizes (under ~10 minutes); `make bench BENCH_ARGS=--full` for the README's.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## Re-pin dependencies (needs network); commit the result.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements.lock

## For installs without containers (deploy/README.md): runtime.lock, the run-time part of the
## lock (no pytest, mypy or ruff; hashes kept), and the bot's wheel in dist/. Run it with the
## Python the service will use (PYTHON=python3.11): the lock's markers are evaluated for it.
runtime: runtime.lock wheel

runtime.lock: $(STAMP) deploy/runtime_lock.py
	$(BIN)/python deploy/runtime_lock.py pyproject.toml requirements.lock > $@.tmp
	mv $@.tmp $@

wheel: $(STAMP)
	rm -f dist/rebound-*.whl
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist .

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .mypy_cache .ruff_cache runtime.lock dist
