"""Find numbers in a notebook's prose that no earlier cell printed or set.

Why this tool exists
--------------------
The course's rule (house style, point 8): a number the prose states about a
result (an error, an accuracy, a ratio, a time, a count, a seed spread) comes
from a cell above it, never from memory of an earlier run. Seeds, data and
library versions change, and then a typed number silently becomes false. This
tool reads an *executed* notebook and lists every result-like number in a
markdown cell that no earlier code cell printed (stream, ``text/plain``, HTML
tables, LaTeX or markdown outputs) or set in its source.

Which numbers it checks
-----------------------
* decimals: ``0.018``, ``2.15``, ``+0.5``;
* percentages: ``20 %``, ``96.9%``, ``27\\,\\%`` (LaTeX);
* scientific forms: ``2×10⁻⁴``, ``$2 \\times 10^{-4}$``, ``1e-3``, and bare powers
  of ten ``10⁻⁷``, ``$10^{-7}$``, ``10^19`` (read as an order of magnitude);
* the base of a power, ``0.73`` in ``0.73¹⁰`` or ``$0.73^{10}$`` (the exponent is
  not a result); the value after ``≈`` is a number of its own;
* ratios: ``380×``, ``10x``, ``3-fold``, ``three times worse`` (a number or a
  number word before "times" and a comparative such as worse, better, faster,
  larger), ``ten orders of magnitude``;
* counts written with thousands separators: ``1,190``, ``17,000``;
* whole numbers with a unit of time or memory: ``40 s``, ``3 minutes``, ``800 MB``.

Left out: other whole numbers (sizes, epochs, units, lesson and section numbers,
years), version and section numbers (``TensorFlow 2.21``, ``section 6.2.2``,
``Exercise 23.1``), citation details (``arXiv:1811.00075``), link targets and
URLs, and blocks a tool generates between ``<!-- NAME:start -->`` and
``<!-- NAME:end -->`` (the course map). A number inside a code span or a fenced
code block is left out when the same number appears in any code cell. The
sections headed "Exercises" and "Further reading" are left out too: an exercise
list gives settings and thresholds ("until the loss falls below 0.05"), and
further reading cites papers.

Not caught: numbers written as words other than the ratios above ("a third
faster", "twice", "the fourth epoch"), and a number that some earlier output
happens to contain for another reason (a table of random values prints most
two-digit decimals). The tool checks that a number was printed, not that the
sentence describes the right printed number.

How a number matches
--------------------
A number is *printed* when an output of an earlier code cell contains a value
that rounds to it at the precision the prose uses: ``0.018`` matches 0.01824,
``96.9 %`` matches 0.9689 or 96.89, ``2×10⁻⁴`` matches 0.000213, ``10⁻⁷``
matches anything from 10^-7.5 to 10^-6.5. A round whole number allows the place
of its last non-zero digit, at most 10 %: ``380×`` matches 375 to 385, ``17,000``
matches 16,500 to 17,500. Signs are ignored.

A number is *set* when it appears as a number literal (not in a comment or a
string) in the source of an earlier code cell of the same section (a learning
rate ``3e-3``, a noise level ``0.1``; a section starts at a ``#`` or ``##``
heading), or of the code cells that directly follow the markdown cell (the cells
it introduces). A setting is described where it is used: "take 20 % for
validation" is not vouched for by a ``0.2`` two sections up. The summary recaps
the lesson, so every earlier cell's settings count there, and the markdown cells
before the first code cell (title, objectives, prerequisites) preview the whole
lesson, so every cell counts for them.

Whole numbers printed plainly (``20``, ``1,190``) are everywhere in outputs
(shapes, epochs, indices), so they vouch only for prose numbers written whole:
a count, a ratio, a time. ``20 %`` needs a printed ``0.2``, ``20.0`` or ``20%``.

Marking a number that is not a result
-------------------------------------
A published figure that the notebook also prints in a table simply matches. For
the rare true exception, list the number in an HTML comment in the same markdown
cell, with the reason; it is invisible in the rendered notebook and plain in its
source::

    <!-- prose-numbers: ignore 0.31 0.21 (an invented example of a check's message) -->

The numbers are written as in the prose and read by the same rules. A marker
that lists a number the cell no longer states is reported, so markers do not
outlive their sentence.

Usage (from the repository root)
--------------------------------
    # check notebooks that have already been executed (outputs stored in them)
    python tools/check_prose_numbers.py EXECUTED/21_sine_wave_forecaster.ipynb
    # execute a copy first (fresh kernel, the notebook's folder), then check it
    python tools/check_prose_numbers.py --execute notebooks/21_sine_wave_forecaster.ipynb
    # also keep the executed copies and write one findings file per notebook
    python tools/check_prose_numbers.py --execute --executed-dir EXECUTED --report-dir REPORTS notebooks/*.ipynb

Each finding is one line,
``notebook:cell N: "sentence excerpt" — 0.73¹⁰ ≈ 0.04: 0.04 not printed by any earlier cell``,
where N is the cell's 0-based index among all the notebook's cells. The exit status
is 0 when there is nothing to report, 1 when there are findings, 2 when a
notebook could not be checked (it has no outputs, or a cell failed under
``--execute``). An executed notebook with a failed cell is checked with a warning.

In the test suite
-----------------
``tests/conftest.py`` calls :func:`add_pytest_items`: after nbval has run a
notebook's cells (``--nbval-lax``), one more test item per notebook,
``<notebook>::prose numbers``, checks the outputs nbval collected, without
executing anything again. ``ENFORCE_PROSE_NUMBERS`` in ``tests/conftest.py``
decides whether findings fail the test or only mark it as an expected failure.
"""

