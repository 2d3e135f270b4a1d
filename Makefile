# Two commands a new user needs: `make demo` and `make test`.
# Each creates .venv with python3 when missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 2
export MPLBACKEND := Agg

.PHONY: demo test lint bench bench-quick clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# Benchmarks run in their own venv: the bench extra adds statsforecast (the peers
# of benchmarks/accuracy_panels.py), which declares pandas<3 and would move the
# test venv's pandas back to 2.x.
BENCH_VENV := .venv-bench
BENCH_PY := $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.installed-bench: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m tsrnn forecast datasets/airline.csv --target Passengers --horizon 36 --output tsrnn-output

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest -n auto --durations=15

bench: $(BENCH_VENV)/.installed-bench
	$(BENCH_PY) -m benchmarks

bench-quick: $(BENCH_VENV)/.installed-bench
	$(BENCH_PY) -m benchmarks --quick

clean:
	rm -rf $(VENV) $(BENCH_VENV) tsrnn-output
