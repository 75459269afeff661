# funnelhouse — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Which events to build on: generated (default), retailrocket or rees46.
DATA ?= generated
SHARED_DATA ?= ../shared/data
ifeq ($(DATA),generated)
  EVENTS_PATH ?= data/events.parquet
  EVENTS_FORMAT ?= canonical
  DUCKDB_PATH ?= warehouse.duckdb
else ifeq ($(DATA),retailrocket)
  EVENTS_PATH ?= $(SHARED_DATA)/retailrocket/events_sample.csv
  EVENTS_FORMAT ?= retailrocket
  DUCKDB_PATH ?= warehouse_retailrocket.duckdb
else ifeq ($(DATA),rees46)
  EVENTS_PATH ?= $(SHARED_DATA)/rees46/events_2019oct_head.csv
  EVENTS_FORMAT ?= rees46
  DUCKDB_PATH ?= warehouse_rees46.duckdb
else
  $(error DATA must be generated, retailrocket or rees46 (got '$(DATA)'))
endif
export EVENTS_PATH EVENTS_FORMAT DUCKDB_PATH
# The assignment log of logged experiments (see README, Experiments) is ASSIGNMENTS_PATH, else
# the events file's stem + .assignments.parquet; a missing one means no logged experiments.

DBT := $(BIN)/dbt
DBT_FLAGS := --profiles-dir . --project-dir .
# Every build goes through the refresh: dbt build into a private file, published atomically.
REFRESH := $(BIN)/python scripts/refresh.py
SQL_PATHS := models tests/dbt analyses
# Reports are named after the warehouse they describe (warehouse.duckdb -> reports/report-warehouse.html).
REPORT_NAME := $(subst /,_,$(basename $(DUCKDB_PATH)))

# A small generated dataset and a throwaway warehouse for `make test`.
TEST_DIR := build/test
TEST_EVENTS := $(TEST_DIR)/events.parquet
TEST_ASSIGNMENTS := $(TEST_DIR)/events.assignments.parquet
TEST_DB := $(TEST_DIR)/warehouse.duckdb
TEST_GENERATOR_ARGS := --users 3000 --days 60 --seed 7

.PHONY: help setup data build run analyze sql test lint dbt-test pytest score evaluate bench bench-incremental bench-scale validate report-check clean

help:
	@echo "make run       set up, generate the default data if missing, dbt build, analyse"
	@echo "make test      set up, ruff, dbt build on a small dataset (all tests), sqlfluff, pytest"
	@echo "make sql       an interactive read-only SQL shell (DuckDB CLI) on the warehouse"
	@echo "make bench     benchmark sessionization and the refresh on 10 million events (slow)"
	@echo "make bench-incremental  one new day's incremental refresh vs a full build, 10 M events (slow)"
	@echo "make bench-scale        100 M events as daily files: peak memory, time vs 10 M (very slow)"
	@echo "make validate  simulation checks of the statistics, and the generator's truth (slow)"
	@echo "make report-check  render the HTML report in headless chromium; fail if blank"
	@echo "make dashboard  the KPI dashboard of the warehouse: reports/dashboard-<warehouse>.html"
	@echo "make build-spark  dbt build on Apache Spark (local session) into build/spark/<DATA>"
	@echo "make test-spark   build the test data and real samples on Spark and DuckDB, compare marts"
	@echo "make score    dbt-score of the project (dev-only dependency); fails below 9.5"
	@echo "make evaluate  dbt-project-evaluator in a throwaway copy; fails on findings outside checks/"
	@echo "options: DATA=generated|retailrocket|rees46  DUCKDB_PATH=...  EVENTS_PATH=...  FULL_REFRESH=1"

# --- set-up: a project-local virtualenv with the pinned dependencies -----------------------
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(BIN)/.installed

# Spark (README "Running on Spark"): dbt-spark and pyspark on top, and Java 17.
$(BIN)/.installed-spark: requirements-spark.txt $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	touch $@

.PHONY: setup-spark build-spark test-spark
setup-spark: $(BIN)/.installed-spark
	@command -v java >/dev/null 2>&1 || { echo "error: Spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless)" >&2; exit 1; }

# Development-only tools (dbt-score), not part of the runtime requirements.
$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# --- data ----------------------------------------------------------------------------------
data/events.parquet data/events.assignments.parquet &: | setup
	$(BIN)/python scripts/generate_events.py --out data/events.parquet

# Only the default generated file is made here; any other EVENTS_PATH (a file or a folder of
# daily files) must exist.
data: | setup
ifeq ($(EVENTS_PATH),data/events.parquet)
	@$(MAKE) --no-print-directory data/events.parquet
else
	@test -e "$(EVENTS_PATH)" || { echo "error: events file $(EVENTS_PATH) not found$(if $(filter-out generated,$(DATA)), (is $(SHARED_DATA) there?))" >&2; exit 1; }
endif

# --- warehouse: built privately, published atomically, skipped when up to date -------------
# The refresh rebuilds when the events or assignment file (path or sha256), the format, the
# project files or the dbt arguments differ from what the published warehouse was built from.
# When only new files arrived in an EVENTS_PATH folder it refreshes incrementally, from a copy
# of the published warehouse (docs/incremental.md); FULL_REFRESH=1 rebuilds from all files.
build: | setup data
	$(REFRESH) --if-changed $(if $(FULL_REFRESH),--full-refresh)

