"""What the course's book needs from Sphinx and MyST-NB beyond their settings (loaded by tools/book/conf.py).

Why this module exists
----------------------
MyST-NB renders a notebook's outputs into the book, but three things the course
relies on do not come out as a learner sees them in JupyterLab:

1. **Alt text.** ``utils.use_course_style`` puts every figure's description into
   the output's metadata, ``{"image/png": {"alt": ...}}``. MyST-NB 1.4 reads
   ``width`` and ``height`` from there, not ``alt``, so every figure would get its
   file name as alt text. :func:`render_image_with_alt` writes the description
   into the image node (so into ``<img alt>``), and warns about a figure that has
   none.
2. **Progress lines.** The course's training cells rewrite one line with carriage
   returns (``utils.progress.ProgressLine``); the stored output holds every
   version of it. :func:`collapse_progress` keeps what a terminal or JupyterLab
   shows: each line's final state (carriage returns and backspaces applied), with
   consecutive pieces of the same stream joined. Unlike MyST-NB's own
   ``coalesce_streams`` it never moves printed text past a figure or a table.
3. **Links.** Every page of a notebook links to the notebook itself (to download
   and run) and to its slides (:func:`add_page_links`). A book of a few notebooks
   (``python tools/build_book.py NOTEBOOK ...``) shows a link to a course notebook
   it leaves out as plain text (:class:`UnlinkNotebooksNotInBook`), not as a
   broken link.

1 and 2 replace a function of MyST-NB (``NbElementRenderer.render_image`` and the
``coalesce_streams`` that ``nb_merge_streams = True`` calls), a small patch of a
pinned version; tests/test_book.py checks both in a built book, so an upgrade
that changes those functions fails there, not silently.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

NOTEBOOK_FOLDERS = ("notebooks", "solutions")
REPO_ROOT = Path(__file__).resolve().parents[2]
# A link to a course notebook, as the notebooks write them: 12_keras_lstm_layer.ipynb#setup,
# ../notebooks/21_sine_wave_forecaster.ipynb
COURSE_NOTEBOOK_LINK = re.compile(r"^(?:\.\./)?(?:(notebooks|solutions)/)?(\d\d_\w+)\.ipynb(?:#.*)?$")


# --------------------------------------------------------------------------
# Progress lines
# --------------------------------------------------------------------------


def _final_line(line: str) -> str:
    """What a terminal shows of one line: ``\\r`` goes back to its start, ``\\b`` one character back.

    >>> _final_line("epoch 1/3\\repoch 2/3\\repoch 3/3")
    'epoch 3/3'
    >>> _final_line("loss 0.5000\\rloss 0.4")  # a shorter rewrite leaves the rest, as on a terminal
    'loss 0.4000'
    >>> _final_line("12%\\b\\b\\b99%")
    '99%'
    """
    if "\r" not in line and "\b" not in line:
        return line
    shown: list[str] = []
    column = 0
    for char in line:
        if char == "\r":
            column = 0
        elif char == "\b":
            column = max(column - 1, 0)
        else:
            if column < len(shown):
                shown[column] = char
            else:
                shown.append(char)
            column += 1
    return "".join(shown)


def collapse_text(text: str) -> str:
    """Stream text as it is shown: every line in its final state (see :func:`_final_line`).

    >>> collapse_text("\\rdemo: epoch 1/3 · loss 0.5\\rdemo: epoch 3/3 · loss 0.1\\ndone\\n")
    'demo: epoch 3/3 · loss 0.1\\ndone\\n'
    """
    return "\n".join(_final_line(line) for line in text.split("\n"))


def collapse_progress(outputs: list) -> list:
    """A cell's outputs with consecutive stream pieces joined and progress lines collapsed.

    Stands in for MyST-NB's ``coalesce_streams`` (called when ``nb_merge_streams`` is on);
    the outputs keep their order, and the notebook's own outputs are not changed.
    """
    merged: list = []
    for output in outputs or []:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1]["text"] += output.get("text", "")
            continue
        output = output.copy()  # a shallow copy: only "text" is replaced
        merged.append(output)
    for output in merged:
        if output.get("output_type") == "stream":
            output["text"] = collapse_text(output.get("text", ""))
    return merged


# --------------------------------------------------------------------------
# Alt text
# --------------------------------------------------------------------------


def _patch_myst_nb(app) -> None:
    from myst_nb.core import render

    if getattr(render.NbElementRenderer.render_image, "_course_alt", False):
        return  # patched already (a second build in the same process)
    original = render.NbElementRenderer.render_image

    def render_image_with_alt(self, data):
        """MyST-NB's render_image, with the alt text from the output's metadata."""
        result = original(self, data)
        alt = (data.output_metadata or {}).get(data.mime_type, {}).get("alt")
        for node in result:
            if not isinstance(node, nodes.image) or node.get("alt"):
                continue
            if alt:
                node["alt"] = str(alt)
            else:
                logger.warning(
                    f"a figure has no alt text (cell {data.cell_index}): describe it with "
                    "utils.set_alt_text, or call utils.use_course_style() in the setup cell",
                    location=(self.renderer.document["source"], data.line),
                    type="course_book", subtype="alt_text",
                )
        return result

    render_image_with_alt._course_alt = True
    render.NbElementRenderer.render_image = render_image_with_alt
    render.coalesce_streams = collapse_progress


# --------------------------------------------------------------------------
# Links to the notebook and its slides
# --------------------------------------------------------------------------


def page_links(pagename: str, pathto, *, slides: bool, source_suffix: str = ".ipynb") -> str:
    """The line of links a notebook's page shows under its title (empty for other pages)."""
    folder = pagename.split("/", 1)[0]
    if folder not in NOTEBOOK_FOLDERS or "/" not in pagename:
        return ""
    name = pagename.split("/", 1)[1]
    notebook = f"{pagename}{source_suffix}"
    download = (f'<a class="reference download" href="{html.escape(pathto(f"_sources/{notebook}", 1))}" '
                f'download="{html.escape(name)}{source_suffix}">Download the notebook</a> (without outputs) '
                "to run it in JupyterLab")
    slides_link = (f', or open <a class="reference internal" href="{html.escape(pathto(f"slides/{name}.slides.html", 1))}">'
                   "its slides</a>") if slides else ""
    return (
        f'<p class="course-page-links">This page is <code>{html.escape(notebook)}</code>, run top to bottom in a '
        f"fresh kernel when the book was built. {download}{slides_link}.</p>\n"
    )


