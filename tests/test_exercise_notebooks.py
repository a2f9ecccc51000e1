"""Exercise notebooks are generated from the solved ones, and the committed ones have not drifted.

The transform (utils.checks.make_exercise_notebook) is tested on small
synthetic notebooks; tools/make_exercises.py is tested on a temporary copy
of the repository layout and then asked about the real one.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import REPO_ROOT
from utils.checks import make_exercise_notebook, solution_code

TOOL = REPO_ROOT / "tools" / "make_exercises.py"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_exercises = load_tool()


def solved_notebook():
    """A small solved notebook using every convention, with outputs as if it had been run."""
    answer = new_code_cell(
        "# STARTER: cosine_model = None  # assign your trained model\n"
        "### BEGIN SOLUTION\n"
        "cosine_model = train()\n"
        "### END SOLUTION\n"
        "cosine_exercise.check(cosine_model)",
        id="answer",
        execution_count=3,
        outputs=[new_output("stream", name="stdout", text="Correct: ...\n")],
    )
    indented = new_code_cell(
        "def predict_next(sequence):\n"
        "    # STARTER: return None  # your code here\n"
        "    ### BEGIN SOLUTION\n"
        "    return sequence[-1] + (sequence[-1] - sequence[-2])\n"
        "    ### END SOLUTION\n"
        "\n"
        "# STARTER:\n"
        "# a plain comment stays",
        id="indented",
        metadata={"tags": ["exercise"]},
    )
    return new_notebook(
        cells=[
            new_markdown_cell("# 99 · Exercises\n\nPractise.", id="title"),
            answer,
            new_markdown_cell("The reference model reaches ...", id="discussion", metadata={"tags": ["solution"]}),
            new_code_cell("plot(cosine_model)", id="tagged-code", metadata={"tags": ["solution", "other"]}),
            indented,
            new_code_cell("x = 1", id="plain", execution_count=7, outputs=[new_output("execute_result", data={"text/plain": "1"}, execution_count=7)]),
        ],
        metadata={"kernelspec": KERNELSPEC, "course": {"budget": {"seconds": 60, "memory_mb": 1500}}},
    )


# --- The transform --------------------------------------------------------------------------


def test_starter_lines_become_code_and_solution_blocks_disappear():
    exercise = make_exercise_notebook(solved_notebook())
    cells = {cell.id: cell for cell in exercise.cells}
    assert cells["answer"].source == "cosine_model = None  # assign your trained model\ncosine_exercise.check(cosine_model)"
    assert cells["indented"].source == (
        "def predict_next(sequence):\n    return None  # your code here\n\n\n# a plain comment stays"
    )


def test_cells_tagged_solution_are_dropped_and_the_rest_kept_in_order_with_their_ids():
    exercise = make_exercise_notebook(solved_notebook())
    assert [cell.id for cell in exercise.cells] == ["title", "answer", "indented", "plain"]
    assert exercise.cells[0].source == "# 99 · Exercises\n\nPractise."
    assert exercise.cells[2].metadata == {"tags": ["exercise"]}
    assert exercise.cells[3].source == "x = 1"


def test_notebook_metadata_is_kept_and_outputs_are_cleared():
    solved = solved_notebook()
    exercise = make_exercise_notebook(solved)
    assert exercise.metadata == solved.metadata
    assert exercise.metadata.course.budget == {"seconds": 60, "memory_mb": 1500}
    assert (exercise.nbformat, exercise.nbformat_minor) == (solved.nbformat, solved.nbformat_minor)
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    nbformat.validate(exercise)


def test_the_solved_notebook_itself_is_not_changed():
    solved = solved_notebook()
    before = nbformat.writes(solved)
    make_exercise_notebook(solved)
    assert nbformat.writes(solved) == before


def test_solution_code_reads_back_exactly_what_was_removed(tmp_path):
    path = tmp_path / "99_exercises_solutions.ipynb"
    nbformat.write(solved_notebook(), path)
    assert solution_code(path) == [
        "cosine_model = train()",
        "plot(cosine_model)",
        "    return sequence[-1] + (sequence[-1] - sequence[-2])",
    ]


def cell_with(source, index_before=2):
    """A notebook whose cell at index `index_before` has `source`."""
    cells = [new_markdown_cell("# Title", id=f"m{i}") for i in range(index_before)]
    return new_notebook(cells=[*cells, new_code_cell(source, id="bad")])


@pytest.mark.parametrize(
    "source, message",
    [
        (
            "### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
            r"solutions/99_x_solutions\.ipynb, cell index 2: the cell has a solution block but no '# STARTER: <code>' line",
        ),
        (
            "# STARTER: x = None\n### BEGIN SOLUTION\nx = 1",
            r"cell index 2: the '### BEGIN SOLUTION' on line 2 is never closed",
        ),
        (
            "# STARTER: x = None\nx = 1\n### END SOLUTION",
            r"cell index 2: line 3 has '### END SOLUTION' without a '### BEGIN SOLUTION' before it",
        ),
        (
            "# STARTER: x = None\n### BEGIN SOLUTION\n  ### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
            r"cell index 2: line 3 opens a '### BEGIN SOLUTION' block inside the block opened on line 2; blocks cannot be nested",
        ),
        (
            "# STARTER: x = None\n#### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
            r"cell index 2: line 2 looks like a solution marker but is not one: '#### BEGIN SOLUTION'",
        ),
        (
            "#STARTER: x = None\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
            r"cell index 2: line 1 looks like a starter line but is not one: '#STARTER: x = None'",
        ),
    ],
    ids=["no-starter", "unclosed", "end-without-begin", "nested", "misspelt-marker", "misspelt-starter"],
)
def test_broken_markers_are_errors_that_name_the_notebook_and_cell(source, message):
    with pytest.raises(ValueError, match=message):
        make_exercise_notebook(cell_with(source), name="solutions/99_x_solutions.ipynb")


def test_a_tagged_solution_cell_needs_no_starter():
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", id="t", metadata={"tags": ["solution"]})])
    assert make_exercise_notebook(nb).cells == []


# --- The tool -------------------------------------------------------------------------------


@pytest.fixture
def layout(tmp_path):
    """A repository layout with one solved notebook and no exercise notebook yet."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "notebooks").mkdir()
    nbformat.write(solved_notebook(), tmp_path / "solutions" / "99_exercises_solutions.ipynb")
    (tmp_path / "solutions" / "README.md").write_text("not a notebook")
    return tmp_path


