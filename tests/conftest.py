"""Shared fixtures for the course's tests, and two checks added to nbval's notebook runs."""

import os
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def keras():
    """Keras on TensorFlow, imported the way the notebooks import it."""
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    return keras


@pytest.fixture
def past_the_refusal(monkeypatch):
    """Switch off the checks' refusal of models not built from Keras layers alone (a Lambda layer, a class of one's
    own, operations between layers), so that a test can reach the probes behind it with a cheat that is simplest to
    write in a Lambda layer. The refusal itself is tested in tests/test_checks.py."""
    from utils.checks.base import Exercise

    monkeypatch.setattr(Exercise, "foreign_parts_problem", lambda self, model: None)


# --------------------------------------------------------------------------
# Prose numbers: after nbval has run a notebook's cells, one more test item,
# `<notebook>::prose numbers`, checks that every result-like number in its
# markdown was printed or set by an earlier cell (tools/check_prose_numbers.py).
# It reads the outputs nbval collected; nothing is executed twice.
# --------------------------------------------------------------------------

# True: a number no earlier cell prints fails the notebook's "prose numbers" test.
# False: the test is reported as XFAIL with its findings, and does not fail the run.
ENFORCE_PROSE_NUMBERS = True


def _load_tool(name):
    """A script of tools/ as a module (tools/ is not a package)."""
    import importlib.util
    import sys

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


def setup_cell(nb):
    """The first code cell after the '## Setup' heading."""
    seen_setup = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^## Setup\s*$", cell.source, re.M):
            seen_setup = True
        elif cell.cell_type == "code" and seen_setup:
            return cell
    raise AssertionError("no code cell after a '## Setup' heading")


# --------------------------------------------------------------------------
# Setup cell stderr: the setup cell must not show a red box. ipykernel forwards
# what TensorFlow's C++ code writes to descriptor 2 into the notebook (the red
# box) only when the kernel's environment lacks PYTEST_CURRENT_TEST, so nbval's
# kernel is started without it, as JupyterLab starts one. One more item per
# notebook, `<notebook>::setup cell stderr`, right after the setup cell, reads
# the outputs nbval collected and asks the kernel whether the variable is gone
# (otherwise the check would pass without looking).
# --------------------------------------------------------------------------


class SetupCellStderrError(Exception):
    """The setup cell wrote to stderr, or the kernel would have hidden it."""


def _start_kernels_like_jupyterlab(file_node):
    start_kernel = file_node.setup

    def setup():
        saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            start_kernel()
        finally:
            if saved is not None:
                os.environ["PYTEST_CURRENT_TEST"] = saved

    file_node.setup = setup


def _kernel_prints(file_node, code, timeout=30):
    """Run `code` in the notebook's nbval kernel; return what it printed to stdout."""
    kernel = file_node.kernel
    msg_id = kernel.execute_cell_input(code, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=timeout)
    printed = []
    while True:
        msg = file_node.get_kernel_message(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(printed)
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])


class SetupCellStderrItem(pytest.Item):
    """Fails when a notebook's setup cell wrote to stderr in a kernel that shows it."""

    def __init__(self, *, setup_item, **kwargs):
        super().__init__(**kwargs)
        self.setup_item = setup_item

    def runtest(self):
        outputs = self.setup_item.test_outputs
        if outputs is None or any(o.get("output_type") == "error" for o in outputs):
            pytest.skip(f"{self.setup_item.name} did not run to the end; its own test reports it")
        marker = _kernel_prints(self.parent, 'print("PYTEST_CURRENT_TEST" in __import__("os").environ)').strip()
        if marker != "False":
            raise SetupCellStderrError(
                f"the kernel answered {marker!r} to 'PYTEST_CURRENT_TEST in os.environ', expected 'False': it "
                "would hide descriptor-2 output, so this check cannot see a red box (see tests/conftest.py)"
            )
        stderr = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
        if stderr:
            raise SetupCellStderrError(f"the setup cell wrote to stderr (a red box in JupyterLab):\n{stderr}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, SetupCellStderrError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.nodeid}::setup cell stderr"


def _add_setup_cell_stderr_items(items):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: no notebooks to check
        return
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if not isinstance(item, IPyNbCell):
            continue
        try:
            is_setup = item.cell is setup_cell(item.parent.nb)
        except AssertionError:  # no setup cell: tests/test_notebooks.py reports it
            continue
        if is_setup:
            _start_kernels_like_jupyterlab(item.parent)
            items.insert(index + 1, SetupCellStderrItem.from_parent(
                item.parent, name="setup cell stderr", setup_item=item))


# --------------------------------------------------------------------------
# Order: pytest-xdist (--dist loadfile) hands out whole files in collection
# order. The notebooks go first, the longest first by the course benchmark, so
# that no worker is left running a long notebook alone at the end while the
# other is idle (longest-processing-time-first scheduling).
# --------------------------------------------------------------------------


def _longest_notebooks_first(items):
    seconds = _load_tool("course_map").benchmark_seconds()

    def expected_seconds(item):
        try:
            return seconds.get(Path(item.path).resolve().relative_to(REPO_ROOT).as_posix(), 0.0)
        except ValueError:  # outside the repository
            return 0.0

    items.sort(key=lambda item: -expected_seconds(item))  # stable: cells keep their order


def pytest_collection_modifyitems(session, config, items):
    _add_setup_cell_stderr_items(items)
    _load_tool("check_prose_numbers").add_pytest_items(items, enforce=ENFORCE_PROSE_NUMBERS)
    _longest_notebooks_first(items)
