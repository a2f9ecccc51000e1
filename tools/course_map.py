"""Write the course map into README.md and notebooks/00_start_here.ipynb.

Why this tool exists: the course map (which notebook, what you learn, how many
minutes it takes) appears in two places a learner reads, and its minutes must
come from the course benchmark, not from memory. So nobody edits the table by
hand: this tool builds it from

* each notebook's title (its ``#`` heading) and one-sentence description (the
  line under the title), for every notebook in ``notebooks/``;
* the wall seconds in ``tools/benchmark-results/benchmark.json``, written by
  ``tools/benchmark.py``;

and replaces what stands between ``<!-- course-map:start -->`` and
``<!-- course-map:end -->`` in both files. ``make benchmark`` runs it after
the benchmark; ``tests/test_repo.py`` fails when either copy is out of date.

Usage (from anywhere)::

    python tools/course_map.py          # rewrite both tables
    python tools/course_map.py --check  # exit 1 if either table is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "README.md"
START_HERE = REPO_ROOT / "notebooks" / "00_start_here.ipynb"
BENCHMARK_JSON = REPO_ROOT / "tools" / "benchmark-results" / "benchmark.json"
START, END = "<!-- course-map:start -->", "<!-- course-map:end -->"
BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def title_and_description(path: Path) -> tuple[str, str]:
    """The notebook's title without its number, and the sentence under it."""
    first = nbformat.read(path, as_version=4).cells[0].source.splitlines()
    lines = [line.strip() for line in first if line.strip()]
    if len(lines) < 2 or not lines[0].startswith("# "):
        raise ValueError(f"{path.name}: the first cell must be a '# title' followed by a one-sentence description")
    title = re.sub(r"^\d+\s*·\s*", "", lines[0][2:])
    return title, lines[1]


def benchmark_seconds(benchmark_json: Path = BENCHMARK_JSON) -> dict[str, float]:
    """Wall seconds per notebook path (relative to the repo), from the benchmark."""
    if not benchmark_json.is_file():
        return {}
    rows = json.loads(benchmark_json.read_text())["notebooks"]
    return {row["path"]: row["seconds"] for row in rows if row["status"] == "ok"}


def render_table(link_prefix: str, seconds: dict[str, float]) -> str:
    """The course map as a markdown table; links start with ``link_prefix``."""
    lines = [
        "| # | Notebook | What you learn | Minutes on a 2-core CPU |",
        "|---|---|---|---:|",
    ]
    total = 0.0
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        title, description = title_and_description(path)
        measured = seconds.get(f"notebooks/{path.name}")
        total += measured or 0.0
        minutes = f"{measured / 60:.1f}" if measured is not None else "not measured yet"
        lines.append(f"| {path.name[:2]} | [{title}]({link_prefix}{path.name}) | {description} | {minutes} |")
    lines.append(f"| | **All notebooks** | | **{total / 60:.1f}** |")
    return "\n".join(lines)


def replace_block(text: str, table: str, where: str) -> str:
    if not BLOCK.search(text):
        raise ValueError(f"{where} has no '{START}' ... '{END}' block for the course map")
    return BLOCK.sub(lambda _: f"{START}\n{table}\n{END}", text, count=1)


def rendered() -> tuple[str, nbformat.NotebookNode]:
    """README text and 00_start_here notebook with up-to-date course maps."""
    seconds = benchmark_seconds()
    readme = replace_block(README.read_text(), render_table("notebooks/", seconds), "README.md")
    notebook = nbformat.read(START_HERE, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and START in cell.source:
            cell.source = replace_block(cell.source, render_table("", seconds), START_HERE.name)
            break
    else:
        raise ValueError(f"{START_HERE.name} has no markdown cell with '{START}'")
    return readme, notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the tables are up to date")
    args = parser.parse_args(argv)
    readme, notebook = rendered()
    stale = [
        name
        for name, fresh, current in (
            ("README.md", readme, README.read_text()),
            (START_HERE.name, nbformat.writes(notebook), START_HERE.read_text()),
        )
        if fresh.rstrip("\n") != current.rstrip("\n")
    ]
    if args.check:
        for name in stale:
            print(f"{name}: the course map is out of date; run `python tools/course_map.py`", file=sys.stderr)
        return 1 if stale else 0
    README.write_text(readme)
    nbformat.write(notebook, START_HERE)
    print(f"Course map written to README.md and {START_HERE.name}" + (f" (updated: {', '.join(stale)})" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
