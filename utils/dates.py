"""Human-written dates and their ISO form: unlimited, seeded data for lesson 45's translator.

Why this module exists: lesson 45 (encoder–decoder and attention) needs a
translation task small enough to train in seconds on a laptop, with as much
data as it wants, no download and no licence question. Dates written the way
people write them ("3 March 2021", "March 3rd, 2021", "03/03/21",
"Wednesday, the third of March 2021") and their ISO 8601 form
("2021-03-03") are such a task: the output is fixed by the input, the input
comes in many shapes and lengths, and some output characters (the month) are
spelled out far from where they appear in the output.

What is here:

* :func:`format_date` writes one date in one of the :data:`FORMATS`.
* :func:`date_pairs` draws dates with a seed and returns the written forms
  and the ISO forms. Its ``within`` and ``exclude`` arguments take lists of
  inclusive ``(first, last)`` date ranges, which is how you hold out whole
  ranges for testing: train with ``exclude=HELD_OUT_RANGES`` and test with
  ``within=HELD_OUT_RANGES``, so no test date (not even in another format)
  was ever seen in training.
* :func:`encode_dates`, :func:`encode_iso` and :func:`decode_iso` turn text
  into integer ids and back, with the alphabets :data:`INPUT_CHARS` and
  :data:`ISO_CHARS`. Lesson 45 explains these encodings before it uses them.

Every date lies in :data:`FIRST_DATE` to :data:`LAST_DATE` (1969–2068), the
century that a two-digit year names without doubt under the POSIX rule
(69–99 are 1969–1999, 00–68 are 2000–2068). Numeric forms are always
day first ("03/04/21" is 3 April 2021); the month-first American order
appears only with the month's name ("April 3rd, 2021").

Importing this module has no side effects and does not import TensorFlow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

__all__ = [
    "FIRST_DATE",
    "FORMATS",
    "HELD_OUT_RANGES",
    "INPUT_CHARS",
    "ISO_CHARS",
    "ISO_LENGTH",
    "LAST_DATE",
    "START_ID",
    "date_pairs",
    "decode_iso",
    "encode_dates",
    "encode_iso",
    "format_date",
]

#: The first and last date the generator draws (inclusive).
FIRST_DATE = dt.date(1969, 1, 1)
LAST_DATE = dt.date(2068, 12, 31)

#: Ranges held out for testing in lesson 45 and exercise 46 (inclusive): three spans of two months each.
#: Each year also has dates outside them, so a model sees every year in training, never these days.
HELD_OUT_RANGES: tuple[tuple[dt.date, dt.date], ...] = (
    (dt.date(1987, 3, 1), dt.date(1987, 4, 30)),
    (dt.date(2003, 10, 1), dt.date(2003, 11, 30)),
    (dt.date(2031, 6, 1), dt.date(2031, 7, 31)),
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third",
    "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth", "twenty-ninth",
    "thirtieth", "thirty-first",
)


def _ordinal_suffix(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


#: Each format's name and an example for 3 March 2021.
FORMATS: dict[str, str] = {
    "day month year": "3 March 2021",
    "month day, year": "March 3rd, 2021",
    "short month": "Mar 3, 2021",
    "dd/mm/yy": "03/03/21",
    "d.m.yyyy": "3.3.2021",
    "weekday, the ordinal of month year": "Wednesday, the third of March 2021",
    "short weekday": "Wed 3 Mar 2021",
    "the ordinal of month, year": "the 3rd of March, 2021",
    "year/mm/dd": "2021/03/03",
    "dd-mon-yyyy": "03-MAR-2021",
}


def _check_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date; received {value!r} ({type(value).__name__}). "
                        "Pass e.g. datetime.date(2021, 3, 3).")
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{name} must lie between {FIRST_DATE} and {LAST_DATE}, where a two-digit year is "
                         f"unambiguous; received {value}. Pick a date inside that range.")
    return value


def format_date(date: dt.date, style: str) -> str:
    """Write ``date`` the way people do, in one of the :data:`FORMATS`.

    Introduced in lesson 45 (encoder–decoder and attention).

    Args:
        date: A ``datetime.date`` from :data:`FIRST_DATE` to :data:`LAST_DATE`.
        style: A key of :data:`FORMATS`, e.g. ``"month day, year"``.

    Returns:
        The written date.

    Raises:
        TypeError: If ``date`` is not a ``datetime.date``.
        ValueError: If ``date`` is outside the generator's century or ``style`` is unknown.

    Example:
        >>> import datetime
        >>> day = datetime.date(2021, 3, 3)
        >>> [format_date(day, style) for style in ("month day, year", "dd/mm/yy")]
        ['March 3rd, 2021', '03/03/21']
        >>> format_date(day, "weekday, the ordinal of month year")
        'Wednesday, the third of March 2021'
    """
    _check_date(date, "date")
    if style not in FORMATS:
        raise ValueError(f"style must be one of {list(FORMATS)}; received {style!r}.")
    d, m, y = date.day, date.month, date.year
    month, mon = MONTHS[m - 1], MONTHS[m - 1][:3]
    nth = f"{d}{_ordinal_suffix(d)}"
    return {
        "day month year": f"{d} {month} {y}",
        "month day, year": f"{month} {nth}, {y}",
        "short month": f"{mon} {d}, {y}",
        "dd/mm/yy": f"{d:02d}/{m:02d}/{y % 100:02d}",
        "d.m.yyyy": f"{d}.{m}.{y}",
        "weekday, the ordinal of month year": f"{WEEKDAYS[date.weekday()]}, the {_ORDINAL_WORDS[d - 1]} of {month} {y}",
        "short weekday": f"{WEEKDAYS[date.weekday()][:3]} {d} {mon} {y}",
        "the ordinal of month, year": f"the {nth} of {month}, {y}",
        "year/mm/dd": f"{y}/{m:02d}/{d:02d}",
        "dd-mon-yyyy": f"{d:02d}-{mon.upper()}-{y}",
    }[style]


def _check_ranges(ranges: object, name: str) -> list[tuple[dt.date, dt.date]]:
    if isinstance(ranges, (str, bytes, dt.date)) or not isinstance(ranges, Sequence):
        raise TypeError(f"{name} must be a list of (first, last) date pairs; received {ranges!r}. "
                        "Pass e.g. [(datetime.date(1987, 1, 1), datetime.date(1987, 12, 31))].")
    checked = []
    for pair in ranges:
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise TypeError(f"each entry of {name} must be a (first, last) pair of dates; received {pair!r}.")
        first, last = _check_date(pair[0], f"{name} first"), _check_date(pair[1], f"{name} last")
        if last < first:
            raise ValueError(f"each range in {name} must have first <= last; received ({first}, {last}). "
                             "Swap the two dates.")
        checked.append((first, last))
    return checked


def date_pairs(
    n: int,
    seed: int,
    *,
    within: Sequence[tuple[dt.date, dt.date]] | None = None,
    exclude: Sequence[tuple[dt.date, dt.date]] = (),
    formats: Sequence[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Draw ``n`` dates with a seed; return them written by people and in ISO form.

    Each date is drawn uniformly from the days in ``within`` that are not in
    ``exclude``, and written in a format drawn uniformly from ``formats``.
    Hold out whole ranges for testing by training with
    ``exclude=HELD_OUT_RANGES`` and testing with ``within=HELD_OUT_RANGES``.
    The same ``n``, ``seed`` and arguments always give the same pairs.

    Introduced in lesson 45 (encoder–decoder and attention).

    Args:
        n: How many pairs, at least 1.
        seed: Seeds NumPy's generator.
        within: Inclusive ``(first, last)`` ranges to draw from; ``None`` means
            :data:`FIRST_DATE` to :data:`LAST_DATE`.
        exclude: Inclusive ranges never drawn.
        formats: Keys of :data:`FORMATS`; ``None`` means all of them.

    Returns:
        ``(texts, isos)``: two lists of ``n`` strings.

    Raises:
        TypeError: If ``n`` or ``seed`` is not an int, or a range is not a pair of dates.
        ValueError: If ``n < 1``, a format is unknown, a range is reversed or
            nothing is left to draw after ``exclude``.

    Example:
        >>> texts, isos = date_pairs(3, seed=0)
        >>> len(texts), all(len(iso) == 10 for iso in isos)
        (3, True)
        >>> import datetime
        >>> _, held = date_pairs(200, seed=1, within=HELD_OUT_RANGES)
        >>> _, rest = date_pairs(200, seed=1, exclude=HELD_OUT_RANGES)
        >>> sorted({iso[:7] for iso in held})[:3], set(held) & set(rest)
        (['1987-03', '1987-04', '2003-10'], set())
    """
    for value, name in ((n, "n"), (seed, "seed")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int; received {value!r} ({type(value).__name__}).")
    if n < 1:
        raise ValueError(f"n must be at least 1; received n={n}.")
    styles = list(FORMATS) if formats is None else list(formats)
    unknown = [s for s in styles if s not in FORMATS]
    if isinstance(formats, str) or unknown or not styles:
        raise ValueError(f"formats must be a non-empty list of keys of FORMATS {list(FORMATS)}; "
                         f"received {formats!r}.")
    ranges = _check_ranges([(FIRST_DATE, LAST_DATE)] if within is None else within, "within")
    excluded = _check_ranges(exclude, "exclude")
    origin = FIRST_DATE.toordinal()
    allowed = np.zeros(LAST_DATE.toordinal() - origin + 1, dtype=bool)
    for first, last in ranges:
        allowed[first.toordinal() - origin: last.toordinal() - origin + 1] = True
    for first, last in excluded:
        allowed[first.toordinal() - origin: last.toordinal() - origin + 1] = False
    days = np.flatnonzero(allowed)
    if days.size == 0:
        raise ValueError(f"no date is left to draw: within={ranges} minus exclude={excluded} is empty. "
                         "Exclude less, or draw within other ranges.")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(days, size=n) + origin
    chosen_styles = rng.integers(0, len(styles), size=n)
    dates = [dt.date.fromordinal(int(day)) for day in chosen]
    texts = [format_date(date, styles[k]) for date, k in zip(dates, chosen_styles)]
    return texts, [date.isoformat() for date in dates]


def _alphabet() -> str:
    words = [*MONTHS, *WEEKDAYS, *_ORDINAL_WORDS, "the", "of", "st", "nd", "rd", "th"]
    letters = {c for w in words for c in w} | {c.upper() for m in MONTHS for c in m}
    return "".join(sorted(letters | set("0123456789 ,./-")))


#: Every character a written date can contain; id ``i + 1`` is ``INPUT_CHARS[i]`` and id 0 is padding.
INPUT_CHARS = _alphabet()
#: The characters of an ISO date; id ``i`` is ``ISO_CHARS[i]``.
ISO_CHARS = "0123456789-"
#: An ISO date always has 10 characters, so the decoder always takes 10 steps.
ISO_LENGTH = 10
#: The decoder's start symbol: one id past the ISO characters, used only in the decoder's input.
START_ID = len(ISO_CHARS)


def _check_texts(texts: object, name: str) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence) or not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{name} must be a list of strings; received {texts!r:.80}. Wrap one string in a list: [text].")
    if not texts:
        raise ValueError(f"{name} is empty; pass at least one string.")
    return list(texts)


