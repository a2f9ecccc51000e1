"""Build the course as a book: a static HTML site of every notebook with its outputs, offline.

Why this tool exists
--------------------
The notebooks are committed without outputs, and running them needs the course's
3 GB install. The book lets a learner read the whole course first, with every
figure, table and printed number, and lets an instructor put a page on a projector
or send a class a link. It is built from the notebooks themselves, executed in fresh
kernels as the tests run them, never from copies kept by hand.

What it does
------------
1. Finds the notebooks: every ``notebooks/*.ipynb`` and ``solutions/*.ipynb`` (by glob,
   so renumbered lessons need no change here), or the ones named on the command line.
2. Fetches MathJax 3 from the npm registry, pinned and checked against its SHA-512
   like the slides' assets (tools/build_slides.py's ``fetch``; the tarball is kept in
   ``tools/build/npm/``, so later builds download nothing), and unpacks the part the
   pages use into the work folder's ``static/mathjax/``.
3. Runs each notebook that the cache does not hold yet in a fresh kernel, in the
   notebook's own folder, as the tests run them, and keeps the executed copy in
   jupyter-cache (the cache MyST-NB reads). The cache matches a notebook by its code
   cells and lives in ``tools/build/book-cache/requirements-<hash of
   requirements.txt>/``: editing one lesson re-runs that lesson only, editing only prose
   re-runs nothing, and a change of the pinned packages re-runs everything. (A change in
   ``utils/`` or ``data/`` that alters outputs without touching a notebook's code is not
   seen: delete ``tools/build/book-cache/`` to run everything again.) It says
   which notebook it is on, e.g. ``[3/30] notebooks/14_why_lstm_vanishing_gradients.ipynb
   (running)``, then the result and the time. A notebook that fails is left out of the
   book, and the build fails at the end.
4. Writes the book's sources into the work folder's ``src/``: ``index.md`` (the README's
   introduction, the course map of the notebooks in the book, and one table of
   contents per course part, which is the book's navigation), ``instructor-guide.md``
   (the README's section for instructors), and copies of the notebooks and of
   ``data/README.md`` (the data provenance page) in their folders, so that links
   between them resolve (Sphinx follows no symbolic links there). Then runs Sphinx with
   the configuration in ``tools/book/conf.py`` (MyST-NB, the book theme, the local
   MathJax), which takes every notebook's outputs from the cache. Sphinx rereads only the
   notebooks that changed or ran (a warning fails the build); MyST-NB writes the figures
   it extracts into ``jupyter_execute/`` next to the site's folder (``tools/build/``).
5. Builds every notebook's slides into ``<out>/slides/`` from the executed copies in
   the cache (tools/build_slides.py's layout and template, with its pinned offline
   assets; nothing runs twice), converting again only the decks whose notebook or run
   changed; each page links to its slides and to its notebook.
6. Checks the site: no page loads anything from outside the folder (a script, style
   sheet, font, image), every local file a page loads or links to exists, every link
   to a section finds it, and every image has alt text. A full build also removes the
   pages, slides, figures and cached runs of notebooks that no longer exist (renamed
   lessons), figures no page shows any more, and the caches of earlier requirements.

Usage (from the repository root, with the course's virtual environment)
-----------------------------------------------------------------------
    # the whole course (the first build runs every notebook: see the README for the time)
    python tools/build_book.py                                  # or: make book
    # a few notebooks only (the front page and navigation list just those)
    python tools/build_book.py notebooks/00_start_here.ipynb notebooks/11_lstm_cell_from_equations.ipynb
    # read it: serve the folder, then open http://127.0.0.1:8000/
    python -m http.server --bind 127.0.0.1 --directory tools/build/book

Opening ``tools/build/book/index.html`` as a file works too, but then the search page
lists the pages it finds without an excerpt of each (a page opened from a file may not
read another file).

The exit status is 0 when the book was built and passed its checks, 1 when a notebook
failed or a check found a problem, 2 when MathJax or the slides' assets could not be
fetched.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import build_slides  # noqa: E402
import course_map  # noqa: E402

REPO_ROOT = TOOLS.parent
NOTEBOOK_FOLDERS = ("notebooks", "solutions")
CONF_DIR = TOOLS / "book"
DEFAULT_OUT = TOOLS / "build" / "book"
DEFAULT_WORK = TOOLS / "build" / "book-work"
DEFAULT_CACHE = TOOLS / "build" / "book-cache"
DEFAULT_TIMEOUT_S = build_slides.DEFAULT_TIMEOUT_S  # per cell
REQUIREMENTS = REPO_ROOT / "requirements.txt"

MATHJAX = build_slides.Asset(
    "mathjax", "3.2.2",
    "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
)
MATHJAX_FOLDER = "mathjax"  # under _static/
# What the pages load from MathJax's es5/ folder: the TeX-and-MathML-to-HTML component, the TeX
# extensions it loads on demand, the HTML output's fonts, and the menu's accessibility and
# speech parts. The other combined components (SVG output, ...) are not copied.
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "a11y", "ui", "sre")

GUIDE_HEADING = "## For instructors"


# --------------------------------------------------------------------------
# The notebooks, the cache, the folders
# --------------------------------------------------------------------------


def discover(paths: list[Path] | None = None) -> list[Path]:
    """The notebooks to put in the book: the ones given, or every notebook of notebooks/ and solutions/.

    Raises:
        ValueError: when a given path is not a notebook in notebooks/ or solutions/.
    """
    if not paths:
        return [path for folder in NOTEBOOK_FOLDERS for path in sorted((REPO_ROOT / folder).glob("*.ipynb"))]
    found = []
    for path in paths:
        resolved = Path(path).resolve()
        if resolved.suffix != ".ipynb" or not resolved.is_file():
            raise ValueError(f"{path}: not a notebook file; give notebooks of notebooks/ or solutions/ (*.ipynb)")
        if resolved.parent not in {REPO_ROOT / folder for folder in NOTEBOOK_FOLDERS}:
            raise ValueError(f"{path}: the book is made of notebooks in notebooks/ and solutions/; this one is in "
                             f"{resolved.parent}")
        if resolved not in found:
            found.append(resolved)
    return found


def docname(notebook: Path) -> str:
    """``notebooks/11_lstm_cell_from_equations``: the notebook's page name in the book."""
    return f"{notebook.parent.name}/{notebook.stem}"