from __future__ import annotations

import argparse
import bisect
import copy
import html
import io
import math
import re
import sys
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

# --------------------------------------------------------------------------
# Reading numbers
# --------------------------------------------------------------------------

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MINUS = "-−–"  # ASCII hyphen, the minus sign, and an en dash some authors type as minus
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100,
    "a hundred": 100, "a thousand": 1000, "thousand": 1000,
}
# "three times worse" states a measured ratio; "three times more coarsely" usually compares two settings.
COMPARATIVES = "larger|smaller|bigger|worse|better|faster|slower|higher|lower|longer|shorter|greater"
TIME_AND_MEMORY_UNITS = r"ms|s|sec|secs|seconds?|min|mins|minutes?|hours?|MB|GB|kB|KB|MiB|GiB"
# Words after which a number names a version, a section, an exercise or a citation, not a result.
NOT_A_RESULT_BEFORE = re.compile(
    r"(?:\b(?:exercises?|sections?|chapters?|lessons?|notebooks?|parts?|figures?|fig\.|tables?|eq\.|equations?|"
    r"versions?|v|python|tensorflow|keras|numpy|pandas|scipy|jupyterlab|jupyter|nbval|scikit-learn|sklearn|"
    r"matplotlib|pytest|ipykernel|nbclient|nbformat|playwright|cuda|cudnn|release|edition|vol\.|volume|pp\.|"
    r"arxiv|doi)|§|arXiv:|doi:)\s*$",
    re.IGNORECASE,
)

_NUM = r"\d+(?:\.\d+)?"
_EXP = rf"(?:\^\s*\{{\s*([{MINUS}+]?\s*\d+)\s*\}}|\^\s*([{MINUS}+]?\d+)|([⁻⁺]?[{SUP}]+))"
_SCI = re.compile(rf"(?<![\w.])({_NUM})\s*(?:\\times|\\cdot|×|·|\*)\s*10\s*{_EXP}")
_POW10 = re.compile(rf"(?<![\w.])10\s*{_EXP}")
_ENOTATION = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?[eE][{MINUS}+]?\d+)(?![\w.])")
_POWER = re.compile(rf"(?<![\w.])({_NUM})\s*{_EXP}")
_ORDERS = re.compile(
    r"\b(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s+orders?\s+of\s+magnitude\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + rf")(?:\s+times|-fold)\s+(?:{COMPARATIVES})\b",
    re.IGNORECASE,
)
_FOLD = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)-fold\b", re.IGNORECASE)
# A plain number: comma-grouped, or digits with an optional decimal part; never part of a word,
# an identifier (float32, x_1) or a dotted version (3.15.1).
_PLAIN = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!(?!x(?!\w))\w|\.\d|,\d{3})")
_PERCENT_AFTER = re.compile(r"\s*(?:\\,|\u202f|\u00a0|\\ )?\s*(?:\\%|%|percent\b|per cent\b)")
_RATIO_AFTER = re.compile(r"\s*×(?!\s*\d)|x(?![\w])")
_UNIT_AFTER = re.compile(rf"(?:\s|\u00a0|\u202f|\\,|\\ )*(?:{TIME_AND_MEMORY_UNITS})(?![\w])")

