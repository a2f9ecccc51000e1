"""`make slides`: reveal.js slides from the lessons, that fit the screen and present with no network.

tools/build_slides.py is run on every notebook without executing it (seconds), and on
two cheap lessons executed (00 and 11, about 15 s: their outputs are the figures,
tables and printouts whose heights matter), into a temporary folder, with
the pinned assets from the npm registry (cached in tools/build/npm/, downloaded on
first use).

Without a browser, the tests check the layout rules on small notebooks (prose to the
speaker notes, at most three bullets and one code cell per slide, a slide per ``#`` and
``##`` heading, a subslide per ``###``), that the decks name no remote file and that
every local file they name exists, and that the build says which notebook it is on.

In headless Chromium (Debian's /usr/bin/chromium, driven by Playwright, as in
tests/test_browser.py) at 1280x800, every slide of every deck is visited with
reveal.js's API, all its fragments shown and MathJax done, and its content height is
compared with the height reveal.js gives a slide (reveal.js scales the whole slide
to the screen, so the comparison is made in the slide's own pixels, and the scaled
slide must fit the window). A deliberately overflowing deck checks that the
measurement can fail. Then a deck is opened with every request that is not to
127.0.0.1 refused, and the test checks that reveal.js started, MathJax typeset every
formula and nothing was fetched from elsewhere. Screenshots go to tests/artifacts/
(gitignored).

Without the assets cached and without a way to download them (no npm and no network),
the tests that need them are skipped and say why; a tarball that does not match its
pinned SHA-512 fails them. Without Chromium the browser tests are skipped and say why.
"""

import contextlib
import functools
import http.server
import importlib.util
import io
import re
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import REPO_ROOT
from tests.test_browser import CHROMIUM_ARGS, find_chromium

LESSONS = ("00_start_here", "11_lstm_cell_from_equations")  # 11 has the most LaTeX
# Executed for the height test: cheap (about 5 s each), and between them the kinds of
# output whose height matters: figures, DataFrames, long code with printouts, equations.
EXECUTED = ("00_start_here", "11_lstm_cell_from_equations")
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "slides_11.png"
BUILD_LOG = "build-log.txt"