def cache_key(requirements: Path = REQUIREMENTS) -> str:
    """The part of the cache's name that changes with the pinned packages (a hash of requirements.txt)."""
    return hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]


def cache_dir(root: Path = DEFAULT_CACHE, requirements: Path = REQUIREMENTS) -> Path:
    """jupyter-cache's folder for the current requirements.txt."""
    return Path(root) / f"requirements-{cache_key(requirements)}"


def static_dir(work: Path) -> Path:
    return Path(work) / "static"


def src_dir(work: Path) -> Path:
    return Path(work) / "src"


# --------------------------------------------------------------------------
# MathJax
# --------------------------------------------------------------------------


def install_mathjax(work: Path, npm_cache: Path = build_slides.DEFAULT_CACHE) -> Path:
    """``<work>/static/mathjax/``: the parts of the pinned MathJax the pages load (fetched once, checked)."""
    target = static_dir(work) / MATHJAX_FOLDER
    marker = target / ".npm-integrity"
    if marker.is_file() and marker.read_text().strip() == MATHJAX.integrity:
        return target
    tarball = build_slides.fetch(MATHJAX, npm_cache)
    unpacked = Path(work) / "npm"
    package = build_slides.unpack(MATHJAX, tarball, unpacked)
    if target.exists():
        shutil.rmtree(target)
    for part in MATHJAX_PARTS:
        source = package / "es5" / part
        if not source.exists():
            raise build_slides.IntegrityError(f"{MATHJAX.spec} has no es5/{part}")
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    shutil.copy2(package / "LICENSE", target / "LICENSE")
    marker.write_text(MATHJAX.integrity + "\n")
    shutil.rmtree(unpacked)  # the whole package; the tarball stays in the npm cache
    return target


# --------------------------------------------------------------------------
# The book's own pages
# --------------------------------------------------------------------------


def ordered(notebooks: list[Path]) -> list[Path]:
    """Course order: by number, each exercise's solved notebook right after the exercise."""
    return sorted(notebooks, key=lambda path: (path.name[:2], path.stem.removesuffix("_solutions"),
                                               path.parent.name == "solutions"))


