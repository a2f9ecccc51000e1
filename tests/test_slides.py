"""`make slides`: reveal.js slides from the lessons that present with no network.

tools/build_slides.py is run on two lessons without executing them (seconds), into a
temporary folder, with the pinned assets from the npm registry (cached in
tools/build/npm/, downloaded on first use). The tests check that the decks name no
remote file and that every local file they name exists; then headless Chromium opens
a deck served from 127.0.0.1 with every other request refused, and the test checks
that reveal.js started, MathJax typeset every formula and nothing was fetched from
elsewhere (a screenshot goes to tests/artifacts/, gitignored).

Without the assets cached and without a way to download them (no npm and no network),
the tests that need them are skipped and say why; a tarball that does not match its
pinned SHA-512 fails them.
"""

import functools
import http.server
import importlib.util
import re
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO_ROOT
from tests.test_browser import CHROMIUM_ARGS, find_chromium

LESSONS = ("00_start_here", "11_lstm_cell_from_equations")  # 01 has the most LaTeX
SCREENSHOT = REPO_ROOT / "tests" / "artifacts" / "slides_01.png"


def load_build_slides():
    spec = importlib.util.spec_from_file_location("build_slides", REPO_ROOT / "tools" / "build_slides.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build_slides = load_build_slides()


@pytest.fixture(scope="module")
def slides():
    """A folder with the two lessons' decks, built as committed (no outputs), and index.html."""
    with tempfile.TemporaryDirectory(prefix="slides-") as tmp:
        out = Path(tmp)
        try:
            build_slides.install_assets(out)
        except build_slides.AssetsUnavailable as error:
            pytest.skip(f"the slides' assets are not cached in tools/build/npm/ and cannot be fetched: {error}")
        notebooks = [str(REPO_ROOT / "notebooks" / f"{name}.ipynb") for name in LESSONS]
        assert build_slides.main(["--no-execute", "--out", str(out), *notebooks]) == 0
        yield out


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
    import nbformat
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

GO_TO_FIRST_MATH_SLIDE = """() => {
  const slides = [...document.querySelectorAll('.reveal .slides > section')];
  const index = slides.findIndex((slide, i) => i > 0 && slide.querySelector('script[type^="math/tex"]'));
  require(REVEAL_JS).slide(index, 0, 99);
  return index;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_deck_presents_with_the_network_closed(slides):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("No Chromium found at /usr/bin/chromium (nor at $CHROMIUM, nor on PATH); install it with: sudo apt-get install chromium")
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
