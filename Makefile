# The entry point for people: make demo, make test, make test-fast, make lint, make bench, make lock.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
RUNTIME := $(VENV)/.runtime-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
DEV := $(VENV)/.dev-$(shell cat pyproject.toml $(DEV_LOCK) | cksum | cut -d' ' -f1)
DEMO_PORT ?= 8000
BUNDLE := src/tinnhiem/web/static/build/tinnhiem.js
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links --build-deps-for editable

.PHONY: demo test test-fast lint lock messages bench system system-documents clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files only, every file checked against its hash; then the project itself,
# without its dependencies and with the locked setuptools (no unpinned build environment).
# make demo: what the demo needs, nothing for development.
$(RUNTIME): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.runtime-*
	touch $@

# make test: the runtime lock plus the tools (pytest, Playwright, ruff, mypy, pip-tools…), same versions.
$(DEV): pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.dev-*
	touch $@

# After a change of dependencies in pyproject.toml: pin every package, with hashes, for Python 3.11 on Linux.
lock: $(DEV)
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) -o $(LOCK) pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) --extra dev -c $(LOCK) -o $(DEV_LOCK) pyproject.toml

# After changing a text in the code, a template or a page script: the catalogue lists it for translators
# (src/tinnhiem/locale/en/LC_MESSAGES/messages.po; tests/unit/test_i18n.py fails until it is translated).
messages: $(DEV)
	$(BIN)/python scripts/messages.py en

# Browser code comes from npm through the build, never copied in by hand.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(BUNDLE): node_modules/.installed web-src/ballot.js $(wildcard web-src/verifier/*.js) docs/schema/record.schema.json
	npm run build

# Debian packages: the Vietnamese-complete font, pdftoppm, and Chromium for the browser tests.
system:
	@bash scripts/system-packages.sh all

system-documents:
	@bash scripts/system-packages.sh documents

demo: $(RUNTIME) $(BUNDLE) system-documents
	$(BIN)/tinnhiem demo --serve --port $(DEMO_PORT)

# Lint first: a finding stops the run before the tests.
test: lint $(BUNDLE) system
	$(BIN)/python -m pytest

# The unit and property tiers only (tests/conftest.py marks tiers by folder): seconds, no services needed.
test-fast: $(DEV)
	$(BIN)/python -m pytest -m "(unit or property) and not postgres"

lint: $(DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(DEV) $(BUNDLE)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules tinnhiem-data src/tinnhiem/web/static/build
