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

# tests/test_browser.py opens the course in a real browser: Debian's Chromium,
# driven by the pinned `playwright` package (Playwright's own browser download is
# never used: it cannot work offline). `make test` installs the `chromium` package
# when it is missing and make runs as root or has passwordless sudo; when that is
# impossible or fails, the browser test is skipped and says why.
CHROMIUM ?= /usr/bin/chromium

# Extra arguments, e.g.  make lab LAB_ARGS="--ip=0.0.0.0 --no-browser"
#                        make test PYTEST_ARGS="tests/test_lstm_numpy.py"
#                        make slides SLIDES_ARGS="--no-execute notebooks/12_keras_lstm_layer.ipynb"
#                        make book BOOK_ARGS="notebooks/00_start_here.ipynb notebooks/11_lstm_cell_from_equations.ipynb"
LAB_ARGS    ?=
PYTEST_ARGS ?=
SLIDES_ARGS ?=
BOOK_ARGS   ?=

.PHONY: help setup chromium lab test benchmark exercises clean-notebooks slides book

help:
	@echo "make lab              set up .venv and open the course in JupyterLab"
	@echo "make test             set up .venv and run every test (unit, doctest, notebooks, browser)"
	@echo "make benchmark        time every notebook in a fresh kernel (writes tools/benchmark-results/)"
	@echo "make exercises        generate the exercise notebooks in notebooks/ from solutions/"
	@echo "make clean-notebooks  strip outputs from notebooks before committing"
	@echo "make slides           build reveal.js slides of every lesson into tools/build/slides/ (work offline)"
	@echo "make book             build the course as an HTML book with every output into tools/build/book/ (reads offline)"

$(STAMP): requirements.txt pyproject.toml tools/jupyterlab/lstm-course.json
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "The course needs Python 3.11 to 3.13 (3.11 recommended); $(PYTHON) is %d.%d. Run: make PYTHON=/path/to/python3.11 ..." % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	mkdir -p $(VENV)/share/jupyter/lab/settings/overrides.d
	cp tools/jupyterlab/lstm-course.json $(VENV)/share/jupyter/lab/settings/overrides.d/
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --LabApp.default_url=$(START_URL) $(OFFLINE) $(ROOT_FLAG) $(LAB_ARGS)

# Never fails: without Chromium the browser test skips, and says why.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$(USER_ID)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "No $(CHROMIUM), and no root to install it: tests/test_browser.py will be skipped (install it with: sudo apt-get install chromium)"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "No $(CHROMIUM) and no apt-get: tests/test_browser.py will be skipped"; exit 0; fi; \
	echo "Installing Debian's chromium for tests/test_browser.py"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
	|| echo "Could not install chromium: tests/test_browser.py will be skipped"

test: $(STAMP) chromium
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

# reveal.js slides of every lesson, executed in a fresh kernel, into tools/build/slides/
# (gitignored). reveal.js, MathJax and the other files the slides load are fetched
# once from the npm registry (pinned, SHA-512 checked, cached in tools/build/npm/),
# so the slides present with no network; see tools/build_slides.py.
slides: $(STAMP)
	$(BIN)/python tools/build_slides.py $(SLIDES_ARGS)

# The course as a static HTML book (every notebook and solution with its outputs, the
# instructor guide, the data sources, search, each notebook's slides) into
# tools/build/book/ (gitignored), configured in tools/book/conf.py. Notebooks run in fresh
# kernels only when their code changed since the last build (tools/build/book-cache/,
# one cache per requirements.txt); MathJax comes from the npm registry once, pinned and
# SHA-512 checked, so the book reads with no network; see tools/build_book.py.
book: $(STAMP)
	$(BIN)/python tools/build_book.py $(BOOK_ARGS)