def nav_title(notebook: Path) -> str:
    title, _ = course_map.title_and_description(notebook)
    number = notebook.name[:2]
    if notebook.parent.name == "solutions":
        return f"{number} · Solved: {title.removeprefix('Exercise: ')}"
    return f"{number} · {title}"


def readme_intro(readme: str) -> str:
    """The README's introduction: what stands between its title and its first section."""
    body = readme.split("\n", 1)[1] if readme.startswith("# ") else readme
    return body.split("\n## ", 1)[0].strip()


def readme_section(readme: str, heading: str) -> str:
    """A ``##`` section of the README, without its heading, every heading in it one level up."""
    if heading not in readme:
        raise ValueError(f"README.md has no '{heading}' section for the book")
    section = readme.split(heading + "\n", 1)[1]
    section = re.split(r"(?m)^## ", section, maxsplit=1)[0]
    section = re.sub(r"<!--.*?-->", "", section, flags=re.S)
    return re.sub(r"(?m)^#(#+) ", r"\1 ", section).strip()


def course_map_rows(notebooks: list[Path]) -> list[str]:
    seconds = course_map.benchmark_seconds()
    lines = ["| # | Page | What you learn | Minutes on a 2-core CPU |", "|---|---|---|---:|"]
    part = None
    for notebook in ordered(notebooks):
        if course_map.part_of(notebook) != part:
            part = course_map.part_of(notebook)
            lines.append(f"| | **{part}** | | |")
        title, description = course_map.title_and_description(notebook)
        if notebook.parent.name == "solutions":
            title, description = f"Solved: {title.removeprefix('Exercise: ')}", "The exercise with a solution, run."
        measured = seconds.get(f"{notebook.parent.name}/{notebook.name}")
        minutes = f"{measured / 60:.1f}" if measured is not None else "not measured yet"
        lines.append(f"| {notebook.name[:2]} | [{title}]({docname(notebook)}.ipynb) | {description} | {minutes} |")
    return lines


def index_page(notebooks: list[Path], readme: str) -> str:
    title = readme.splitlines()[0].removeprefix("# ").strip()
    lines = [
        f"# {title}", "", readme_intro(readme), "",
        "## Reading this book", "",
        "Every page is a notebook of the course, run top to bottom in a fresh kernel when the book was built, "
        "so it shows every figure, table and printed number. Each page links to the notebook itself (without "
        "outputs), to run in JupyterLab after the course's install (see the README), and to its slides. The "
        "search box finds words in the text and in the outputs.", "",
        "## Course map", "", *course_map_rows(notebooks), "",
    ]
    parts: dict[str, list[Path]] = {}
    for notebook in ordered(notebooks):
        parts.setdefault(course_map.part_of(notebook), []).append(notebook)
    for part, members in parts.items():
        entries = [f"{nav_title(nb)} <{docname(nb)}>" for nb in members]
        lines += ["```{toctree}", f":caption: {part}", ":hidden:", "", *entries, "```", ""]
    lines += ["```{toctree}", ":caption: For instructors", ":hidden:", "",
              "Instructor guide <instructor-guide>", "Course data and its sources <data/README>", "```", ""]
    return "\n".join(lines)


def guide_page(readme: str) -> str:
    return "\n".join([
        "# For instructors", "",
        "*This page is the instructor guide of the course's README.*", "",
        readme_section(readme, GUIDE_HEADING), "",
    ])


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write a file only when its content changes, so that Sphinx rereads only what changed; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_sources(work: Path, notebooks: list[Path], ran: list[Path] = ()) -> Path:
    """``<work>/src``: the front page, the instructor guide, the notebooks and the data page, nothing else.

    The copies of the notebooks in ``ran`` (run in this build) are marked as changed, so that Sphinx reads
    their new outputs even when their text is the same (after a change of requirements.txt, for example).
    """
    src = src_dir(work)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    wanted = {
        src / "index.md": index_page(notebooks, readme).encode(),
        src / "instructor-guide.md": guide_page(readme).encode(),
        src / "data" / "README.md": (REPO_ROOT / "data" / "README.md").read_bytes(),
    }
    wanted.update({src / f"{docname(notebook)}.ipynb": notebook.read_bytes() for notebook in notebooks})
    for path, data in wanted.items():
        _write_if_changed(path, data)
    for notebook in ran:
        os.utime(src / f"{docname(notebook)}.ipynb")
    for path in sorted(src.rglob("*"), reverse=True):  # what an earlier build put there and this one does not
        if path.is_symlink() or (path.is_file() and path not in wanted):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return src


