"""Build reveal.js slides from the lessons, ready to present without a network.

Why this tool exists
--------------------
Instructors present the lessons as slides, often in a room without internet.
The slide structure lives in the notebooks themselves (``cell.metadata.slideshow``:
a slide for every ``#`` and ``##`` heading, a subslide for every ``###``, and
code cells as fragments, so a step builds up on the same slide), and nbconvert's
``SlidesExporter`` turns it into reveal.js HTML.  Out of the box those HTML files
load reveal.js, require.js, jQuery, MathJax and the theme's Google Fonts from CDNs,
so they show a blank page offline.  This tool builds the same slides against
local copies of those files.

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
   notebooks as committed, without outputs), and converts it with
   ``SlidesExporter`` pointed at ``assets/``.  Links between lessons
   (``21_sine_wave_forecaster.ipynb``) are pointed at their slides.  Two changes
   to nbconvert's template (``TEMPLATE``): a slide's math is re-rendered only once
   MathJax is idle (nbconvert's own template leaves formulas half-drawn or drawn
   twice when the presenter moves on while MathJax is still at work), and the
   loader of mermaid.js is left out (it is not fetched: the course has no
   diagrams).
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
    # every notebook in notebooks/, executed (about 4 minutes on a 2-core CPU)
    python tools/build_slides.py                    # or: make slides
    # one lesson; or convert as committed, without outputs (seconds)
    python tools/build_slides.py notebooks/12_keras_lstm_layers_and_training.ipynb
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
import hashlib
import html
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
from dataclasses import dataclass
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

# nbconvert's reveal template with two changes:
# - no loader of mermaid.js (fetched from a CDN when a deck has a diagram; the
#   course has none, and it is not fetched here);
# - the template re-renders a slide's math each time the slide is shown, at once,
#   even while MathJax is still typesetting the page; a presenter who moves on in
#   the first second or two (or opens a deck at a later slide) then sees a small
#   second copy of each formula. Here a re-render waits until MathJax is idle.
TEMPLATE_NAME = "offline_slides.html.j2"
TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script>
(function (hub) {
  if (!hub) { return; }
  var rerender = hub.Rerender;
  hub.Rerender = function (element, callback) {
    var queue = hub.queue;
    if (queue.running || (!queue.pending && !queue.queue.length)) {
      return rerender.call(hub, element, callback);
    }
    setTimeout(function () { hub.Rerender(element, callback); }, 100);
  };
})(window.MathJax && window.MathJax.Hub);
</script>
{%- endblock html_head_js_mathjax -%}
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
# Building a deck
# --------------------------------------------------------------------------


def make_exporter():
    """nbconvert's SlidesExporter, loading everything from ``assets/`` next to the deck."""
    import jinja2
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE})],
        template_file=TEMPLATE_NAME,
        reveal_theme=THEME,
        reveal_scroll=True,  # a slide taller than the screen scrolls instead of being cut off
        **URLS,
    )


def execute(nb, notebook: Path, timeout: int) -> None:
    """Run the notebook in place (in memory) in a fresh kernel, in the notebook's folder."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(notebook.parent)}}).execute()


def link_lessons_to_slides(body: str) -> str:
    """Point links to a lesson notebook (``href="12_keras_lstm_layers_and_training.ipynb"``) at its slides."""

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
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    deck = out / f"{notebook.stem}.slides.html"
    deck.write_text(link_lessons_to_slides(body), encoding="utf-8")
    return deck


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
    for notebook in notebooks:
        began = time.perf_counter()
        name = notebook.relative_to(REPO_ROOT) if notebook.is_relative_to(REPO_ROOT) else notebook
        try:
            deck = build_deck(notebook, args.out, run=not args.no_execute, timeout=args.timeout, exporter=exporter)
        except Exception as error:  # a failing cell, a dead kernel, a broken notebook: report, go on
            failures.append(f"{name}: {type(error).__name__}: {str(error).strip()[-2000:]}")
            print(f"FAILED  {name}", flush=True)
            continue
        problems = check_deck(deck)
        if problems:
            failures.append(f"{deck.name} would need the network:\n  " + "\n  ".join(problems))
        status = "FAILED" if problems else "ok"
        print(f"{status:6}  {name} -> {deck} ({time.perf_counter() - began:.1f} s)", flush=True)
    write_index(args.out)
    print(f"{len(notebooks) - len(failures)}/{len(notebooks)} decks in {time.perf_counter() - start:.0f} s; "
          f"present them with: python -m http.server --bind 127.0.0.1 --directory {args.out}")
    if failures:
        print("\n".join(["", "Failures:", *failures]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
