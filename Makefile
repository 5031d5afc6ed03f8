# Each target sets up .venv itself: a fresh machine with Python 3.11 needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,data]"
	touch $(STAMP)

# The main job: every claim of the seed notes as a measured experiment (quick form, about a
# minute), printing claim -> verdict and writing lab-report/report.html.
demo: $(STAMP)
	MPLBACKEND=Agg $(BIN)/neuralab lab --quick --out lab-report

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -W error

# PyTorch is a baseline of the benchmarks only, never a dependency: its CPU build is installed
# when it can be, and the table says "not installed" otherwise.
$(VENV)/.bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	-$(BIN)/python -m pip install --quiet torch==2.13.0
	touch $(VENV)/.bench

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/run.py

bench-quick: $(VENV)/.bench
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
