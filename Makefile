# One command runs the assistant (`make run`), one runs every test (`make test`).
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_DETERMINISTIC_OPS := 1
export PYTHONHASHSEED := 0
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
LANGUAGE_DATA := build/lemmas_nl.npz

# Rasa 3.6 needs Python 3.8-3.10. Take the first interpreter on PATH that really runs
# (a pyenv shim may exist but fail), then fall back to pyenv's own versions.
FIND_PYTHON := for p in python3.10 python3.9 python3.8 \
	  $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.{10,9,8}*/bin/python 2>/dev/null); do \
	  if "$$p" -c 'import sys; sys.exit(not ((3, 8) <= sys.version_info[:2] <= (3, 10)))' 2>/dev/null; then \
	    echo "$$p"; break; fi; done

.PHONY: help setup train run report leads purge eval bench soak test test-unit validate test-stories test-e2e clean lint format

help:
	@echo "make run    start the assistant (sets up and trains when needed)"
	@echo "make test   run all tests (setup included), lint first"
	@echo "make lint   ruff (lint and format check) and mypy on actions/ and bot/; make format fixes the format"
	@echo "make train  train only when data, config or domain changed"
	@echo "make leads  stored vacancy requests as CSV, with their delivery state (SINCE=2027-01-01 for a date range)"
	@echo "make purge  remove data older than its retention period (VAR_DIR=, DRY_RUN=1 to only show it)"
	@echo "make report questions the assistant could not answer, most frequent first"
	@echo "make bench  speed and memory: ours against stock Rasa, side by side"
	@echo "make soak   16 users for 30 minutes: errors, empty replies, memory growth (USERS=, MINUTES=)"
	@echo "make eval   NLU scores on the held-out questions, ours against Rasa's stock pipeline"
	@echo "make audit  pinned dependencies against a vulnerability database (pip-audit; docs/security.md)"

# The install leaves TensorFlow out: no component of config.yml runs it. constraints.txt is the
# pip freeze of a full install; the packages named in requirements-tensorflow.txt (TensorFlow,
# its add-ons and what only they need: ~2 GB, most of the install's time) are taken out of it
# and the rest is installed exactly as pinned, without resolving (--no-deps), since Rasa's
# metadata asks for TensorFlow. `pip check` therefore reports "rasa 3.6.21 requires tensorflow,
# which is not installed" (and the like for its add-ons): expected, and filtered out below;
# anything else it reports (a pin missing from constraints.txt) stops the setup.
# Rasa imports TensorFlow at module level all over: the .pth line written last makes every Python
# process of .venv (pytest, .venv/bin/rasa) get bot/runtime/tensorflow_stand_in.py's empty
# modules instead of an ImportError while TensorFlow is not installed.
LOCK := $(VENV)/requirements-lock.txt
TENSORFLOW_ONLY := awk 'NR == FNR { if ($$1 !~ /^\#/ && NF) { n = tolower($$1); gsub(/[-_.]+/, "-", n); tf[n] = 1 } next } \
	{ n = tolower($$1); sub(/==.*/, "", n); gsub(/[-_.]+/, "-", n); if (!(n in tf)) print }'
STAND_IN_PTH := import importlib.util as u, sys; s = u.spec_from_file_location("_venv_tensorflow_stand_in", \
	"$(CURDIR)/bot/runtime/tensorflow_stand_in.py"); m = sys.modules[s.name] = u.module_from_spec(s); \
	s.loader.exec_module(m); m.stand_in_when_absent()

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt requirements-tensorflow.txt
	@python="$$($(FIND_PYTHON))"; \
	if [ -z "$$python" ]; then \
	  echo "Geen Python 3.8-3.10 gevonden (Rasa 3.6 heeft dat nodig). Installeer bijvoorbeeld python3.10 en probeer opnieuw." >&2; \
	  exit 1; fi; \
	echo "[setup] virtuele omgeving met $$python"; \
	[ -x $(PY) ] || "$$python" -m venv $(VENV)
	@echo "[setup] pakketten installeren, zonder TensorFlow (de eerste keer een minuut of twee)..."
	@$(TENSORFLOW_ONLY) requirements-tensorflow.txt constraints.txt > $(LOCK)
	$(PY) -m pip install --disable-pip-version-check --progress-bar on --no-deps \
	  -r requirements.txt -r requirements-dev.txt -r $(LOCK)
	@$(PY) -m pip check --disable-pip-version-check | \
	  grep -v -i -E "requires ($$(grep -v -E '^\s*(#|$$)' requirements-tensorflow.txt | paste -sd'|')), which is not installed" \
	  | grep -v '^No broken requirements' | { ! grep . ; } || \
	  { echo "[setup] pip check: ontbrekende of verkeerde pakketten hierboven (staan ze in constraints.txt?)" >&2; exit 1; }
	@echo '$(STAND_IN_PTH)' > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tensorflow_stand_in.pth"
	@touch $@

