# Two commands on a fresh machine:  make report  and  make test.
# Each creates .venv from pyproject.toml when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FETCH_FLAGS ?=

.PHONY: report data test site clean-data clean
JOBS ?=

# every figure and table; figures whose inputs are unchanged are skipped (--force redraws), drawn in
# parallel over the cores (JOBS=1 for one process)
report: data
	$(BIN)/cosie-analysis report $(if $(JOBS),--jobs $(JOBS))

# static HTML of the executed notebooks and the report in site/ (offline; open site/index.html)
site: report
	$(BIN)/cosie-analysis site

data: $(STAMP)
	$(BIN)/cosie-analysis fetch $(FETCH_FLAGS)
	$(BIN)/cosie-analysis build

# Lint (ruff) and types (mypy), then the test suite, the Examples in every docstring (doctests) and
# every notebook under nbval (cells marked # NBVAL_CHECK_OUTPUT are compared); the notebooks read the
# observation table, so the data target runs first. Settings for all three live in pyproject.toml.
test: data
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest tests cosie_analysis --doctest-modules notebooks --nbval-lax --nbval-sanitize-with notebooks/nbval_sanitize.cfg

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean-data:
	rm -rf data/processed/*.parquet data/processed/*.csv

clean: clean-data
	rm -rf $(VENV) site
