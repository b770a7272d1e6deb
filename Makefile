# Letopis: `make run` serves a demo region from the embedded store; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := var/letopis.sqlite
export LETOPIS_DATABASE_URL ?= sqlite:///$(DEMO_DB)

.PHONY: run test lint bench bench-scale demo clean

# Learners of the synthetic region the bulk-import benchmark generates and imports (about a
# minute at 300); docs/benchmarks.md publishes 1000 4000 10000 (`make bench-scale`).
BENCH_SCALE ?= 300

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo keeps its keys next to its store: a master key for learners' personal data and the
# key that signs audit checkpoints (docs/privacy.md, docs/audit.md). Never do this in production.
run: export LETOPIS_MASTER_KEY_FILE ?= var/keys/master.key
run: export LETOPIS_AUDIT_SIGNING_KEY ?= var/keys/letopis-audit.key
run: $(STAMP)
	@mkdir -p var/keys
	@test -f var/keys/master.key || $(BIN)/letopis personal-data generate-master-key --out var/keys/master.key
	@test -f var/keys/letopis-audit.key || $(BIN)/letopis keys generate --out var/keys
	$(BIN)/letopis db init
	$(BIN)/letopis demo generate --learners 200 --years 1 --seed 7
	$(BIN)/letopis projections run
	$(BIN)/letopis seal
	$(BIN)/letopis token demo --seed 7
	@echo "serving the API on http://127.0.0.1:8000 (OpenAPI: /docs); Ctrl-C stops"
	$(BIN)/letopis serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.append --events 6000 --writers 1 4 --repeat 3
	$(BIN)/python -m bench.projections --events 1000000 --library-events 20000 --keep
	$(BIN)/python -m bench.decode --schema bench_proj --events 100000 --drop
	$(BIN)/python -m bench.aggregate_load --years 5 --repeat 30
	$(BIN)/python -m bench.claims --contracts 130000 --per-claim 500 --claims-per-tx 4
	$(BIN)/python -m bench.live_lag --rate 1000 --seconds 20
	$(BIN)/python -m bench.allocation --applications 20000 --kindergartens 120 --repeat 3
	$(BIN)/python -m bench.personal_data --learners 300
	$(BIN)/python -m bench.reconcile --lines 1000000 --claims 1000000
	$(BIN)/python -m bench.verify --events 1000000 --append-events 4000 --writers 4 --repeat 3
	$(BIN)/python -m bench.export --events 1000000
	$(BIN)/python -m bench.api --learners 100000 --rate 200 --seconds 20
	$(BIN)/python -m bench.feed --events 200000 --rounds 3
	$(BIN)/python -m bench.bulk_import --learners $(BENCH_SCALE)

bench-scale: $(STAMP)
	$(BIN)/python -m bench.bulk_import --learners 1000 4000 10000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