# TensorFlow for what needs it: `make bench` and `make eval`, whose baseline is Rasa's stock
# pipeline (DIETClassifier, TEDPolicy, ...), and a config.yml naming such a component.
$(VENV)/.tensorflow: requirements-tensorflow.txt constraints.txt | $(VENV)/.installed
	@echo "[setup] TensorFlow installeren (~2 GB, enkele minuten): de vergelijking met stock Rasa" \
	  "traint Rasa's standaardpijplijn (DIETClassifier, TEDPolicy), en die draait op TensorFlow..."
	$(PY) -m pip install --disable-pip-version-check --progress-bar on --no-deps \
	  -r requirements-tensorflow.txt -c constraints.txt
	@touch $@

$(LANGUAGE_DATA): $(VENV)/.installed bot/tools/build_spacy.py bot/components/lemmas.py
	@echo "[setup] Nederlandse taaldata bouwen (spaCy-tokenizer + lemmatabel)..."
	$(PY) -m bot.tools.build_spacy

setup: $(VENV)/.installed $(LANGUAGE_DATA)

train: setup
	$(PY) -m bot train

run: setup
	$(PY) -m bot run

leads: setup
	@$(PY) -m bot leads $(if $(SINCE),--since $(SINCE))

# The running action server does this once a day too (bot/office/retention.py); one person's data:
# .venv/bin/python -m bot forget <e-mail or phone> [--dry-run] [--var-dir DIR]
purge: setup
	@$(PY) -m bot purge $(if $(VAR_DIR),--var-dir $(VAR_DIR)) $(if $(DRY_RUN),--dry-run)

report: setup
	@$(PY) -m bot report

# Ours against Rasa's stock NLU pipeline, whose DIETClassifier runs TensorFlow: installed for it.
eval: setup $(VENV)/.tensorflow
	$(PY) -m bot eval

# Not part of `make test` (a smoke run is): trains both configurations from clean. The stock one
# (DIETClassifier, TEDPolicy) runs TensorFlow: installed for it.
bench: setup $(VENV)/.tensorflow
	$(PY) -m bot bench --out var/bench.txt

# Not part of `make test` either (tests/e2e/test_load.py runs a 60-second version): the model
# of `make train` under 16 users for 30 minutes; fails on any error, empty or wrong reply, or
# memory growth of 10 % or more. The report also goes to var/soak.txt.
soak: train
	$(PY) -m bot soak --out var/soak.txt $(if $(USERS),--users $(USERS)) $(if $(MINUTES),--minutes $(MINUTES))

validate: setup
	$(PY) -m bot.runtime.rasa_cli $(RASA) data validate --fail-on-warnings

test-unit: setup
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/widget --ignore=tests/scale

test-stories: train
	$(PY) -m bot.runtime.rasa_cli $(RASA) test core --model models/role-advice.tar.gz --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out var/results/stories

test-e2e: train
	$(PY) -m pytest -q tests/e2e

test: lint validate test-unit test-stories test-e2e test-widget test-scale

# Style and types (settings in pyproject.toml): ruff's checks and its formatter, mypy on actions/ and bot/.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf models build var/results

# The chat widget and the admin page in a real browser: Debian's Chromium (installed when
# missing), Playwright, axe.
.PHONY: test-widget
test-widget: train
	@[ -x /usr/bin/chromium ] || { echo "[setup] Chromium installeren (Debian-pakket chromium)..."; \
	  apt-get update && apt-get install -y chromium; }
	$(PY) -m pytest -q tests/widget

# Scale-out: PostgreSQL + Redis (Debian packages, installed by the test when missing), two
# servers sharing them, one with SANIC_WORKERS=2 (tests/scale, endpoints.scale.yml).
.PHONY: test-scale
test-scale: train
	$(PY) -m pytest -q tests/scale

# Known vulnerabilities in the pinned dependencies (docs/security.md). pip-audit gets a virtual
# environment of its own: it needs packaging>=22 and CacheControl>=0.13, Rasa 3.6 pins both lower.
# Needs osv.dev or pypi.org's JSON API; fails with a clear message when neither answers.
AUDIT_VENV := build/audit-venv
.PHONY: audit
audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/python bot/tools/audit.py --pip-audit $(AUDIT_VENV)/bin/pip-audit

$(AUDIT_VENV)/.installed: | $(VENV)/.installed
	@echo "[audit] pip-audit installeren in $(AUDIT_VENV) (eigen omgeving, los van .venv)..."
	$(PY) -m venv --clear $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --disable-pip-version-check -q "pip-audit==2.10.1"
	@touch $@
