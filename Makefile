# Two commands: `make serve` (set up, then preview) and `make test` (set up, then test).
# Each creates .venv when it is missing. torch's CPU build is installed first, by pin, so
# that nothing pulls a multi-GB CUDA build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_PIN := torch==2.13.0
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup setup-test serve build check test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.site-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH_PIN)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.site-installed
setup-test: $(VENV)/.test-installed

serve: setup
	$(BIN)/journal serve

build: setup
	$(BIN)/journal build

check: setup
	$(BIN)/journal check

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

bench: setup-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf site .journal-cache