def encode_dates(texts: Sequence[str], length: int | None = None) -> np.ndarray:
    """Written dates as a padded ``(batch, length)`` array of character ids (0 is padding, at the end).

    Introduced in lesson 45, after it shows one-character-one-id by hand.

    Args:
        texts: Written dates; every character must be in :data:`INPUT_CHARS`.
        length: Columns of the result; ``None`` means the longest text's length.

    Returns:
        An ``int32`` array; row ``k`` holds ``texts[k]``'s ids then zeros.

    Raises:
        TypeError: If ``texts`` is not a list of strings.
        ValueError: If ``texts`` is empty, a character is unknown or a text is longer than ``length``.

    Example:
        >>> encode_dates(["3.3.21", "1 May"], length=7).shape
        (2, 7)
        >>> encode_dates(["1 May"], length=7)[0, 5:].tolist()
        [0, 0]
    """
    texts = _check_texts(texts, "texts")
    longest = max(len(t) for t in texts)
    if length is None:
        length = longest
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive int or None; received {length!r}.")
    if longest > length:
        raise ValueError(f"a text has {longest} characters but length={length}; raise length or shorten the text "
                         f"({max(texts, key=len)!r}).")
    lookup = {c: i + 1 for i, c in enumerate(INPUT_CHARS)}
    ids = np.zeros((len(texts), length), dtype=np.int32)
    for row, text in enumerate(texts):
        unknown = sorted(set(text) - lookup.keys())
        if unknown:
            raise ValueError(f"{text!r} contains {unknown}, which are not in INPUT_CHARS; write dates with "
                             "the characters date_pairs uses.")
        ids[row, : len(text)] = [lookup[c] for c in text]
    return ids


