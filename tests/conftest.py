"""Shared fixtures for the course's tests."""

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


# --------------------------------------------------------------------------
# Prose numbers: after nbval has run a notebook's cells, one more test item,
# `<notebook>::prose numbers`, checks that every result-like number in its
# markdown was printed or set by an earlier cell (tools/check_prose_numbers.py).
# It reads the outputs nbval collected; nothing is executed twice.
# --------------------------------------------------------------------------

# True: a number no earlier cell prints fails the notebook's "prose numbers" test.
# False: the test is reported as XFAIL with its findings, and does not fail the run.
ENFORCE_PROSE_NUMBERS = True


def _load_prose_numbers_tool():
    import importlib.util
    import sys

    name = "check_prose_numbers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / "check_prose_numbers.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


def pytest_collection_modifyitems(session, config, items):
    _load_prose_numbers_tool().add_pytest_items(items, enforce=ENFORCE_PROSE_NUMBERS)
