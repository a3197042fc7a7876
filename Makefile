# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= demo/support-summaries
EXAMPLE ?= support-summaries
# `make demo SERVE=no` skips serving the stakeholder page at the end.
SERVE  ?= yes

.PHONY: demo test install lint typecheck bench clean notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Editable install with the test extra; redone when pyproject.toml, a phase template or the
# prebuilt panel changes (the editable install copies the templates to JupyterLab's template
# folder, and the panel to its extensions folder, only at install).
$(VENV)/.installed: pyproject.toml $(wildcard templates/notebooks/*.ipynb) \
    $(wildcard aipo_widgets/labextension/static/*) | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf $(DEMO)
	$(BIN)/aipo init $(DEMO) --example $(EXAMPLE)
	$(BIN)/aipo validate $(DEMO)
	$(BIN)/aipo run $(DEMO) --jobs 2
	$(BIN)/aipo docs $(DEMO) --format html
	$(BIN)/aipo report $(DEMO) --html $(DEMO)/reports/status.html
	@echo
	@echo "Your example workspace is $(DEMO). The 90 days ran end to end:"
	@echo "  reports (offline HTML, open in any browser): $(DEMO)/reports/latest/"
	@echo "  documents with their gaps:                   $(DEMO)/reports/docs/"
	@echo "  the stakeholder page as one offline file:    $(DEMO)/reports/status.html"
	@echo "  gates of the run:                            $(BIN)/aipo status $(DEMO)"
	@echo "  work on it in JupyterLab:                    $(BIN)/jupyter lab $(DEMO)"
	@echo
	@if [ "$(SERVE)" = "yes" ]; then \
	  echo "Now serving the stakeholder page (read-only); open the URL below, Ctrl-C to stop."; \
	  $(BIN)/aipo serve $(DEMO); \
	fi

# The widgets' front-end code (aipo_widgets/widgets/static/*.js) is plain JavaScript with JSDoc
# types that TypeScript checks (tsconfig.json); nothing is built. node_modules is installed from
# package-lock.json only when it is missing or the lock file (or package.json) changed.
NODE_MISSING = { echo "Node.js and npm are missing: the widgets' JavaScript cannot be type-checked." >&2; \
  echo "Install them with: sudo apt-get install -y nodejs npm" >&2; exit 1; }

node_modules/.package-lock.json: package-lock.json package.json
	@command -v npm >/dev/null 2>&1 || $(NODE_MISSING)
	npm ci --no-audit --no-fund
	@touch $@

typecheck: node_modules/.package-lock.json
	@command -v npx >/dev/null 2>&1 || $(NODE_MISSING)
	npx --no -- tsc -p tsconfig.json

# pytest exit 5 means no test ran: that must fail, not pass silently; it lists the 25 slowest
# tests, to keep the suite within its 15 minutes. mypy reads its
# configuration (the whole package, the lower layers strict) from pyproject.toml.
test: install typecheck
	@bash .ci/ensure-chromium.sh
	@bash .ci/ensure-postgres.sh
	@bash .ci/ensure-java.sh
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest --durations=25 --doctest-modules aipo_widgets tests; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check .

# The phase notebooks are built from their sources (templates/notebooks/src/*.py, jupytext percent
# format); commit the sources and what this writes.
notebooks: install
	$(BIN)/python tools/build_notebooks.py

bench: install
	$(BIN)/python -m pip install -q -e '.[bench]'
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) demo dist build .pytest_cache node_modules
