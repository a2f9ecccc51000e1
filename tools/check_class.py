"""Run a class's exercise notebooks and tabulate what their checks reported.

Why this tool exists: an instructor with 30 learners wants to know who has
solved which exercise without opening 90 notebooks. The checked exercise
notebooks (``--help`` names them, from the registry of checks,
``utils.checks.EXERCISES``) end each exercise with a check cell,
``<exercise>.check(answer, model=...)``, whose printed feedback starts with
``Correct:``, ``Not yet:`` or ``Not attempted yet:``. This tool runs every
notebook in a folder top to bottom in a fresh kernel (as a learner's Run All
would) and reports, per notebook, what each check cell printed and whether any
cell failed.

Usage::

    python tools/check_class.py FOLDER                 # print the table
    python tools/check_class.py FOLDER --csv out.csv   # also save it
    python tools/check_class.py FOLDER --timeout 300   # seconds per cell

Learners' notebooks run with the course's environment, so run it from the
course's ``.venv`` (``.venv/bin/python tools/check_class.py ...``). It never
changes the learners' files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

STATUSES = ("Correct", "Not yet", "Not attempted yet")


def check_status(cell: nbformat.NotebookNode) -> str:
    """What a check cell reported: one of STATUSES, or 'no feedback'."""
    text = "".join(output.get("text", "") for output in cell.get("outputs", []) if output.output_type == "stream")
    for line in text.splitlines():
        for status in STATUSES:
            if line.startswith(f"{status}:"):
                return status
    return "no feedback"


def check_notebook(path: Path, timeout: int = 600) -> dict[str, str]:
    """Run one notebook and return {'notebook': name, 'check 1': status, ..., 'problem': ...}."""
    nb = nbformat.read(path, as_version=4)
    problem = ""
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as error:
        problem = str(error).strip().splitlines()[-1][:200]
    except Exception as error:  # a learner's notebook may be broken in any way; report it, go on
        problem = f"{type(error).__name__}: {error}"[:200]
    row = {"notebook": path.name}
    checks = [cell for cell in nb.cells if cell.cell_type == "code" and ".check(" in cell.source]
    for number, cell in enumerate(checks, start=1):
        row[f"check {number}"] = check_status(cell)
    row["problem"] = problem
    return row


def checked_exercise_notebooks() -> list[str]:
    """The file names of the course's checked exercise notebooks, in course order, from ``utils.checks.EXERCISES``."""
    from utils.checks import EXERCISES  # imports no TensorFlow

    return sorted(f"{exercise.stem}.ipynb" for exercise in EXERCISES.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="The course's checked exercise notebooks: " + ", ".join(checked_exercise_notebooks()) + ".",
    )
    parser.add_argument("folder", type=Path, help="folder with the learners' .ipynb files")
    parser.add_argument("--csv", type=Path, help="also write the table to this CSV file")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a single cell may run (default 600)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder; pass the folder holding the learners' notebooks")
    paths = sorted(args.folder.glob("*.ipynb"))
    if not paths:
        parser.error(f"{args.folder} holds no .ipynb files")
    rows = []
    for number, path in enumerate(paths, start=1):
        print(f"running {path.name} ({number} of {len(paths)}, {len(paths) - number} left after it) ...", file=sys.stderr, flush=True)
        rows.append(check_notebook(path, args.timeout))
    table = pd.DataFrame(rows).fillna("")
    checks = sorted((c for c in table.columns if c.startswith("check ")), key=lambda c: int(c.split()[1]))
    table = table[["notebook", *checks, "problem"]]
    print(table.to_string(index=False))
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
