# The verbs a person types. `make help` lists them. `make reproduce` and `make test` each run
# `setup` first, so on a fresh machine either is the only command needed.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Data mode: auto (official files if present or fetchable, else the synthetic sample),
# official (insist on the official files) or sample (the shipped synthetic sample)
DATA ?= auto
export PYTHONHASHSEED := 0
# Python's default: a module is compiled once, at its first import, and its .pyc kept (in .venv and
# the git-ignored __pycache__ folders). Some environments (this machine's, probably CI's) set
# PYTHONDONTWRITEBYTECODE, which makes every process compile pandas, matplotlib and the rest again;
# the alternative, compiling all of site-packages at install (uv --compile-bytecode), took 15 to 28
# s of make setup for thousands of modules never imported. make setup imports the modules every
# run needs, once, in two processes (helpers.core.warmup, about 8 s), so that the first make
# reproduce does not compile them in several processes at once (benchmarks/RESULTS.md).
export PYTHONDONTWRITEBYTECODE :=

# pytest-xdist workers for the unit tests (auto: one per core). One more than the cores was tried
# on 2 cores: 234 -> 225 s in one A/B pair, but 236 -> 246 s on a clean clone, so not taken
# (benchmarks/RESULTS.md).
TEST_WORKERS ?= auto
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 600

.PHONY: help setup data sample processed reproduce profiles screenshots verify test unit notebooks refresh lint format lab bench lock clean distclean

help: ## list the verbs with what they do
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: DATA=auto|official|sample (default auto), DA_DATA_MIRROR=<folder or URL>,"
	@echo "             FORCE=1 (reproduce: re-execute everything), JOBS=N (notebooks at a time; default: cores),"
	@echo "             BENCH_ARGS=--real-size|--sequential (bench: also the reader on real-size replicas, one year and all 12 (about 20 minutes); one task at a time)"

setup: $(STAMP) ## create .venv if missing, install the pinned lock, register the Jupyter kernel

# The installer is uv (pinned here, installed from PyPI into the venv): it installs the same pinned
# lock as pip, in parallel: 130 s against pip's 492 s on a clean clone under the same load (58
# against 88 CPU s; benchmarks/RESULTS.md, "make test (2026-12-01, second session)"). Where uv
# cannot be installed, pip installs the lock as before.
# The venv is made without pip when uv installs it (the interpreter's own pip puts uv in it); to add
# a package by hand there, use `.venv/bin/uv pip install --python .venv/bin/python NAME`.
# No --compile-bytecode: uv leaves the .pyc files to Python, which writes each at its first
# import (PYTHONDONTWRITEBYTECODE is cleared above). Without either, every process (each xdist
# worker, notebook kernel and reproduce worker) compiled pandas, matplotlib and the rest from
# source again, which cost the unit tests 954 CPU s instead of 841 in a measured run.
# tests/test_environment.py checks that the installed versions are the lock's.
UV_VERSION := 0.13.9
INSTALL_LOCK := -r requirements.txt -c requirements-lock.txt

$(STAMP): requirements.txt requirements-lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	@test -x $(BIN)/uv || $(PYTHON) -m pip --python $(BIN)/python install --quiet uv==$(UV_VERSION) 2>/dev/null \
	  || echo "[setup] uv $(UV_VERSION) could not be installed: pip installs the lock instead (slower)"
	@if test -x $(BIN)/uv; then \
	  echo "[setup] uv $(UV_VERSION): installing requirements-lock.txt into $(VENV)"; \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python $(INSTALL_LOCK) -e .; \
	else \
	  $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade >/dev/null; \
	  echo "[setup] pip: installing requirements-lock.txt into $(VENV)"; \
	  $(BIN)/python -m pip install --quiet --upgrade pip; \
	  $(BIN)/python -m pip install --quiet $(INSTALL_LOCK); \
	  $(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (da-police)" >/dev/null
	@$(BIN)/python -m helpers.core.warmup
	@touch $(STAMP)

data: setup ## fetch and verify the official files into data/raw (uses DA_DATA_MIRROR if set)
	$(BIN)/python -m helpers.data.fetch fetch $(FETCH_ARGS)

sample: setup ## regenerate the synthetic sample in data/sample (not real data)
	$(BIN)/python -m helpers.data.sample

processed: setup ## the tidy stage: raw files -> validated -> data/processed/ (skipped when inputs are unchanged)
	$(BIN)/python -m helpers.data.tidy --data $(DATA)

reproduce: setup ## data + every notebook (side by side) + force pages -> reports/; reuses what did not change
	$(BIN)/python -m helpers.report.reproduce --data $(DATA) $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS))