# Numbers in outputs and sources: anything that looks like a number, read leniently.
_OUTPUT_NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?(?: ?%)?")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TAG = re.compile(r"<[^>]*>")
_STYLE = re.compile(r"<(style|script)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


def _int_exponent(*groups: str | None) -> int:
    text = next(g for g in groups if g)
    return int(text.translate(SUPERSCRIPTS).replace(" ", "").replace("−", "-").replace("–", "-"))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _round_tolerance(text: str) -> float:
    """Half a unit of the last written digit; for a round whole number, of its last non-zero digit (at most 10 %)."""
    digits = text.replace(",", "")
    if "." in digits:
        return 0.5 * 10 ** -_decimals(digits)
    value = int(digits)
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    if zeros == 0 or value == 0:
        return 0.5
    return max(0.5, min(0.5 * 10**zeros, 0.1 * value))


@dataclass(frozen=True)
class Claim:
    """One result-like number in the prose, with the values it may match."""

    text: str  # the number as written, e.g. "2×10⁻⁴" or "96.9 %"
    intervals: tuple[tuple[float, float], ...]  # it matches a value |v| in any of these
    start: int  # position in the cleaned markdown text
    end: int
    whole_ok: bool = False  # may match a number printed as a plain whole number (see Numbers)

    def matches(self, value: float) -> bool:
        value = abs(value)
        return any(low <= value <= high for low, high in self.intervals)


def _interval(value: float, tolerance: float) -> tuple[float, float]:
    slack = 1e-9 * max(abs(value), tolerance)
    return (abs(value) - tolerance - slack, abs(value) + tolerance + slack)


def _plain_intervals(number: str, percent: bool = False) -> tuple[tuple[float, float], ...]:
    value = float(number.replace(",", ""))
    tolerance = _round_tolerance(number)
    if percent:
        return (_interval(value, tolerance), _interval(value / 100, tolerance / 100))
    return (_interval(value, tolerance),)


def _order_of_magnitude(exponent: int) -> tuple[float, float]:
    return (10 ** (exponent - 0.5), 10 ** (exponent + 0.5))


def _word_value(word: str) -> float:
    word = word.lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)


