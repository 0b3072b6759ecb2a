# pxanalysis — the two commands a newcomer needs: `make brief` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONHASHSEED := 0
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: setup test lint format unit faults nbval notebooks brief bench score lab clean ledger track-record track-record-fresh

setup:  ## install Debian packages, .venv and the locked dependencies (idempotent)
	bash scripts/setup.sh

lint: setup  ## ruff, and import-linter's layer and no-cycle contracts (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

unit: setup
	$(PY) -m pytest tests -m "not faults"

faults: setup  ## fault injection: killed kernel/chromium, fonts, bad input; prints a table
	$(PY) -m pytest tests -m faults

nbval: setup
	$(PY) -m pytest $(NBVAL) $(NOTEBOOKS)

test: setup  ## ruff, import contracts, the unit tests, nbval on the notebooks, the fault suite
	$(MAKE) --no-print-directory lint unit nbval faults

notebooks: setup  ## re-execute the committed notebooks after a library change
	$(PY) scripts/execute_notebooks.py $(NOTEBOOKS)

brief: setup  ## render every scenario's PDF brief into reports/, and the worked example's
	$(VENV)/bin/pxanalysis brief --scenario all
	$(VENV)/bin/pxanalysis brief --region yichun --year 2023

bench: setup  ## measure the engine, the briefs and the explorer (bench/results.json); score extract; the whole track record; the 31 provinces
	$(PY) benchmarks/run.py
	$(PY) benchmarks/score_extract.py
	$(PY) benchmarks/scale.py

ledger: setup  ## rebuild data/ledger/ledger.csv from the annotators' readings (data/ledger/raw/)
	$(PY) scripts/build_ledger.py

track-record: setup  ## replay the whole ledger, calibrate on years <= 2019, score later years (data/ledger/track_record/)
	$(VENV)/bin/pxanalysis track-record --jobs 2 --out data/ledger/track_record

track-record-fresh: setup  ## score the committed calibration once, unchanged, on ledger rows added since its run (track_record/fresh/)
	$(VENV)/bin/pxanalysis track-record --frozen --jobs 2 --out data/ledger/track_record/fresh

score: setup  ## score `pxanalysis extract` on the Pingxiang gold and the held-out reports
	$(PY) benchmarks/score_extract.py

# Jupyter refuses to start as root without --allow-root; it is passed only when the
# effective uid is 0 (the README installs as root), never to an ordinary user.
EFFECTIVE_UID := $(shell id -u)
LAB_ROOT_FLAG := $(if $(filter 0,$(EFFECTIVE_UID)),--allow-root,)

lab: setup  ## JupyterLab on the scenario explorer (--allow-root when run as root)
	PYTHONHASHSEED=0 $(VENV)/bin/jupyter lab $(LAB_ROOT_FLAG) --ServerApp.root_dir=$(CURDIR) notebooks/explore.ipynb

clean:
	rm -rf .pytest_cache .ruff_cache bench/results.json