# --------------------------------------------------------------------------
# Running the notebooks
# --------------------------------------------------------------------------


def cached(notebooks: list[Path], cache_path: Path) -> dict[Path, bool]:
    """For each notebook, whether the cache holds it executed (its code cells as they are now)."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    found = {}
    for notebook in notebooks:
        try:
            cache.match_cache_notebook(nbformat.read(notebook, as_version=4))
            found[notebook] = True
        except KeyError:
            found[notebook] = False
    return found


def execute(notebook: Path, cache_path: Path, timeout: int) -> tuple[float, str | None]:
    """Run one notebook in a fresh kernel in its own folder and cache the executed copy; (seconds, error)."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(notebook, as_version=4)
    began = time.perf_counter()
    try:
        result = single_nb_execution(nb, cwd=str(notebook.parent), timeout=timeout, allow_errors=False)
    except Exception as error:  # a dead kernel, a kernel that does not start: report, go on
        return time.perf_counter() - began, f"{type(error).__name__}: {str(error).strip()[-2000:]}"
    if result.err is not None:
        return result.time, (result.exc_string or repr(result.err)).strip()[-3000:]
    get_cache(str(cache_path)).cache_notebook_bundle(
        CacheBundleIn(nb, str(notebook), data={"execution_seconds": result.time}),
        check_validity=False, overwrite=True,
    )
    return result.time, None


def run_missing(notebooks: list[Path], cache_path: Path, timeout: int) -> tuple[list[Path], list[Path], list[str]]:
    """Run the notebooks the cache lacks, one at a time; (the notebooks now in the cache, those run, failures)."""
    found = cached(notebooks, cache_path)
    to_run = [notebook for notebook in notebooks if not found[notebook]]
    print(f"{len(to_run)} of {len(notebooks)} notebooks to run in fresh kernels, "
          f"{len(notebooks) - len(to_run)} from the cache ({cache_path})", flush=True)
    failures = []
    for number, notebook in enumerate(to_run, start=1):
        step = f"[{number}/{len(to_run)}] {notebook.relative_to(REPO_ROOT)}"
        print(f"{step} (running)", flush=True)
        seconds, error = execute(notebook, cache_path, timeout)
        if error:
            failures.append(f"{docname(notebook)}.ipynb failed, so it is not in the book:\n{error}")
        print(f"{step}: {'FAILED' if error else 'ok'}, {seconds:.1f} s", flush=True)
    found = cached(notebooks, cache_path)
    return [notebook for notebook in notebooks if found[notebook]], [nb for nb in to_run if found[nb]], failures


# --------------------------------------------------------------------------
# Running Sphinx
# --------------------------------------------------------------------------


def run_sphinx(src: Path, out: Path, work: Path, overrides: dict, *, fresh: bool = False) -> int:
    """Build the HTML pages with tools/book/conf.py; Sphinx's exit status (0: built)."""
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if not sys.stderr.isatty():
        nocolor()
    print(f"Writing the pages with Sphinx ({CONF_DIR.relative_to(REPO_ROOT)}/conf.py)", flush=True)
    with patch_docutils(CONF_DIR), docutils_namespace():
        # Quiet but for warnings, and a warning fails the build (after every page is written).
        app = Sphinx(str(src), str(CONF_DIR), str(out), str(Path(work) / "doctrees"), "html", status=None,
                     confoverrides=overrides, freshenv=fresh, warningiserror=True, keep_going=True)
        app.build()
        return app.statuscode


# --------------------------------------------------------------------------
# Slides from the executed notebooks
# --------------------------------------------------------------------------

_LINK = re.compile(r'<a\s+([^>]*?)href="([^"]*)"([^>]*)>(.*?)</a>', re.S)


def _fix_deck_links(deck: Path, out: Path) -> None:
    """Point a deck's links at what the book has: a deck, else the notebook's page; drop the others."""

    def replace(match: re.Match) -> str:
        href = html.unescape(match.group(2))
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            return match.group(0)
        target = (deck.parent / unquote(parts.path)).resolve()
        if target.is_file():
            return match.group(0)
        stem = Path(parts.path).name.removesuffix(".slides.html").removesuffix(".ipynb")
        for folder in NOTEBOOK_FOLDERS:
            page = out / folder / f"{stem}.html"
            if page.is_file():
                anchor = f"#{parts.fragment}" if parts.fragment else ""
                return f'<a {match.group(1)}href="../{folder}/{stem}.html{anchor}"{match.group(3)}>{match.group(4)}</a>'
        return match.group(4)  # not in this book: the text stays, the link goes

    deck.write_text(_LINK.sub(replace, deck.read_text(encoding="utf-8")), encoding="utf-8")


def build_decks(notebooks: list[Path], out: Path, work: Path, cache_path: Path, npm_cache: Path) -> list[str]:
    """Every notebook's slides in ``<out>/slides/``, from its executed copy in the cache; the problems found.

    A deck is converted again only when its notebook, its executed copy, the slide tools or the book's list
    of notebooks changed (``<work>/slides.json`` remembers what each deck was built from).
    """
    import nbformat
    from jupyter_cache import get_cache

    slides = out / "slides"
    build_slides.install_assets(slides, npm_cache)
    cache = get_cache(str(cache_path))
    exporter = None
    stamps_file = Path(work) / "slides.json"
    stamps = json.loads(stamps_file.read_text()) if stamps_file.is_file() else {}
    tools = hashlib.sha256(b"".join(path.read_bytes() for path in (TOOLS / "build_slides.py", Path(__file__))))
    tools.update(" ".join(sorted(docname(nb) for nb in notebooks)).encode())
    problems, rebuilt = [], []
    for notebook in notebooks:
        try:
            record = cache.match_cache_notebook(nbformat.read(notebook, as_version=4))
        except KeyError:
            problems.append(f"{docname(notebook)}: no executed copy in the cache, so no slides")
            continue
        deck = slides / f"{notebook.stem}.slides.html"
        made_from = [hashlib.sha256(notebook.read_bytes()).hexdigest(), str(cache_path), str(record.pk),
                     record.created.isoformat(), tools.hexdigest()]  # its prose, its run, the tools
        stamp = hashlib.sha256(" ".join(made_from).encode()).hexdigest()
        if deck.is_file() and stamps.get(deck.name) == stamp:
            continue
        _, executed = cache.merge_match_into_notebook(nbformat.read(notebook, as_version=4))
        exporter = exporter or build_slides.make_exporter()
        body, _ = exporter.from_notebook_node(build_slides.slide_layout(executed),
                                              resources={"metadata": {"name": notebook.stem}})
        deck.write_text(build_slides.link_lessons_to_slides(build_slides.drop_repeated_ids(body)), encoding="utf-8")
        rebuilt.append(deck)
        stamps[deck.name] = stamp
    for deck in rebuilt:  # once every deck is there
        _fix_deck_links(deck, out)
    stamps_file.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    for notebook in notebooks:
        deck = slides / f"{notebook.stem}.slides.html"
        if deck.is_file():
            problems += [f"slides/{deck.name}: {problem}" for problem in build_slides.check_deck(deck)]
    build_slides.write_index(slides)
    return problems


# --------------------------------------------------------------------------
# Checking the built site
# --------------------------------------------------------------------------


# <link rel=...> that a browser fetches when it shows the page (the others are links: next, prev, search).
LOADED_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}


class _Page(HTMLParser):
    """What one page loads, links to, names as ids, and its images' alt text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        if tag in ("script", "img", "source", "iframe") and values.get("src"):
            self.loads.append(values["src"])
        if tag == "link" and values.get("href"):
            loaded = set(values.get("rel", "").lower().split()) & LOADED_RELS
            (self.loads if loaded else self.links).append(values["href"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "img":
            self.images.append((values.get("src", ""), dict(attrs).get("alt")))


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _local_target(page: Path, reference: str) -> tuple[Path, str] | None:
    """(file, anchor) that a relative reference on ``page`` points to; None for other schemes or hosts."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith("//"):
        return None
    path = page if not parts.path else (page.parent / unquote(parts.path))
    if path.is_dir():
        path = path / "index.html"
    return path.resolve(), unquote(parts.fragment)