def add_page_links(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """html-page-context: put the links under the page's title."""
    if doctree is None or "body" not in context:
        return
    links = page_links(pagename, context["pathto"], slides=app.config.course_book_slides)
    if not links:
        return
    body = context["body"]
    end_of_title = body.find("</h1>")
    if end_of_title < 0:
        context["body"] = links + body
    else:
        end_of_title += len("</h1>")
        context["body"] = body[:end_of_title] + "\n" + links + body[end_of_title:]


class UnlinkNotebooksNotInBook(SphinxPostTransform):
    """A link to a course notebook that this book leaves out becomes its text (before MyST resolves links)."""

    default_priority = 5  # MyST's reference resolver runs at 9
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst":
                continue
            match = COURSE_NOTEBOOK_LINK.match(str(node.get("reftarget", "")))
            if not match:
                continue
            here = self.env.docname.split("/")[0] if "/" in self.env.docname else ""
            folder = match.group(1) or here or "notebooks"
            if f"{folder}/{match.group(2)}" in self.env.all_docs:
                continue
            if not (REPO_ROOT / folder / f"{match.group(2)}.ipynb").is_file():
                continue  # not a course notebook at all: MyST warns, the build's checks fail
            text = nodes.inline("", "", *[child.deepcopy() for child in node.children], classes=["not-in-book"])
            node.replace_self(text)


def setup(app) -> dict[str, Any]:
    app.add_config_value("course_book_slides", True, "html", types=frozenset({bool}))
    # A hash of the book's code (conf.py sets it): when it changes, Sphinx reads every page again.
    app.add_config_value("course_book_code", "", "env", types=frozenset({str}))
    app.connect("builder-inited", _patch_myst_nb)
    app.connect("html-page-context", add_page_links)
    app.add_post_transform(UnlinkNotebooksNotInBook)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
