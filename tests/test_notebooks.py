"""Every notebook: committed clean, opens without a kernel dialog, follows the
house skeleton, and quiet TensorFlow start-up really is quiet.

nbval (configured in pyproject.toml) runs each notebook top to bottom; these
tests check what nbval does not. Whether each setup cell shows a red box is
checked during nbval's own run (the `setup cell stderr` items, tests/conftest.py).
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT, setup_cell

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb")) + sorted((REPO_ROOT / "solutions").glob("*.ipynb"))
IDS = [str(path.relative_to(REPO_ROOT)) for path in NOTEBOOKS]


def read(path):
    return nbformat.read(path, as_version=4)


def headings(nb):
    return [
        line.strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    ]


def test_there_are_notebooks():
    assert any(path.parent.name == "notebooks" for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_clean(path):
    nb = read(path)
    nbformat.validate(nb)
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, f"cells {dirty} have outputs or execution counts; run `make clean-notebooks` before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_names_its_kernel(path):
    """Without kernelspec metadata JupyterLab opens a 'Select Kernel' dialog first."""
    kernelspec = read(path).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", kernelspec
    assert kernelspec.get("language") == "python" and kernelspec.get("display_name"), kernelspec


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_a_time_and_memory_budget_for_the_benchmark(path):
    budget = read(path).metadata.get("course", {}).get("budget", {})
    assert budget.get("seconds", 0) > 0 and budget.get("memory_mb", 0) > 0, budget


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_follows_the_house_skeleton(path):
    nb = read(path)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "start with a # title"
    found = headings(nb)
    assert sum(h.startswith("# ") for h in found) == 1, "exactly one # title"
    required = ["## Learning objectives", "## Prerequisites", "## Setup", "## Summary", "## Further reading"]
    positions = [found.index(h) if h in found else -1 for h in required]
    assert -1 not in positions, f"missing {[h for h, p in zip(required, positions) if p == -1]}"
    assert positions == sorted(positions), f"sections out of order: {required}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_cell_quiets_tensorflow_seeds_and_styles(path):
    source = setup_cell(read(path)).source
    call = re.search(r"^import_tensorflow_quietly\((cpu_devices=\d+)?\)", source, re.M)
    assert call, "the setup cell must call import_tensorflow_quietly() (or import_tensorflow_quietly(cpu_devices=N))"
    quiet = call.start()
    for module in ("import keras", "import tensorflow", "from keras", "from tensorflow"):
        position = source.find(module)
        assert position == -1 or position > quiet, f"'{module}' must come after import_tensorflow_quietly()"
    assert "keras.utils.set_random_seed(SEED)" in source
    assert "use_course_style()" in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_offline_from_an_installed_utils(path):
    code = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "code")
    assert not re.search(r"sys\.path\.(append|insert)", code), "utils is installed; no sys.path edits"
    assert not re.search(r"keras\.datasets|get_file\(|urlopen|requests\.|urlretrieve|hub\.load", code), "no downloads"


def run_in_fresh_kernel(path, cells, monkeypatch):
    """Execute `cells` in a fresh kernel started like JupyterLab starts one; return the cells.

    ipykernel forwards what is written to descriptor 2 into the notebook (the
    red box) only when PYTEST_CURRENT_TEST is not set, so the kernel must not
    inherit it: otherwise these tests would pass without the quiet import.
    """
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    nb = read(path)
    nb.cells = cells
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb.cells


def streams(cell, name):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == name)


def test_a_plain_tensorflow_import_would_show_a_red_box(monkeypatch):
    """The premise of the setup-cell check (tests/conftest.py) and of the test below: without the quiet
    import, a kernel started like JupyterLab's shows the noise."""
    plain = nbformat.v4.new_code_cell("import tensorflow as tf\ntf.config.list_physical_devices()")
    (cell,) = run_in_fresh_kernel(NOTEBOOKS[0], [plain], monkeypatch)
    assert "absl::InitializeLog" in streams(cell, "stderr") or "oneDNN" in streams(cell, "stderr")


def test_warnings_after_setup_still_reach_the_learner(monkeypatch):
    path = NOTEBOOKS[0]
    probe = nbformat.v4.new_code_cell(
        "import warnings\n"
        "import tensorflow as tf\n"
        "warnings.warn('a learner-facing warning')\n"
        "try:\n"
        "    tf.io.read_file('/no/such/file')\n"
        "except tf.errors.NotFoundError:\n"
        "    pass\n"
        "import time; time.sleep(1)  # ipykernel forwards descriptor-2 output from a thread\n"
    )
    setup, probe = run_in_fresh_kernel(path, [setup_cell(read(path)), probe], monkeypatch)
    assert streams(setup, "stderr") == ""
    assert "a learner-facing warning" in streams(probe, "stderr"), "Python warnings must still show"
    assert "OP_REQUIRES failed" in streams(probe, "stderr"), "TensorFlow's C++ warnings must still show"
