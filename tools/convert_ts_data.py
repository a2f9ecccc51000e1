"""Convert the course's two sequence-classification data sets from .ts to CSV.

Why this tool exists: the sequence-classification lesson
(``notebooks/31_sequence_classification.ipynb``) uses two small, published
benchmark problems, and the course runs offline without the ``aeon`` package.
So a maintainer runs this tool once, and the CSVs it writes into ``data/``
are committed together with their checksums in ``data/SHA256SUMS`` and their
provenance in ``data/README.md``. Learners never run it.

The source is the copy of the archives' ``.ts`` files that ships inside the
``aeon`` wheel (aeon 1.6.0 was used for the committed files)::

    aeon/datasets/data/ItalyPowerDemand/ItalyPowerDemand_{TRAIN,TEST}.ts
        UCR archive, univariate, 24 hourly readings per day, classes 1 and 2,
        67 train / 1029 test series.
    aeon/datasets/data/JapaneseVowels/JapaneseVowels_{TRAIN,TEST}.ts
        UEA archive, 12 LPC cepstrum coefficients per frame, 7 to 29 frames
        per utterance, classes (speakers) 1 to 9, 270 train / 370 test series.

Usage (from the repository root; the wheel is a zip file and is read as one,
nothing is installed and ``aeon`` is never imported)::

    pip download aeon==1.6.0 --no-deps -d DOWNLOADS
    python tools/convert_ts_data.py DOWNLOADS/aeon-1.6.0-py3-none-any.whl

The argument may also be a folder holding the extracted wheel (or any folder
with ``ItalyPowerDemand/ItalyPowerDemand_TRAIN.ts`` and so on below it).
``--out DIR`` writes somewhere other than ``data/``. The tool checks each
source file's SHA-256 against the aeon 1.6.0 copy it was written for and stops
if one differs; ``--any-source`` converts a different copy anyway (then read
the differences before you replace the committed CSVs).

What it writes, with ``\\n`` line endings and every value copied verbatim as
the text token of the source file (no float is parsed and re-formatted, so
the CSV holds exactly the source's numbers):

* ``ItalyPowerDemand_{TRAIN,TEST}.csv``: one row per series, columns
  ``label,t00,...,t23``.
* ``JapaneseVowels_{TRAIN,TEST}.csv``: long format, one row per frame,
  columns ``series,frame,label,c01,...,c12``; ``series`` numbers the
  utterances of the file from 0 in source order, ``frame`` numbers the frames
  of an utterance from 0. Utterances keep their own lengths (no padding).

Labels are the source's class labels as written (``1``/``2``; ``1`` to ``9``).
Series keep the source order. A missing value (``?``) is an error: the
archives list none for these problems. Rerunning gives byte-identical files.
Afterwards, update ``data/SHA256SUMS`` with the checksums it prints (the
lines are in ``sha256sum`` format) and the table in ``data/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
WHEEL_DIR = "aeon/datasets/data"

# SHA-256 of the source files as shipped in aeon-1.6.0-py3-none-any.whl.
SOURCE_SHA256 = {
    "ItalyPowerDemand_TRAIN.ts": "341269cb7e6cef96846b30e774580beec79addb93848ba360145219115a74b7c",
    "ItalyPowerDemand_TEST.ts": "26122451f87dd0387ef90b18bc8a86c041371b8a1c068004922b939971247144",
    "JapaneseVowels_TRAIN.ts": "68a430eabd919cc77f40b1f5f3bc0dcafacc1486bca9260785aeb7d262cc78cd",
    "JapaneseVowels_TEST.ts": "b3d41d6a0ca3bcad3afb9ca7d4365382aa51341e2e58bae2a574babdda5b9462",
}

# What each split must hold, checked after parsing: number of series, number
# of dimensions, shortest and longest series, series per class.
# ItalyPowerDemand: 67/1029 series of 24 values (the UCR archive's
# DataSummary.csv); the class counts are those of the files, and the test
# split's majority class (516 of 1029) matches the archive's default rate 0.4985.
# JapaneseVowels: 270/370 utterances of 7 to 29 frames (the UCI page; the
# longest training utterance has 26), 30 per speaker in training and
# "31 35 88 44 29 24 40 50 29" for speakers 1 to 9 in test (the UCI page).
EXPECTED = {
    ("ItalyPowerDemand", "TRAIN"): {"cases": 67, "dims": 1, "lengths": (24, 24), "classes": {"1": 34, "2": 33}},
    ("ItalyPowerDemand", "TEST"): {"cases": 1029, "dims": 1, "lengths": (24, 24), "classes": {"1": 513, "2": 516}},
    ("JapaneseVowels", "TRAIN"): {
        "cases": 270, "dims": 12, "lengths": (7, 26), "classes": {str(k): 30 for k in range(1, 10)}},
    ("JapaneseVowels", "TEST"): {
        "cases": 370, "dims": 12, "lengths": (7, 29),
        "classes": dict(zip(map(str, range(1, 10)), (31, 35, 88, 44, 29, 24, 40, 50, 29), strict=True))},
}

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass
class TsFile:
    """A parsed .ts file: its header and, per case, its dimensions and label."""

    header: dict[str, str]
    cases: list[tuple[list[list[str]], str]]  # ([dimension][time] tokens, label)


def parse_ts(text: str, name: str) -> TsFile:
    """Parse the text of a .ts file, keeping every value as its text token.

    The format: ``#`` comment lines, ``@key value`` header lines up to
    ``@data``, then one case per line: its dimensions separated by ``:``, the
    values of a dimension separated by ``,``, the class label last.

    Example:
        >>> ts = parse_ts("#c\\n@univariate true\\n@classLabel true a b\\n@data\\n1,2.5:b\\n", "x.ts")
        >>> ts.cases
        [([['1', '2.5']], 'b')]
    """
    header: dict[str, str] = {}
    cases: list[tuple[list[list[str]], str]] = []
    in_data = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{name} line {number}"
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if not line.startswith("@"):
                raise ValueError(f"{where}: expected a header line starting with '@' before @data, got {line[:40]!r}")
            key, _, value = line[1:].partition(" ")
            if key.lower() == "data":
                in_data = True
            else:
                header[key.lower()] = value.strip()
            continue
        *dimensions, label = line.split(":")
        if not dimensions:
            raise ValueError(f"{where}: a case needs at least one dimension and a class label")
        values = [dimension.split(",") for dimension in dimensions]
        for dimension in values:
            for token in dimension:
                if token.strip() == "?":
                    raise ValueError(f"{where}: missing value '?'; this tool expects complete series")
                if not NUMBER.fullmatch(token):
                    raise ValueError(f"{where}: {token!r} is not a number")
        cases.append((values, label.strip()))
    if not in_data:
        raise ValueError(f"{name}: no @data line")
    return TsFile(header, cases)


def check(ts: TsFile, problem: str, split: str) -> dict:
    """Check a parsed file against its header and the archive's published shape."""
    name = f"{problem}_{split}.ts"
    header = ts.header
    if header.get("problemname") != problem:
        raise ValueError(f"{name}: @problemName is {header.get('problemname')!r}, expected {problem!r}")
    if header.get("missing", "false") != "false":
        raise ValueError(f"{name}: @missing is not false")
    if header.get("timestamps", "false") != "false":
        raise ValueError(f"{name}: time stamps are not supported")
    has_labels, *label_set = header.get("classlabel", "false").split()
    if has_labels != "true":
        raise ValueError(f"{name}: @classLabel must be true")
    dims = 1 if header.get("univariate") == "true" else int(header["dimensions"])

    lengths = []
    for index, (values, label) in enumerate(ts.cases):
        if len(values) != dims:
            raise ValueError(f"{name} case {index}: {len(values)} dimensions, the header says {dims}")
        if len({len(dimension) for dimension in values}) != 1:
            raise ValueError(f"{name} case {index}: its dimensions differ in length")
        if label not in label_set:
            raise ValueError(f"{name} case {index}: label {label!r} is not in @classLabel {label_set}")
        lengths.append(len(values[0]))
    if header.get("equallength") == "true" and set(lengths) != {int(header["serieslength"])}:
        raise ValueError(f"{name}: @equalLength true but lengths are {sorted(set(lengths))}")

    found = {
        "cases": len(ts.cases), "dims": dims, "lengths": (min(lengths), max(lengths)),
        "classes": dict(sorted(Counter(label for _, label in ts.cases).items(), key=lambda kv: int(kv[0]))),
    }
    expected = EXPECTED[(problem, split)]
    if found != expected:
        raise ValueError(f"{name}: found {found}, expected the archive's {expected}")
    return found


