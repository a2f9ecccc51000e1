"""Copy scikit-learn's 8 x 8 handwritten digits into ``data/`` as a checked CSV.

Why this tool exists: the transcription lesson (issue 27: CTC on strips of
handwritten digits) reads the UCI "Optical Recognition of Handwritten Digits"
images. scikit-learn ships them inside its wheel (``load_digits``), but the
course keeps every real data set it reads in ``data/`` with a checksum that
its loader verifies, so that a learner's copy is the one the lessons were
written for, whatever scikit-learn version is installed. A maintainer runs
this tool once; learners never run it.

The source is ``sklearn/datasets/data/digits.csv.gz`` inside the installed
scikit-learn (1.9.1 was used for the committed file; the file has not changed
in years). It is the UCI set's test part, ``optdigits.tes``: 1,797 images
written by 13 people, 32 x 32 bitmaps counted in 4 x 4 blocks, so each pixel
is an integer from 0 to 16. Each line holds the 64 pixels row by row, then
the label.

Usage (from the repository root)::

    python tools/convert_digits_data.py            # reads the installed scikit-learn's copy
    python tools/convert_digits_data.py PATH.csv.gz --out DIR

The tool checks the source's SHA-256 against the copy it was written for and
stops if it differs (``--any-source`` converts a different copy anyway: then
read the differences before you replace the committed CSV). It checks 1,797
rows of 65 integers, pixels in 0..16, labels in 0..9 and the published count
of each digit. What it writes, with ``\\n`` line endings:
``handwritten_digits_8x8.csv`` with the header ``label,p00,...,p63`` and one
row per image in the source's order, every value the source's text token
copied verbatim. Rerunning gives byte-identical files. Afterwards, put the
SHA-256 it prints into ``data/SHA256SUMS`` and the table in ``data/README.md``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

SOURCE_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
OUTPUT_NAME = "handwritten_digits_8x8.csv"
COLUMNS = ("label", *(f"p{k:02d}" for k in range(64)))
#: Images per digit 0..9 in the source, as scikit-learn's documentation and the UCI page give them.
COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)


def default_source() -> Path:
    import sklearn  # only to find the installed copy; nothing of it runs

    return Path(sklearn.__file__).parent / "datasets" / "data" / "digits.csv.gz"


def convert(source: Path, out_dir: Path, any_source: bool = False) -> Path:
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256 and not any_source:
        sys.exit(f"{source} has SHA-256 {digest}; expected {SOURCE_SHA256}. Pass --any-source to convert it anyway.")
    lines = gzip.decompress(raw).decode("ascii").splitlines()
    if len(lines) != sum(COUNTS):
        sys.exit(f"{source} has {len(lines)} lines; expected {sum(COUNTS)}.")
    rows, counts = [], [0] * 10
    for number, line in enumerate(lines, start=1):
        tokens = line.split(",")
        if len(tokens) != 65 or not all(token.isdigit() for token in tokens):
            sys.exit(f"{source} line {number} is not 65 non-negative integers: {line[:60]!r}")
        pixels, label = tokens[:64], tokens[64]
        if any(int(token) > 16 for token in pixels) or int(label) > 9:
            sys.exit(f"{source} line {number} has a pixel above 16 or a label above 9.")
        counts[int(label)] += 1
        rows.append(",".join([label, *pixels]))
    if tuple(counts) != COUNTS:
        sys.exit(f"{source} has {counts} images per digit; expected {list(COUNTS)}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / OUTPUT_NAME
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n", encoding="ascii", newline="\n")
    print(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {OUTPUT_NAME}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="digits.csv.gz (default: the installed scikit-learn's)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    parser.add_argument("--any-source", action="store_true", help="convert a source with another checksum")
    args = parser.parse_args()
    convert(args.source or default_source(), args.out, args.any_source)


if __name__ == "__main__":
    main()
