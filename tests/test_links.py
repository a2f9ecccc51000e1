"""No dangling link: every relative link in a notebook or a README leads to a file that exists.

Notebooks are renamed when the course order changes; this test catches a link,
in any markdown cell or README, that still points at the old name.
"""

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# [text](target) and <img src="target">, in markdown; targets with a scheme are external.
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|\bsrc=\"([^\"]+)\"")


def tracked(pattern: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", pattern], cwd=REPO_ROOT, capture_output=True, text=True).stdout
    return [REPO_ROOT / line for line in out.split()] if out else sorted(REPO_ROOT.glob(pattern))


def markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text()


def relative_links(text: str) -> list[str]:
    targets = [a or b for a, b in LINK.findall(text)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t) and not t.startswith(("#", "/"))]


DOCUMENTS = [
    p for pattern in ("*.md", "*/*.md", "*/*/*.md", "notebooks/*.ipynb", "solutions/*.ipynb") for p in tracked(pattern)
]


def test_the_link_pattern_finds_relative_links_and_skips_external_ones():
    text = '[a](21_sine.ipynb) [b](../data/README.md#sources) [c](https://keras.io) [d](#setup) <img src="x.svg">'
    assert relative_links(text) == ["21_sine.ipynb", "../data/README.md#sources", "x.svg"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_leads_to_an_existing_file(path):
    missing = []
    for target in relative_links(markdown_of(path)):
        file_part = target.split("#", 1)[0]
        if file_part and not (path.parent / file_part).exists():
            missing.append(target)
    assert not missing, f"{path.relative_to(REPO_ROOT)} links to files that do not exist: {missing}"