def load_build_slides():
    spec = importlib.util.spec_from_file_location("build_slides", REPO_ROOT / "tools" / "build_slides.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build_slides = load_build_slides()


@pytest.fixture(scope="module")
def slides():
    """A folder with every notebook's deck, built as committed (no outputs), index.html and the build's output."""
    with tempfile.TemporaryDirectory(prefix="slides-") as tmp:
        out = Path(tmp)
        try:
            build_slides.install_assets(out)
        except build_slides.AssetsUnavailable as error:
            pytest.skip(f"the slides' assets are not cached in tools/build/npm/ and cannot be fetched: {error}")
        notebooks = [str(path) for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = build_slides.main(["--no-execute", "--out", str(out), *notebooks])
        (out / BUILD_LOG).write_text(printed.getvalue(), encoding="utf-8")
        assert status == 0, printed.getvalue()
        yield out


@pytest.fixture(scope="module")
def executed_slides(slides):
    """The decks of EXECUTED, built from notebooks run in a fresh kernel, in slides/executed/."""
    out = slides / "executed"
    out.mkdir()
    (out / build_slides.ASSETS_FOLDER).symlink_to(slides / build_slides.ASSETS_FOLDER)
    exporter = build_slides.make_exporter()
    for name in EXECUTED:
        build_slides.build_deck(REPO_ROOT / "notebooks" / f"{name}.ipynb", out, run=True, exporter=exporter)
    return out


def lay_out(*cells):
    """The cells of a small notebook laid out as slides: [(slide_type, cell_type, source, tags)]."""
    nb = new_notebook(cells=list(cells))
    laid_out = build_slides.slide_layout(nb)
    return [
        (cell.metadata.get("slideshow", {}).get("slide_type", "-"), cell.cell_type, cell.source,
         cell.metadata.get("tags", []))
        for cell in laid_out.cells
    ]


def subslides(laid_out):
    """The laid-out cells grouped by subslide (a slide or subslide cell starts one)."""
    groups = []
    for cell in laid_out:
        if cell[0] in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


def marked(source, slide_type):
    cell = new_markdown_cell(source) if not source.startswith("code:") else new_code_cell(source[5:])
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


# ---------------------------------------------------------------------------
# Without a browser
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("page, expected", [
    ('<a href="https://keras.io">Keras</a> <p>see https://example.org</p>', []),
    ('<style>/* https://github.com/x */ p { color: red }</style>', []),
    ('<script>// docs: https://revealjs.com\nvar x = 1;</script>', []),
    ('<script src="https://cdn.example/require.js"></script>', ["<script src=https://cdn.example/require.js>"]),
    ('<link rel="stylesheet" href="//cdn.example/reveal.css">', ["<link href=//cdn.example/reveal.css>"]),
    ('<img src="http://example.org/plot.png">', ["<img src=http://example.org/plot.png>"]),
    ('<style>@import url(https://fonts.example/lato.css);</style>', ["<style> https://fonts.example/lato.css"]),
    ('<script>require(["https://unpkg.com/reveal.js/dist/reveal.js"])</script>', ["<script> https://unpkg.com/reveal.js/dist/reveal.js"]),
    ('<div style="background: url(https://example.org/a.png)"></div>', ["<div style> https://example.org/a.png"]),
    ('<img src="data:image/png;base64,AAAA"><script src="assets/x.js"></script>', []),
])
def test_remote_references_finds_what_a_browser_would_fetch(page, expected):
    assert build_slides.remote_references(page) == expected


def test_a_stock_nbconvert_deck_fails_the_offline_check(tmp_path):
    from nbconvert import SlidesExporter

    nb = nbformat.read(REPO_ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    deck = tmp_path / "stock.slides.html"
    deck.write_text(SlidesExporter().from_notebook_node(nb)[0], encoding="utf-8")
    problems = "\n".join(build_slides.check_deck(deck))
    for cdn_file in ("reveal.js", "require.min.js", "mathjax", "jquery"):
        assert cdn_file in problems


def test_assets_are_pinned_to_what_nbconvert_expects():
    from nbconvert import HTMLExporter, SlidesExporter

    defaults = SlidesExporter()
    assert defaults.reveal_url_prefix.endswith(f"reveal.js@{build_slides.REVEAL.version}")
    assert f"/require.js/{build_slides.REQUIREJS.version}/" in HTMLExporter().require_js_url
    assert f"/mathjax/{build_slides.MATHJAX.version}/" in HTMLExporter().mathjax_url
    assert all(asset.integrity.startswith("sha512-") and len(asset.integrity) == 95 for asset in build_slides.ASSETS)


def test_decks_name_no_remote_file_and_every_local_file_exists(slides):
    for name in LESSONS:
        deck = slides / f"{name}.slides.html"
        assert build_slides.check_deck(deck) == []
        used = build_slides.local_references(deck.read_text(encoding="utf-8"))
        for url in build_slides.URLS.values():  # reveal.js, require.js, jQuery, MathJax
            assert any(path.startswith(url.split("?")[0]) for path in used), url
        assert any(path.endswith("/dist/theme/simple-offline.css") for path in used)
    theme = slides / build_slides.URLS["reveal_url_prefix"] / "dist" / "theme" / "simple-offline.css"
    assert build_slides.remote_imports_in_css(theme.resolve()) == []
    assert "fonts.googleapis.com" not in theme.read_text(encoding="utf-8")
    for asset in build_slides.ASSETS:
        marker = slides / "assets" / asset.folder / ".npm-integrity"
        assert marker.read_text().strip() == asset.integrity


# ---------------------------------------------------------------------------
# The layout rules, on small notebooks
# ---------------------------------------------------------------------------


def test_markdown_is_cut_into_blocks():
    source = (
        "## Read the equations\n\nA paragraph\nover two lines.\n\n$$\n\\begin{aligned}\na &= b\\\\\nc &= d\n"
        "\\end{aligned}\n$$\n\n- one\n  more of one\n- two\n  - nested\n\n1. first\n2. second\n\n"
        "| a | b |\n|---|---:|\n| 1 | 2 |\n\n![a plot](plot.png)\n\n```python\nx = 1\n\ny = 2\n```\n\n"
        "<!-- a comment,\nshown nowhere -->\n> A quote.\n\n### Deeper\nText right under it."
    )
    blocks = build_slides.split_markdown(source)
    assert [(block.kind, block.level) for block in blocks] == [
        ("heading", 2), ("paragraph", 0), ("math", 0), ("list", 0), ("list", 0), ("table", 0), ("image", 0),
        ("code", 0), ("quote", 0), ("heading", 3), ("paragraph", 0),
    ]
    assert blocks[3].text == "- one\n  more of one\n- two\n  - nested"
    assert build_slides.list_items(blocks[3]) == ["- one\n  more of one", "- two\n  - nested"]
    assert blocks[7].text == "```python\nx = 1\n\ny = 2\n```"  # a blank line inside a fence stays in it


def test_prose_goes_to_the_notes_and_slides_keep_headings_equations_and_three_bullets():
    laid_out = lay_out(
        marked("# 99 · A lesson\n\nYou learn one thing in one sentence.\n\n## Learning objectives\n\n"
               "- one\n- two\n- three\n- four\n- five", "slide"),
        marked("## Read the equations\n\nA long paragraph. It has two sentences.\n\n$$\nh_t = o_t \\tanh(c_t)\n$$\n\n"
               "After the equation, more prose.", "slide"),
        marked("code:print(1)", "fragment"),
    )
    groups = subslides(laid_out)
    assert [group[0][2] for group in groups] == ["# 99 · A lesson", "## Learning objectives", "## Read the equations"]
    title, objectives, equations = groups
    # The one-sentence description under the title is a lead: it stays on the slide.
    assert ("-", "markdown", "You learn one thing in one sentence.", []) in title
    shown = [cell[2] for cell in objectives if cell[0] != "notes"]
    notes = [cell[2] for cell in objectives if cell[0] == "notes"]
    assert shown == ["## Learning objectives", "- one\n- two\n- three"]
    assert notes == ["- four\n- five"]
    assert [cell[0] for cell in equations] == ["slide", "notes", "-", "fragment"]
    assert equations[1][2] == "A long paragraph. It has two sentences.\n\nAfter the equation, more prose."
    assert equations[2][2] == "$$\nh_t = o_t \\tanh(c_t)\n$$"
    assert equations[3][1] == "code"


def test_each_code_cell_gets_its_own_subslide_under_the_same_heading():
    laid_out = lay_out(
        marked("## Make a tiny cell\n\nTake a cell with 2 units. It reads 1 feature.", "slide"),
        marked("code:units = 2", "fragment"),
        marked("The input is one sequence. It has 8 steps.", "-"),
        marked("code:x = [1, 2]", "fragment"),
        marked("### Exercise 1.1\n\nDo it.", "subslide"),
        marked("code:answer = None", "fragment"),
    )
    groups = subslides(laid_out)
    assert [[cell[0] for cell in group] for group in groups] == [
        ["slide", "notes", "fragment"], ["subslide", "notes", "fragment"], ["subslide", "-", "fragment"],
    ]
    assert groups[1][0][2] == "## Make a tiny cell" and groups[1][0][3] == ["slides-continued"]
    # The notes sit with the code they explain.
    assert groups[0][1][2] == "Take a cell with 2 units. It reads 1 feature."
    assert groups[1][1][2] == "The input is one sequence. It has 8 steps."
    assert groups[2][1][2] == "Do it."  # a one-sentence lead under the heading
    assert all(sum(cell[1] == "code" for cell in group) == 1 for group in groups)


def test_a_notebook_without_slide_metadata_gets_slides_from_its_headings():
    laid_out = lay_out(
        new_markdown_cell("# Title\n\n## First\n\nProse. More prose.\n\n### A detail"),
        new_code_cell("x = 1"),
        new_markdown_cell("## Second"),
    )
    assert [(cell[0], cell[2]) for cell in laid_out if cell[0] in ("slide", "subslide")] == [
        ("slide", "# Title"), ("slide", "## First"), ("subslide", "### A detail"), ("slide", "## Second"),
    ]


def test_a_tall_table_is_cut_into_subslides_with_its_header():
    rows = "\n".join(f"| {i} | {'a description that wraps over a line or two ' * 2} |" for i in range(30))
    laid_out = lay_out(marked(f"## Course map\n\n| # | What |\n|---|---|\n{rows}", "slide"))
    tables = [cell[2] for cell in laid_out if cell[2].startswith("| # |")]
    assert len(tables) > 2
    assert all(table.splitlines()[1] == "|---|---|" for table in tables)
    assert sum(len(table.splitlines()) - 2 for table in tables) == 30
    assert len(subslides(laid_out)) == len(tables)


def test_tall_outputs_get_maximum_heights_that_fit_the_slide():
    import base64
    import struct

    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 1000, 900) + b"\x08\x06\0\0\0"
    figure = new_output("display_data", data={"image/png": base64.b64encode(png + b"\0" * 32).decode(),
                                              "text/plain": "<Figure>"})
    printout = new_output("stream", name="stdout", text="".join(f"line {i}\n" for i in range(80)))
    cell = new_code_cell("\n".join(f"x{i} = {i}" for i in range(30)), outputs=[printout, figure])
    fitted, height = build_slides.fit_code_cell(cell, 500)
    caps = {tag.rsplit("-", 1)[0]: int(tag.rsplit("-", 1)[1]) for tag in fitted.metadata["tags"]}
    assert set(caps) == {"slides-code", "slides-img", "slides-out"}
    assert caps["slides-code"] + caps["slides-out"] <= 500  # the figure is one of the outputs
    assert caps["slides-img"] < caps["slides-out"]
    assert height <= 500
    assert cell.metadata.get("tags") is None  # the notebook's own cell is not changed
    # Each cap has a rule in the deck's style sheet.
    css = build_slides._slide_css()
    assert all(f".celltag_{name}-{value} " in css for name, value in caps.items())
    # A progress line, written piece by piece and rewritten with carriage returns, shows as its last version.
    progress = [new_output("stream", name="stdout", text=f"\repoch {epoch}/40") for epoch in range(1, 41)]
    progress.append(new_output("stream", name="stdout", text="\n40 epochs, best val_loss 0.01\n"))
    cell = new_code_cell("model.fit(...)", outputs=[*progress, figure])
    fitted, _ = build_slides.fit_code_cell(cell, 600)
    assert [output["output_type"] for output in fitted.outputs] == ["stream", "display_data"]
    assert fitted.outputs[0]["text"] == "epoch 40/40\n40 epochs, best val_loss 0.01\n"
    assert len(cell.outputs) == 42


def test_a_long_cell_with_a_tall_figure_is_shown_as_two_slides_code_then_figure():
    import base64
    import struct

    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 800, 500) + b"\x08\x06\0\0\0"
    figure = new_output("display_data", data={"image/png": base64.b64encode(png + b"\0" * 32).decode(),
                                              "text/plain": "<Figure>"})
    long_cell = marked("code:" + "\n".join(f"x{i} = {i}" for i in range(16)), "fragment")
    long_cell.outputs = [figure]
    short_cell = marked("code:plot()", "fragment")
    short_cell.outputs = [figure]
    groups = subslides(lay_out(marked("## Plot it", "slide"), long_cell, short_cell))
    assert [[cell[1] for cell in group] for group in groups] == [
        ["markdown", "code"], ["markdown", "code"], ["markdown", "code"],
    ]
    assert build_slides.OUTPUT_ONLY not in groups[0][1][3]
    assert build_slides.OUTPUT_ONLY in groups[1][1][3]  # the figure, without the code again
    assert build_slides.OUTPUT_ONLY not in groups[2][1][3]  # a one-line cell keeps its figure
    body, _ = build_slides.make_exporter().from_notebook_node(
        build_slides.slide_layout(new_notebook(cells=[marked("## Plot it", "slide"), long_cell])))
    assert body.count(">x15<") == 1  # the code is shown once, on the first of the two slides


def test_the_build_says_which_notebook_it_is_on(slides):
    log = (slides / BUILD_LOG).read_text(encoding="utf-8").splitlines()
    notebooks = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    total = len(notebooks)
    for number, notebook in enumerate(notebooks, start=1):
        step = f"[{number}/{total}] notebooks/{notebook.name}"
        started = log.index(f"{step} (converting)")
        assert re.fullmatch(rf"{re.escape(step)}: ok, \d+ slides, [\d.]+ s -> .*\.slides\.html", log[started + 1])


def test_decks_follow_the_slide_metadata(slides):
    page = (slides / "11_lstm_cell_from_equations.slides.html").read_text(encoding="utf-8")
    assert page.count("<section") >= 10
    assert 'class="fragment"' in page
    # Links between lessons lead to their slides.
    assert 'href="00_start_here.slides.html"' in page
    assert not re.search(r'href="[0-9]{2}_[A-Za-z0-9_]+\.ipynb', page)
    index = (slides / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}.slides.html"' in index for name in LESSONS)
    assert build_slides.remote_references(index) == []


# ---------------------------------------------------------------------------
# In a browser, with the network closed
# ---------------------------------------------------------------------------

DECK_STATE = """() => {
  const Reveal = require(REVEAL_JS);
  const slides = document.querySelector('.reveal .slides');
  return {
    total: Reveal.getTotalSlides(),
    fragments: slides.querySelectorAll('.fragment').length,
    tex: document.querySelectorAll('script[type^="math/tex"]').length,
    typeset: document.querySelectorAll('.mjx-chtml.MathJax_CHTML').length,
    leftover_previews: [...document.querySelectorAll('.MathJax_Preview')].filter(p => p.innerHTML.trim()).length,
    fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
  };
}"""

# The first slide that shows a formula (not only in its speaker notes), after the title.
GO_TO_FIRST_MATH_SLIDE = """() => {
  const shows = slide => [...slide.querySelectorAll('script[type^="math/tex"]')].some(s => !s.closest('aside.notes'));
  const slides = [...document.querySelectorAll('.reveal .slides > section')];
  for (let h = 1; h < slides.length; h++) {
    const vertical = [...slides[h].querySelectorAll(':scope > section')];
    const v = vertical.length ? vertical.findIndex(shows) : (shows(slides[h]) ? 0 : -1);
    if (v >= 0) {
      require(REVEAL_JS).slide(h, v, 99);
      return [h, v];
    }
  }
  return null;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser closed the page mid-transfer
            pass


def require_chromium():
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("No Chromium found at /usr/bin/chromium (nor at $CHROMIUM, nor on PATH); install it with: sudo apt-get install chromium")
    return chromium


@contextlib.contextmanager
def serving(folder):
    """An HTTP server for ``folder`` on 127.0.0.1; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Visits every slide with all its fragments shown, waits for MathJax (a slide's math is
# re-rendered when it is shown; the deck counts those re-renders in slidesMathPending), and measures the slide in reveal.js's own pixels:
# reveal.js lays a slide out at config.width x config.height and scales it to the window.
MEASURE_SLIDES = """async () => {
  const Reveal = require(REVEAL_JS);
  const hub = window.MathJax && MathJax.Hub;
  const idle = () => new Promise(resolve => {
    const busy = () => window.slidesMathPending > 0 || (hub && (hub.queue.pending || hub.queue.running));
    const check = () => busy() ? setTimeout(check, 20) : resolve();
    check();
  });
  const frame = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  await Promise.all([...document.images].map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; })));
  await document.fonts.ready;
  if (hub) { hub.processSectionDelay = 0; }  // redraw at once: the same result, sooner
  const config = Reveal.getConfig();
  const slides = [];
  const horizontal = Reveal.getHorizontalSlides();
  for (let h = 0; h < horizontal.length; h++) {
    const vertical = [...horizontal[h].querySelectorAll(':scope > section')];
    for (let v = 0; v < Math.max(vertical.length, 1); v++) {
      Reveal.slide(h, v, 1e6);
      await frame();
      await idle();
      const slide = Reveal.getCurrentSlide();
      const heading = slide.querySelector('h1, h2, h3, h4, h5, h6');
      slides.push({h, v, height: slide.scrollHeight, width: slide.scrollWidth,
                   title: heading ? heading.textContent.replace('\u00b6', '').trim() : '',
                   notes: (Reveal.getSlideNotes(slide) || '').length});
    }
  }
  return {width: config.width, height: config.height, scale: Reveal.getScale(),
          window: {width: window.innerWidth, height: window.innerHeight}, slides};
}"""


def measure_decks(base_url, decks, *, screenshots=()):
    """{deck: reveal.js's slide size, its scale, and each slide's content size}, measured in Chromium."""
    from playwright.sync_api import sync_playwright

    reveal_js = build_slides.URLS["reveal_url_prefix"] + "/dist/reveal.js"
    measured = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
                       else route.abort())
            for deck in decks:
                page.goto(f"{base_url}/{deck}")
                page.wait_for_selector(".reveal.ready", timeout=60_000)
                page.wait_for_function("window.MathJax && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
                                       timeout=60_000)
                measured[deck] = page.evaluate(MEASURE_SLIDES.replace("REVEAL_JS", repr(reveal_js)))
                if deck in screenshots:  # the tallest slide, to look at
                    tallest = max(measured[deck]["slides"], key=lambda slide: slide["height"])
                    page.evaluate(f"require({reveal_js!r}).slide({tallest['h']}, {tallest['v']}, 1e6)")
                    page.wait_for_timeout(1200)  # the slide transition
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"slides_tallest_{Path(deck).stem.split('.')[0]}.png"))
        finally:
            browser.close()
    return measured


def overflowing(measured):
    """'deck h.v "title": 812 px of content on a 700 px slide' for each slide that does not fit."""
    problems = []
    for deck, found in measured.items():
        scaled = {side: found[side] * found["scale"] for side in ("width", "height")}
        if scaled["height"] > found["window"]["height"] + 0.5 or scaled["width"] > found["window"]["width"] + 0.5:
            problems.append(f"{deck}: the {found['width']}x{found['height']} slide scaled by {found['scale']:.3f} "
                            f"does not fit the {found['window']['width']}x{found['window']['height']} window")
        for slide in found["slides"]:
            if slide["height"] > found["height"] or slide["width"] > found["width"]:
                problems.append(
                    f"{deck} slide {slide['h']}.{slide['v']} \"{slide['title'][:60]}\": {slide['width']}x{slide['height']} "
                    f"px of content on a {found['width']}x{found['height']} slide "
                    f"({slide['height'] * found['scale']:.0f} of {found['height'] * found['scale']:.0f} screen pixels high)"
                )
    return problems


def test_every_slide_of_every_deck_fits_a_1280x800_screen(slides, executed_slides, tmp_path):
    require_chromium()
    # A deck that must fail the measurement: an equation block no layout can cut is taller than a slide.
    tall = "$$\n\\begin{aligned}\n" + "\\\\\n".join(f"x_{{{i}}} &= {i}" for i in range(40)) + "\n\\end{aligned}\n$$"
    notebook = tmp_path / "99_too_tall.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell(f"## Too tall\n\n{tall}")]), notebook)
    build_slides.build_deck(notebook, slides, run=False)

    decks = [deck.name for deck in sorted(slides.glob("*.slides.html")) if deck.name != "99_too_tall.slides.html"]
    executed = [f"executed/{name}.slides.html" for name in EXECUTED]
    with serving(slides) as base_url:
        measured = measure_decks(base_url, ["99_too_tall.slides.html", *decks, *executed], screenshots=executed)

    too_tall = measured.pop("99_too_tall.slides.html")
    assert overflowing({"99_too_tall": too_tall}), f"a 40-line equation should not fit a slide: {too_tall}"
    assert set(measured) == {*decks, *executed}
    assert all(len(found["slides"]) >= 5 for found in measured.values()), measured
    # The prose went to the speaker notes (the S key), where reveal.js finds it.
    with_notes = {deck: sum(slide["notes"] > 0 for slide in found["slides"]) for deck, found in measured.items()}
    assert all(count >= 1 for count in with_notes.values()), with_notes
    for found in measured.values():
        assert (found["width"], found["height"]) == (build_slides.SLIDE_WIDTH, build_slides.SLIDE_HEIGHT)
    problems = overflowing(measured)
    assert problems == [], "slides taller or wider than the screen:\n" + "\n".join(problems)


