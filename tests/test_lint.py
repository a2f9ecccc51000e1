"""Lint: ruff over the code and the notebooks, with the rules in pyproject.toml.

Part of the test command, so CI fails on an unused import, a wrong import
order or a likely bug (bugbear) as it fails on a broken test.
"""

import subprocess
import sys

from tests.conftest import REPO_ROOT

LINTED = ["utils", "tests", "tools", "notebooks", "solutions"]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *LINTED],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"ruff found problems (fix them, or run `ruff check --fix`):\n{result.stdout}{result.stderr}"


def test_ruff_really_lints_notebooks(tmp_path):
    """Guards the configuration: a notebook with an unused import must be reported."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\n")])
    nbformat.write(nb, tmp_path / "bad.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(REPO_ROOT / "pyproject.toml"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout
