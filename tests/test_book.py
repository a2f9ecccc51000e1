"""`make book`: the course as a static HTML book, built offline and read in a real browser.

tools/build_book.py builds a book of two cheap notebooks (00 and 11: figures with alt
text, many equations, links between them) into a temporary folder, with its own
temporary cache, twice: the first build runs both notebooks in fresh kernels, the second
takes both from the cache and runs nothing. Without a browser, the tests check the
build's output and pages (a page per notebook, linking to the notebook and its slides,
figures with their alt text, the site check of tools/build_book.py finding nothing and
able to find something), that the cache matches a notebook by its code and not its
prose and moves to a new folder when requirements.txt changes, and that progress lines
are shown in their final state.

In headless Chromium (Debian's /usr/bin/chromium, driven by Playwright, as in
tests/test_browser.py) the book is served on 127.0.0.1, every request elsewhere is
refused and recorded, and the tests check that every page (the slides too) loads with
no failed or outside request and no script error, that every image has alt text, that
MathJax typeset every formula of lesson 11, that the search page finds a word only lesson
11 uses, and that every link between the pages resolves, down to the section.

Without MathJax and the slides' assets cached in tools/build/npm/ and no way to download
them, the tests are skipped and say why; without Chromium the browser tests are skipped
and say why.
"""

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urldefrag, urlsplit

import nbformat
import pytest

from tests.conftest import REPO_ROOT, _load_tool
from tests.test_browser import CHROMIUM_ARGS, find_chromium
from tests.test_repo import make_dry_run
from tests.test_slides import serving

NOTEBOOKS = ("notebooks/00_start_here.ipynb", "notebooks/11_lstm_cell_from_equations.ipynb")
LESSON = "notebooks/11_lstm_cell_from_equations"  # many equations, five figures
SEARCH_WORD = "peephole"  # only lesson 11 says it
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
PAGE_TIMEOUT_MS = 60_000

build_book = _load_tool("build_book")


def load_course_book():
    spec = importlib.util.spec_from_file_location("course_book", REPO_ROOT / "tools" / "book" / "course_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course_book = load_course_book()


def run_build(root: Path):
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}  # kernels as JupyterLab's
    command = [sys.executable, str(REPO_ROOT / "tools" / "build_book.py"), "--out", str(root / "site"),
               "--work", str(root / "work"), "--cache", str(root / "cache"), *NOTEBOOKS]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The book of NOTEBOOKS, built twice into one temporary folder; the two builds' output."""
    root = tmp_path_factory.mktemp("book")
    first = run_build(root)
    if first.returncode == 2:
        pytest.skip(f"MathJax or the slides' assets are not cached in tools/build/npm/ and cannot be fetched:\n"
                    f"{first.stderr[-1500:]}")
    assert first.returncode == 0, f"the book did not build:\n{first.stdout[-4000:]}\n{first.stderr[-6000:]}"
    second = run_build(root)
    assert second.returncode == 0, f"the second build failed:\n{second.stdout[-4000:]}\n{second.stderr[-6000:]}"
    return SimpleNamespace(root=root, site=root / "site", cache=build_book.cache_dir(root / "cache"),
                           first=first, second=second)


def pages(site: Path) -> list[Path]:
    """The book's HTML pages, without the slides."""
    return [path for path in sorted(site.rglob("*.html")) if path.relative_to(site).parts[0] not in ("slides", "_static")]


# ---------------------------------------------------------------------------
# The build and its pages, without a browser
# ---------------------------------------------------------------------------

def test_make_book_sets_up_and_builds_into_gitignored_folders():
    recipe = make_dry_run("book", "BOOK_ARGS=")
    assert "pip install -r requirements.txt" in recipe
    assert recipe.strip().splitlines()[-1].strip() == ".venv/bin/python tools/build_book.py"
    assert "make book" in make_dry_run("help")
    built = ["tools/build/book/index.html", "tools/build/book-work/src/index.md", "tools/build/book-cache/x.db",
             "tools/build/jupyter_execute/x.png", "tools/build/npm/mathjax-3.2.2.tgz"]
    assert build_book.DEFAULT_OUT.parent == REPO_ROOT / "tools" / "build"
    if (REPO_ROOT / ".git").exists() and shutil.which("git"):
        for path in built:
            assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO_ROOT).returncode == 0, path


def test_the_build_runs_each_notebook_once_then_takes_it_from_the_cache(book):
    assert "2 of 2 notebooks to run in fresh kernels, 0 from the cache" in book.first.stdout, book.first.stdout
    for number, notebook in enumerate(NOTEBOOKS, start=1):
        assert f"[{number}/2] {notebook} (running)" in book.first.stdout, book.first.stdout
        assert f"[{number}/2] {notebook}: ok" in book.first.stdout, book.first.stdout
    assert "0 of 2 notebooks to run in fresh kernels, 2 from the cache" in book.second.stdout, book.second.stdout
    assert "(running)" not in book.second.stdout
    assert "Executing notebook" not in book.second.stdout + book.second.stderr  # nor did MyST-NB run one