_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.S)


def remote_urls_in_css(path: Path, seen: set[Path] | None = None) -> list[str]:
    """Remote ``url(...)`` and ``@import`` targets of a local style sheet and the local ones it imports.

    Unlike a search for "http", this skips ``data:`` URLs (an SVG icon names its XML namespace).
    """
    seen = seen if seen is not None else set()
    path = path.resolve()
    if path in seen or not path.is_file():
        return []
    seen.add(path)
    text = build_slides.CSS_COMMENT.sub(" ", path.read_text(encoding="utf-8", errors="replace"))
    found = []
    for match in _CSS_URL.finditer(text):
        target = (match.group(2) or match.group(4) or "").strip()
        if not target or target.startswith("data:") or target.startswith("#"):
            continue
        if build_slides.REMOTE_URL.match(target):
            found.append(f"{path.name}: {target}")
        elif target.endswith(".css") or match.group(4):
            found += remote_urls_in_css(path.parent / unquote(urlsplit(target).path), seen)
    return found


def check_site(out: Path) -> list[str]:
    """Everything wrong with the built site for reading offline; empty when nothing is."""
    out = out.resolve()
    pages = [path for path in sorted(out.rglob("*.html"))
             if path.relative_to(out).parts[0] not in ("slides", "_static", "_sources")]
    parsed = {path: parse_page(path) for path in pages}
    problems = []
    for path, page in parsed.items():
        name = path.relative_to(out).as_posix()
        text = path.read_text(encoding="utf-8")
        problems += [f"{name} loads from the network: {ref}" for ref in build_slides.remote_references(text)]
        for reference in page.loads:
            target = _local_target(path, reference)
            if target is None:
                continue
            if not target[0].is_file():
                problems.append(f"{name} loads a missing file: {reference}")
            elif target[0].suffix == ".css":
                problems += [f"{name} loads from the network: {reference} -> {url}"
                             for url in remote_urls_in_css(target[0])]
        for reference in page.links:
            target = _local_target(path, reference)
            if target is None:
                continue
            file, anchor = target
            if not file.is_file():
                problems.append(f"{name} links to a missing file: {reference}")
            elif anchor and file.suffix == ".html" and file in parsed and anchor not in parsed[file].ids:
                problems.append(f"{name} links to a missing section: {reference}")
        for src, alt in page.images:
            if not alt or not alt.strip() or alt.strip() == src or alt.strip() == Path(src).name:
                problems.append(f"{name}: an image has no alt text: {src[:80]}")
    return problems


# --------------------------------------------------------------------------
# A full build tidies up after renamed and removed notebooks
# --------------------------------------------------------------------------


def prune(out: Path, notebooks: list[Path], cache_root: Path, cache_path: Path) -> list[str]:
    """Remove the pages, slides, figures and cached runs of notebooks not in ``notebooks`` (and figures no page
    shows any more), and the caches of earlier requirements; what was removed."""
    import nbformat
    from jupyter_cache import get_cache

    removed = []
    names = {docname(nb) for nb in notebooks}
    for folder in NOTEBOOK_FOLDERS:
        for page in sorted((out / folder).glob("*.html")):
            if f"{folder}/{page.stem}" not in names:
                page.unlink()
                removed.append(page.relative_to(out).as_posix())
        for source in sorted((out / "_sources" / folder).glob("*.ipynb")):
            if f"{folder}/{source.stem}" not in names:
                source.unlink()
    stems = {nb.stem for nb in notebooks}
    for deck in sorted((out / "slides").glob("*.slides.html")):
        if deck.name.removesuffix(".slides.html") not in stems:
            deck.unlink()
            removed.append(deck.relative_to(out).as_posix())
    if (out / "slides").is_dir():
        build_slides.write_index(out / "slides")
    # Figures of outputs that changed: Sphinx and MyST-NB name them by their content and never delete one.
    shown = {Path(urlsplit(src).path).name for page in sorted(out.rglob("*.html"))
             if page.relative_to(out).parts[0] not in ("slides", "_static") for src, _ in parse_page(page).images}
    executed = out.parent / "jupyter_execute"  # where MyST-NB writes them first (next to the site, not settable)
    for folder in (out / "_images", executed):
        for image in sorted(folder.glob("*")) if folder.is_dir() else []:
            if image.is_file() and image.name not in shown:
                image.unlink()
                removed.append(f"unused figure {image.relative_to(out.parent).as_posix()}")
    for folder in NOTEBOOK_FOLDERS:
        for copy in sorted((executed / folder).glob("*.ipynb")):
            if f"{folder}/{copy.stem}" not in names:
                copy.unlink()
    for old in sorted(Path(cache_root).glob("requirements-*")):
        if old.resolve() != Path(cache_path).resolve() and old.is_dir():
            shutil.rmtree(old)
            removed.append(f"cache {old.name}")
    cache = get_cache(str(cache_path))
    current = {cache.create_hashed_notebook(nbformat.read(nb, as_version=4))[1] for nb in notebooks}
    for record in cache.list_cache_records():
        if record.hashkey not in current:
            cache.remove_cache(record.pk)
            removed.append(f"cached run {record.pk} ({record.uri})")
    return removed