def extract_claims(text: str) -> list[Claim]:
    """Every result-like number in cleaned markdown ``text`` (see the module docstring for the rules)."""
    claims: list[Claim] = []
    taken = [False] * len(text)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(start: int, end: int) -> None:
        taken[start:end] = [True] * (end - start)

    def excluded_by_context(start: int) -> bool:
        return bool(NOT_A_RESULT_BEFORE.search(text[max(0, start - 30) : start]))

    def add(claim_text: str, intervals, start: int, end: int, whole_ok: bool = False) -> None:
        claims.append(Claim(claim_text, tuple(intervals), start, end, whole_ok))

    for match in _SCI.finditer(text):
        if not free(match.start(), match.end()):
            continue
        mantissa, exponent = match.group(1), _int_exponent(*match.groups()[1:])
        take(match.start(), match.end())
        tolerance = 0.5 * 10 ** -_decimals(mantissa) * 10**exponent
        add(match.group(0), [_interval(float(mantissa) * 10**exponent, tolerance)], match.start(), match.end())
    for match in _POW10.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        if excluded_by_context(match.start()):
            continue
        exponent = _int_exponent(*match.groups())
        add(match.group(0), [_order_of_magnitude(exponent)], match.start(), match.end(), whole_ok=exponent >= 3)
    for match in _ENOTATION.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        written = match.group(1).replace("−", "-")
        mantissa, exponent = re.split("[eE]", written)
        tolerance = 0.5 * 10 ** -_decimals(mantissa) * 10 ** int(exponent)
        add(match.group(1), [_interval(float(written), tolerance)], match.start(), match.end())
    for match in _ORDERS.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        value = _word_value(match.group(1))
        add(match.group(0), [_interval(value, 0.5), _order_of_magnitude(int(value))], match.start(), match.end())
    for match in _TIMES.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        word = match.group(1)
        value = _word_value(word)
        tolerance = _round_tolerance(word) if word[0].isdigit() else 0.5
        add(match.group(0), [_interval(value, tolerance)], match.start(), match.end())
    for match in _FOLD.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        add(match.group(0), _plain_intervals(match.group(1)), match.start(), match.end(), whole_ok=True)
    # The base of a power (0.73 in 0.73¹⁰) is a number; its exponent is not.
    for match in _POWER.finditer(text):
        if not free(match.start(), match.end()):
            continue
        take(match.start(), match.end())
        base = match.group(1)
        if "." in base and not excluded_by_context(match.start()):
            add(base, _plain_intervals(base), match.start(), match.start() + len(base))
    for match in _PLAIN.finditer(text):
        start, end = match.span(1)
        if not free(start, end):
            continue
        number = match.group(1)
        take(start, end)
        if excluded_by_context(start):
            continue
        after = text[end:]
        if percent := _PERCENT_AFTER.match(after):
            add(number + percent.group(0), _plain_intervals(number, percent=True), start, end + percent.end())
        elif ratio := _RATIO_AFTER.match(after):
            add(number + ratio.group(0), _plain_intervals(number), start, end + ratio.end(), whole_ok=True)
        elif "." in number or "," in number:
            unit = _UNIT_AFTER.match(after)
            shown = number + unit.group(0) if unit else number
            add(shown, _plain_intervals(number), start, end + (unit.end() if unit else 0), whole_ok="." not in number)
        elif unit := _UNIT_AFTER.match(after):
            if len(number) == 4 and 1800 <= int(number) <= 2100 and after[:1] == "s":
                continue  # a decade: the 1990s
            add(number + unit.group(0), _plain_intervals(number), start, end + unit.end(), whole_ok=True)
    claims.sort(key=lambda claim: claim.start)
    return claims


@dataclass
class Numbers:
    """Numbers read from outputs or sources, sorted, in two kinds.

    ``whole`` holds numbers written as plain whole numbers (``20``, ``1,190``): shapes,
    counts, epochs and indices are everywhere in outputs, so they match only prose
    numbers that are written whole too (a count, a ratio, a time). ``measured``
    holds the rest (``0.2``, ``1e-3``, ``96.9%``), which any prose number may match.
    """

    whole: list[float] = field(default_factory=list)
    measured: list[float] = field(default_factory=list)

    def __iter__(self):
        return iter(self.whole + self.measured)

    def add(self, value: float, whole: bool) -> None:
        if math.isfinite(value):
            (self.whole if whole else self.measured).append(abs(value))

    def sort(self) -> Numbers:
        self.whole.sort()
        self.measured.sort()
        return self

    def extend(self, other: Numbers) -> None:
        self.whole.extend(other.whole)
        self.measured.extend(other.measured)

    def contain(self, claim: Claim) -> bool:
        """Whether any of these numbers rounds to ``claim`` (the lists must be sorted)."""
        lists = (self.measured, self.whole) if claim.whole_ok else (self.measured,)
        for values in lists:
            for low, high in claim.intervals:
                i = bisect.bisect_left(values, low)
                if i < len(values) and values[i] <= high:
                    return True
        return False


def numbers_in_output(text: str) -> Numbers:
    """Every number in an output's text; a percentage also counts as its fraction."""
    numbers = Numbers()
    for match in _OUTPUT_NUMBER.finditer(_ANSI.sub(" ", text)):
        token = match.group(0).replace("−", "-").lstrip("+-")
        if not any(ch.isdigit() for ch in token):
            continue
        percent = token.endswith("%")
        token = token.rstrip("% ")
        try:
            value = float(token.replace(",", ""))
        except ValueError:
            continue
        whole = not percent and not any(ch in token for ch in ".eE")
        numbers.add(value, whole)
        if percent:
            numbers.add(value / 100, False)
        if "," in token:  # "1,2" printed without a space may be two numbers
            for part in token.split(","):
                if part.replace(".", "").isdigit():
                    numbers.add(float(part), "." not in part)
    return numbers.sort()


