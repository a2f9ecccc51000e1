"""Find the course's data files and prove they are the ones we shipped.

Why this module exists: the course runs offline, from files in ``data/``.
Each file is listed with its SHA-256 checksum in ``data/SHA256SUMS`` (the
format of the ``sha256sum`` command, so ``cd data && sha256sum -c SHA256SUMS``
checks it too) and described, with its source and licence, in
``data/README.md``. A loader calls :func:`verify_data_file` before reading a
file, so a truncated download or an edited copy fails loudly instead of
quietly changing a lesson's results.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd

__all__ = ["DATA_DIR", "MANIFEST_NAME", "RESTORE", "check_course_data", "read_csv_text", "read_manifest", "sha256_of", "verify_data_file"]

#: The ``data/`` folder of this checkout.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

#: The checksum list inside ``data/``.
MANIFEST_NAME = "SHA256SUMS"

#: How every data-file error ends: the way to get the shipped file back.
RESTORE = "Restore the original with `git checkout -- data/`."


def read_csv_text(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a course CSV as text, after checking its header and the number of fields on every line.

    The loaders call this after :func:`verify_data_file`; they then check each
    value themselves. Errors name the file and the line (header = line 1).

    Args:
        path: The CSV file.
        columns: The exact header the file must have.

    Returns:
        A DataFrame of strings, one row per line after the header.

    Raises:
        ValueError: If the file is not CSV text, its header differs, it has no rows, or a line has the wrong
            number of fields.

    Example:
        >>> read_csv_text(DATA_DIR / "ItalyPowerDemand_TRAIN.csv", ("label", *(f"t{h:02d}" for h in range(24)))).shape
        (67, 25)
    """
    try:
        with open(path, newline="", encoding="utf-8") as file:
            header, *rows = csv.reader(file)
    except (UnicodeDecodeError, csv.Error, ValueError) as error:
        raise ValueError(f"{path} is malformed and cannot be read as CSV ({error}). {RESTORE}") from error
    if tuple(header) != tuple(columns):
        raise ValueError(
            f"{path} has the columns {header[:6]}...; expected {list(columns)[:6]}... ({len(columns)} in all). {RESTORE}"
        )
    if not rows:
        raise ValueError(f"{path} has a header but no rows. {RESTORE}")
    for number, row in enumerate(rows, start=2):
        if len(row) != len(columns):
            raise ValueError(f"{path} line {number} has {len(row)} fields; expected {len(columns)}. {RESTORE}")
    return pd.DataFrame(rows, columns=list(columns))


def sha256_of(path: str | Path) -> str:
    """Return the SHA-256 checksum of a file as 64 hexadecimal characters.

    Args:
        path: The file.

    Returns:
        The checksum, lower case.

    Raises:
        FileNotFoundError: If the file does not exist.

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(delete=False) as f:
        ...     _ = f.write(b"abc")
        >>> sha256_of(f.name)[:16]
        'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(data_dir: str | Path = DATA_DIR) -> dict[str, str]:
    """Read ``SHA256SUMS`` into a dict from file name to checksum.

    Args:
        data_dir: The folder holding the data and its ``SHA256SUMS``.

    Returns:
        ``{file name: sha256}``, empty when the manifest lists no files.

    Raises:
        FileNotFoundError: If there is no ``SHA256SUMS`` in ``data_dir``.
        ValueError: If a line is not ``<64 hex digits><two spaces><name>``.

    Example:
        >>> isinstance(read_manifest(), dict)
        True
    """
    manifest = Path(data_dir) / MANIFEST_NAME
    if not manifest.is_file():
        raise FileNotFoundError(
            f"No checksum list at {manifest}. The course's data/ folder should "
            "contain SHA256SUMS; restore it with `git checkout -- data/`."
        )
    checksums = {}
    for number, line in enumerate(manifest.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        checksum, _, name = line.partition("  ")
        if len(checksum) != 64 or not name or any(c not in "0123456789abcdef" for c in checksum):
            raise ValueError(
                f"{manifest} line {number} is {line!r}; expected a 64-character "
                "lower-case SHA-256, two spaces and a file name, as `sha256sum` writes."
            )
        checksums[name.lstrip("*")] = checksum
    return checksums


def verify_data_file(name: str, data_dir: str | Path = DATA_DIR) -> Path:
    """Check one data file against its listed SHA-256 and return its path.

    Loaders call this before reading a file.

    Args:
        name: The file's name inside ``data_dir``, as listed in ``SHA256SUMS``.
        data_dir: The folder holding the data.

    Returns:
        The file's full path.

    Raises:
        ValueError: If the file is not listed, or its content does not match
            its checksum (it is corrupt, truncated or was edited).
        FileNotFoundError: If the file is listed but missing.

    Example:
        >>> verify_data_file("no-such-file.csv")
        Traceback (most recent call last):
        ...
        ValueError: 'no-such-file.csv' is not listed in .../SHA256SUMS...
    """
    data_dir = Path(data_dir)
    checksums = read_manifest(data_dir)
    if name not in checksums:
        raise ValueError(
            f"{name!r} is not listed in {data_dir / MANIFEST_NAME}; listed files: "
            f"{sorted(checksums) or 'none'}. Add its checksum with "
            f"`sha256sum {name} >> {MANIFEST_NAME}` in data/ when you add a data file."
        )
    path = data_dir / name
    if not path.is_file():
        raise FileNotFoundError(
            f"The data file {path} is missing. Restore it with `git checkout -- data/`."
        )
    actual = sha256_of(path)
    if actual != checksums[name]:
        raise ValueError(
            f"{path} is corrupt: its SHA-256 is {actual}, expected {checksums[name]}. "
            "Restore the original with `git checkout -- data/`."
        )
    return path


def check_course_data(data_dir: str | Path = DATA_DIR) -> pd.DataFrame:
    """Verify every file in ``SHA256SUMS``: present, and unchanged.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Args:
        data_dir: The folder holding the data.

    Returns:
        One row per listed file with the columns ``file``, ``size (kB)`` and
        ``status`` (``"ok"``, ``"missing"`` or ``"corrupt"``).

    Example:
        >>> list(check_course_data().columns)
        ['file', 'size (kB)', 'status']
    """
    rows = []
    for name in read_manifest(data_dir):
        path = Path(data_dir) / name
        try:
            verify_data_file(name, data_dir)
            status = "ok"
        except FileNotFoundError:
            status = "missing"
        except ValueError:
            status = "corrupt"
        size = round(path.stat().st_size / 1000, 1) if path.is_file() else None
        rows.append({"file": name, "size (kB)": size, "status": status})
    return pd.DataFrame(rows, columns=["file", "size (kB)", "status"])
