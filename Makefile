# Letopis: `make run` serves a demo region from the embedded store; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := var/letopis.sqlite
export LETOPIS_DATABASE_URL ?= sqlite:///$(DEMO_DB)

.PHONY: run test lint bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/letopis db init
	$(BIN)/letopis demo generate --learners 200 --years 1 --seed 7
	$(BIN)/letopis projections run
	$(BIN)/letopis demo show --seed 7 --learner 0
	@echo "(the HTTP API arrives with its issue; until then make run prints a learner's history)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.append --events 6000 --writers 1 4 --repeat 3
	$(BIN)/python -m bench.projections --events 1000000 --library-events 20000
	$(BIN)/python -m bench.claims --contracts 50000 --per-claim 500 --claims-per-tx 4
	$(BIN)/python -m bench.live_lag --rate 1000 --seconds 20
	$(BIN)/python -m bench.bulk_import --events 200000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
