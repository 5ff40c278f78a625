# Boardkeeper: `make demo` and `make test` are the README's quick start.
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := tests/fixtures/warwickshire-executive-board-2022-02-23.docx

.PHONY: setup demo test lint bench score

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/boardkeeper extract $(SAMPLE)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: setup
	$(PY) bench/extract.py

# Scores the extractor on the shared development corpus (a sibling folder, not part of this repository)
# and on our own synthetic minutes in other layouts (tests/fixtures/synthetic, with gold annotations).
score: setup
	-python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" ../shared/corpus
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/synthetic
