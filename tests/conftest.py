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
