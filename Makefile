# The course's two commands (see README.md):
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (what CI runs)
# Both create .venv from requirements.txt on first use, and again whenever
# requirements.txt or pyproject.toml change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# JupyterLab refuses to start as root (the usual user in a container) unless
# it is told --allow-root. Token authentication always stays on.
USER_ID   ?= $(shell id -u)
ROOT_FLAG := $(if $(filter 0,$(USER_ID)),--allow-root)

# JupyterLab serves the whole course folder (so notebooks/, solutions/ and
# data/ are all in its file browser) and opens the first lesson.
START_URL := /lab/tree/notebooks/00_start_here.ipynb

# The course runs offline: JupyterLab does not fetch its news feed or check
# for updates (tools/jupyterlab/lstm-course.json, installed into .venv, also
# stops it asking about them).
OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

# Extra arguments, e.g.  make lab LAB_ARGS="--ip=0.0.0.0 --no-browser"
#                        make test PYTEST_ARGS="tests/test_lstm_numpy.py"
LAB_ARGS    ?=
PYTEST_ARGS ?=

.PHONY: help setup lab test benchmark exercises clean-notebooks

help:
	@echo "make lab              set up .venv and open the course in JupyterLab"
	@echo "make test             set up .venv and run every test (unit, doctest, notebooks)"
	@echo "make benchmark        time every notebook in a fresh kernel (writes tools/benchmark-results/)"
	@echo "make exercises        generate the exercise notebooks in notebooks/ from solutions/"
	@echo "make clean-notebooks  strip outputs from notebooks before committing"

$(STAMP): requirements.txt pyproject.toml tools/jupyterlab/lstm-course.json
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "The course needs Python 3.10 to 3.13 (3.11 recommended); $(PYTHON) is %d.%d. Run: make PYTHON=/path/to/python3.11 ..." % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	mkdir -p $(VENV)/share/jupyter/lab/settings/overrides.d
	cp tools/jupyterlab/lstm-course.json $(VENV)/share/jupyter/lab/settings/overrides.d/
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --LabApp.default_url=$(START_URL) $(OFFLINE) $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark exits 1 when a notebook fails or exceeds its budget; the
# course map is rewritten from whatever was measured either way.
benchmark: $(STAMP)
	$(BIN)/python tools/benchmark.py; status=$$?; $(BIN)/python tools/course_map.py; exit $$status

# The solved notebooks in solutions/ are the single source of the exercises;
# tests/test_exercise_notebooks.py fails when notebooks/ is not regenerated.
exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

# nbstripout renumbers cell ids, so the exercise notebooks are generated again
# from the stripped solved notebooks (their drift test compares ids too).
clean-notebooks: $(STAMP)
	$(BIN)/nbstripout notebooks/*.ipynb $(wildcard solutions/*.ipynb)
	$(BIN)/python tools/make_exercises.py
