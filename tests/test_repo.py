"""The repository keeps its promises: layout, the two commands, pins, course map."""

import importlib.util
import os
import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.conftest import REPO_ROOT

ALLOWED_TOP_LEVEL = {
    "notebooks", "data", "solutions", "utils", "requirements.txt", "tests", "README.md",
    "tools", ".ci", "Makefile", "pyproject.toml", ".gitignore", "LICENSE", ".gitattributes",
    # Binder's configuration (repo2docker): Python 3.11, then the root requirements.txt.
    # Hidden, and the only way to choose Binder's Python without a runtime.txt at the top.
    ".binder",
}


def readme():
    return (REPO_ROOT / "README.md").read_text()


def make_dry_run(*args):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # -B: print every recipe, as if .venv had to be built, so the test does not depend on it.
    # Under `make test` this runs inside make: drop make's variables so it behaves as from a shell.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "PYTEST_ARGS=", "LAB_ARGS=", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True, env=env,
    )
    return result.stdout


def test_top_level_holds_only_the_agreed_entries():
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    top_level = {line.split("/", 1)[0] for line in tracked.splitlines()}
    assert top_level <= ALLOWED_TOP_LEVEL, top_level - ALLOWED_TOP_LEVEL
    assert {"notebooks", "data", "solutions", "utils", "requirements.txt", "tests", "README.md"} <= top_level


def test_readme_shows_the_two_commands_and_ci_runs_the_second():
    text = readme()
    assert re.search(r"^make lab\b.*open the course in JupyterLab", text, re.M)
    assert re.search(r"^make test\b.*run every test", text, re.M)
    commands = [
        line.strip()
        for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


@pytest.mark.parametrize("user_id, root", [("1000", False), ("0", True)])
def test_make_lab_opens_start_here_with_authentication_on(user_id, root):
    recipe = make_dry_run("lab", f"USER_ID={user_id}")
    lab = [line for line in recipe.splitlines() if "jupyter lab" in line]
    assert len(lab) == 1
    # Serve the course folder (not notebooks/ alone, which a file argument would do) and open lesson 00.
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in lab[0]
    positional = [word for word in lab[0].split()[3:] if not word.startswith("-")]
    assert positional == [], "a notebook argument would make notebooks/ the server root"
    assert ("--allow-root" in lab[0]) is root, "JupyterLab refuses root without --allow-root"
    auth_options = [word for word in lab[0].split() if re.search(r"token|password|xsrf|identityprovider", word, re.I)]
    assert auth_options == [], f"make lab must keep JupyterLab's token authentication as it is: {auth_options}"
    assert "pip install -r requirements.txt" in recipe, "make lab must set everything up"
    # Offline classroom: JupyterLab neither fetches news nor checks for updates, nor asks about them.
    assert "--LabApp.news_url=None" in lab[0] and "NeverCheckForUpdate" in lab[0]
    assert "tools/jupyterlab/lstm-course.json" in recipe and "overrides.d" in recipe


def test_make_test_sets_up_and_runs_pytest():
    recipe = make_dry_run("test")
    assert "pip install -r requirements.txt" in recipe
    assert recipe.strip().splitlines()[-1].strip() == ".venv/bin/python -m pytest"


def test_make_test_installs_chromium_for_the_browser_test_and_never_downloads_a_browser():
    recipe = make_dry_run("test", "USER_ID=0")
    assert "apt-get install -y" in recipe and "chromium" in recipe
    assert "tests/test_browser.py will be skipped" in recipe, "a failed install must not stop the tests"
    ci_and_make = recipe + (REPO_ROOT / ".ci" / "run").read_text() + (REPO_ROOT / "Makefile").read_text()
    assert "playwright install" not in ci_and_make, "Playwright's browser download cannot work offline"
    assert "tests/artifacts/" in (REPO_ROOT / ".gitignore").read_text().splitlines()


def test_make_slides_sets_up_and_builds_into_a_gitignored_folder():
    recipe = make_dry_run("slides", "SLIDES_ARGS=")
    assert "pip install -r requirements.txt" in recipe
    assert recipe.strip().splitlines()[-1].strip() == ".venv/bin/python tools/build_slides.py"
    assert "make slides" in make_dry_run("help")
    # Built slides and the npm tarballs stay out of git (and out of the top level).
    assert "tools/build/" in (REPO_ROOT / ".gitignore").read_text().splitlines()
    if (REPO_ROOT / ".git").exists() and shutil.which("git"):
        for path in ("tools/build/slides/index.html", "tools/build/npm/reveal.js-4.0.2.tgz"):
            assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO_ROOT).returncode == 0, path


def test_binder_uses_python_311_and_the_course_requirements():
    binder = REPO_ROOT / ".binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    lines = [line.split("#")[0].strip() for line in (binder / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line] == ["-r ../requirements.txt"]
    # repo2docker ignores configuration files at the top level once .binder/ exists.
    assert not any((REPO_ROOT / name).exists() for name in ("runtime.txt", "environment.yml", "binder"))
    # Every pinned package that is installed here accepts Binder's Python.
    pins = [Requirement(line.split("#")[0].strip()) for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
            if line.split("#")[0].strip() and not line.startswith("-")]
    refused = []
    for pin in pins:
        try:
            requires_python = metadata(pin.name).get("Requires-Python")
        except PackageNotFoundError:
            continue
        if requires_python and "3.11" not in SpecifierSet(requires_python):
            refused.append(f"{pin.name} needs Python {requires_python}")
    assert refused == []


