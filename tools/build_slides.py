"""Build reveal.js slides from the lessons, ready to present without a network.

Why this tool exists
--------------------
Instructors present the lessons as slides, often in a room without internet.
The slide structure starts from the notebooks themselves (``cell.metadata.slideshow``:
a slide for every ``#`` and ``##`` heading, a subslide for every ``###``, and
code cells as fragments, so a step builds up on its slide), and nbconvert's
``SlidesExporter`` turns it into reveal.js HTML.  Out of the box those HTML files
load reveal.js, require.js, jQuery, MathJax and the theme's Google Fonts from CDNs,
so they show a blank page offline; and a lesson written for reading puts whole
paragraphs and several code cells on one slide, far taller than a screen.  This
tool builds slides that fit a 1280x800 screen, against local copies of those files.

What it does
------------
1. Fetches pinned packages from the npm registry (``ASSETS``): reveal.js 4.0.2
   and require.js 2.1.10 and MathJax 2.7.7, the versions nbconvert's reveal
   template is written for; jQuery 3.7.1 (the template asks for 2.0.3, which is
   not on npm; it only uses ``$(...).height/find/filter/css``, which 3.x keeps);
   and the two fonts of nbconvert's default theme, ``simple`` (News Cycle and
   Lato, from Fontsource).  ``npm pack`` downloads each tarball (so npm's own
   registry, proxy and certificate settings apply); without npm the same tarball
   is downloaded from the registry over HTTPS.  Every tarball is checked against
   the SHA-512 ``integrity`` that the npm registry publishes for it, recorded
   below, and kept in ``tools/build/npm/`` so later builds download nothing.
2. Unpacks them into ``<out>/assets/`` and writes ``simple-offline.css``: the
   ``simple`` theme with its two Google Fonts imports replaced by the local fonts.
3. Executes each notebook in a fresh kernel, with the notebook's folder as the
   working directory, like JupyterLab's "Run All" (``--no-execute`` converts the
   notebooks as committed, without outputs), lays the executed copy out as
   slides (``slide_layout``: headings, equations, figures, tables, short lists and
   one code cell with its outputs per slide; prose to the speaker notes; the
   rules are written above ``SLIDE_WIDTH``), and converts it with
   ``SlidesExporter`` pointed at ``assets/``, on a 1120x700 (16:10) slide with the
   style sheet ``SLIDE_CSS``.  The notebook files are never changed: learners keep
   their prose.  Links between lessons (``21_sine_wave_forecaster.ipynb``) are
   pointed at their slides.  ``TEMPLATE`` changes a few things in nbconvert's
   template (MathJax re-rendering, the mermaid.js loader, slides aligned at the
   top; see there).  It says which notebook it is on, e.g.
   ``[3/10] notebooks/14_why_lstm_vanishing_gradients.ipynb (running)``, then
   the result, the number of slides and the time.
4. Checks every deck and fails loudly when anything would still be loaded from
   the network when the slides are shown (a ``<script src>``, ``<link href>``,
   ``<img src>``, a URL in a script or style sheet, a remote ``@import`` in a
   local style sheet; plain links in the text are fine), or when a local file it
   names is missing.  It also writes ``index.html``, a list of the decks.

Downloads happen here, when a maintainer or an instructor builds the slides
(like ``pip install`` when the course is set up), never when a notebook runs:
the course's rule that nothing is downloaded while learners work still holds,
and the built folder presents with no network at all.

The built files are not committed (``tools/build/`` is in ``.gitignore``).

Usage (from the repository root, with the course's virtual environment)
-----------------------------------------------------------------------
    # every notebook in notebooks/, executed (about 5 minutes on a 2-core CPU)
    python tools/build_slides.py                    # or: make slides
    # one lesson; or convert as committed, without outputs (seconds)
    python tools/build_slides.py notebooks/12_keras_lstm_layer.ipynb
    python tools/build_slides.py --no-execute
    # present: serve the folder, then open http://127.0.0.1:8000/
    # (opening a .slides.html file directly works too, in Chromium at least)
    python -m http.server --bind 127.0.0.1 --directory tools/build/slides

The exit status is 0 when every deck was built and passed the checks, 1
otherwise, 2 when the assets could not be fetched.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import math
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
DEFAULT_OUT = REPO_ROOT / "tools" / "build" / "slides"
DEFAULT_CACHE = REPO_ROOT / "tools" / "build" / "npm"
DEFAULT_TIMEOUT_S = 600  # per cell, like `--nbval-cell-timeout` in pyproject.toml
DEFAULT_REGISTRY = "https://registry.npmjs.org"
ASSETS_FOLDER = "assets"  # inside the output folder; the decks name it relatively


# --------------------------------------------------------------------------
# The pinned assets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    """One npm package, pinned by version and by the registry's SHA-512 integrity."""

    package: str
    version: str
    integrity: str  # `npm view <package>@<version> dist.integrity`
    skip: tuple[str, ...] = ()  # top-level folders of the package that are not unpacked

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def folder(self) -> str:
        """Folder under assets/, e.g. ``reveal.js-4.0.2``, ``fontsource-lato-5.3.0``."""
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}"

    @property
    def tarball_name(self) -> str:
        return f"{self.folder}.tgz"  # the name `npm pack` gives it


REVEAL = Asset(
    "reveal.js", "4.0.2",
    "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==",
)
MATHJAX = Asset(
    "mathjax", "2.7.7",
    "sha512-OOl0B2/0tSJAtAZarXnQuLDBLgTNRqiI9VqHTQzPsxf4okT2iIpDrvaklK9x2QEMD1sDj4yRn11Ygci41DxMAQ==",
    skip=("unpacked", "test"),  # the unminified sources (25 MB) and MathJax's own tests
)
REQUIREJS = Asset(
    "requirejs", "2.1.10",
    "sha512-4JqdTihK3kOnT387LxCHuJZ/9QsKg2EIl7LmaW35PIyM4LwCI2jwyy4fy6pbY/ZZH2JoY/QEcb5PzULFPP6gcQ==",
    skip=("bin",),  # r.js, the optimiser for Node
)
JQUERY = Asset(
    "jquery", "3.7.1",
    "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
    skip=("src",),
)
NEWS_CYCLE = Asset(
    "@fontsource/news-cycle", "5.3.0",
    "sha512-FYR97v6llb/+wXFWW+9AmUPSXE6mrfwOeEDdErh2NH7mKf1dqb7iPJWUTMRtApl09atP6qhD5C8jK6fmb0ydZg==",
)
LATO = Asset(
    "@fontsource/lato", "5.3.0",
    "sha512-0WhF/4rhrw+ErIyneKvhHn2YAl+xf8GDtllgOgOzDmeaSlLQtjpChXaQOpWhG2BchQW0WJy2zLV12Hdg0ndOMw==",
)
ASSETS = (REVEAL, MATHJAX, REQUIREJS, JQUERY, NEWS_CYCLE, LATO)

THEME = "simple-offline"  # nbconvert's default theme, `simple`, with local fonts
# The Google Fonts that reveal.js's simple.css imports, as Fontsource style sheets.
THEME_FONTS = {
    "@import url(https://fonts.googleapis.com/css?family=News+Cycle:400,700);": (NEWS_CYCLE, ("400.css", "700.css")),
    "@import url(https://fonts.googleapis.com/css?family=Lato:400,700,400italic,700italic);": (
        LATO, ("400.css", "700.css", "400-italic.css", "700-italic.css"),
    ),
}

