"""Load the course's text: first names, rated movie-review sentences, and Moby Dick.

Why this module exists: the language lessons (Part 4) read and write real
text, shipped in ``data/`` (sources, licences and preparation in
``data/README.md``; the files are written by ``tools/convert_text_data.py``).
Each loader checks the file's SHA-256 first, then every record, and its
errors name the file and the line (the header is line 1), so a damaged copy
is found before it turns into a puzzling accuracy.

* :func:`load_first_names`: 8,849 English first names from two lists,
  ``female`` and ``male``, with a fixed split into ``train``, ``test`` and
  ``check`` parts. The ``check`` part is kept for the exercise checks:
  lessons and solutions never train or tune on it.
* :func:`load_movie_sentences`: 10,605 sentences from movie reviews, each with
  the mean rating of human raters from -4 (very negative) to +4 (very
  positive).
* :func:`load_moby_dick`: the full text of Herman Melville's *Moby Dick*,
  1,190,317 characters (83 different ones).

Introduced in ``notebooks/41_lstms_read_text.ipynb`` (names and sentences)
and ``notebooks/43_lstms_write_text.ipynb`` (Moby Dick).
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pandas as pd

from utils.data import DATA_DIR, RESTORE, read_csv_text, read_utf8_text, verify_data_file

__all__ = [
    "FIRST_NAMES_FILE",
    "MOBY_DICK_FILE",
    "MOVIE_SENTENCES_FILE",
    "NAME_PARTS",
    "load_first_names",
    "load_moby_dick",
    "load_movie_sentences",
    "name_part",
]

#: The data files, in ``data/``.
FIRST_NAMES_FILE = "first_names.csv"
MOVIE_SENTENCES_FILE = "movie_review_sentences.csv"
MOBY_DICK_FILE = "moby_dick.txt"

#: How the names are split, in twentieths of the hash range: 70 % train, 15 % test, 15 % check.
NAME_PARTS = {"train": range(0, 14), "test": range(14, 17), "check": range(17, 20)}

_NAME = re.compile(r"^[A-Za-z][A-Za-z' -]*$")


def name_part(name: str) -> str:
    """The part (``train``, ``test`` or ``check``) a first name belongs to.

    The split depends on the name alone (the SHA-256 of its UTF-8 bytes), so a
    name that is in both lists lands in the same part twice and never leaks from
    training into testing, and the split is the same on every machine.

    Args:
        name: A first name, as in ``data/first_names.csv``.

    Returns:
        ``"train"`` (about 70 % of names), ``"test"`` or ``"check"`` (about 15 % each).

    Raises:
        TypeError: If ``name`` is not a string.

    Example:
        >>> name_part("Ishmael"), name_part("Ishmael") == name_part("Ishmael")
        ('test', True)
    """
    if not isinstance(name, str):
        raise TypeError(f"name_part expects a first name as a str; got {type(name).__name__} {name!r}.")
    bucket = int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 20
    return next(part for part, buckets in NAME_PARTS.items() if bucket in buckets)


def load_first_names(data_dir: str | Path | None = None, *, include_check: bool = False) -> pd.DataFrame:
    """Load the first names of ``data/first_names.csv`` with their list and their part of the split.

    The source lists repeat a name of their own list on 8 lines; each repeat is
    dropped, so every (name, list) pair appears once. 419 names are in both
    lists (Darcy, Jo, Robin, ...): they keep both rows (838 rows in the whole
    file), marked ``in_both``, and no model can get both rows of such a name
    right. Lessons decide what to do with them and say so.

    The ``check`` part belongs to the exercise checks (exercises 42 and 44
    score a learner's model on it), so it is left out unless asked for: a
    lesson or an exercise never sees those names or their lists.

    Args:
        data_dir: The folder with the file and ``SHA256SUMS``; the course's ``data/`` folder when omitted.
        include_check: Also return the rows of the ``check`` part (the exercise checks ask for them).

    Returns:
        A DataFrame with one row per (name, list) pair, in file order: ``name`` (str), ``list``
        (``"female"`` or ``"male"``), ``part`` (``"train"`` or ``"test"``, and ``"check"`` with
        ``include_check=True``; see :func:`name_part`) and ``in_both`` (bool, computed over the whole file).

    Raises:
        FileNotFoundError: If the file is missing.
        TypeError: If ``include_check`` is not a bool.
        ValueError: If the file was altered (checksum), or a line is malformed (the message names the line).

    Example:
        >>> names = load_first_names()
        >>> len(names), names["list"].value_counts().to_dict()
        (7506, {'female': 4194, 'male': 3312})
        >>> names.groupby("part").size().to_dict(), int(names["in_both"].sum())
        ({'test': 1290, 'train': 6216}, 704)
        >>> everything = load_first_names(include_check=True)
        >>> len(everything), everything.groupby("part").size().to_dict()["check"], int(everything["in_both"].sum())
        (8841, 1335, 838)
    """
    if not isinstance(include_check, bool):
        raise TypeError(
            f"include_check must be True or False; received {include_check!r}. Lessons leave it out; only the "
            "exercise checks ask for the check part."
        )
    path = verify_data_file(FIRST_NAMES_FILE, DATA_DIR if data_dir is None else data_dir)
    table = read_csv_text(path, ("name", "list"))
    for number, (name, list_name) in enumerate(table.itertuples(index=False), start=2):
        if not _NAME.match(name):
            raise ValueError(
                f"{path} line {number}: the name {name!r} is not letters (with hyphens, apostrophes or spaces "
                f"inside). {RESTORE}"
            )
        if list_name not in ("female", "male"):
            raise ValueError(f"{path} line {number}: the list is {list_name!r}; expected 'female' or 'male'. {RESTORE}")
    table = table.drop_duplicates(ignore_index=True)
    table["part"] = table["name"].map(name_part)
    table["in_both"] = table["name"].map(table["name"].value_counts()) > 1
    if not include_check:
        table = table[table["part"] != "check"].reset_index(drop=True)
    return table


def load_movie_sentences(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the human-rated movie-review sentences of ``data/movie_review_sentences.csv``.

    Each sentence was rated by at least 20 people on a scale from -4 (extremely
    negative) to +4 (extremely positive); ``rating`` is their mean. The ratings
    are continuous: a lesson that wants classes picks a threshold and says so.

    Args:
        data_dir: The folder with the file and ``SHA256SUMS``; the course's ``data/`` folder when omitted.

    Returns:
        A DataFrame with one row per sentence, in file order: ``id`` (int, 1, 2, ...), ``rating``
        (float, -4 to 4) and ``text`` (str, as written).

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If the file was altered (checksum), or a line is malformed (the message names the line).

    Example:
        >>> sentences = load_movie_sentences()
        >>> len(sentences), sentences.loc[2, "text"], float(sentences.loc[2, "rating"])
        (10605, 'Effective but too tepid biopic', -0.6)
    """
    path = verify_data_file(MOVIE_SENTENCES_FILE, DATA_DIR if data_dir is None else data_dir)
    table = read_csv_text(path, ("id", "rating", "text"))
    ids, ratings = [], []
    for number, (id_text, rating_text, text) in enumerate(table.itertuples(index=False), start=2):
        if id_text != str(number - 1):
            raise ValueError(f"{path} line {number}: the id is {id_text!r}; expected {number - 1}. {RESTORE}")
        try:
            rating = float(rating_text)
        except ValueError:
            rating = math.nan
        if not -4 <= rating <= 4:
            raise ValueError(
                f"{path} line {number}: the rating is {rating_text!r}; expected a number from -4 to 4. {RESTORE}"
            )
        if not text.strip():
            raise ValueError(f"{path} line {number}: the sentence is empty. {RESTORE}")
        ids.append(number - 1)
        ratings.append(rating)
    return pd.DataFrame({"id": ids, "rating": ratings, "text": table["text"]})


def load_moby_dick(data_dir: str | Path | None = None) -> str:
    """Load the full text of *Moby Dick* from ``data/moby_dick.txt``.

    The text starts at "CHAPTER 1. Loomings." (no licence header or table of
    contents) and keeps the source's line breaks, which wrap at about 70
    characters.

    Args:
        data_dir: The folder with the file and ``SHA256SUMS``; the course's ``data/`` folder when omitted.

    Returns:
        The text as one string.

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If the file was altered (checksum), is empty or blank, or is not UTF-8 text (the message
            names the line and the byte offset).

    Example:
        >>> text = load_moby_dick()
        >>> len(text), len(set(text)), text[:36]
        (1190317, 83, 'CHAPTER 1. Loomings.\\n\\nCall me Ishmae')
    """
    path = verify_data_file(MOBY_DICK_FILE, DATA_DIR if data_dir is None else data_dir)
    text = read_utf8_text(path)
    if not text.strip():
        raise ValueError(f"{path} holds only {len(text)} blank characters; expected the text of Moby Dick. {RESTORE}")
    return text