profiles: setup ## a profile page for each of the 43 forces -> reports/profiles/
	$(BIN)/python -m helpers.report.profiles --data $(DATA)

screenshots: setup ## screenshots of the index, a force page and a funnel page -> reports/screenshots/ (headless Chromium)
	$(BIN)/python -m helpers.report.screenshots

verify: setup ## compare reports/figures/MANIFEST.csv of this run with the committed one
	$(BIN)/python -m helpers.figures.manifest verify

# The test runs put the data and report folders in a temporary directory (the checkout is left as
# it was). `make test` runs nbval over the notebooks (one after another: notebook 01 writes the
# processed data that 02-04 read) in the background, beside the unit tests spread over the cores
# with pytest-xdist, then prints the nbval report. (xdist's loadgroup, which could put the
# notebook cells on one worker, does not group them with pytest 9: its node ids are no longer
# rewritable.) The unit tests are spread with --dist worksteal: tests/conftest.py puts the longest
# at the front of each worker's share, and an idle worker takes queued tests from a busy one.
# One cache folder is shared by nbval's run and the unit tests that run the notebooks or the tidy
# stage on the sample (DA_TEST_SHARED_CACHE, tests/conftest.py): the readers' cache and the
# analysis memo are keyed by content and locked per entry, so each sample file is parsed and each
# measure computed once per run, not once per process.
TEST_DIRS = tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export DA_REPORTS_DIR=$$tmp/reports DA_PROCESSED_DIR=$$tmp/processed DA_CACHE_DIR=$$tmp/cache \
	  DA_TEST_SHARED_CACHE=$$tmp/shared-cache;

test: setup lint ## lint, then the unit tests and, beside them, nbval over every notebook (strict)
	@$(TEST_DIRS) unit=0; nb=0; \
	DA_REPORTS_DIR=$$tmp/nbval/reports DA_PROCESSED_DIR=$$tmp/nbval/processed DA_CACHE_DIR=$$tmp/shared-cache \
	  $(BIN)/python -m pytest -p no:cacheprovider $(NBVAL) notebooks >$$tmp/nbval.log 2>&1 & nbval=$$!; \
	echo "[test] nbval over the notebooks runs in the background; the unit tests:"; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=10 tests || unit=$$?; \
	wait $$nbval || nb=$$?; echo "[test] nbval over the notebooks:"; cat $$tmp/nbval.log; \
	echo "[test] unit tests exit $$unit, notebooks exit $$nb"; test $$unit -eq 0 && test $$nb -eq 0

unit: setup ## unit tests only (spread over the cores)
	$(TEST_DIRS) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=10 tests

notebooks: setup ## run every notebook with nbval, comparing outputs exactly
	$(BIN)/python -m pytest $(NBVAL) notebooks

refresh: setup ## re-execute the notebooks in place on the sample (commit their outputs after a code change)
	$(BIN)/ruff format notebooks
	$(BIN)/python -m helpers.report.reproduce --refresh-sources

lint: setup ## ruff lint and format check (src, tests, notebooks)
	$(BIN)/ruff check src tests notebooks benchmarks conftest.py
	$(BIN)/ruff format --check src tests notebooks benchmarks conftest.py

format: setup ## apply ruff formatting
	$(BIN)/ruff check --fix src tests notebooks benchmarks conftest.py
	$(BIN)/ruff format src tests notebooks benchmarks conftest.py

lab: setup ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: setup ## time reader, tidy stage, analysis, force pages, notebooks, reproduce cold and warm -> benchmarks/RESULTS.md (minutes)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

lock: ## rebuild requirements-lock.txt from requirements.txt in a scratch venv
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -r requirements.txt
	(echo "# Full pinned environment (pip freeze of a fresh install of requirements.txt, Python 3.11)."; \
	 echo "# Regenerate: make lock"; .lockvenv/bin/pip freeze --exclude-editable) > requirements-lock.txt
	rm -rf .lockvenv

clean: ## remove caches and generated outputs (keeps .venv, data/raw and the sample)
	rm -rf data/cache .pytest_cache .ruff_cache .hypothesis reports/notebooks reports/profiles reports/index.html reports/.reproduce-state.json reports/.staging
	find data/processed -mindepth 1 ! -name README.md -delete 2>/dev/null || true
	find reports/figures -mindepth 1 ! -name MANIFEST.csv -delete 2>/dev/null || true
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv
	rm -rf $(VENV)
