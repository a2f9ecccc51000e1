"""Check that a learner's machine runs the course as it was tested.

Why this module exists: a course that runs on thirty laptops needs a first
cell that says, in one table, whether each one has the packages the course
was tested with, what hardware it will run on, and whether the course data
is intact. ``notebooks/00_start_here.ipynb`` shows that table; instructors
can ask learners to run it before the first session.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
from packaging.requirements import InvalidRequirement, Requirement

__all__ = ["REQUIREMENTS_FILE", "check_packages", "describe_machine"]

#: The course's pinned requirements, at the root of the checkout.
REQUIREMENTS_FILE = Path(__file__).resolve().parents[1] / "requirements.txt"


def _read_requirements(path: Path) -> list[Requirement]:
    if not path.is_file():
        raise FileNotFoundError(
            f"No requirements file at {path}. Run this from a checkout of the course, "
            "where requirements.txt sits next to the utils/ folder."
        )
    requirements = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):  # comments, `-e .`, pip options
            continue
        try:
            requirements.append(Requirement(line))
        except InvalidRequirement as error:
            raise ValueError(
                f"{path.name} line {number} is not a valid requirement: {raw!r} ({error})."
            ) from error
    return requirements


def check_packages(requirements: str | Path = REQUIREMENTS_FILE) -> pd.DataFrame:
    """Compare the installed packages with the versions the course pins.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Args:
        requirements: A pip requirements file; the course's own by default.

    Returns:
        A table with one row per requirement and the columns ``package``,
        ``course needs``, ``installed`` (``"missing"`` when absent) and
        ``ok``.

    Raises:
        FileNotFoundError: If ``requirements`` does not exist.
        ValueError: If a line of it is not a valid requirement.

    Example:
        >>> table = check_packages()
        >>> list(table.columns)
        ['package', 'course needs', 'installed', 'ok']
        >>> bool(table.set_index("package").loc["keras", "ok"])
        True
    """
    rows = []
    for requirement in _read_requirements(Path(requirements)):
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            installed = None
        rows.append(
            {
                "package": requirement.name,
                "course needs": str(requirement.specifier) or "any",
                "installed": installed or "missing",
                "ok": installed is not None and requirement.specifier.contains(installed, prereleases=True),
            }
        )
    return pd.DataFrame(rows, columns=["package", "course needs", "installed", "ok"])


def describe_machine() -> dict[str, str]:
    """Say what the notebooks will run on: Python, operating system, CPU, GPU.

    It imports TensorFlow (quietly) to ask which GPUs it can see; the course
    needs none.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Returns:
        A dict with the keys ``python``, ``executable``, ``system``,
        ``cpu cores`` and ``gpu``.

    Example:
        >>> info = describe_machine()
        >>> sorted(info)
        ['cpu cores', 'executable', 'gpu', 'python', 'system']
    """
    from utils.startup import import_tensorflow_quietly

    tf = import_tensorflow_quietly()
    gpus = [device.name for device in tf.config.list_physical_devices("GPU")]
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "cpu cores": str(os.cpu_count()),
        "gpu": ", ".join(gpus) if gpus else "none (the course runs on the CPU)",
    }