def numbers_in_source(source: str) -> Numbers:
    """The number literals of a code cell (not its comments or strings)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        stripped = re.sub(r"#.*", "", source)
        return numbers_in_output(re.sub(r"(['\"]).*?\1", " ", stripped))
    numbers = Numbers()
    for token in tokens:
        if token.type == tokenize.NUMBER:
            literal = token.string.replace("_", "")
            try:
                value = float(literal)
            except ValueError:
                continue  # complex or other literal
            numbers.add(value, not any(ch in literal for ch in ".eE"))
    return numbers.sort()


def output_text(outputs: Iterable) -> str:
    """The text a learner sees in a cell's outputs: streams, text/plain, HTML (tags removed), LaTeX, markdown."""
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(output.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/latex"):
                if mime in data:
                    parts.append(_as_text(data[mime]))
            if "text/html" in data:
                parts.append(html.unescape(_TAG.sub(" ", _STYLE.sub(" ", _as_text(data["text/html"])))))
        elif kind == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "\n".join(parts)


def _as_text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# --------------------------------------------------------------------------
# Cleaning markdown
# --------------------------------------------------------------------------

_MARKER = re.compile(r"<!--\s*prose-numbers:\s*ignore\b(.*?)-->", re.DOTALL | re.IGNORECASE)
_GENERATED = re.compile(r"<!--\s*([\w-]+):start\s*-->.*?<!--\s*\1:end\s*-->", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_URL = re.compile(r"<?(?:https?|ftp)://[^\s)>]+>?|\bwww\.[^\s)]+|\b(?:arXiv|doi):\s*\S+", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def clean_markdown(source: str) -> tuple[str, list[tuple[int, int]], list[Claim]]:
    """Markdown reduced to what a reader reads, the spans of its code, and the numbers its markers exempt.

    Returns ``(text, code_spans, exempt)``.
    """
    exempt = []
    for marker in _MARKER.finditer(source):
        exempt.extend(extract_claims(marker.group(1)))
    text = _GENERATED.sub(" ", source)
    text = _COMMENT.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    code_spans = [m.span() for m in _FENCE.finditer(text)]
    code_spans += [m.span() for m in _CODE_SPAN.finditer(text) if not _inside(m.start(), code_spans)]
    return text, code_spans, exempt


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def sentence_around(text: str, start: int, end: int, width: int = 110) -> str:
    """The sentence that holds text[start:end], on one line, shortened around the number."""
    boundary = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_$`(\[\"“])|\n\s*\n|\n\s*[-*]\s|\n\s*\d+\.\s|\n#+\s|\|")
    left = 0
    for match in boundary.finditer(text, 0, start):
        left = match.end()
    right_match = boundary.search(text, end)
    right = right_match.start() if right_match else len(text)
    sentence = " ".join(text[left:right].split())
    number = " ".join(text[start:end].split())
    if len(sentence) > width:
        at = sentence.find(number)
        at = max(at, 0)
        lo = max(0, at - width // 2)
        hi = min(len(sentence), lo + width)
        lo = max(0, hi - width)
        sentence = ("…" if lo else "") + sentence[lo:hi].strip() + ("…" if hi < len(sentence) else "")
    return sentence


_MATH_RUN = re.compile(rf"[\w.,%×·≈=~<>≤≥±{SUP}⁻⁺()^{{}}\\ \-−+*/]*")


def expression_around(text: str, claim: Claim) -> str:
    """The formula a number sits in, e.g. ``0.73¹⁰ ≈ 0.04``; just the number when it stands alone."""
    dollars = [m.span() for m in re.finditer(r"\$\$?[^$]+\$\$?", text)]
    for start, end in dollars:
        if start <= claim.start < end:
            inner = text[start:end].strip("$").strip()
            return " ".join(inner.split()) if len(inner) <= 80 else claim.text
    # Outside LaTeX: extend over a run of numbers and operators joined by ≈ or =.
    left = claim.start
    while left > 0 and text[left - 1] in f"0123456789.,{SUP}⁻ ×·≈=~^(){{}}" and text[left - 1] != "\n":
        left -= 1
    right = claim.end
    while right < len(text) and text[right] in f"0123456789.,%{SUP}⁻ ×·≈=~^" and text[right] != "\n":
        right += 1
    run = " ".join(text[left:right].strip(" .,()").split())
    has_relation = any(op in run for op in "≈=~")
    if has_relation and any(ch.isdigit() for ch in run.replace(claim.text, "", 1)):
        return run
    return claim.text


# --------------------------------------------------------------------------
# Checking a notebook
# --------------------------------------------------------------------------


@dataclass
class Finding:
    """A number in the prose that no earlier cell printed or set."""

    notebook: str
    cell: int  # index among all cells, 0-based
    sentence: str
    expression: str
    number: str
    problem: str = "not printed by any earlier cell"

    def __str__(self) -> str:
        formula = f"{self.expression}: " if self.expression != self.number else ""
        return f'{self.notebook}:cell {self.cell}: "{self.sentence}" — {formula}{self.number} {self.problem}'


@dataclass
class _Pool:
    """The numbers of one code cell: what it printed, and what its source set."""

    printed: Numbers
    set_in_source: Numbers


def notebook_has_outputs(nb) -> bool:
    code = [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]
    return not code or any(cell.get("execution_count") is not None or cell.get("outputs") for cell in code)


def check_notebook(nb, name: str, explain: list[str] | None = None) -> list[Finding]:
    """The findings for one executed notebook ``nb`` (a NotebookNode); ``name`` labels them.

    With a list as ``explain``, one line per number found in the prose is appended
    to it, saying which cell printed or set it.
    """
    pools: dict[int, _Pool] = {}
    all_source_numbers = Numbers()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source_numbers = numbers_in_source(cell.source)
        all_source_numbers.extend(source_numbers)
        pools[index] = _Pool(printed=numbers_in_output(output_text(cell.get("outputs", []))), set_in_source=source_numbers)
    all_source_numbers.sort()
    code_indices = sorted(pools)
    first_code = code_indices[0] if code_indices else len(nb.cells)

    # Sections: a "#" or "##" heading starts one. A setting counts for prose in its own section
    # (and in the summary, which recaps them all); a printed result counts everywhere below it.
    section_of: dict[int, int] = {}
    titles: list[str] = [""]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            titles += [m.group(2) for m in _HEADING.finditer(clean_markdown(cell.source)[0]) if len(m.group(1)) <= 2]
        section_of[index] = len(titles) - 1

    findings: list[Finding] = []
    section_level = None  # the heading level of the Exercises / Further reading section we are in, if any
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text, code_spans, exempt = clean_markdown(cell.source)
        not_prose, section_level = _sections_left_out(text, section_level)
        first_section = section_of[index] - sum(len(m.group(1)) <= 2 for m in _HEADING.finditer(text))
        if index < first_code:  # title, objectives, prerequisites: a preview of the whole lesson
            earlier = code_indices
            introduced: list[int] = []
        else:
            earlier = [i for i in code_indices if i < index]
            introduced = []
            for following in range(index + 1, len(nb.cells)):
                if nb.cells[following].cell_type != "code":
                    break
                introduced.append(following)
        claims = extract_claims(text)
        used_exemptions = set()
        for claim in claims:
            if _inside(claim.start, not_prose):
                continue
            section = first_section + sum(len(m.group(1)) <= 2 for m in _HEADING.finditer(text, 0, claim.start))
            recap = index < first_code or SUMMARY.match(titles[section])
            settings = earlier if recap else [i for i in earlier if section_of[i] == section]
            reason = _why_it_passes(claim, code_spans, all_source_numbers, pools, earlier, settings, introduced)
            exemption = next((e for e in exempt if _same_number(e, claim)), None)
            if reason is None and exemption is not None:
                used_exemptions.add(id(exemption))
                reason = "listed in an ignore marker"
            if explain is not None:
                explain.append(f"cell {index}: {' '.join(claim.text.split())!r}: {reason or 'FINDING'}")
            if reason is not None:
                continue
            later = next((i for i in introduced if pools[i].printed.contain(claim)), None)
            problem = (
                f"not printed before this sentence; cell {later}, just below, prints it: state it after that cell"
                if later is not None
                else "not printed by any earlier cell"
            )
            findings.append(
                Finding(name, index, sentence_around(text, claim.start, claim.end), expression_around(text, claim),
                        " ".join(claim.text.split()), problem)
            )
        for exemption in exempt:
            if id(exemption) not in used_exemptions and not any(_same_number(exemption, c) for c in claims):
                findings.append(
                    Finding(name, index, "<!-- prose-numbers: ignore … -->", exemption.text, exemption.text,
                            "is listed in an ignore marker, but the cell no longer states it: remove it from the marker")
                )
    return findings


SECTIONS_LEFT_OUT = re.compile(r"^(?:exercises|further reading|references)\W*$", re.IGNORECASE)
SUMMARY = re.compile(r"^(?:summary|recap|conclusions?)\W*$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)


def _sections_left_out(text: str, level: int | None) -> tuple[list[tuple[int, int]], int | None]:
    """Spans of ``text`` inside an "Exercises" or "Further reading" section, and the level still open at its end.

    An exercise list gives the learner settings and thresholds ("until the loss falls
    below 0.05"), and further reading cites papers: neither states a result.
    ``level`` is the heading level of such a section still open from an earlier cell.
    """
    spans = []
    start = 0 if level is not None else None
    for heading in _HEADING.finditer(text):
        depth, title = len(heading.group(1)), heading.group(2)
        if level is not None and depth <= level:
            spans.append((start, heading.start()))
            level, start = None, None
        if level is None and SECTIONS_LEFT_OUT.match(title):
            level, start = depth, heading.start()
    if level is not None:
        spans.append((start, len(text)))
    return spans, level


def _why_it_passes(claim, code_spans, all_source_numbers, pools, earlier, settings, introduced) -> str | None:
    """Which cell printed or set the number, in words; None when none did."""
    if _inside(claim.start, code_spans) and all_source_numbers.contain(claim):
        return "in a code span, and in the code"
    for i in reversed(earlier):
        if pools[i].printed.contain(claim):
            return f"printed by cell {i}"
    for i in reversed(settings):
        if pools[i].set_in_source.contain(claim):
            return f"set in the source of cell {i}"
    for i in introduced:
        if pools[i].set_in_source.contain(claim):
            return f"set in the source of cell {i}, which this text introduces"
    return None


def _same_number(a: Claim, b: Claim) -> bool:
    return a.intervals == b.intervals


# --------------------------------------------------------------------------
# pytest: one extra item per notebook, after nbval has run its cells
# --------------------------------------------------------------------------

PYTEST_ITEM_NAME = "prose numbers"


def add_pytest_items(items: list, enforce: bool) -> None:
    """Insert, after the last nbval cell of each notebook in ``items``, an item that checks its prose numbers.

    Called from ``pytest_collection_modifyitems`` in ``tests/conftest.py``. The
    item reads the outputs nbval collected as it ran the cells (``IPyNbCell.test_outputs``),
    so nothing runs twice. It shares the notebook's file node, so pytest-xdist's
    ``--dist loadfile`` sends it to the same worker, after the cells. With
    ``enforce=False`` findings mark the item as an expected failure (XFAIL in the
    summary) instead of failing it.
    """
    import pytest  # only needed inside pytest

    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: no notebooks to check
        return

    class ProseNumbersItem(pytest.Item):
        """Checks one notebook's prose against the outputs nbval collected for its cells."""

        def __init__(self, *, cells, enforce, **kwargs):
            super().__init__(**kwargs)
            self.cells = cells
            self.enforce = enforce

        def runtest(self):
            nb = copy.deepcopy(self.parent.nb)
            by_cell = {id(item.cell): item for item in self.cells}
            for original, cell in zip(self.parent.nb.cells, nb.cells):
                if cell.cell_type != "code":
                    continue
                item = by_cell.get(id(original))
                if item is None or item.options.get("skip"):
                    cell.outputs = []
                    continue
                if item.test_outputs is None:
                    pytest.skip(f"{item.name} did not run, so its outputs are unknown")
                failed = [o for o in item.test_outputs if o.get("output_type") == "error"]
                if failed and not item.options.get("check_exception"):
                    pytest.skip(f"{item.name} failed; its own test reports it")
                cell.outputs = item.test_outputs
            findings = check_notebook(nb, self.parent.nodeid)
            if not findings:
                return
            message = (
                f"{len(findings)} number(s) in the prose that no earlier cell prints or sets "
                "(print them in a cell before the sentence, or drop the claim; see tools/check_prose_numbers.py):\n"
                + "\n".join(str(finding) for finding in findings)
            )
            if not self.enforce:
                pytest.xfail(
                    f"not enforced yet (ENFORCE_PROSE_NUMBERS in tests/conftest.py): {len(findings)} finding(s), "
                    f"first: {findings[0]}"
                )
            raise ProseNumbersError(message)

        def repr_failure(self, excinfo):
            if isinstance(excinfo.value, ProseNumbersError):
                return str(excinfo.value)
            return super().repr_failure(excinfo)

        def reportinfo(self):
            return self.path, None, f"{self.parent.nodeid}::{PYTEST_ITEM_NAME}"

    by_file: dict = {}
    for position, item in enumerate(items):
        if isinstance(item, IPyNbCell):
            by_file.setdefault(item.parent, []).append(position)
    for parent, positions in sorted(by_file.items(), key=lambda pair: -pair[1][-1]):
        cells = [items[p] for p in positions]
        extra = ProseNumbersItem.from_parent(parent, name=PYTEST_ITEM_NAME, cells=cells, enforce=enforce)
        items.insert(positions[-1] + 1, extra)


class ProseNumbersError(AssertionError):
    """A notebook states numbers in its prose that no earlier cell prints or sets."""


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def execute_copy(path: Path, timeout: int = 600):
    """Execute a copy of the notebook at ``path`` in a fresh kernel started in its folder; return the copy."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    return nb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="executed notebooks (or any, with --execute)")
    parser.add_argument("--execute", action="store_true", help="execute a copy of each notebook first (nbclient)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell with --execute (default 600)")
    parser.add_argument("--executed-dir", type=Path, help="with --execute: also write the executed copies here")
    parser.add_argument("--report-dir", type=Path, help="write the findings for each notebook to DIR/<name>.txt")
    parser.add_argument("--explain", action="store_true", help="also list every number found and the cell that printed or set it")
    args = parser.parse_args(argv)

    status = 0
    for path in args.notebooks:
        name = str(path)
        try:
            if args.execute:
                print(f"executing {path} ...", file=sys.stderr, flush=True)
                nb = execute_copy(path, args.timeout)
                if args.executed_dir:
                    args.executed_dir.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nb, args.executed_dir / path.name)
            else:
                nb = nbformat.read(path, as_version=4)
                if not notebook_has_outputs(nb):
                    raise ValueError(f"{path} has no outputs: pass an executed copy, or add --execute")
                failed = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and any(
                    output.get("output_type") == "error" for output in cell.get("outputs", []))]
                if failed:
                    print(f"{name}: warning: cell(s) {failed} raised an error, so numbers stated below them may be "
                          "reported although the notebook would print them", file=sys.stderr)
        except Exception as error:  # report and go on with the next notebook
            print(f"{name}: could not check: {type(error).__name__}: {str(error)[:2000]}", file=sys.stderr)
            status = max(status, 2)
            continue
        explained: list[str] | None = [] if args.explain else None
        findings = check_notebook(nb, name, explained)
        if explained:
            print("\n".join(f"{name}:{line}" for line in explained))
        lines = [str(finding) for finding in findings]
        print("\n".join(lines) if lines else f"{name}: every number in the prose is printed or set by a cell")
        if args.report_dir:
            args.report_dir.mkdir(parents=True, exist_ok=True)
            body = "\n".join(lines) if lines else f"{name}: no findings"
            (args.report_dir / f"{path.stem}.txt").write_text(body + "\n")
        if findings:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