def test_a_deck_presents_with_the_network_closed(slides):
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(slides)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/11_lstm_cell_from_equations.slides.html"
    refused, failed, errors = [], [], []

    def only_local(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", only_local)
                page.on("requestfailed", lambda request: failed.append(request.url))
                page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
                page.goto(url)
                page.wait_for_selector(".reveal.ready", timeout=60_000)
                # Go at once to the first slide with equations, all its steps shown, as a presenter
                # might while MathJax is still at work: the math must be drawn once, and fully.
                reveal_js = build_slides.URLS["reveal_url_prefix"] + "/dist/reveal.js"
                page.evaluate(GO_TO_FIRST_MATH_SLIDE.replace("REVEAL_JS", repr(reveal_js)))
                page.wait_for_function("window.MathJax && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running", timeout=60_000)
                page.wait_for_timeout(1500)  # the transition, and any re-rendering it starts
                page.wait_for_function("MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running", timeout=60_000)
                page.evaluate("document.fonts.ready")
                state = page.evaluate(DECK_STATE.replace("REVEAL_JS", repr(reveal_js)))
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOT))
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()

    assert refused == [], f"the deck asked for remote files: {refused}"
    assert failed == [] and errors == [], (failed, errors)
    assert state["total"] > 5 and state["fragments"] > 5, state
    assert state["tex"] > 10 and state["typeset"] == state["tex"], f"MathJax did not typeset every formula: {state}"
    assert state["leftover_previews"] == 0, state
    assert {"News Cycle", "Lato", "MJXc-TeX-main-Rw"} <= set(state["fonts"]), state


def test_figures_in_a_deck_carry_their_alt_text():
    """nbconvert's lab template drops output metadata; the course's template writes the alt text into <img>."""
    import html.parser

    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A slide", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell("plot", metadata={"slideshow": {"slide_type": "fragment"}}, outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgoAAAA", "text/plain": "<Figure>"},
                                   metadata={"image/png": {"alt": 'Figure: "loss" & <accuracy>'}})]),
    ])
    body, _ = build_slides.make_exporter().from_notebook_node(nb)

    class Images(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.alts = []

        def handle_starttag(self, tag, attrs):
            if tag == "img" and "iVBORw0KGgoAAAA" in (dict(attrs).get("src") or ""):
                self.alts.append(dict(attrs).get("alt"))

    parser = Images()
    parser.feed(body)
    assert parser.alts == ['Figure: "loss" & <accuracy>']
