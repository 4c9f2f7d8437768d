# Atelier: `make demo` runs the whole platform with demo data; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test lint format install clean-db bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Atelier needs Python 3.11 ($(PYTHON)); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

.env:
	cp .env.example .env

install: $(STAMP) .env

demo: install
	bash scripts/demo

test: install
	bash scripts/test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	bash bench/run_all

clean-db:
	rm -f var/atelier.sqlite3* var/broker.sqlite3*