def test_the_cache_matches_code_not_prose_and_follows_requirements(book, tmp_path):
    lesson = nbformat.read(REPO_ROOT / f"{LESSON}.ipynb", as_version=4)

    def still_cached(change):
        nb = nbformat.from_dict(json.loads(json.dumps(lesson)))
        change(nb)
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.ipynb"
        nbformat.write(nb, path)
        return build_book.cached([path], book.cache)[path]

    def edit(cell_type):
        def change(nb):
            cell = next(cell for cell in nb.cells if cell.cell_type == cell_type)
            cell.source += "\n# an edit" if cell_type == "code" else "\n\nAn edited sentence."
        return change

    assert still_cached(lambda nb: None)
    assert still_cached(edit("markdown")), "an edit of the prose alone must not run the notebook again"
    assert not still_cached(edit("code")), "an edit of a code cell must run the notebook again"

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("numpy==2.4.6\n")
    before = build_book.cache_dir(tmp_path / "cache", requirements)
    assert before == build_book.cache_dir(tmp_path / "cache", requirements)
    requirements.write_text("numpy==2.4.7\n")
    assert build_book.cache_dir(tmp_path / "cache", requirements) != before
    assert build_book.cache_dir(tmp_path / "cache").name == f"requirements-{build_book.cache_key()}"
    assert book.cache.parent == book.root / "cache" and book.cache.name.startswith("requirements-")


def test_a_notebook_runs_in_its_own_folder_and_a_failing_one_is_reported(tmp_path):
    from jupyter_cache import get_cache

    folder = tmp_path / "notebooks"
    folder.mkdir()
    works, fails = folder / "works.ipynb", folder / "fails.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nprint(os.getcwd())")],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}}), works)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), fails)
    cache = tmp_path / "cache"
    _, error = build_book.execute(works, cache, timeout=120)
    assert error is None, error
    _, executed = get_cache(str(cache)).merge_match_into_notebook(nbformat.read(works, as_version=4))
    assert executed.cells[0].outputs[0]["text"].strip() == str(folder)
    _, error = build_book.execute(fails, cache, timeout=120)
    assert error and "ZeroDivisionError" in error
    assert build_book.cached([works, fails], cache) == {works: True, fails: False}


