"""Generate the learner's exercise notebooks in notebooks/ from the solved ones in solutions/.

Why this tool exists: an exercise lives in two notebooks, the solved one a
maintainer runs and the learner's one with blanks to fill in. Kept by hand,
the two drift apart (a fix lands in one of them only). So the solved
notebook ``solutions/NN_name_solutions.ipynb`` is the single source and this
tool writes ``notebooks/NN_name.ipynb`` from it; ``tests/test_exercise_notebooks.py``
fails when a committed exercise notebook differs from what it would write.

The conventions inside a solved notebook's code cells:

* a block from a line ``### BEGIN SOLUTION`` to a line ``### END SOLUTION``
  (both included, any indentation) is removed;
* a line ``# STARTER: <code>`` becomes ``<code>``, keeping its indentation:
  a comment in the solved notebook, the line to fill in for the learner. A
  cell with a solution block needs at least one;
* a cell (of any type) whose metadata ``tags`` contain ``"solution"`` is left
  out, e.g. a discussion of the solution's results;
* everything else is copied as it is, cell ids and metadata included; code
  cells lose their outputs and execution counts.

For example, the solved cell::

    # STARTER: cosine_model = None  # assign your trained model
    ### BEGIN SOLUTION
    cosine_model = model
    ### END SOLUTION
    cosine_exercise.check(cosine_model)

becomes, in the learner's notebook::

    cosine_model = None  # assign your trained model
    cosine_exercise.check(cosine_model)

The parsing lives in :mod:`utils.checks.base` (``make_exercise_notebook``), which
also prints the solution blocks for ``cosine_exercise.solution()`` and the
like, so both read the markers the same way.

Usage (from anywhere, with the course's virtual environment)::

    python tools/make_exercises.py          # (re)write every exercise notebook; make exercises does this
    python tools/make_exercises.py --check  # write nothing; exit 1 if one is missing or out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from utils.checks import make_exercise_notebook

REPO_ROOT = Path(__file__).resolve().parent.parent
SUFFIX = "_solutions"


def solved_notebooks(repo_root: Path = REPO_ROOT) -> list[Path]:
    """Every ``solutions/*_solutions.ipynb``, sorted by name."""
    return sorted((repo_root / "solutions").glob(f"*{SUFFIX}.ipynb"))


def exercise_path(solved: Path, repo_root: Path = REPO_ROOT) -> Path:
    """``solutions/NN_name_solutions.ipynb`` -> ``notebooks/NN_name.ipynb``."""
    if not solved.stem.endswith(SUFFIX):
        raise ValueError(f"a solved notebook's name ends in '{SUFFIX}.ipynb'; received {solved.name}")
    return repo_root / "notebooks" / f"{solved.stem[: -len(SUFFIX)]}.ipynb"


def build(solved: Path, repo_root: Path = REPO_ROOT) -> nbformat.NotebookNode:
    """The validated exercise notebook generated from ``solved``."""
    name = str(solved.relative_to(repo_root)) if solved.is_relative_to(repo_root) else str(solved)
    exercise = make_exercise_notebook(nbformat.read(solved, as_version=4), name=name)
    nbformat.validate(exercise)
    return exercise


def rendered(solved: Path, repo_root: Path = REPO_ROOT) -> str:
    """The exact text ``nbformat.write`` puts in the exercise notebook (1-space indent, final newline)."""
    text = nbformat.writes(build(solved, repo_root))
    return text if text.endswith("\n") else text + "\n"


def stale(repo_root: Path = REPO_ROOT) -> list[tuple[Path, Path, str]]:
    """``(solved, exercise, "missing" or "differs")`` for each exercise notebook that is not up to date."""
    problems = []
    for solved in solved_notebooks(repo_root):
        target = exercise_path(solved, repo_root)
        if not target.is_file():
            problems.append((solved, target, "missing"))
        elif target.read_text(encoding="utf-8") != rendered(solved, repo_root):
            problems.append((solved, target, "differs"))
    return problems


def main(argv: list[str] | None = None, *, repo_root: Path = REPO_ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; list the exercise notebooks that are missing or out of date and exit 1 if any",
    )
    args = parser.parse_args(argv)
    solved = solved_notebooks(repo_root)
    try:
        if args.check:
            problems = stale(repo_root)
            for source, target, problem in problems:
                what = "is missing" if problem == "missing" else "differs from what its solved notebook generates"
                print(
                    f"{target.relative_to(repo_root)} {what} ({source.relative_to(repo_root)}); run `make exercises`",
                    file=sys.stderr,
                )
            if not problems:
                print(f"All {len(solved)} exercise notebook(s) are up to date.")
            return 1 if problems else 0
        for source in solved:
            target = exercise_path(source, repo_root)
            nbformat.write(build(source, repo_root), target)
            print(f"wrote {target.relative_to(repo_root)} from {source.relative_to(repo_root)}")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not solved:
        print("No solved notebooks (solutions/*_solutions.ipynb) yet; nothing to generate.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
