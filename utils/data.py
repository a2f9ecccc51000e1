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
import io
import os
from pathlib import Path

import pandas as pd

__all__ = [
    "DATA_DIR",
    "MANIFEST_NAME",
    "RESTORE",
    "check_course_data",
    "read_csv_text",
    "read_manifest",
    "read_utf8_text",
    "sha256_of",
    "verify_data_file",
]

#: The ``data/`` folder of this checkout.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

#: The checksum list inside ``data/``.
MANIFEST_NAME = "SHA256SUMS"

#: How every data-file error ends: the way to get the shipped file back.
RESTORE = "Restore the original with `git checkout -- data/`."


def _refuse_stray_whitespace(path: str | os.PathLike, what: str = "file") -> None:
    """Refuse a path that does not exist and starts or ends with whitespace; suggest the name without it.

    A name that really has a space at its end and exists is left alone: only a name that points nowhere, and
    whose stripped form is what was meant, is refused.
    """
    text = os.fspath(path)
    if isinstance(text, bytes) or Path(text).exists():
        return
    parts = Path(text).parts
    stripped = str(Path(*(part.strip() for part in parts))) if parts else text.strip()
    if stripped != text and any(part != part.strip() for part in parts):
        exists = " (it exists)" if Path(stripped).exists() else ""
        raise ValueError(
            f"the {what} {text!r} does not exist and its name starts or ends with a space; expected a name without "
            f"stray spaces. Did you mean {stripped!r}{exists}? Remove the space."
        )


def read_utf8_text(path: str | Path) -> str:
    """Read a whole data file as UTF-8 text; refuse an empty file or a byte that is not UTF-8, naming where.

    The loaders read their files through this (after :func:`verify_data_file`). A decoding error names the
    file, the line (first line = 1), the byte's offset in the file (first byte = 0) and its place in the line,
    so you can find it with a hex viewer or ``sed -n '<line>p'``.

    Args:
        path: The file.

    Returns:
        The text, with its line endings as they are in the file.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is empty (0 bytes), is not UTF-8 (the message names the line and byte offset), or
            its name starts or ends with a space and no such file exists.

    Example:
        >>> read_utf8_text(DATA_DIR / "first_names.csv")[:15]
        'name,list\\nAaren'
    """
    _refuse_stray_whitespace(path)
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise ValueError(f"{path} is empty (0 bytes); expected the data file's text. {RESTORE}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(
            f"{path} line {line}, byte offset {error.start} (byte {error.start - line_start + 1} of the line): "
            f"the byte 0x{data[error.start]:02x} is not valid UTF-8 here ({error.reason}); expected UTF-8 text. "
            f"If you edited the file, save it as UTF-8. {RESTORE}"
        ) from error


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
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is empty, is not UTF-8 (the message names the line and byte offset) or not CSV,
            its header differs, it has no rows, or a line has the wrong number of fields.

    Example:
        >>> read_csv_text(DATA_DIR / "ItalyPowerDemand_TRAIN.csv", ("label", *(f"t{h:02d}" for h in range(24)))).shape
        (67, 25)
    """
    text = read_utf8_text(path)
    try:
        header, *rows = csv.reader(io.StringIO(text, newline=""))
    except (csv.Error, ValueError) as error:
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
        ValueError: If no such file exists and its name starts or ends with a space (the message suggests the
            name without it).

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(delete=False) as f:
        ...     _ = f.write(b"abc")
        >>> sha256_of(f.name)[:16]
        'ba7816bf8f01cfea'
    """
    _refuse_stray_whitespace(path)
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
        ValueError: If a line is not ``<64 hex digits><two spaces><name>``, or ``data_dir`` does not exist and
            starts or ends with a space (the message suggests the name without it).

    Example:
        >>> isinstance(read_manifest(), dict)
        True
    """
    _refuse_stray_whitespace(data_dir, "folder")
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
        TypeError: If ``name`` is not a string.
        ValueError: If the file is not listed, its name (or its line in
            ``SHA256SUMS``) has a stray space at the start or end (the message
            suggests the name without it), it is empty (0 bytes, even when
            ``SHA256SUMS`` was rewritten to match), or its content does not
            match its checksum (it is corrupt, truncated or was edited).
        FileNotFoundError: If the file is listed but missing.

    Example:
        >>> verify_data_file("no-such-file.csv")
        Traceback (most recent call last):
        ...
        ValueError: 'no-such-file.csv' is not listed in .../SHA256SUMS...
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a file name (str) as listed in {MANIFEST_NAME}, such as 'moby_dick.txt'; received "
            f"{type(name).__name__} {name!r}. Pass the folder as data_dir."
        )
    data_dir = Path(data_dir)
    checksums = read_manifest(data_dir)
    if name not in checksums:
        near = [listed for listed in checksums if listed.strip() == name.strip()]
        if near and name != name.strip():
            raise ValueError(
                f"the data file name {name!r} starts or ends with a space; {data_dir / MANIFEST_NAME} lists "
                f"{near[0]!r}. Pass {near[0]!r} (remove the space)."
            )
        if near:
            raise ValueError(
                f"{data_dir / MANIFEST_NAME} lists {near[0]!r}, with a stray space, but not {name!r}; expected "
                f"exactly the file's name after the checksum and two spaces. Remove the space from that line. {RESTORE}"
            )
        raise ValueError(
            f"{name!r} is not listed in {data_dir / MANIFEST_NAME}; listed files: "
            f"{sorted(checksums) or 'none'}. Add its checksum with "
            f"`sha256sum {name} >> {MANIFEST_NAME}` in data/ when you add a data file."
        )
    path = data_dir / name
    if not path.is_file():
        near = sorted(other.name for other in data_dir.iterdir() if other.name != name and other.name.strip() == name.strip())
        hint = f" There is a {near[0]!r}, with a stray space in its name: rename it to {name!r}." if near else ""
        raise FileNotFoundError(
            f"The data file {path} is missing.{hint} Restore it with `git checkout -- data/`."
        )
    if path.stat().st_size == 0:
        raise ValueError(
            f"{path} is empty (0 bytes); a course data file never is, even where {MANIFEST_NAME} was rewritten to "
            f"match it. {RESTORE}"
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