def to_wide_csv(ts: TsFile) -> str:
    """One row per univariate series: ``label,t00,...``."""
    length = len(ts.cases[0][0][0])
    lines = [",".join(["label"] + [f"t{t:02d}" for t in range(length)])]
    lines += [",".join([label, *values[0]]) for values, label in ts.cases]
    return "\n".join(lines) + "\n"


def to_long_csv(ts: TsFile) -> str:
    """One row per frame of a multivariate series: ``series,frame,label,c01,...``."""
    dims = len(ts.cases[0][0])
    lines = [",".join(["series", "frame", "label"] + [f"c{d:02d}" for d in range(1, dims + 1)])]
    for series, (values, label) in enumerate(ts.cases):
        for frame, row in enumerate(zip(*values, strict=True)):
            lines.append(",".join([str(series), str(frame), label, *row]))
    return "\n".join(lines) + "\n"


PROBLEMS = {"ItalyPowerDemand": to_wide_csv, "JapaneseVowels": to_long_csv}


def read_source(source: Path, problem: str, split: str) -> tuple[bytes, str]:
    """The bytes of ``<problem>_<split>.ts`` from a wheel or a folder, and where they came from."""
    name = f"{problem}_{split}.ts"
    if source.is_file():
        member = f"{WHEEL_DIR}/{problem}/{name}"
        with zipfile.ZipFile(source) as wheel:
            try:
                return wheel.read(member), f"{source.name}:{member}"
            except KeyError:
                raise FileNotFoundError(f"{source} has no {member}") from None
    matches = sorted(source.rglob(f"{problem}/{name}"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected exactly one {problem}/{name} under {source}, found {len(matches)}")
    return matches[0].read_bytes(), str(matches[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the aeon wheel (.whl) or a folder holding the extracted .ts files")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write the CSVs into (default: data/)")
    parser.add_argument("--any-source", action="store_true",
                        help="convert source files whose SHA-256 differs from the aeon 1.6.0 copy")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    checksum_lines = []
    for problem, convert in PROBLEMS.items():
        for split in ("TRAIN", "TEST"):
            raw, origin = read_source(args.source, problem, split)
            name = f"{problem}_{split}.ts"
            digest = hashlib.sha256(raw).hexdigest()
            if digest != SOURCE_SHA256[name] and not args.any_source:
                print(f"error: {origin} has SHA-256 {digest}, not that of the aeon 1.6.0 copy "
                      f"({SOURCE_SHA256[name]}); pass --any-source to convert it anyway", file=sys.stderr)
                return 1
            ts = parse_ts(raw.decode("ascii"), name)
            found = check(ts, problem, split)
            target = args.out / f"{problem}_{split}.csv"
            text = convert(ts)
            target.write_bytes(text.encode("ascii"))
            csv_digest = hashlib.sha256(text.encode("ascii")).hexdigest()
            checksum_lines.append(f"{csv_digest}  {target.name}")
            print(f"{origin}\n  source sha256 {digest}\n  -> {target} ({text.count(chr(10)) - 1} rows)\n"
                  f"  {found['cases']} series, {found['dims']} dimension(s), "
                  f"length {found['lengths'][0]}-{found['lengths'][1]}, classes {found['classes']}")
    print("\nsha256sum lines for data/SHA256SUMS:")
    print("\n".join(checksum_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