def test_every_notebook_has_a_page_linking_to_the_notebook_and_its_slides(book):
    index = (book.site / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        name = Path(notebook).stem
        page = book.site / "notebooks" / f"{name}.html"
        assert page.is_file(), f"no page for {notebook}"
        assert f'href="notebooks/{name}.html"' in index, f"the front page does not lead to {notebook}"
        links = build_book.parse_page(page).links
        assert f"../_sources/notebooks/{name}.ipynb" in links, links
        assert f"../slides/{name}.slides.html" in links, links
        assert (book.site / "_sources" / "notebooks" / f"{name}.ipynb").read_bytes() == (REPO_ROOT / notebook).read_bytes()
        assert (book.site / "slides" / f"{name}.slides.html").is_file()
    for page in ("instructor-guide.html", "data/README.html", "search.html"):
        assert (book.site / page).is_file(), page
    # The navigation follows the course's parts.
    assert "Part 1 · The cell" in index and "For instructors" in index


def test_figures_carry_the_alt_text_their_notebook_gives_them(book):
    from jupyter_cache import get_cache

    _, executed = get_cache(str(book.cache)).merge_match_into_notebook(
        nbformat.read(REPO_ROOT / f"{LESSON}.ipynb", as_version=4))
    expected = [output.metadata["image/png"]["alt"] for cell in executed.cells if cell.cell_type == "code"
                for output in cell.outputs if "image/png" in output.get("metadata", {})]
    assert len(expected) >= 3
    shown = [alt for _, alt in build_book.parse_page(book.site / f"{LESSON}.html").images]
    assert shown == expected


def test_the_site_check_finds_nothing_in_the_book_and_finds_what_it_should(book, tmp_path):
    assert build_book.check_site(book.site) == []
    # The check can fail: a remote script, a missing file, an image without alt text, a broken section link.
    (tmp_path / "_static").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.png").write_bytes(b"")
    (tmp_path / "b.png").write_bytes(b"")
    (tmp_path / "_static" / "theme.css").write_text('@import url("https://fonts.example/x.css");\n'
                                                    'a { background: url("data:image/svg+xml;utf8,<svg '
                                                    "xmlns='http://www.w3.org/2000/svg'/>\"); }\n")
    (tmp_path / "page.html").write_text(
        '<html><head><script src="https://cdn.example/mathjax.js"></script>'
        '<link rel="stylesheet" href="_static/theme.css"><script src="_static/gone.js"></script></head>'
        '<body><h1 id="top">T</h1><img src="_images/a.png"><img src="b.png" alt="b.png">'
        '<a href="page.html#top">ok</a><a href="page.html#nowhere">broken</a><a href="other.html">gone</a>'
        '<a href="https://keras.io">fine</a></body></html>')
    problems = build_book.check_site(tmp_path)
    expected = ["loads from the network: <script src=https://cdn.example/mathjax.js>",
                "theme.css: https://fonts.example/x.css", "loads a missing file: _static/gone.js",
                "no alt text: _images/a.png", "no alt text: b.png", "missing section: page.html#nowhere",
                "missing file: other.html"]
    for text in expected:
        assert any(text in problem for problem in problems), (text, problems)
    assert len(problems) == len(expected), problems  # the SVG's namespace and keras.io are no problem


def test_a_full_build_forgets_renamed_notebooks_and_old_requirements(tmp_path):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    site, cache_root = tmp_path / "site", tmp_path / "cache"
    kept, renamed = REPO_ROOT / NOTEBOOKS[0], "32_lstm_family"
    for path in (f"notebooks/{kept.stem}.html", f"notebooks/{renamed}.html", f"_sources/notebooks/{renamed}.ipynb",
                 f"slides/{kept.stem}.slides.html", f"slides/{renamed}.slides.html"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text("<html></html>")
    (site / "_images").mkdir()
    for image in ("shown.png", "unused.png"):
        (site / "_images" / image).write_bytes(b"")
    (site / "notebooks" / f"{kept.stem}.html").write_text('<html><img src="../_images/shown.png" alt="a figure"></html>')
    current, old = build_book.cache_dir(cache_root), cache_root / "requirements-0123456789abcdef"
    old.mkdir(parents=True)
    cache = get_cache(str(current))
    for nb in (nbformat.read(kept, as_version=4), nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])):
        cache.cache_notebook_bundle(CacheBundleIn(nb, "x.ipynb"), check_validity=False, overwrite=True)

    removed = build_book.prune(site, [kept], cache_root, current)

    assert f"notebooks/{renamed}.html" in removed and f"slides/{renamed}.slides.html" in removed, removed
    assert sorted(path.name for path in (site / "notebooks").iterdir()) == [f"{kept.stem}.html"]
    assert not (site / "_sources" / "notebooks" / f"{renamed}.ipynb").exists()
    assert (site / "slides" / f"{kept.stem}.slides.html").is_file() and not old.exists() and current.is_dir()
    assert sorted(path.name for path in (site / "_images").iterdir()) == ["shown.png"]
    assert len(cache.list_cache_records()) == 1
    assert build_book.cached([kept], current) == {kept: True}


def test_progress_lines_are_shown_in_their_final_state():
    from utils.progress import ProgressLine

    printed = io.StringIO()
    progress = ProgressLine(label="LSTM", stream=printed)
    progress.params = {"epochs": 3}
    progress.on_train_begin()
    for epoch in range(3):
        progress.on_epoch_end(epoch, {"loss": 0.5 / (epoch + 1)})
    progress.on_train_end()
    last = printed.getvalue().split("\r")[-1]
    outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="training\n"),
        nbformat.v4.new_output("stream", name="stdout", text=printed.getvalue()),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="after the figure\n"),
    ]
    shown = course_book.collapse_progress(outputs)
    assert [output["output_type"] for output in shown] == ["stream", "display_data", "stream"], shown
    assert shown[0]["text"] == "training\n" + last and "\r" not in shown[0]["text"]
    assert last.startswith("LSTM: epoch 3/3 · loss 0.1667")
    assert shown[2]["text"] == "after the figure\n"  # printed text stays where it was, after the figure
    assert "\r" in outputs[1]["text"]  # the notebook's own outputs are not changed