def test_tool_writes_the_exercise_notebook_deterministically(layout, capsys):
    target = layout / "notebooks" / "99_exercises.ipynb"
    assert make_exercises.main([], repo_root=layout) == 0
    assert "wrote notebooks/99_exercises.ipynb from solutions/99_exercises_solutions.ipynb" in capsys.readouterr().out
    first = target.read_bytes()
    assert make_exercises.main([], repo_root=layout) == 0
    assert target.read_bytes() == first, "running the tool twice must give identical bytes"
    assert first.startswith(b'{\n "cells": [\n  {\n') and first.endswith(b"}\n"), "1-space indent, final newline"
    exercise = nbformat.read(target, as_version=4)
    assert exercise.cells[1].source.startswith("cosine_model = None")
    assert [cell.id for cell in exercise.cells] == ["title", "answer", "indented", "plain"]


def test_tool_check_reports_missing_and_differing_notebooks_and_writes_nothing(layout, capsys):
    target = layout / "notebooks" / "99_exercises.ipynb"
    assert make_exercises.main(["--check"], repo_root=layout) == 1
    assert "notebooks/99_exercises.ipynb is missing" in capsys.readouterr().err
    assert not target.exists(), "--check must not write"

    make_exercises.main([], repo_root=layout)
    capsys.readouterr()
    assert make_exercises.main(["--check"], repo_root=layout) == 0
    assert "All 1 exercise notebook(s) are up to date." in capsys.readouterr().out

    exercise = nbformat.read(target, as_version=4)
    exercise.cells[1].source = "cosine_model = model  # edited by hand"
    nbformat.write(exercise, target)
    before = target.read_bytes()
    assert make_exercises.main(["--check"], repo_root=layout) == 1
    err = capsys.readouterr().err
    assert "notebooks/99_exercises.ipynb differs from what its solved notebook generates" in err
    assert "run `make exercises`" in err
    assert target.read_bytes() == before


def test_tool_reports_a_broken_solved_notebook_without_a_traceback(layout, capsys):
    broken = solved_notebook()
    broken.cells[1].source = "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    nbformat.write(broken, layout / "solutions" / "99_exercises_solutions.ipynb")
    assert make_exercises.main([], repo_root=layout) == 2
    assert "error: solutions/99_exercises_solutions.ipynb, cell index 1: the cell has a solution block but no" in capsys.readouterr().err


def test_tool_with_no_solved_notebooks_has_nothing_to_do(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    assert make_exercises.main(["--check"], repo_root=tmp_path) == 0
    assert make_exercises.main([], repo_root=tmp_path) == 0
    assert "nothing to generate" in capsys.readouterr().out


def test_exercise_path_strips_the_solutions_suffix():
    solved = REPO_ROOT / "solutions" / "22_exercise_cosine_wave_solutions.ipynb"
    assert make_exercises.exercise_path(solved) == REPO_ROOT / "notebooks" / "22_exercise_cosine_wave.ipynb"
    with pytest.raises(ValueError, match=r"ends in '_solutions\.ipynb'; received 07_exercise\.ipynb"):
        make_exercises.exercise_path(Path("solutions/07_exercise.ipynb"))


# --- The real repository --------------------------------------------------------------------

SOLVED = make_exercises.solved_notebooks()


def test_every_solved_notebook_has_a_generated_exercise_notebook():
    """Passes vacuously while solutions/ holds no solved notebook yet."""
    missing = [str(target.relative_to(REPO_ROOT)) for _, target, problem in make_exercises.stale() if problem == "missing"]
    assert not missing, f"missing exercise notebooks {missing}; run `make exercises`"


@pytest.mark.parametrize("solved", SOLVED, ids=[path.name for path in SOLVED])
def test_committed_exercise_notebook_matches_its_solved_notebook(solved):
    target = make_exercises.exercise_path(solved)
    if not target.is_file():
        pytest.fail(f"{target.relative_to(REPO_ROOT)} is missing; run `make exercises`")
    assert target.read_text(encoding="utf-8") == make_exercises.rendered(solved), (
        f"{target.relative_to(REPO_ROOT)} differs from what {solved.relative_to(REPO_ROOT)} generates; "
        "edit the solved notebook, then run `make exercises`"
    )

