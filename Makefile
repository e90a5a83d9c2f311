# The entry point for people: make demo, make test, make bench, make lint.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
BUNDLE := src/tinnhiem/web/static/build/tinnhiem.js

.PHONY: demo test lint bench system system-documents clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Browser code comes from npm through the build, never copied in by hand.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(BUNDLE): node_modules/.installed web-src/ballot.js
	npm run build

# Debian packages: the Vietnamese-complete font, pdftoppm, and Chromium for the browser tests.
system:
	@bash scripts/system-packages.sh all

system-documents:
	@bash scripts/system-packages.sh documents

demo: $(STAMP) $(BUNDLE) system-documents
	$(BIN)/tinnhiem demo --serve

test: $(STAMP) $(BUNDLE) system
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP) $(BUNDLE)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules tinnhiem-data src/tinnhiem/web/static/build
