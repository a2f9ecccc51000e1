"""Sphinx configuration of the course's book: the one place where the book is configured.

Build the book with ``make book`` (or ``python tools/build_book.py``, which can build a
few notebooks only); tools/build_book.py writes the book's front pages and runs Sphinx
with this file. What is set here, and why:

- MyST-NB reads the notebooks of ``notebooks/`` and ``solutions/`` (copied into the work
  folder's ``src/`` by tools/build_book.py, with the front page and the instructor guide)
  and takes their outputs from jupyter-cache (``nb_execution_mode = "cache"``).
  tools/build_book.py has already run every notebook missing from the cache in a fresh
  kernel, in the notebook's own folder, as the tests run them; the cache matches a
  notebook by its code cells, and its folder is named after the hash of requirements.txt
  (``build_book.cache_dir``), so a change of the pinned packages starts a fresh cache and
  every notebook runs again. Were one still missing, MyST-NB would run it here, and a
  failing cell fails the build (``nb_execution_raise_on_error``), with its traceback.
- Progress lines show their final state and figures keep their alt text (course_book.py
  beside this file); a figure without alt text is a warning, and tools/build_book.py
  treats every Sphinx warning as an error (after writing every page).
- The theme is sphinx-book-theme; navigation follows the course's parts (the front page's
  toctrees, one per part, written by tools/build_book.py); Sphinx's own search index
  gives full-text search with no server.
- Nothing is loaded from outside the built folder: MathJax 3 is a pinned npm copy served
  from ``_static/mathjax/`` (tools/build_book.py fetches it and checks its SHA-512), the
  theme's fonts and icons are its own files, and no launch, repository or analytics
  buttons are configured.
"""

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # course_book.py, and tools/ for build_book.py

import build_book  # noqa: E402

project = "LSTM networks, from the equations up"
html_title = project
author = "The LSTM course authors"
copyright = "2026, The LSTM course authors (MIT License)"

extensions = ["myst_nb", "course_book"]

root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints", "**/.*"]

# --- Notebooks: execution in fresh kernels, with a cache -------------------------------
nb_execution_mode = "cache"
nb_execution_cache_path = str(build_book.cache_dir(build_book.DEFAULT_CACHE))
nb_execution_timeout = build_book.DEFAULT_TIMEOUT_S  # per cell, like the tests' --nbval-cell-timeout
nb_execution_in_temp = False  # in the notebook's own folder, like JupyterLab and the tests
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True  # calls course_book.collapse_progress: progress lines in their final state

# --- Markdown: the notebooks write maths with $...$ and $$...$$ -------------------------
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True
myst_heading_anchors = 3  # links to a lesson's sections (#setup) resolve

# --- Maths: a local MathJax 3, never a CDN ----------------------------------------------
html_static_path = [str(build_book.static_dir(build_book.DEFAULT_WORK))]
mathjax_path = f"{build_book.MATHJAX_FOLDER}/tex-mml-chtml.js"  # relative to _static/

# --- HTML -------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": True,  # the page's source: the notebook without outputs
    "use_fullscreen_button": True,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_source_button": False,
    "launch_buttons": {},
}
html_copy_source = True
html_sourcelink_suffix = ""  # _sources/notebooks/11_....ipynb is the notebook itself, ready to run
html_last_updated_fmt = None
html_search_language = "en"
html_show_sphinx = False
course_book_slides = True  # tools/build_book.py builds each notebook's slides into slides/
# Pages are read again when the book's code changes, not only when a notebook does.
course_book_code = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(HERE.glob("*.py")))).hexdigest()
html_context = {"default_mode": "light"}  # the light theme, also on a projector; readers can switch
