# Each target sets up .venv itself: a fresh machine with Python 3.11 needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo play test lint bench bench-quick docs release-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,data,onnx]"
	touch $(STAMP)

# The main job: every claim of the seed notes as a measured experiment (quick form, about a
# minute), printing claim -> verdict and writing lab-report/report.html.
demo: $(STAMP)
	MPLBACKEND=Agg $(BIN)/neuralab lab --quick --out lab-report

# The playground: a network training live in the browser, on this machine only; it prints the URL
# and opens the browser. Ctrl-C stops it.
play: $(STAMP)
	$(BIN)/neuralab play

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

# The documentation site (MkDocs + Material + mkdocstrings) into site/. Strict: a broken link or
# a reference that does not resolve fails the build. It runs the lab (quick) for its report.
$(VENV)/.docs: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]" build twine
	touch $(VENV)/.docs

docs: $(VENV)/.docs
	MPLBACKEND=Agg NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The slow checks of what users get, run by CI after `make test`: the site builds, every example
# notebook runs, the sdist and wheel pass twine check and the wheel works in a fresh venv.
release-check: docs
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -W error -m release tests/release

clean:
	rm -rf $(VENV) build dist site src/*.egg-info .pytest_cache .ruff_cache