# ---------------------------------------------------------------------------
# In Chromium
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(book):
    """(base URL of the served book, a Chromium page that refuses and records every request elsewhere)."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("No Chromium found at /usr/bin/chromium (nor at $CHROMIUM, nor on PATH); `make test` installs "
                    "Debian's `chromium` package when it runs as root or with sudo, or run: sudo apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with serving(book.site) as base, sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = instance.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            log = SimpleNamespace(outside=[], failed=[], errors=[])

            def only_local(route):
                if urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    log.outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.on("requestfailed", lambda request: log.failed.append(f"{request.url} ({request.failure})"))
            page.on("response", lambda response: log.failed.append(f"{response.status} {response.url}")
                    if response.status >= 400 else None)
            page.on("pageerror", lambda error: log.errors.append(f"page error: {error}"))
            page.on("console", lambda message: log.errors.append(message.text) if message.type == "error" else None)
            yield SimpleNamespace(base=base, page=page, log=log)
        finally:
            instance.close()


def visit(browser, path):
    """Open a page of the book, wait until it has loaded and MathJax is done; its own log."""
    log = browser.log
    log.outside.clear(), log.failed.clear(), log.errors.clear()
    browser.page.goto(f"{browser.base}/{path}", wait_until="load")
    browser.page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    return SimpleNamespace(outside=list(log.outside), failed=list(log.failed), errors=list(log.errors))


# What a page shows: its images, its formulas and MathJax's output, and the links on it.
PAGE_STATE = """() => ({
  images: [...document.images].map(img => ({src: img.getAttribute('src'), alt: img.getAttribute('alt'),
                                            loaded: img.complete && img.naturalWidth > 0})),
  math: document.querySelectorAll('article .math').length,
  typeset: document.querySelectorAll('article .math mjx-container').length,
  errors: document.querySelectorAll('mjx-merror, .MathJax_Error').length,
  raw: [...document.querySelectorAll('article .math')].filter(el => !el.querySelector('mjx-container'))
         .map(el => el.textContent.slice(0, 80)),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
})"""


@pytest.fixture(scope="module")
def crawl(book, browser):
    """Every page of the book and every deck, opened once: {name: (what it asked for, what it shows)}."""
    seen = {}
    for path in pages(book.site) + sorted(book.site.glob("slides/*.html")):
        name = path.relative_to(book.site).as_posix()
        log = visit(browser, name)
        if name.endswith(".slides.html"):
            browser.page.wait_for_selector(".reveal.ready")
            log = SimpleNamespace(**{key: list(value) for key, value in vars(browser.log).items()})
        seen[name] = SimpleNamespace(log=log, state=browser.page.evaluate(PAGE_STATE))
        if name == f"{LESSON}.html":
            ARTIFACTS.mkdir(exist_ok=True)
            browser.page.screenshot(path=str(ARTIFACTS / "book_lesson_11.png"))
    return seen


def test_every_page_loads_with_nothing_from_outside_and_no_error(book, crawl):
    assert {f"{Path(notebook).with_suffix('.html')}" for notebook in NOTEBOOKS} <= set(crawl)
    assert {f"slides/{Path(notebook).stem}.slides.html" for notebook in NOTEBOOKS} <= set(crawl)
    problems = []
    for name, seen in crawl.items():
        problems += [f"{name} asked for an outside address: {url}" for url in seen.log.outside]
        problems += [f"{name}: failed request {failure}" for failure in seen.log.failed]
        problems += [f"{name}: {error}" for error in seen.log.errors]
    assert problems == []


def test_images_have_alt_text_and_equations_are_rendered(crawl):
    state = crawl[f"{LESSON}.html"].state
    assert len(state["images"]) >= 3, state["images"]
    assert state["math"] > 20, f"lesson 11 should show many formulas, the page has {state['math']}"
    assert state["typeset"] == state["math"] and state["errors"] == 0, \
        f"MathJax did not typeset every formula: {state['typeset']} of {state['math']}, {state['errors']} errors, " \
        f"left as text: {state['raw'][:5]}"
    for name, seen in crawl.items():
        for image in seen.state["images"]:
            assert image["loaded"], f"{name}: an image did not load: {image['src']}"
            assert image["alt"] and image["alt"].strip() not in (image["src"], Path(image["src"]).name), \
                (name, image["src"][:80])


def test_search_finds_a_word_from_a_lesson(browser):
    visit(browser, f"search.html?q={SEARCH_WORD}")
    browser.page.wait_for_function("document.querySelector('#search-results') && "
                                   "/Search finished/.test(document.querySelector('#search-results').textContent)")
    found = browser.page.evaluate("[...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    assert any(f"/{LESSON}.html" in url for url in found), f"searching {SEARCH_WORD!r} found {found}"
    assert all(f"/{LESSON}.html" in url for url in found), f"only lesson 11 says {SEARCH_WORD!r}, found {found}"


def test_every_link_between_the_pages_resolves(book, browser, crawl):
    targets = {}
    for name, seen in crawl.items():
        if name.endswith(".slides.html"):
            continue
        for url in seen.state["links"]:
            if urlsplit(url).hostname == "127.0.0.1":
                targets.setdefault(url, name)
    assert len(targets) > 20, targets
    ids = {}
    broken = []
    for url, where in sorted(targets.items()):
        address, fragment = urldefrag(url)
        response = browser.page.request.get(address)
        if response.status != 200:
            broken.append(f"{where} -> {url}: {response.status}")
            continue
        file = book.site / urlsplit(address).path.lstrip("/")
        if fragment and file.suffix == ".html":
            if file not in ids:
                ids[file] = build_book.parse_page(file).ids
            if fragment not in ids[file]:
                broken.append(f"{where} -> {url}: no section #{fragment}")
    assert broken == []