run: build
	@if [ -f scripts/analyze.py ]; then $(MAKE) --no-print-directory analyze; fi
	@$(MAKE) --no-print-directory dashboard
	@echo "warehouse: $(DUCKDB_PATH)   (try: make sql DUCKDB_PATH=$(DUCKDB_PATH))"

analyze: build
	$(BIN)/python scripts/analyze.py --db $(DUCKDB_PATH) --all --json reports/analysis-$(REPORT_NAME).json --html reports/report-$(REPORT_NAME).html

# An interactive SQL shell on the published warehouse, read-only (a refresh never blocks it).
sql: setup
	@test -f "$(DUCKDB_PATH)" || { echo "error: $(DUCKDB_PATH) not found: run make run first" >&2; exit 1; }
	$(BIN)/duckdb -readonly $(DUCKDB_PATH)

# The KPI dashboard (business marts), named after the warehouse file.
.PHONY: dashboard
dashboard: build
	$(BIN)/python scripts/dashboard.py --db $(DUCKDB_PATH) --out reports/dashboard-$(REPORT_NAME).html

# The Spark warehouse of DATA: Parquet tables under build/spark/<DATA>/<schema>.db/.
SPARK_WAREHOUSE_DIR ?= $(abspath build/spark/$(DATA))
export SPARK_WAREHOUSE_DIR

# dbt build on Spark; incremental models rebuild (docs/spark.md). No refresh/publish step:
# Spark writes its tables in place.
build-spark: setup-spark data
	$(DBT) build $(DBT_FLAGS) --full-refresh --target spark --target-path build/spark/target-$(DATA) --log-path build/spark/logs-$(DATA)
	@echo "spark warehouse: $(SPARK_WAREHOUSE_DIR)   (try: $(BIN)/python scripts/analyze.py --spark-dir $(SPARK_WAREHOUSE_DIR))"

# --- tests ---------------------------------------------------------------------------------
test: setup lint-python score dbt-test lint-sql pytest

lint-python: setup
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

$(TEST_EVENTS) $(TEST_ASSIGNMENTS) &: | setup
	@mkdir -p $(TEST_DIR)
	$(BIN)/python scripts/generate_events.py $(TEST_GENERATOR_ARGS) --out $(TEST_EVENTS) --quiet

dbt-test: $(TEST_EVENTS) $(TEST_ASSIGNMENTS)
	EVENTS_PATH=$(TEST_EVENTS) EVENTS_FORMAT=canonical ASSIGNMENTS_PATH= DUCKDB_PATH=$(TEST_DB) $(REFRESH)

# sqlfluff's dbt templater compiles against the test warehouse, so it runs after dbt-test.
# The events path as the refresh recorded it (absolute), or the loaded-files check would stop.
lint-sql: setup
	EVENTS_PATH=$(abspath $(TEST_EVENTS)) EVENTS_FORMAT=canonical ASSIGNMENTS_PATH= DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint $(SQL_PATHS) --processes 2

pytest: setup
	FUNNELHOUSE_TEST_DB=$(TEST_DB) FUNNELHOUSE_TEST_EVENTS=$(TEST_EVENTS) $(BIN)/python -m pytest -q

# Both engines on the small generated data and the real samples (../shared/data), every mart
# compared; then the Spark-only tests. The last line is the comparison's verdict.
ENGINES_DIR := build/engines
test-spark: setup-spark
	@mkdir -p $(ENGINES_DIR)
	set -o pipefail; $(BIN)/python scripts/compare_engines.py --workdir $(ENGINES_DIR) --summary-json $(ENGINES_DIR)/summary.json | tee $(ENGINES_DIR)/compare.log
	FUNNELHOUSE_ENGINES_DIR=$(ENGINES_DIR) $(BIN)/python -m pytest -q tests/spark
	@tail -n 1 $(ENGINES_DIR)/compare.log
# dbt-score's default rules over the parsed project (models, seeds, macros); fails below 9.5.
score: $(BIN)/.installed-dev
	$(DBT) parse $(DBT_FLAGS) --quiet
	$(BIN)/dbt-score lint --manifest target/manifest.json --fail-project-under 9.5 --show failing-items

# --- slow checks, not part of make test ----------------------------------------------------
# dbt-project-evaluator on a throwaway copy (local packages from ../shared/dbt_packages).
evaluate: setup
	env -u DUCKDB_PATH $(BIN)/python scripts/evaluate_project.py

bench: setup
	$(BIN)/python scripts/benchmark.py

bench-incremental: setup
	$(BIN)/python scripts/benchmark_incremental.py

bench-scale: setup
	$(BIN)/python scripts/benchmark_scale.py

validate: setup
	$(BIN)/python scripts/validate_stats.py
	$(BIN)/python scripts/validate_truth.py --db $(DUCKDB_PATH) --truth $(basename $(EVENTS_PATH)).truth.json

# The report of $(DUCKDB_PATH) (or of a synthetic warehouse when it has no experiment marts),
# rendered by headless chromium into build/report-check/report.png.
report-check: setup
	$(BIN)/python scripts/report_check.py --db $(DUCKDB_PATH) --out build/report-check

clean:
	rm -rf build target logs .make reports $(dir $(DUCKDB_PATH)).$(notdir $(DUCKDB_PATH)).refresh