def test_requirements_are_pinned_and_install_utils_editable():
    lines = [line.split("#")[0].strip() for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-e ." in lines
    pins = {Requirement(line).name.lower(): str(Requirement(line).specifier) for line in lines if line != "-e ."}
    assert all(spec.startswith("==") for spec in pins.values()), pins
    assert pins["tensorflow"].startswith("==2.21.") and pins["keras"].startswith("==3.15.")
    assert pins["jupyterlab"].startswith("==4.")
    assert {"numpy", "pandas", "matplotlib", "nbval", "pytest", "pytest-xdist", "playwright"} <= set(pins)


def test_pytest_runs_units_doctests_and_notebooks_in_parallel_by_file():
    config = (REPO_ROOT / "pyproject.toml").read_text()
    for option in ('"--dist", "loadfile"', '"--doctest-modules"', '"--nbval-lax"', '"-n", "auto"'):
        assert option in config
    assert 'testpaths = ["tests", "utils", "notebooks", "solutions"]' in config


def load_course_map():
    spec = importlib.util.spec_from_file_location("course_map", REPO_ROOT / "tools" / "course_map.py")
    course_map = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course_map)
    return course_map


def test_course_map_is_up_to_date_in_readme_and_start_here():
    course_map = load_course_map()
    assert course_map.main(["--check"]) == 0, "run `python tools/course_map.py` (make benchmark does)"
    lessons = sorted(path.name for path in (REPO_ROOT / "notebooks").glob("*.ipynb"))
    assert all(f"(notebooks/{name})" in readme() for name in lessons)


def test_the_lists_of_checked_exercises_are_generated_from_the_registry():
    """README and 00_start_here list the checked exercises between markers that tools/course_map.py fills."""
    from utils.checks import EXERCISES

    course_map = load_course_map()
    registered = sorted(f"{exercise.stem}.ipynb" for exercise in EXERCISES.values())
    assert [path.name for path in course_map.checked_exercises()] == registered
    assert registered == sorted(path.name for path in (REPO_ROOT / "notebooks").glob("*_exercise_*.ipynb"))
    numbers = course_map.render_exercise_list(course_map.checked_exercises())
    assert numbers == ", ".join(name[:2] for name in registered[:-1]) + " and " + registered[-1][:2]
    block = f"{course_map.EXERCISES_START}{numbers}{course_map.EXERCISES_END}"
    start_here = nbformat.read(REPO_ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    assert block in readme(), "README's 'Checking a whole class' lists the checked exercises; run tools/course_map.py"
    assert any(block in cell.source for cell in start_here.cells if cell.cell_type == "markdown"), (
        "00_start_here's 'How the course works' lists the checked exercises; run tools/course_map.py"
    )
    assert course_map.main(["--check"]) == 0, "run `python tools/course_map.py`"


def test_an_exercise_list_is_rewritten_in_place_and_a_missing_one_is_an_error():
    course_map = load_course_map()
    start, end = course_map.EXERCISES_START, course_map.EXERCISES_END
    stale = f"Collect the notebooks ({start}22, 23 and 25{end}) and run it. Also ({start}{end})."
    fresh = course_map.replace_exercise_lists(stale, "22, 23, 25 and 33", "README.md")
    assert fresh == f"Collect the notebooks ({start}22, 23, 25 and 33{end}) and run it. Also ({start}22, 23, 25 and 33{end})."
    with pytest.raises(ValueError, match="has no"):
        course_map.replace_exercise_lists("Collect the notebooks (22, 23 and 25).", "22", "README.md")
    assert [course_map.render_exercise_list([Path(n) for n in names]) for names in (["22_a"], ["22_a", "23_b"])] == [
        "22", "22 and 23",
    ]


def test_an_exercise_notebook_without_a_check_is_an_error(tmp_path, monkeypatch):
    from utils.checks import EXERCISES

    course_map = load_course_map()
    (tmp_path / "notebooks").mkdir()
    for exercise in EXERCISES.values():
        (tmp_path / "notebooks" / f"{exercise.stem}.ipynb").write_text("{}")
    monkeypatch.setattr(course_map, "REPO_ROOT", tmp_path)
    assert len(course_map.checked_exercises()) == len(EXERCISES)
    (tmp_path / "notebooks" / "99_exercise_unchecked.ipynb").write_text("{}")
    with pytest.raises(ValueError, match=re.escape("99_exercise_unchecked.ipynb")):
        course_map.checked_exercises()


def test_the_instructor_guide_keeps_a_learning_objective_that_wraps_onto_two_lines():
    course_map = load_course_map()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 99 · A lesson\n\n## Learning objectives\n\n- Time a step, and\n  compare it with a matmul.\n"
        "- Read the source.\n\nPrerequisites: none.\n\n## Setup\n"
    )])
    assert course_map.learning_objectives(nb) == ["Time a step, and compare it with a matmul.", "Read the source."]