# --------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to put in the book (default: every notebooks/*.ipynb and solutions/*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the site (default: %(default)s)")
    parser.add_argument("--work", type=Path, help="Sphinx's sources and state (default: the site's folder + '-work')")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="executed notebooks, one folder per requirements.txt (default: %(default)s)")
    parser.add_argument("--npm-cache", type=Path, default=build_slides.DEFAULT_CACHE,
                        help="where the npm tarballs are kept (default: %(default)s)")
    parser.add_argument("--no-slides", action="store_true", help="no slides, and no links to them")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S,
                        help="seconds allowed per cell (default: %(default)s)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        notebooks = discover(args.notebooks)
    except ValueError as error:
        parser.error(str(error))
    out, cache_root = args.out.resolve(), args.cache.resolve()
    work = (args.work or out.with_name(out.name + "-work")).resolve()
    cache_path = cache_dir(cache_root)
    try:
        install_mathjax(work, args.npm_cache)
    except (build_slides.AssetsUnavailable, build_slides.IntegrityError) as error:
        print(f"Cannot fetch MathJax for the book: {error}", file=sys.stderr)
        return 2

    in_book, ran_now, problems = run_missing(notebooks, cache_path, args.timeout)
    ran = time.perf_counter()
    src = write_sources(work, in_book, ran_now)
    try:
        status = run_sphinx(src, out, work, {
            "nb_execution_cache_path": str(cache_path),
            "nb_execution_timeout": args.timeout,
            "html_static_path": [str(static_dir(work))],
            "course_book_slides": not args.no_slides,
        })
    except Exception as error:  # Sphinx stopped part-way (an extension, a broken page): report it like a failure
        print(f"Sphinx stopped: {type(error).__name__}: {error}", file=sys.stderr)
        status = 1
    if status != 0:
        problems.append(f"Sphinx failed (exit status {status}); see its messages above")
    pages = time.perf_counter()
    if not args.no_slides:
        try:
            problems += build_decks(in_book, out, work, cache_path, args.npm_cache)
        except (build_slides.AssetsUnavailable, build_slides.IntegrityError) as error:
            print(f"Cannot fetch the slides' assets: {error}", file=sys.stderr)
            return 2
    if not args.notebooks:  # the whole course: forget what is no longer in it (or failed to run)
        for removed in prune(out, in_book, cache_root, cache_path):
            print(f"removed (no longer in the book): {removed}")
    problems += check_site(out)

    done = time.perf_counter()
    print(f"{len(in_book)}/{len(notebooks)} notebooks in the book in {done - started:.0f} s (running "
          f"{ran - started:.0f} s, pages {pages - ran:.0f} s, slides and checks {done - pages:.0f} s); "
          f"{folder_size(out) / 1e6:.0f} MB in {out}")
    print(f"Read it: python -m http.server --bind 127.0.0.1 --directory {os.path.relpath(out)}"
          "  and open http://127.0.0.1:8000/")
    if problems:
        print("\n".join(["", "Problems:", *problems]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