# What the decks load, relative to the output folder.
URLS = {
    "reveal_url_prefix": f"{ASSETS_FOLDER}/{REVEAL.folder}",
    "require_js_url": f"{ASSETS_FOLDER}/{REQUIREJS.folder}/require.js",
    "jquery_url": f"{ASSETS_FOLDER}/{JQUERY.folder}/dist/jquery.min.js",
    # MathJax.js itself: nbconvert's default, latest.js, looks for a newer MathJax on a CDN first.
    "mathjax_url": f"{ASSETS_FOLDER}/{MATHJAX.folder}/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}

# nbconvert's reveal template with these changes:
# - no loader of mermaid.js (fetched from a CDN when a deck has a diagram; the
#   course has none, and it is not fetched here);
# - the template re-renders a slide's math each time the slide is shown, at once,
#   even while MathJax is still typesetting the page; a presenter who moves on in
#   the first second or two (or opens a deck at a later slide) then sees a small
#   second copy of each formula. Here a re-render waits until MathJax is idle;
# - after a re-render, reveal.js lays the slide out again (it centres a slide by
#   its height, which the re-render can change), and ``window.slidesMathPending``
#   counts the re-renders asked for and not yet done (tests/test_slides.py waits
#   for 0 before it measures a slide);
# - MathJax does not break formulas into lines automatically: in a table cell it
#   broke ``[W_i W_f W_c W_o]`` into four lines on every re-render, as the cell is
#   narrow while its formula is being redrawn. A slide is wide enough for the
#   course's formulas, and the slide test fails on one that is not;
# - slides start at the top instead of being centred vertically, so that the
#   heading stays in one place from one slide to the next.
TEMPLATE_NAME = "offline_slides.html.j2"
TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({ CommonHTML: { linebreaks: { automatic: false } } });
</script>
<script>
window.slidesMathPending = 0;
(function (hub) {
  if (!hub) { return; }
  var rerender = hub.Rerender;
  var reveal = "{{ resources.reveal.url_prefix }}/dist/reveal.js";
  hub.Rerender = function (element, callback) {
    if (element && !hub.getAllJax(element).length) {  // nothing to redraw on this slide
      if (callback) { callback(); }
      return;
    }
    window.slidesMathPending += 1;
    function done() {
      window.slidesMathPending -= 1;
      if (window.require && require.defined && require.defined(reveal)) { require(reveal).layout(); }
      if (callback) { callback(); }
    }
    (function attempt() {
      var queue = hub.queue;
      if (queue.running || (!queue.pending && !queue.queue.length)) {
        rerender.call(hub, element, done);
      } else {
        setTimeout(attempt, 100);
      }
    })();
  };
})(window.MathJax && window.MathJax.Hub);
</script>
{%- endblock html_head_js_mathjax -%}
{#- nbconvert's lab template ignores the alt text that utils.use_course_style puts in a figure's output metadata: -#}
{#- write it into the <img> tag, so the slides carry every figure's description. -#}
{%- block data_png scoped -%}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
{%- if alt -%}{{ super() | replace('<img ', '<img alt="' ~ (alt | escape_html) ~ '" ', 1) }}{%- else -%}{{ super() }}{%- endif -%}
{%- endblock data_png -%}
{%- block footer_js -%}
{{ super() }}
<script>
require(["{{ resources.reveal.url_prefix }}/dist/reveal.js"], function (Reveal) {
  Reveal.configure({ center: false });  // every heading at the top, where the eye expects it
});
</script>
{%- endblock footer_js -%}
"""


class AssetsUnavailable(RuntimeError):
    """The assets are not cached and cannot be downloaded (no npm, no network, ...)."""


class IntegrityError(RuntimeError):
    """A downloaded tarball is not the one pinned here."""


# --------------------------------------------------------------------------
# Fetching and unpacking the assets
# --------------------------------------------------------------------------


def sri_sha512(path: Path) -> str:
    """The Subresource Integrity string of a file, as npm records it: ``sha512-<base64>``."""
    digest = hashlib.sha512()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode()


def _npm_pack(asset: Asset, folder: Path) -> Path:
    try:
        result = subprocess.run(
            ["npm", "pack", asset.spec, "--ignore-scripts", "--loglevel=error"],
            cwd=folder, capture_output=True, text=True, timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise AssetsUnavailable(f"npm pack {asset.spec} failed: {error}") from error
    tarballs = list(folder.glob("*.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        detail = (result.stderr.strip() or result.stdout.strip())[:600]
        raise AssetsUnavailable(f"npm pack {asset.spec} failed (exit {result.returncode}): {detail}")
    return tarballs[0]


def _https_download(asset: Asset, folder: Path) -> Path:
    registry = os.environ.get("npm_config_registry") or DEFAULT_REGISTRY
    url = f"{registry.rstrip('/')}/{asset.package}/-/{asset.package.split('/')[-1]}-{asset.version}.tgz"
    target = folder / asset.tarball_name
    try:
        with urllib.request.urlopen(url, timeout=120) as response, target.open("wb") as file:
            shutil.copyfileobj(response, file)
    except (urllib.error.URLError, OSError) as error:
        raise AssetsUnavailable(f"no npm, and downloading {url} failed: {error}") from error
    return target


def fetch(asset: Asset, cache: Path) -> Path:
    """The asset's tarball in ``cache``, downloaded if needed, always checked against its integrity."""
    tarball = cache / asset.tarball_name
    if tarball.exists() and sri_sha512(tarball) == asset.integrity:
        return tarball
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as tmp:
        how = "npm pack" if shutil.which("npm") else "HTTPS"
        print(f"Fetching {asset.spec} from the npm registry ({how})", flush=True)
        downloaded = _npm_pack(asset, Path(tmp)) if shutil.which("npm") else _https_download(asset, Path(tmp))
        actual = sri_sha512(downloaded)
        if actual != asset.integrity:
            raise IntegrityError(f"{asset.spec}: the tarball's integrity is {actual}, expected {asset.integrity}")
        downloaded.replace(tarball)
    return tarball


def unpack(asset: Asset, tarball: Path, assets_dir: Path) -> Path:
    """Unpack regular files of the tarball into ``assets_dir/<asset.folder>`` (once per integrity)."""
    target = assets_dir / asset.folder
    marker = target / ".npm-integrity"
    if marker.exists() and marker.read_text().strip() == asset.integrity:
        return target
    partial = assets_dir / f".{asset.folder}.partial"
    for old in (target, partial):
        if old.exists():
            shutil.rmtree(old)
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar:
            if not member.isfile():  # folders are made as needed; links are never followed
                continue
            parts = PurePosixPath(member.name).parts[1:]  # drop npm's "package/"
            if not parts or any(part in ("", ".", "..") for part in parts) or member.name.startswith("/"):
                raise IntegrityError(f"{asset.spec}: unsafe path in the tarball: {member.name!r}")
            if parts[0] in asset.skip:
                continue
            destination = partial.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, destination.open("wb") as file:
                shutil.copyfileobj(source, file)
    (partial / ".npm-integrity").write_text(asset.integrity + "\n")
    partial.rename(target)
    return target


def write_offline_theme(assets_dir: Path) -> Path:
    """reveal.js's simple.css with its Google Fonts imports replaced by the local Fontsource fonts."""
    theme_dir = assets_dir / REVEAL.folder / "dist" / "theme"
    text = (theme_dir / "simple.css").read_text(encoding="utf-8")
    for remote, (font, sheets) in THEME_FONTS.items():
        if remote not in text:
            raise IntegrityError(f"reveal.js's simple.css no longer has the line {remote}")
        imports = []
        for sheet in sheets:
            local = assets_dir / font.folder / sheet
            if not local.is_file():
                raise IntegrityError(f"{font.spec} has no {sheet}")
            imports.append(f"@import url(../../../{font.folder}/{sheet});")
        text = text.replace(remote, "\n".join(imports))
    path = theme_dir / f"{THEME}.css"
    path.write_text(text, encoding="utf-8")
    return path


def install_assets(out: Path, cache: Path = DEFAULT_CACHE) -> Path:
    """Make ``out/assets/`` hold every asset (fetched into ``cache`` first) and the offline theme."""
    assets_dir = out / ASSETS_FOLDER
    assets_dir.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        unpack(asset, fetch(asset, cache), assets_dir)
    write_offline_theme(assets_dir)
    return assets_dir


# --------------------------------------------------------------------------
# Lessons into slides: the layout, decided when the deck is built
# --------------------------------------------------------------------------
#
# A lesson is written for a learner who reads: a heading, a few sentences, a code
# cell, its output. A slide is shown to a room: a heading and one thing to look at.
# ``slide_layout`` turns a (copy of a) lesson into slides with these rules:
#
# 1. Markdown cells are cut into blocks: headings, display math, lists, tables,
#    images, fenced code, HTML, and paragraphs.
# 2. A ``#`` or ``##`` heading starts a slide, a ``###`` (or deeper) heading a
#    subslide; a cell marked ``slide`` or ``subslide`` in its metadata starts one
#    too (the notebooks' convention, which this extends to headings inside a cell).
# 3. On the slide: headings, equations, figures, tables, fenced code, and the
#    first ``MAX_BULLETS`` items of a list.  A paragraph goes to the speaker notes
#    (reveal.js's ``S`` key), unless it is a lead: one sentence of at most
#    ``LEAD_MAX_CHARS`` characters right under a heading (a lesson's one-line
#    description).  Block quotes and a list's further items go to the notes too.
# 4. A code cell and its outputs share a slide with no other code cell.  Its
#    outputs are shown as JupyterLab shows them: a progress line rewritten with
#    carriage returns is its last version, not one line per epoch.  A long cell
#    with tall outputs is shown as two slides: its code, then its outputs.
# 5. Each slide is filled while the estimated height of its content fits
#    ``HEIGHT_BUDGET``; what does not fit goes on the next subslide, under the same
#    heading again.  Tables that are too tall are cut into several subslides,
#    their header repeated.  Speaker notes go with the slide of the next thing
#    shown, as prose in a lesson introduces the cell after it.
# 6. A code cell gets maximum heights for its code, its outputs and its figures
#    (cell tags that the deck's style sheet, ``SLIDE_CSS``, turns into
#    ``max-height``), shared out so that the cell fits on its slide: a tall figure
#    is drawn smaller, a long printout or long code scrolls inside its box.
#
# The estimates use the font sizes that ``SLIDE_CSS`` sets; tests/test_slides.py
# measures every slide of every deck in Chromium at 1280x800 and fails when one is
# taller than the space reveal.js gives it.

SLIDE_WIDTH, SLIDE_HEIGHT = 1120, 700  # reveal.js's slide size (16:10), scaled to fit the screen
HEIGHT_BUDGET = 620  # what the layout fills by its estimates; the rest absorbs their error
# A code cell's maximum heights are hard limits, not estimates: they may use more of the slide.
CAPPED_BUDGET = SLIDE_HEIGHT - 60
MAX_BULLETS = 3
LEAD_MAX_CHARS = 200
CAP_STEP = 20  # maximum heights are multiples of this (the style sheet has a rule for each)

# Sizes in CSS pixels of the slide (before reveal.js scales it), as SLIDE_CSS sets them.
TEXT_FONT, TEXT_LINE = 24, 24 * 1.35
HEADING_FONTS = {1: 48, 2: 40, 3: 34, 4: 28, 5: 26, 6: 24}
HEADING_LINE = 1.2  # line height, in ems
HEADING_GAP = 16  # below a heading
BLOCK_GAP = 16  # below a paragraph, list, table, math block
CODE_FONT, CODE_LINE = 17, 17 * 1.3
OUTPUT_FONT, OUTPUT_LINE = 16, 16 * 1.3
TABLE_FONT, TABLE_LINE = 18, 18 * 1.3
TABLE_ROW_PAD = 10
OUTPUT_TABLE_ROW = 30
CELL_GAP = 12  # around a code cell's input and each output
CONTENT_WIDTH = SLIDE_WIDTH - 20
MATH_ROW = 2.0 * TEXT_FONT
MARKDOWN_IMAGE_MAX = 400
SLIDE_PADDING = 56  # reveal.js's padding of a slide (20 px above and below) and the cells' margins

SLIDE_CSS = """
.reveal .slides { text-align: left; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
.reveal .jp-Cell { padding: 0; margin: 0; }
.reveal .jp-Cell-inputWrapper, .reveal .jp-Cell-outputWrapper { margin: 0; padding: 0; }
.reveal .jp-RenderedMarkdown h1, .reveal .jp-RenderedMarkdown h2, .reveal .jp-RenderedMarkdown h3,
.reveal .jp-RenderedMarkdown h4, .reveal .jp-RenderedMarkdown h5, .reveal .jp-RenderedMarkdown h6 {
  line-height: %(heading_line)s; margin: 0 0 %(heading_gap)spx 0; padding: 0;
}
%(heading_sizes)s
.reveal .jp-RenderedMarkdown p, .reveal .jp-RenderedMarkdown li {
  font-size: %(text_font)spx; line-height: %(text_line)spx;
}
.reveal .jp-RenderedMarkdown p, .reveal .jp-RenderedMarkdown ul, .reveal .jp-RenderedMarkdown ol,
.reveal .jp-RenderedMarkdown table, .reveal .jp-RenderedMarkdown pre {
  margin: 0 0 %(block_gap)spx 0;
}
.reveal .jp-RenderedMarkdown li > p { margin: 0; }
.reveal .jp-RenderedMarkdown table { font-size: %(table_font)spx; line-height: %(table_line)spx; }
.reveal .jp-RenderedMarkdown td, .reveal .jp-RenderedMarkdown th { padding: %(table_pad)spx 8px; }
.reveal .jp-RenderedMarkdown img { max-height: %(markdown_image)spx; max-width: 100%%; }
.reveal .jp-InputArea-editor pre, .reveal .jp-InputArea-editor .highlight pre {
  font-size: %(code_font)spx; line-height: %(code_line)spx;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 6px;
}
.reveal .jp-InputArea, .reveal .jp-InputArea-editor, .reveal .jp-OutputArea-child, .reveal .jp-OutputArea-output {
  display: block;
}
.reveal .jp-InputArea-editor { overflow-y: auto; }
.reveal .jp-OutputArea-child div.jp-OutputArea-output > pre {
  font-size: %(output_font)spx; line-height: %(output_line)spx;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; width: auto;
}
.reveal .jp-OutputArea { overflow-y: auto; max-height: %(slide_height)spx; }
.reveal .jp-OutputArea-output { overflow-x: auto; }
.reveal .jp-OutputArea-output table { font-size: %(output_font)spx; }
.reveal .jp-OutputArea-output td, .reveal .jp-OutputArea-output th { padding: 2px 8px; }
.reveal .jp-RenderedImage img { display: block; max-width: 100%%; width: auto; height: auto; margin: 4px 0; }
.reveal .jp-OutputArea-child, .reveal .jp-Cell-inputArea { margin: 0 0 %(cell_gap)spx 0; }
.reveal .jp-OutputArea-child:last-child { margin-bottom: 0; }
"""


def _slide_css() -> str:
    """SLIDE_CSS with its sizes filled in, and the maximum-height rules that cell tags select."""
    heading_sizes = "\n".join(
        f".reveal .jp-RenderedMarkdown h{level} {{ font-size: {size}px; }}" for level, size in HEADING_FONTS.items()
    )
    css = SLIDE_CSS % {
        "heading_line": HEADING_LINE, "heading_gap": HEADING_GAP, "heading_sizes": heading_sizes,
        "text_font": TEXT_FONT, "text_line": TEXT_LINE, "block_gap": BLOCK_GAP,
        "table_font": TABLE_FONT, "table_line": TABLE_LINE, "table_pad": TABLE_ROW_PAD // 2,
        "markdown_image": MARKDOWN_IMAGE_MAX, "code_font": CODE_FONT, "code_line": CODE_LINE,
        "output_font": OUTPUT_FONT, "output_line": OUTPUT_LINE, "slide_height": SLIDE_HEIGHT,
        "cell_gap": CELL_GAP,
    }
    caps = []
    for height in range(CAP_STEP, SLIDE_HEIGHT + 1, CAP_STEP):
        caps.append(
            f".reveal .celltag_slides-code-{height} .jp-InputArea-editor {{ max-height: {height}px; }}\n"
            f".reveal .celltag_slides-img-{height} .jp-RenderedImage img {{ max-height: {height}px; }}\n"
            f".reveal .celltag_slides-out-{height} .jp-OutputArea {{ max-height: {height}px; }}"
        )
    return css + "\n".join(caps) + "\n"


@dataclass(frozen=True)
class Block:
    """A top-level piece of a markdown cell: its kind, its source and (for a heading) its level."""

    kind: str  # heading, math, list, table, image, code, html, quote, paragraph
    text: str
    level: int = 0


_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])([ \t]+|$)")
_TABLE_SEPARATOR = re.compile(r"^ *\|? *:?-{2,}:? *(\| *:?-{2,}:? *)*\|? *$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.I)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_BEGIN_ENV = re.compile(r"^ {0,3}\\begin\{([A-Za-z*]+)\}")


def _starts_block(line: str) -> bool:
    """Whether this line ends a paragraph above it (a heading, fence, math, quote, list item, table)."""
    stripped = line.strip()
    return bool(
        _HEADING.match(line) or _FENCE.match(line) or stripped.startswith("$$") or _BEGIN_ENV.match(line)
        or stripped.startswith(">") or _LIST_ITEM.match(line) or stripped.startswith("|")
    )


def split_markdown(source: str) -> list[Block]:
    """Cut a markdown cell into its top-level blocks, in order.

    >>> [(b.kind, b.text) for b in split_markdown("## Title\\n\\nSome prose\\non two lines.\\n\\n$$\\nx^2\\n$$")]
    [('heading', '## Title'), ('paragraph', 'Some prose\\non two lines.'), ('math', '$$\\nx^2\\n$$')]
    >>> [b.kind for b in split_markdown("- one\\n- two\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n\\n![plot](p.png)")]
    ['list', 'table', 'image']
    """
    lines = re.sub(r"<!--.*?-->", "", source, flags=re.S).splitlines()  # comments show nothing
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line, stripped = lines[i], lines[i].strip()
        if not stripped:
            i += 1
            continue
        start = i
        if heading := _HEADING.match(line):
            blocks.append(Block("heading", stripped, len(heading.group(1))))
            i += 1
            continue
        if fence := _FENCE.match(line):
            marker = fence.group(1)
            i += 1
            while i < n and not lines[i].strip().startswith(marker):
                i += 1
            i = min(i + 1, n)
            blocks.append(Block("code", "\n".join(lines[start:i])))
            continue
        if stripped.startswith("$$"):
            if not (len(stripped) > 2 and stripped.endswith("$$") and stripped != "$$$"):
                i += 1
                while i < n and "$$" not in lines[i]:
                    i += 1
            i = min(i + 1, n)
            blocks.append(Block("math", "\n".join(lines[start:i])))
            continue
        if env := _BEGIN_ENV.match(line):
            end = f"\\end{{{env.group(1)}}}"
            while i < n and end not in lines[i]:
                i += 1
            i = min(i + 1, n)
            blocks.append(Block("math", "\n".join(lines[start:i])))
            continue
        if stripped.startswith("|") and i + 1 < n and _TABLE_SEPARATOR.match(lines[i + 1]):
            while i < n and lines[i].strip().startswith("|"):
                i += 1
            blocks.append(Block("table", "\n".join(lines[start:i])))
            continue
        if _LIST_ITEM.match(line):
            i = _end_of_list(lines, i)
            blocks.append(Block("list", "\n".join(lines[start:i]).rstrip()))
            continue
        if stripped.startswith(">"):
            while i < n and lines[i].strip():
                i += 1
            blocks.append(Block("quote", "\n".join(lines[start:i])))
            continue
        if stripped.startswith("<"):
            while i < n and lines[i].strip():
                i += 1
            text = "\n".join(lines[start:i])
            blocks.append(Block("image" if not _IMAGE.sub("", text).strip() else "html", text))
            continue
        i += 1
        while i < n and lines[i].strip() and not _starts_block(lines[i]):
            i += 1
        text = "\n".join(lines[start:i])
        kind = "image" if not _IMAGE.sub("", text).strip() else "paragraph"
        blocks.append(Block(kind, text))
    return blocks


def _end_of_list(lines: list[str], i: int) -> int:
    """Index of the first line after the list that starts at line ``i``."""
    n = len(lines)
    first = _LIST_ITEM.match(lines[i])
    content_column = len(first.group(1)) + len(first.group(2)) + 1

    def same_list(match: re.Match) -> bool:  # the same kind of marker: "-", "*", "+", "1." or "1)"
        return match.group(2)[-1] == first.group(2)[-1]

    i += 1
    while i < n:
        line = lines[i]
        indent = len(line) - len(line.lstrip(" "))
        item = _LIST_ITEM.match(line)
        if not line.strip():
            following = next((j for j in range(i + 1, n) if lines[j].strip()), None)
            if following is None:
                return i
            nxt = lines[following]
            indent = len(nxt) - len(nxt.lstrip(" "))
            item = _LIST_ITEM.match(nxt)
            if indent >= content_column or (item and same_list(item)):
                i = following
                continue
            return i
        if indent >= content_column or (item and same_list(item)) or (not item and not _starts_block(line)):
            i += 1  # a nested line, another item, or a lazy continuation of the item's text
            continue
        return i
    return n


def list_items(block: Block) -> list[str]:
    """The top-level items of a list block, each with its nested lines.

    >>> list_items(Block("list", "- a\\n  more a\\n  - nested\\n- b"))
    ['- a\\n  more a\\n  - nested', '- b']
    """
    lines = block.text.splitlines()
    first = _LIST_ITEM.match(lines[0])
    content_column = len(first.group(1)) + len(first.group(2)) + 1
    items: list[list[str]] = []
    for line in lines:
        item = _LIST_ITEM.match(line)
        if (item and len(item.group(1)) < content_column) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return ["\n".join(item).rstrip() for item in items]


def visible_text(markdown: str) -> str:
    """Roughly the text a reader sees: no link targets, tags, emphasis marks; math shortened.

    >>> visible_text("See [lesson 21](21_sine.ipynb), **bold** and `code` with $\\\\sigma(x)$.")
    'See lesson 21, bold and code with xxx.'
    """
    text = _IMAGE.sub("", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\$([^$]+)\$", lambda m: "x" * max(1, len(m.group(1)) // 3), text)
    return re.sub(r"[*_`]", "", text)


def _lines(text: str, chars_per_line: float) -> int:
    """How many lines ``text`` takes when wrapped at ``chars_per_line`` characters."""
    return sum(max(1, math.ceil(len(line) / chars_per_line)) for line in text.split("\n"))


def _chars(font_px: float, width: float = CONTENT_WIDTH, em_per_char: float = 0.52) -> float:
    """How many characters of a proportional font fit on a line (a generous average width)."""
    return width / (font_px * em_per_char)


def _code_chars(font_px: float) -> float:
    return (CONTENT_WIDTH - 12) / (font_px * 0.61)


def heading_height(block: Block) -> float:
    font = HEADING_FONTS[block.level]
    text = visible_text(_HEADING.sub("", block.text))
    return _lines(text, _chars(font, em_per_char=0.5)) * font * HEADING_LINE + HEADING_GAP


def block_height(block: Block) -> float:
    """Estimated height of a markdown block on a slide, in CSS pixels."""
    if block.kind == "heading":
        return heading_height(block)
    if block.kind == "math":
        body = block.text.strip().strip("$")
        rows = body.count("\\\\") + 1
        tall = 1.5 if re.search(r"\\(frac|sum|prod|int|binom|begin\{[pbvB]?matrix)", body) else 1.0
        return rows * MATH_ROW * tall + 2 * BLOCK_GAP
    if block.kind == "list":
        indent_chars = _chars(TEXT_FONT, CONTENT_WIDTH - 60)
        text = "\n".join(_LIST_ITEM.sub("", line) for line in block.text.splitlines() if line.strip())
        items = sum(1 for line in block.text.splitlines() if _LIST_ITEM.match(line))
        return _lines(visible_text(text), indent_chars) * TEXT_LINE + 6 * items + BLOCK_GAP
    if block.kind == "table":
        return table_height(block.text.splitlines())
    if block.kind == "image":
        return MARKDOWN_IMAGE_MAX + BLOCK_GAP
    if block.kind == "code":
        return _lines(block.text, _code_chars(CODE_FONT)) * CODE_LINE + BLOCK_GAP
    return _lines(visible_text(block.text), _chars(TEXT_FONT)) * TEXT_LINE + BLOCK_GAP


def _table_cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def table_row_heights(lines: list[str]) -> list[float]:
    """Estimated height of each row of a markdown table (header first, no separator line)."""
    rows = [_table_cells(line) for i, line in enumerate(lines) if i != 1]
    columns = max(len(row) for row in rows)
    longest = [max((len(visible_text(row[c])) if c < len(row) else 0) for row in rows) for c in range(columns)]
    weights = [min(max(length, 3), 60) for length in longest]
    line_chars = _chars(TABLE_FONT) - 2 * columns
    widths = [max(4.0, line_chars * weight / sum(weights)) for weight in weights]
    heights = []
    for row in rows:
        lines_needed = max(
            (math.ceil(len(visible_text(cell)) / widths[c]) if cell else 1) for c, cell in enumerate(row[:columns])
        )
        heights.append(max(1, lines_needed) * TABLE_LINE + TABLE_ROW_PAD)
    return heights


def table_height(lines: list[str]) -> float:
    return sum(table_row_heights(lines)) + BLOCK_GAP


def split_table(block: Block, room: float) -> list[Block]:
    """The table cut into tables that are each at most ``room`` high (by estimate), header repeated."""
    lines = block.text.splitlines()
    heights = table_row_heights(lines)
    header, body = lines[:2], lines[2:]
    chunks: list[list[str]] = [[]]
    used = heights[0] + BLOCK_GAP
    for line, height in zip(body, heights[1:]):
        if chunks[-1] and used + height > room:
            chunks.append([])
            used = heights[0] + BLOCK_GAP
        chunks[-1].append(line)
        used += height
    return [Block("table", "\n".join(header + chunk)) for chunk in chunks]


def is_lead(paragraph: str) -> bool:
    """A paragraph short enough to stay on a slide under its heading: one sentence, at most LEAD_MAX_CHARS.

    >>> is_lead("How this course works, and the map of the lessons ahead.")
    True
    >>> is_lead("Take a cell with 2 units. Each gate gets its own weights.")
    False
    """
    text = " ".join(visible_text(paragraph).split())
    return len(text) <= LEAD_MAX_CHARS and not re.search(r"[.!?][\"')\]]*\s+\S", text)


# ----- code cells: their outputs' heights and the maximum heights they get -----


def _stream_text(text: str) -> str:
    """A stream's text as shown: a carriage return overwrites the line (a progress line)."""
    text = re.sub(r"\r+\n", "\n", text)
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n")).rstrip("\n")


def _image_size(data: dict, metadata: dict) -> tuple[float, float] | None:
    """Width and height in CSS pixels of an image output, as the notebook would draw it."""
    for mime in ("image/png", "image/jpeg", "image/svg+xml"):
        if mime not in data:
            continue
        size = None
        meta = metadata.get(mime, {}) if isinstance(metadata, dict) else {}
        try:
            if mime == "image/png":
                raw = base64.b64decode(data[mime][:64])
                size = (int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big"))
            elif mime == "image/svg+xml":
                svg = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
                width = re.search(r'<svg[^>]*\bwidth="([\d.]+)(pt|px)?"', svg)
                height = re.search(r'<svg[^>]*\bheight="([\d.]+)(pt|px)?"', svg)
                if width and height:
                    factor = 4 / 3 if width.group(2) == "pt" else 1.0
                    size = (float(width.group(1)) * factor, float(height.group(1)) * factor)
        except (ValueError, TypeError):
            size = None
        if "width" in meta and "height" in meta:
            size = (float(meta["width"]), float(meta["height"]))
        elif size and "width" in meta:
            size = (float(meta["width"]), size[1] * float(meta["width"]) / size[0])
        if size is None or size[0] <= 0:
            size = (CONTENT_WIDTH, 400.0)
        if size[0] > CONTENT_WIDTH:
            size = (CONTENT_WIDTH, size[1] * CONTENT_WIDTH / size[0])
        return size
    return None


def output_heights(cell) -> list[tuple[str, float]]:
    """``("img" | "out", height)`` for each output of a code cell, estimated."""
    heights: list[tuple[str, float]] = []
    text_chars = _code_chars(OUTPUT_FONT)
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = _stream_text(output.get("text", ""))
            if text:
                heights.append(("out", _lines(text, text_chars) * OUTPUT_LINE + 8))
        elif kind == "error":
            traceback = "\n".join(output.get("traceback", []))
            heights.append(("out", _lines(re.sub(r"\x1b\[[0-9;]*m", "", traceback), text_chars) * OUTPUT_LINE + 8))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            image = _image_size(data, output.get("metadata", {}))
            if image:
                heights.append(("img", image[1] + 12))  # its margins and its box
            elif "text/html" in data:
                page = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
                rows = page.count("<tr")
                text = re.sub(r"<style.*?</style>|<[^>]+>", "", page, flags=re.S)
                lines = rows * OUTPUT_TABLE_ROW + 20 if rows else _lines(text.strip(), text_chars) * OUTPUT_LINE
                heights.append(("out", lines))
            elif "text/markdown" in data:
                text = data["text/markdown"]
                heights.append(("out", sum(block_height(block) for block in split_markdown(text))))
            elif "text/latex" in data:
                heights.append(("out", 3 * MATH_ROW))
            elif "text/plain" in data:
                heights.append(("out", _lines(data["text/plain"], text_chars) * OUTPUT_LINE + 8))
    return [(kind, height + CELL_GAP) for kind, height in heights]


OUTPUT_ONLY = "slides-output-only"  # a cell tag: the slide shows this code cell's outputs without its code


def code_input_height(cell) -> float:
    if OUTPUT_ONLY in cell.get("metadata", {}).get("tags", []):
        return 0.0
    source = cell.get("source", "").rstrip("\n")
    return _lines(source, _code_chars(CODE_FONT)) * CODE_LINE + 12 + CELL_GAP


def split_code_cell(cell, room: float) -> list:
    """The cell, or its code and its outputs as two cells when both are big and together do not fit ``room``.

    A long cell that draws a tall figure would otherwise get two scroll boxes on one
    slide; as two slides, the code is read whole and the figure is drawn full size.
    """
    code = code_input_height(cell)
    outputs = natural_height(cell) - code
    if code + outputs <= room or code < 0.3 * room or outputs < 0.3 * room:
        return [cell]
    code_only = copy.deepcopy(cell)
    code_only["outputs"] = []
    output_only = copy.deepcopy(cell)
    output_only.metadata["tags"] = [*output_only.metadata.get("tags", []), OUTPUT_ONLY]
    output_only.metadata["slideshow"] = {"slide_type": "-"}
    return [code_only, output_only]


def _cap(value: float) -> int:
    return int(max(CAP_STEP, min(SLIDE_HEIGHT, value // CAP_STEP * CAP_STEP)))


def coalesce_streams(outputs: list) -> list:
    """Outputs as a reader sees them: consecutive writes to one stream joined, carriage returns applied.

    A progress line (``utils.FitProgress``) arrives as hundreds of small writes that
    each rewrite the line; JupyterLab shows the last version only, and so does a slide.
    """
    merged: list = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] += output.get("text", "")
        else:
            merged.append(copy.deepcopy(output))
    for output in merged:
        if output.get("output_type") == "stream":
            ends_line = output.get("text", "").endswith("\n")
            output["text"] = _stream_text(output.get("text", "")) + ("\n" if ends_line else "")
    return merged


def natural_height(cell) -> float:
    """Estimated height of a code cell and its outputs on a slide, before any maximum height."""
    outputs = coalesce_streams(cell.get("outputs", []))
    return code_input_height(cell) + sum(height for _, height in output_heights({"outputs": outputs}))


def fit_code_cell(cell, room: float):
    """A copy of the code cell with tags that cap its code, its figures and its outputs to fit ``room``.

    Returns the copy and its estimated height on the slide. When everything fits,
    the caps only leave room to spare; otherwise figures are drawn smaller, and a
    long printout (or, last, long code) scrolls inside its box.
    """
    fitted = copy.deepcopy(cell)
    if "outputs" in fitted:
        fitted["outputs"] = coalesce_streams(fitted["outputs"])
    code = code_input_height(fitted)
    outputs = output_heights(fitted)
    total_out = sum(height for _, height in outputs)
    room = max(room, 4 * CAP_STEP)
    if not outputs:
        code_cap, out_cap = room, 0.0
    elif code + total_out <= room:
        spare = room - code - total_out
        code_cap = code + spare * code / (code + total_out)
        out_cap = total_out + spare * total_out / (code + total_out)
    else:
        code_cap = min(code, max(0.4 * room, room - total_out))
        out_cap = room - code_cap
    tags = [tag for tag in fitted.get("metadata", {}).get("tags", [])
            if tag == OUTPUT_ONLY or not tag.startswith("slides-")]
    tags.append(f"slides-code-{_cap(code_cap)}")
    if outputs:
        tags.append(f"slides-out-{_cap(out_cap)}")
        images = [height for kind, height in outputs if kind == "img"]
        if images:
            # A figure cannot scroll: it gets its height, or most of the room, before text does.
            image_room = min(sum(images), max(0.7 * out_cap, out_cap - (total_out - sum(images))))
            tags.append(f"slides-img-{_cap(min(images) * image_room / sum(images) - CELL_GAP - 12)}")
    fitted.metadata["tags"] = tags
    height = min(code, code_cap) + min(total_out, out_cap)
    return fitted, height


# ----- putting blocks and cells on slides -----


@dataclass
class _Subslide:
    start: str  # "slide" or "subslide"
    heading: object | None  # the heading's markdown cell
    height: float
    cells: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    code_cells: int = 0


def _markdown_cell(text: str, slide_type: str, *, like=None, tags: tuple[str, ...] = ()):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = list(tags)
    if like is not None and like.get("attachments"):
        cell["attachments"] = copy.deepcopy(like["attachments"])
    return cell


class _Layout:
    """Collects subslides while the lesson's cells are read, in order."""

    def __init__(self) -> None:
        self.subslides: list[_Subslide] = []
        self.heading: Block | None = None
        self.heading_cell = None
        self.pending_notes: list[str] = []

    @property
    def current(self) -> _Subslide | None:
        return self.subslides[-1] if self.subslides else None

    @property
    def fresh(self) -> bool:
        """Nothing has been put on the current subslide or in its notes since its heading."""
        sub = self.current
        return sub is not None and sub.heading is not None and not sub.cells and not sub.notes and not self.pending_notes

    def open(self, start: str, heading: Block | None, like=None) -> None:
        self._flush_notes()
        cell = _markdown_cell(heading.text, start, like=like) if heading else None
        self.heading, self.heading_cell = heading, cell
        self.subslides.append(_Subslide(start, cell, SLIDE_PADDING + (heading_height(heading) if heading else 0.0)))

    def heading_height(self) -> float:
        return heading_height(self.heading) if self.heading else 0.0

    def room(self) -> float:
        """The height a subslide of the current section has under its heading."""
        return HEIGHT_BUDGET - SLIDE_PADDING - self.heading_height()

    def note(self, text: str) -> None:
        self.pending_notes.append(text.strip())

    def add(self, cell, height: float, *, code: bool = False) -> None:
        """Put a cell on the current subslide, or on a new one under the same heading if it does not fit."""
        sub = self.current
        if sub is None:
            self.open("slide", None)
            sub = self.current
        if code:
            height = natural_height(cell)
        if sub.cells and (sub.height + height > HEIGHT_BUDGET or (code and sub.code_cells)):
            sub = self._continue()
        if code:
            cell, height = fit_code_cell(cell, CAPPED_BUDGET - sub.height)
        sub.cells.append(cell)
        sub.height += height
        sub.code_cells += code
        sub.notes += self.pending_notes
        self.pending_notes = []

    def _continue(self) -> _Subslide:
        heading = None
        if self.heading_cell is not None:
            heading = copy.deepcopy(self.heading_cell)
            heading.metadata["slideshow"] = {"slide_type": "subslide"}
            heading.metadata["tags"] = ["slides-continued"]
        sub = _Subslide("subslide", heading, SLIDE_PADDING + (heading_height(self.heading) if self.heading else 0.0))
        self.subslides.append(sub)
        return sub

    def _flush_notes(self) -> None:
        if self.pending_notes and self.current is not None:
            self.current.notes += self.pending_notes
            self.pending_notes = []

    def cells(self) -> list:
        self._flush_notes()
        cells: list = []
        previous: _Subslide | None = None
        for sub in self.subslides:
            if sub.heading is None and not sub.cells:
                if previous is not None:
                    previous.notes += sub.notes  # notes with nothing to show: they belong to the slide before
                continue
            previous = sub
        for sub in self.subslides:
            if sub.heading is None and not sub.cells:
                continue
            shown = list(sub.cells)
            if sub.heading is not None:
                shown.insert(0, sub.heading)
            else:
                shown[0] = copy.deepcopy(shown[0])
                shown[0].metadata.setdefault("slideshow", {})["slide_type"] = sub.start
            cells.append(shown[0])
            if sub.notes:
                cells.append(_markdown_cell("\n\n".join(sub.notes), "notes", tags=("slides-notes",)))
            cells += shown[1:]
        for number, cell in enumerate(cells):
            cell["id"] = f"slide-cell-{number}"  # pieces of one cell, and repeated headings, need ids of their own
        return cells


def _slide_type(cell) -> str:
    slideshow = cell.get("metadata", {}).get("slideshow", {})
    return slideshow.get("slide_type", "-") if isinstance(slideshow, dict) else "-"


def slide_layout(nb):
    """A copy of the notebook laid out as slides (the rules are above ``SLIDE_WIDTH``)."""
    layout = _Layout()
    for cell in nb.cells:
        slide_type = _slide_type(cell)
        if slide_type == "skip":
            continue
        if cell.cell_type == "code":
            if slide_type == "notes":
                layout.note(f"```python\n{cell.source}\n```")
                continue
            if slide_type in ("slide", "subslide"):
                layout.open(slide_type, None)
                cell = copy.deepcopy(cell)
                cell.metadata["slideshow"] = {"slide_type": "-"}
            for part in split_code_cell(cell, CAPPED_BUDGET - SLIDE_PADDING - layout.heading_height()):
                layout.add(part, 0.0, code=True)  # its height is estimated there, with its outputs
            continue
        if cell.cell_type != "markdown":
            continue
        if slide_type == "notes":
            layout.note(cell.source)
            continue
        _lay_out_markdown(layout, cell, slide_type)
    laid_out = copy.deepcopy(nb)
    laid_out.cells = layout.cells()
    return laid_out


def _lay_out_markdown(layout: _Layout, cell, slide_type: str) -> None:
    lines = cell.source.splitlines()
    references = "\n".join(line for line in lines if _REFERENCE.match(line))
    source = "\n".join(line for line in lines if not _REFERENCE.match(line))

    def shown(text: str, block_type: str = "-"):
        return _markdown_cell(f"{text}\n\n{references}".strip() if references else text, block_type, like=cell)

    first = True
    for block in split_markdown(source):
        if block.kind == "heading":
            start = "slide" if block.level <= 2 or (first and slide_type == "slide") else "subslide"
            layout.open(start, block, like=cell)
            first = False
            continue
        block_type = "fragment" if first and slide_type == "fragment" else "-"
        if first and slide_type in ("slide", "subslide"):
            layout.open(slide_type, None)
        first = False
        if block.kind == "paragraph" and layout.fresh and is_lead(block.text):
            layout.add(shown(block.text, block_type), block_height(block))
        elif block.kind in ("paragraph", "quote"):
            layout.note(block.text)
        elif block.kind == "list":
            items = list_items(block)
            kept = Block("list", "\n".join(items[:MAX_BULLETS]))
            layout.add(shown(kept.text, block_type), block_height(kept))
            if len(items) > MAX_BULLETS:
                layout.note("\n".join(items[MAX_BULLETS:]))
        elif block.kind == "table":
            for part in split_table(block, layout.room()):
                layout.add(shown(part.text, block_type), block_height(part))
        else:
            layout.add(shown(block.text, block_type), block_height(block))


# --------------------------------------------------------------------------
# Building a deck
# --------------------------------------------------------------------------


def make_exporter():
    """nbconvert's SlidesExporter, loading everything from ``assets/`` next to the deck."""
    import jinja2
    from nbconvert import SlidesExporter

    style = (
        "{%- block html_head_css -%}\n<style type=\"text/css\">\n{% raw %}"
        + _slide_css()
        + "{% endraw %}</style>\n{%- endblock html_head_css -%}\n"
    )
    from traitlets.config import Config

    # A code cell split over two slides shows its outputs on the second without its code.
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_input_tags": {OUTPUT_ONLY}}})
    return SlidesExporter(
        config=config,
        extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE + style})],
        template_file=TEMPLATE_NAME,
        reveal_theme=THEME,
        reveal_width=str(SLIDE_WIDTH),
        reveal_height=str(SLIDE_HEIGHT),
        # nbconvert's scrolling slides compare heights in screen pixels with heights in slide
        # pixels; the layout keeps every slide within SLIDE_HEIGHT instead (tests/test_slides.py).
        reveal_scroll=False,
        **URLS,
    )


def execute(nb, notebook: Path, timeout: int) -> None:
    """Run the notebook in place (in memory) in a fresh kernel, in the notebook's folder."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(notebook.parent)}}).execute()


def link_lessons_to_slides(body: str) -> str:
    """Point links to a lesson notebook (``href="12_keras_lstm_layer.ipynb"``) at its slides."""

    def replace(match: re.Match) -> str:
        name, anchor = match.group(1), match.group(2) or ""
        if not (NOTEBOOKS / f"{name}.ipynb").exists():
            return match.group(0)
        return f'href="{name}.slides.html{anchor}"'

    return re.sub(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"', replace, body)


def build_deck(notebook: Path, out: Path, *, run: bool = True, timeout: int = DEFAULT_TIMEOUT_S, exporter=None) -> Path:
    """Write ``out/<name>.slides.html`` from one notebook; the file on disk is never modified."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    if run:
        execute(nb, notebook, timeout)
    exporter = exporter or make_exporter()
    body, _ = exporter.from_notebook_node(slide_layout(nb), resources={"metadata": {"name": notebook.stem}})
    deck = out / f"{notebook.stem}.slides.html"
    deck.write_text(link_lessons_to_slides(drop_repeated_ids(body)), encoding="utf-8")
    return deck


def count_slides(deck: Path) -> int:
    """How many slides (subslides included) a built deck shows."""
    page = deck.read_text(encoding="utf-8")
    return len(re.findall(r"<section\b", page)) - len(re.findall(r"<section\b[^>]*>\s*<section\b", page))


def drop_repeated_ids(body: str) -> str:
    """Keep only the first ``id`` of each heading: a heading repeated on the next subslide has none.

    >>> drop_repeated_ids('<h2 id="Fit">Fit</h2><h2 id="Fit">Fit</h2>')
    '<h2 id="Fit">Fit</h2><h2>Fit</h2>'
    """
    seen: set[str] = set()

    def replace(match: re.Match) -> str:
        if match.group(2) in seen:
            return match.group(1)
        seen.add(match.group(2))
        return match.group(0)

    return re.sub(r'(<h[1-6])\s+id="([^"]*)"', replace, body)


# --------------------------------------------------------------------------
# Checking that a deck needs no network
# --------------------------------------------------------------------------

REMOTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9][^\s"'()<>`]*""")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
JS_LINE_COMMENT = re.compile(r"(?m)(^|[\s;{}(),])//[^\n]*")
# Attributes through which a browser loads something on its own (an <a href> waits for a click).
LOADING_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "background", "xlink:href", "action", "formaction"}


def _remote_urls_in_code(code: str, *, javascript: bool) -> list[str]:
    code = CSS_COMMENT.sub(" ", code)
    if javascript:
        code = JS_LINE_COMMENT.sub(r"\1", code)
    return re.findall(r"""https?://[^\s"'()<>`\\]+""", code)


class _RemoteReferenceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._code: str | None = None  # "script" or "style" while inside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip()
            if name == "style":
                self.found += [f"<{tag} style> {url}" for url in _remote_urls_in_code(value, javascript=False)]
            elif name in LOADING_ATTRIBUTES and not (tag == "a" and name == "href"):
                if name == "srcset" and any(REMOTE_URL.match(part.strip()) for part in value.split(",")):
                    self.found.append(f"<{tag} srcset={value}>")
                elif name != "srcset" and REMOTE_URL.match(value):
                    self.found.append(f"<{tag} {name}={value}>")
        if tag in ("script", "style"):
            self._code = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._code:
            urls = _remote_urls_in_code(data, javascript=self._code == "script")
            self.found += [f"<{self._code}> {url}" for url in urls]


def remote_references(page: str) -> list[str]:
    """What in this HTML page would be fetched from the network when it is shown.

    Plain links (``<a href>``) and URLs in comments do not count:

    >>> remote_references('<a href="https://keras.io">Keras</a><style>/* https://x.org */ p {}</style>')
    []
    >>> remote_references('<script src="https://cdn.example/r.js"></script><link href="//cdn.example/a.css">')
    ['<script src=https://cdn.example/r.js>', '<link href=//cdn.example/a.css>']
    >>> remote_references('<style>@import url(https://fonts.example/x.css);</style>')
    ['<style> https://fonts.example/x.css']
    """
    finder = _RemoteReferenceFinder()
    finder.feed(page)
    finder.close()
    return finder.found


def local_references(page: str) -> list[str]:
    """The files under assets/ that a deck names (without query strings), in order of first use."""
    found = re.findall(rf"""(?<![\w/.-]){ASSETS_FOLDER}/[^\s"'()<>?#`\\]+""", page)
    return list(dict.fromkeys(html.unescape(path) for path in found))


def remote_imports_in_css(path: Path, seen: set[Path] | None = None) -> list[str]:
    """Remote ``url(...)`` and ``@import`` in a local style sheet and the local ones it imports."""
    seen = seen if seen is not None else set()
    if path in seen or not path.is_file():
        return []
    seen.add(path)
    text = CSS_COMMENT.sub(" ", path.read_text(encoding="utf-8", errors="replace"))
    found = [f"{path.name}: {url}" for url in re.findall(r"""https?://[^\s"'()]+|(?<=\()//[^\s"'()]+""", text)]
    for target in re.findall(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", text):
        if not REMOTE_URL.match(target):
            found += remote_imports_in_css((path.parent / target).resolve(), seen)
    return found


def check_deck(deck: Path) -> list[str]:
    """Everything wrong with a built deck for offline use; empty when it needs no network."""
    page = deck.read_text(encoding="utf-8")
    problems = [f"loads from the network: {ref}" for ref in remote_references(page)]
    for ref in local_references(page):
        path = deck.parent / ref
        if not path.is_file():
            problems.append(f"missing local file: {ref}")
        elif path.suffix == ".css":
            problems += [f"loads from the network: {ref} -> {url}" for url in remote_imports_in_css(path.resolve())]
    if not local_references(page):
        problems.append("names no local assets: was it built by this tool?")
    return problems


# --------------------------------------------------------------------------
# The index page and the command line
# --------------------------------------------------------------------------


def write_index(out: Path) -> Path:
    """``index.html``: a link to every deck in the folder, with its title."""
    items = []
    for deck in sorted(out.glob("*.slides.html")):
        match = re.search(r"<title>(.*?)</title>", deck.read_text(encoding="utf-8"), re.S)
        title = match.group(1).strip() if match else deck.stem
        items.append(f'<li><a href="{html.escape(deck.name)}">{title}</a></li>')
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>LSTM course: slides</title>\n'
        "<style>body { font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.6; }</style>\n"
        "</head>\n<body>\n<h1>LSTM course: slides</h1>\n"
        "<p>Arrow keys move through a deck; Esc shows an overview; S opens the speaker notes.</p>\n"
        f"<ul>\n{chr(10).join(items)}\n</ul>\n</body>\n</html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to convert (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the npm tarballs are kept (default: %(default)s)")
    parser.add_argument("--no-execute", action="store_true", help="convert the notebooks as committed, without outputs")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S, help="seconds allowed per cell (default: %(default)s)")
    args = parser.parse_args(argv)

    notebooks = [path.resolve() for path in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    missing = [str(path) for path in notebooks if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        install_assets(args.out, args.cache)
    except AssetsUnavailable as error:
        print(f"Cannot fetch the slides' assets: {error}", file=sys.stderr)
        return 2

    exporter = make_exporter()
    failures = []
    start = time.perf_counter()
    doing = "converting" if args.no_execute else "running"
    for number, notebook in enumerate(notebooks, start=1):
        began = time.perf_counter()
        name = notebook.relative_to(REPO_ROOT) if notebook.is_relative_to(REPO_ROOT) else notebook
        step = f"[{number}/{len(notebooks)}] {name}"
        print(f"{step} ({doing})", flush=True)
        try:
            deck = build_deck(notebook, args.out, run=not args.no_execute, timeout=args.timeout, exporter=exporter)
        except Exception as error:  # a failing cell, a dead kernel, a broken notebook: report, go on
            failures.append(f"{name}: {type(error).__name__}: {str(error).strip()[-2000:]}")
            print(f"{step}: FAILED ({type(error).__name__}, {time.perf_counter() - began:.1f} s)", flush=True)
            continue
        problems = check_deck(deck)
        if problems:
            failures.append(f"{deck.name} would need the network:\n  " + "\n  ".join(problems))
        status = "FAILED (needs the network)" if problems else "ok"
        print(f"{step}: {status}, {count_slides(deck)} slides, {time.perf_counter() - began:.1f} s -> {deck}",
              flush=True)
    write_index(args.out)
    print(f"{len(notebooks) - len(failures)}/{len(notebooks)} decks in {time.perf_counter() - start:.0f} s; "
          f"present them with: python -m http.server --bind 127.0.0.1 --directory {args.out}")
    if failures:
        print("\n".join(["", "Failures:", *failures]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
