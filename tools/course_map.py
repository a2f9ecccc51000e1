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

It also writes the instructor guide's per-notebook part into README.md,
between ``<!-- instructor-guide:start -->`` and ``<!-- instructor-guide:end -->``:
each notebook's learning objectives (its ``## Learning objectives`` cell), its
measured minutes and kernel peak memory from the same benchmark (for an
exercise, also its solved notebook's), and the instructor notes kept in the
notebook's metadata, ``course.instructor``: ``stuck`` (where learners usually
get stuck) and ``exercises`` (which exercises fit the lesson).

And it writes the numbers of the checked exercises ("22, 23, 25, ... and 46")
wherever a text lists them: between ``<!-- checked-exercises:start -->`` and
``<!-- checked-exercises:end -->``, inside a sentence, in README.md (the
instructor's "Checking a whole class") and in 00_start_here ("How the course
works"). The list comes from the registry of checks, ``utils.checks.EXERCISES``,
each exercise's learner notebook in ``notebooks/``; an exercise notebook in
``notebooks/`` with no check in the registry is an error.

Usage (from anywhere)::

    python tools/course_map.py          # rewrite the tables and the exercise lists
    python tools/course_map.py --check  # exit 1 if any of them is out of date
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
GUIDE_START, GUIDE_END = "<!-- instructor-guide:start -->", "<!-- instructor-guide:end -->"
GUIDE_BLOCK = re.compile(re.escape(GUIDE_START) + r".*?" + re.escape(GUIDE_END), re.S)
EXERCISES_START, EXERCISES_END = "<!-- checked-exercises:start -->", "<!-- checked-exercises:end -->"
EXERCISES_BLOCK = re.compile(re.escape(EXERCISES_START) + r".*?" + re.escape(EXERCISES_END), re.S)

# A notebook's number is its part (first digit) and its place in the part
# (second digit): 21 is the first notebook of part 2. New lessons take a free
# number in their part, so adding one renames nothing else.
PARTS = {
    "0": "Start",
    "1": "Part 1 · The cell",
    "2": "Part 2 · Forecasting",
    "3": "Part 3 · Classifying sequences",
    "4": "Part 4 · Language",
    "5": "Part 5 · Practice",
}


def part_of(path: Path) -> str:
    """The course part a notebook belongs to, from the first digit of its number."""
    if path.name[0] not in PARTS:
        raise ValueError(f"{path.name}: a notebook's name starts with its two-digit number, part first (0-5)")
    return PARTS[path.name[0]]


def title_and_description(path: Path) -> tuple[str, str]:
    """The notebook's title without its number, and the sentence under it."""
    first = nbformat.read(path, as_version=4).cells[0].source.strip()
    lines = first.splitlines()
    if len(lines) < 2 or not lines[0].startswith("# "):
        raise ValueError(f"{path.name}: the first cell must be a '# title' followed by a one-sentence description")
    title = re.sub(r"^\d+\s*·\s*", "", lines[0][2:].strip())
    # The description is the first paragraph under the title, however many lines it is wrapped over.
    paragraph = re.split(r"\n\s*\n", "\n".join(lines[1:]).strip())[0]
    if paragraph.lstrip().startswith("#"):
        raise ValueError(f"{path.name}: the first cell must be a '# title' followed by a one-sentence description")
    return title, " ".join(line.strip() for line in paragraph.splitlines())


def benchmark_rows(benchmark_json: Path = BENCHMARK_JSON) -> dict[str, dict]:
    """Benchmark rows of the notebooks that ran, keyed by path (relative to the repo)."""
    if not benchmark_json.is_file():
        return {}
    rows = json.loads(benchmark_json.read_text())["notebooks"]
    return {row["path"]: row for row in rows if row["status"] == "ok"}


def benchmark_seconds(benchmark_json: Path = BENCHMARK_JSON) -> dict[str, float]:
    """Wall seconds per notebook path (relative to the repo), from the benchmark."""
    return {path: row["seconds"] for path, row in benchmark_rows(benchmark_json).items()}


def learning_objectives(nb: nbformat.NotebookNode) -> list[str]:
    """The bullets of the notebook's '## Learning objectives' section."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## Learning objectives" in cell.source:
            section = cell.source.split("## Learning objectives", 1)[1].split("\n## ", 1)[0]
            bullets: list[str] = []
            in_bullet = False
            for line in section.splitlines():
                if line.startswith("- "):
                    bullets.append(line[2:].strip())
                    in_bullet = True
                elif in_bullet and line.strip():
                    bullets[-1] += " " + line.strip()  # a bullet wrapped onto the next line
                else:
                    in_bullet = False  # a blank line ends it
            return bullets
    return []


def measured(row: dict | None) -> str:
    if row is None:
        return "not measured yet"
    return f"{row['seconds'] / 60:.1f} min, kernel peak {row['peak_memory_mb'] / 1000:.1f} GB"


def render_guide(rows: dict[str, dict]) -> str:
    """The per-notebook part of the instructor guide, in markdown."""
    parts = []
    part = None
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        if part_of(path) != part:
            part = part_of(path)
            parts.append(f"### {part}")
        nb = nbformat.read(path, as_version=4)
        title, _ = title_and_description(path)
        timing = f"Runs in {measured(rows.get(f'notebooks/{path.name}'))}"
        solved = REPO_ROOT / "solutions" / f"{path.stem}_solutions.ipynb"
        if solved.is_file():
            timing += f" as handed out; the solved notebook in {measured(rows.get(f'solutions/{solved.name}'))}"
        notes = nb.metadata.get("course", {}).get("instructor", {})
        lines = [f"#### {path.name[:2]} · {title}", "", f"*{timing} (2-core CPU, course benchmark).*", ""]
        lines += ["Objectives:", ""] + [f"- {item}" for item in learning_objectives(nb)] + [""]
        if notes.get("stuck"):
            lines += ["Where learners get stuck:", ""] + [f"- {item}" for item in notes["stuck"]] + [""]
        if notes.get("exercises"):
            lines += ["Exercises that fit: " + "; ".join(notes["exercises"]) + ".", ""]
        parts.append("\n".join(lines).rstrip())
    return "\n\n".join(parts)


def checked_exercises() -> list[Path]:
    """The learner's notebooks of the checked exercises, in course order, from ``utils.checks.EXERCISES``.

    Raises:
        ValueError: when a registered exercise has no notebook in ``notebooks/``, or an exercise notebook
            there (``NN_exercise_*.ipynb``) has no check in the registry.
    """
    from utils.checks import EXERCISES  # imports no TensorFlow

    notebooks = REPO_ROOT / "notebooks"
    registered = {notebooks / f"{exercise.stem}.ipynb" for exercise in EXERCISES.values()}
    missing = sorted(path.name for path in registered if not path.is_file())
    if missing:
        raise ValueError(f"utils.checks.EXERCISES lists exercises with no notebook in notebooks/: {', '.join(missing)}")
    unchecked = sorted(path.name for path in notebooks.glob("*_exercise_*.ipynb") if path not in registered)
    if unchecked:
        raise ValueError(f"exercise notebooks with no check in utils.checks.EXERCISES: {', '.join(unchecked)}")
    return sorted(registered)


def render_exercise_list(paths: list[Path]) -> str:
    """The exercises' numbers as a sentence writes them: '22, 23 and 25'."""
    numbers = [path.name[:2] for path in paths]
    if not numbers:
        raise ValueError("no checked exercises to list")
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def render_table(link_prefix: str, seconds: dict[str, float]) -> str:
    """The course map as a markdown table; links start with ``link_prefix``."""
    lines = [
        "| # | Notebook | What you learn | Minutes on a 2-core CPU |",
        "|---|---|---|---:|",
    ]
    total = 0.0
    part = None
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        if part_of(path) != part:
            part = part_of(path)
            lines.append(f"| | **{part}** | | |")
        title, description = title_and_description(path)
        measured = seconds.get(f"notebooks/{path.name}")
        total += measured or 0.0
        minutes = f"{measured / 60:.1f}" if measured is not None else "not measured yet"
        lines.append(f"| {path.name[:2]} | [{title}]({link_prefix}{path.name}) | {description} | {minutes} |")
    lines.append(f"| | **All notebooks** | | **{total / 60:.1f}** |")
    return "\n".join(lines)


def replace_block(text: str, table: str, where: str, block=BLOCK, start=START, end=END) -> str:
    if not block.search(text):
        raise ValueError(f"{where} has no '{start}' ... '{end}' block")
    return block.sub(lambda _: f"{start}\n{table}\n{end}", text, count=1)


def replace_exercise_lists(text: str, numbers: str, where: str) -> str:
    """Put the exercise list into every checked-exercises block of ``text`` (a list sits inside a sentence)."""
    if not EXERCISES_BLOCK.search(text):
        raise ValueError(f"{where} has no '{EXERCISES_START}' ... '{EXERCISES_END}' block")
    return EXERCISES_BLOCK.sub(lambda _: f"{EXERCISES_START}{numbers}{EXERCISES_END}", text)


def rendered() -> tuple[str, nbformat.NotebookNode]:
    """README text and 00_start_here notebook with up-to-date course maps and exercise lists."""
    seconds = benchmark_seconds()
    exercises = render_exercise_list(checked_exercises())
    readme = replace_block(README.read_text(), render_table("notebooks/", seconds), "README.md")
    readme = replace_block(readme, render_guide(benchmark_rows()), "README.md", GUIDE_BLOCK, GUIDE_START, GUIDE_END)
    readme = replace_exercise_lists(readme, exercises, "README.md")
    notebook = nbformat.read(START_HERE, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and START in cell.source:
            cell.source = replace_block(cell.source, render_table("", seconds), START_HERE.name)
            break
    else:
        raise ValueError(f"{START_HERE.name} has no markdown cell with '{START}'")
    lists = [cell for cell in notebook.cells if cell.cell_type == "markdown" and EXERCISES_START in cell.source]
    if not lists:
        raise ValueError(f"{START_HERE.name} has no markdown cell with '{EXERCISES_START}'")
    for cell in lists:
        cell.source = replace_exercise_lists(cell.source, exercises, START_HERE.name)
    return readme, notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the tables and lists are up to date")
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
            print(f"{name}: the course map or a list of exercises is out of date; run `python tools/course_map.py`",
                  file=sys.stderr)
        return 1 if stale else 0
    README.write_text(readme)
    nbformat.write(notebook, START_HERE)
    print(f"Course map and exercise lists written to README.md and {START_HERE.name}" + (f" (updated: {', '.join(stale)})" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
