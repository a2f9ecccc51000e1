"""tools/check_class.py: an instructor's table of what each learner's checks said."""

import importlib.util

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def check_class():
    spec = importlib.util.spec_from_file_location("check_class", REPO_ROOT / "tools" / "check_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(path, *sources):
    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_the_table_reports_each_check_and_each_failure(tmp_path, check_class, capsys):
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    # Stand-ins for exercise objects: they print what the real checks print.
    write(class_dir / "ada.ipynb", "class E:\n    def check(self, a):\n        print('Correct: well done')\nex = E()", "ex.check(1)")
    write(class_dir / "bob.ipynb", "class E:\n    def check(self, a):\n        print('Not attempted yet: assign it')\nex = E()", "ex.check(None)")
    write(class_dir / "cy.ipynb", "raise ValueError('broken on purpose')", "ex.check(2)")
    csv = tmp_path / "results.csv"

    assert check_class.main([str(class_dir), "--csv", str(csv), "--timeout", "60"]) == 0

    printed = capsys.readouterr().out
    rows = {line.split()[0]: line for line in printed.splitlines()[1:]}
    assert "Correct" in rows["ada.ipynb"]
    assert "Not attempted yet" in rows["bob.ipynb"]
    assert "no feedback" in rows["cy.ipynb"] and "broken on purpose" in rows["cy.ipynb"]
    assert csv.read_text().splitlines()[0] == "notebook,check 1,problem"


def test_a_missing_folder_is_a_clear_error(tmp_path, check_class, capsys):
    with pytest.raises(SystemExit):
        check_class.main([str(tmp_path / "nowhere")])
    assert "is not a folder" in capsys.readouterr().err


def test_the_table_reads_the_real_checks_with_their_new_answers(tmp_path, check_class, capsys):
    """The checks now take the model too (model=); the statuses they print stay the three the table knows."""
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    write(
        class_dir / "dana.ipynb",
        "from utils.checks import counting_exercise, tuning_exercise",
        "counting_exercise.check(lambda s: s[-1] + (s[-1] - s[-2]))",  # right answers, no network: not yet
        "counting_model = None\ntuning_exercise.check(None, model=counting_model)",
    )
    assert check_class.main([str(class_dir), "--timeout", "60"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split()[:6] == ["dana.ipynb", "Not", "yet", "Not", "attempted", "yet"]


def test_help_names_every_checked_exercise_notebook(check_class, capsys):
    """The list comes from utils.checks.EXERCISES when the tool runs, so it cannot go stale."""
    with pytest.raises(SystemExit):
        check_class.main(["--help"])
    printed = " ".join(capsys.readouterr().out.split())
    exercises = sorted(path.name for path in (REPO_ROOT / "notebooks").glob("*_exercise_*.ipynb"))
    assert check_class.checked_exercise_notebooks() == exercises
    assert "The course's checked exercise notebooks: " + ", ".join(exercises) + "." in printed