def encode_iso(isos: Sequence[str]) -> np.ndarray:
    """ISO dates as a ``(batch, 10)`` array of ids into :data:`ISO_CHARS`.

    Introduced in lesson 45.

    Args:
        isos: Strings of the form ``YYYY-MM-DD``.

    Returns:
        An ``int32`` array of shape ``(len(isos), ISO_LENGTH)``.

    Raises:
        TypeError: If ``isos`` is not a list of strings.
        ValueError: If a string is not 10 characters from :data:`ISO_CHARS`.

    Example:
        >>> encode_iso(["2021-03-03"]).tolist()
        [[2, 0, 2, 1, 10, 0, 3, 10, 0, 3]]
    """
    isos = _check_texts(isos, "isos")
    bad = [s for s in isos if len(s) != ISO_LENGTH or set(s) - set(ISO_CHARS)]
    if bad:
        raise ValueError(f"ISO dates must have {ISO_LENGTH} characters from {ISO_CHARS!r} (YYYY-MM-DD); "
                         f"received {bad[0]!r}.")
    return np.array([[ISO_CHARS.index(c) for c in s] for s in isos], dtype=np.int32)


def decode_iso(ids: object) -> list[str]:
    """Rows of ids into :data:`ISO_CHARS` back to strings; the inverse of :func:`encode_iso`.

    Introduced in lesson 45.

    Args:
        ids: A 2-D array-like of integers from 0 to ``len(ISO_CHARS) - 1``.

    Returns:
        One string per row.

    Raises:
        ValueError: If ``ids`` is not 2-D or holds an id outside the alphabet.

    Example:
        >>> decode_iso([[2, 0, 2, 1, 10, 0, 3, 10, 0, 3]])
        ['2021-03-03']
    """
    array = np.asarray(ids)
    if array.ndim != 2 or array.dtype.kind not in "iu":
        raise ValueError(f"ids must be a 2-D array of integers (batch, steps); received shape {array.shape}, "
                         f"dtype {array.dtype}. Take the argmax over the last axis of the probabilities first.")
    if array.size and (array.min() < 0 or array.max() >= len(ISO_CHARS)):
        raise ValueError(f"ids must lie from 0 to {len(ISO_CHARS) - 1}; received values from {array.min()} to "
                         f"{array.max()}.")
    return ["".join(ISO_CHARS[i] for i in row) for row in array]
