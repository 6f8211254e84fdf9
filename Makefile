# One entry point for newcomers and CI: every target creates .venv itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# Packages held to mypy (STYLE.md: forms, sync and workstation/core; printing too).
TYPED  := forms sync workstation/core printing

.PHONY: run test lint bench check-system clean

check-system:
	@$(PYTHON) installer/check_system.py

$(BIN)/python:
	@$(PYTHON) installer/check_system.py --need venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP) $@

run: $(STAMP)
	@$(PYTHON) installer/check_system.py --need tk
	$(BIN)/mfc-workstation

lint: $(TSTAMP)
	$(BIN)/ruff check workstation sync forms printing tests bench installer
	$(BIN)/mypy $(TYPED)

test: $(TSTAMP)
	@$(PYTHON) installer/check_system.py --need tk --need xvfb
	$(BIN)/ruff check workstation sync forms printing tests bench installer
	$(BIN)/mypy $(TYPED)
	$(BIN)/python -m pytest

bench: $(TSTAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
