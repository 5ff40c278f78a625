# Boardkeeper: `make demo` and `make test` are the README's quick start.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench score

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# GOV.UK Frontend and htmx from the npm registry, copied where Django serves static files (not committed)
VENDOR := boardkeeper/static/vendor
# (with the source maps the minified files name: `serve` collects them with hashed names, and checks them)
GOVUK := node_modules/govuk-frontend/dist/govuk
$(VENDOR)/.copied: package.json Makefile
	npm install --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.css.map $(GOVUK)/govuk-frontend.min.js $(GOVUK)/govuk-frontend.min.js.map node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	touch $@

setup: $(VENV)/.installed $(VENDOR)/.copied

# The demo: SQLite in ./data, the sample minutes imported, sign-ins printed, served on 127.0.0.1:8000
demo: setup
	$(VENV)/bin/boardkeeper migrate --verbosity 0
	$(VENV)/bin/boardkeeper demo
	$(VENV)/bin/boardkeeper remind  # today's reminders, printed on the console (no EMAIL_URL in the demo)
	$(VENV)/bin/boardkeeper serve --host 127.0.0.1 --port 8000 --workers 2

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The whole suite on SQLite, then the web tests again on PostgreSQL (DATABASE_URL overrides the default)
PG_URL ?= postgres://root@127.0.0.1:5432/test
test: lint
	$(PY) -m pytest
	DATABASE_URL=$(PG_URL) $(PY) -m pytest tests/web -m "not browser"

bench: setup
	$(PY) bench/extract.py
	$(PY) bench/action_log.py
	$(PY) bench/reviews.py

# Scores the extractor on the shared development corpora (../shared/corpus and corpus2, a sibling folder,
# not part of this repository) and on our own minutes in tests/fixtures (synthetic, heldout, blind).
score: setup
	-python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" ../shared/corpus
	-python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" ../shared/corpus2
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/synthetic
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/heldout
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/blind
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/office
	python3 ../shared/tools/score_extraction.py --cmd "$(VENV)/bin/boardkeeper extract --json" tests/fixtures/fresh
