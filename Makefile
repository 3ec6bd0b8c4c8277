# The two set-up commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

.PHONY: run demo test lint bench
run: $(VENV)/.installed
	$(VENV)/bin/dispatch serve --demo

demo: $(VENV)/.installed
	$(VENV)/bin/dispatch demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) benchmarks/store.py
	$(PY) benchmarks/assign.py
	$(PY) benchmarks/simulate.py
	$(PY) benchmarks/api.py
	$(PY) benchmarks/console.py
