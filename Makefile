# make run   - set everything up and open the console on the embedded SQLite default
# make test  - set everything up and run the whole test suite
# make demo  - a demo register of 5,000 synthetic customers in demo.db, opened in the console
# make bench - the benchmarks (python -m bench) at their default sizes
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: run test demo lint bench setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "finconsole needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[postgres,dev]'
	@touch $(STAMP)

config.toml: | $(STAMP)
	$(BIN)/finconsole init

run: $(STAMP) config.toml
	$(BIN)/finconsole migrate
	$(BIN)/finconsole

test: lint
	$(BIN)/python -m pytest -q -n auto

demo.toml: | $(STAMP)
	$(BIN)/finconsole --config demo.toml init --db sqlite:///demo.db

demo: $(STAMP) demo.toml
	$(BIN)/finconsole --config demo.toml migrate
	@if $(BIN)/finconsole --config demo.toml find "" --limit 1 --json | grep -q '"id"'; then \
		echo "demo.db already has customers: opening it"; \
		if [ -f demo-officer.txt ]; then cat demo-officer.txt; fi; \
	else \
		$(BIN)/finconsole --config demo.toml demo --customers 5000 --officer-file demo-officer.txt; \
	fi
	@if [ -t 0 ]; then printf "Press Enter to open the console (log in as the demo officer)... "; read _; fi
	$(BIN)/finconsole --config demo.toml

# ruff, the layering contracts (pyproject [tool.importlinter]) and types; make test runs it first
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy finconsole

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench/out
