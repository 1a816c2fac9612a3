# One command per task. Each installs what it needs into .venv first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run migrate test lint format schema bench bench-pouchdb bench-pwa bench-load screens deploy-smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/between serve

migrate: install
	$(BIN)/between migrate

test: install
	$(BIN)/python -m pytest

# Biome (pwa/) comes from npm into ~/.cache on first use (tools/biome.py); pyright
# fetches its Node.js build from the npm registry on first use (into ~/.cache).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m tools.biome check
	$(BIN)/pyright --pythonpath $(BIN)/python

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/python -m tools.biome format

schema: install
	$(BIN)/between schema

# Sync benchmarks on SQLite; add PostgreSQL with BENCH_POSTGRES=postgres://user@host:5432/db.
# First inside the app (sync_bench), then over real HTTP against `between serve` from a
# client in another process (http_bench), then the server's memory for each open
# subscription over a real port (socket_bench); each row beside its floors. docs/sync.md.
bench: install
	$(BIN)/python bench/sync_bench.py $(BENCH_POSTGRES)
	$(BIN)/python bench/http_bench.py $(BENCH_POSTGRES)
	$(BIN)/python bench/socket_bench.py $(BENCH_POSTGRES)

# The same operations with PouchDB (express-pouchdb on LevelDB), for comparison; the npm
# packages go into ~/.cache/between-bench, never into the repository. Not part of CI.
POUCHDB_CACHE ?= $(HOME)/.cache/between-bench
bench-pouchdb:
	mkdir -p $(POUCHDB_CACHE)
	npm install --prefix $(POUCHDB_CACHE) --no-audit --no-fund --silent \
		pouchdb@9 express@4 express-pouchdb@4 pouchdb-adapter-memory@9
	NODE_PATH=$(POUCHDB_CACHE)/node_modules node bench/pouchdb_bench.mjs

# PWA budgets in the system Chromium: shell size, cold offline open, typing; then
# Lighthouse (mobile) on the main screens
bench-pwa: install
	$(BIN)/python bench/pwa_bench.py
	$(BIN)/python bench/lighthouse.py

# Simulated devices with live subscriptions through Caddy against 1 and 3 replicas on
# PostgreSQL (the smoke test's topology; SMOKE_POSTGRES as there); figures in docs/deploy.md
bench-load: install
	$(BIN)/python bench/load_bench.py

# Every screen at 320x640 and 390x844, light and dark, as PNG files in screens/
screens: install
	$(BIN)/python -m tests.e2e.screens screens

# The production topology on loopback (PostgreSQL, 3 replicas, Caddy), checked through
# Caddy: needs caddy and PostgreSQL (SMOKE_POSTGRES, see deploy/smoke.py).
deploy-smoke: install
	$(BIN)/python deploy/smoke.py
