"""Strips of handwritten digits read column by column, and how to score a transcription.

Why this module exists: transcribing (turning a long sequence of frames into a
shorter sequence of symbols, with nobody marking which frames belong to which
symbol) needs data whose frames have no boundaries, and a score for a
transcription that may drop, add or swap symbols. Speech has both, but no
spoken-digit audio ships offline with a clear licence; handwriting has the same
shape. So the course places the 8 x 8 handwritten digits
(:func:`utils.datasets.load_handwritten_digits`) side by side and reads the
strip one pixel column at a time: 8 numbers per frame, like a spectrogram's
frame of a few coefficients.

* :func:`split_digit_images` splits the images into training, validation and
  test images once, the same way in every notebook and in the exercise's check;
* :func:`make_strips` builds strips from a set of images (split the *images*
  into training, validation and test sets first, so that test strips hold
  images no model trained on), with gaps between the digits or with the digits
  touching and overlapping;
* :func:`pad_strips` pads them into the arrays that ``keras.ops.ctc_loss``
  takes, the blank at class 0 and digit ``d`` at class ``d + 1``;
* :func:`split_at_blank_columns` cuts a strip at its empty columns, the first
  step of the classical segment-then-classify pipeline, which
  :class:`SegmentAndClassify` completes (a logistic regression on each piece's
  pixels): the baseline every recogniser is measured against;
* :func:`edit_distance` and :func:`character_error_rate` score a transcription
  as speech and handwriting recognition do (substitutions, insertions and
  deletions, over the number of reference symbols).

Every function checks its input first and says what it received, what it
expected and how to fix it.

Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``; exercise 37's
check (:mod:`utils.checks.transcription`) uses the same functions.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "BLANK",
    "DigitSplit",
    "SegmentAndClassify",
    "Strips",
    "character_error_rate",
    "edit_distance",
    "make_strips",
    "pad_strips",
    "split_at_blank_columns",
    "split_digit_images",
]

#: The class index of CTC's blank in :func:`pad_strips`' targets; digit ``d`` is class ``d + 1``.
BLANK = 0


class Strips(NamedTuple):
    """Strips of digits: ``frames[i]`` has shape ``(columns, 8)``, values 0 to 1; ``digits[i]`` the digits in order.

    ``starts[i]`` holds the column where each digit's ink begins, for plots of
    where a recogniser fires; no model or pipeline may read it.
    """

    frames: list[np.ndarray]
    digits: list[np.ndarray]
    starts: list[np.ndarray]


def _check_int(value: object, name: str, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; received {name}={value!r} ({type(value).__name__}).")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; received {name}={value}.")
    return int(value)


def _check_images(images: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    images = np.asarray(images, dtype=np.float32) if not isinstance(images, np.ndarray) else images
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise ValueError(
            f"images must have shape (n, 8, 8); received shape {images.shape}. Pass the images of "
            "utils.load_handwritten_digits() (or a subset of them, indexed along the first axis)."
        )
    if len(images) == 0:
        raise ValueError("images is empty; pass at least one image (for example the training images of a split).")
    if not np.isfinite(images).all():
        raise ValueError("images holds NaN or infinite values; pass the loader's images unchanged.")
    if images.min() < 0 or images.max() > 16 or not (images == np.round(images)).all():
        raise ValueError(
            f"image values must be whole pixel counts 0..16, as the loader returns them; received values from "
            f"{images.min():g} to {images.max():g}{'' if (images == np.round(images)).all() else ', some fractional'}. "
            "Do not rescale them before make_strips: it divides by 16 itself."
        )
    labels = np.asarray(labels)
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), one per image; received shape {labels.shape}.")
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"labels must be integers 0 to 9; received dtype {labels.dtype}, values {np.unique(labels)[:5]}.")
    return images, labels


def _inked(image: np.ndarray) -> np.ndarray:
    """The image cut to the columns that hold ink (every digit of the set has some)."""
    columns = np.flatnonzero(image.max(axis=0) > 0)
    return image[:, columns[0]:columns[-1] + 1]


def _shift_rows(image: np.ndarray, shift: int) -> np.ndarray:
    """Move the ink up (negative) or down by ``shift`` rows, clipped so that no inked row leaves the image."""
    rows = np.flatnonzero(image.max(axis=1) > 0)
    shift = int(np.clip(shift, -rows[0], image.shape[0] - 1 - rows[-1]))
    out = np.zeros_like(image)
    if shift >= 0:
        out[shift:] = image[:image.shape[0] - shift]
    else:
        out[:shift] = image[-shift:]
    return out


def make_strips(
    images: np.ndarray,
    labels: np.ndarray,
    count: int,
    *,
    seed: int,
    touching: bool = False,
    min_digits: int = 3,
    max_digits: int = 6,
    max_gap: int = 3,
    max_shift: int = 1,
) -> Strips:
    """Place randomly drawn digit images side by side and read each strip column by column.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    Each strip holds ``min_digits`` to ``max_digits`` images drawn with
    replacement from ``images``, each cut to its inked columns and shifted up
    or down by up to ``max_shift`` rows (less where its ink would leave the image). With ``touching=False`` 1 to
    ``max_gap`` empty columns separate neighbours; with ``touching=True`` they
    touch, and in half of the joins the next digit's first column lies on top
    of the last column of the one before (the larger value wins), so no empty
    column separates them. Every strip starts and ends with 0 to 2 empty
    columns. Pixel counts 0..16 become values 0..1.

    Args:
        images: Digit images, shape ``(n, 8, 8)``, values 0..16.
        labels: Their digits 0..9, shape ``(n,)``.
        count: How many strips (>= 1).
        seed: Seeds the draws: the same arguments give the same strips.
        touching: Whether neighbouring digits touch (see above).
        min_digits, max_digits: The range of digits per strip (1 <= min <= max).
        max_gap: The most empty columns between gapped digits (>= 1).
        max_shift: The most rows a digit moves up or down (0 to 3).

    Returns:
        A :class:`Strips`: ``frames`` (float32 arrays of shape ``(columns, 8)``),
        ``digits`` (int64 arrays) and ``starts`` (each digit's first column).

    Raises:
        TypeError: If a count or seed is not an integer.
        ValueError: If the images or labels have the wrong shape, are empty or
            out of range, or the digit counts are inconsistent.

    Example:
        >>> from utils.datasets import load_handwritten_digits
        >>> images, labels = load_handwritten_digits()
        >>> strips = make_strips(images[:100], labels[:100], 2, seed=0)
        >>> [d.tolist() for d in strips.digits], strips.frames[0].shape[1], float(strips.frames[0].max()) <= 1.0
        ([[3, 2, 6, 0, 4, 7], [7, 6, 0, 9]], 8, True)
    """
    images, labels = _check_images(images, labels)
    count = _check_int(count, "count", 1)
    seed = _check_int(seed, "seed", 0)
    min_digits = _check_int(min_digits, "min_digits", 1)
    max_digits = _check_int(max_digits, "max_digits", 1)
    max_gap = _check_int(max_gap, "max_gap", 1)
    max_shift = _check_int(max_shift, "max_shift", 0)
    if min_digits > max_digits:
        raise ValueError(f"min_digits ({min_digits}) must not exceed max_digits ({max_digits}); swap them.")
    if max_shift > 3:
        raise ValueError(f"max_shift must be 0 to 3 rows of 8; received {max_shift}. A digit shifted further loses its ink.")
    if not isinstance(touching, (bool, np.bool_)):
        raise TypeError(f"touching must be True or False; received {touching!r} ({type(touching).__name__}).")
    rng = np.random.default_rng(seed)
    frames, digits, starts = [], [], []
    for _ in range(count):
        picks = rng.choice(len(images), size=rng.integers(min_digits, max_digits + 1))
        columns = [np.zeros((8, rng.integers(0, 3)), np.float32)]
        width = columns[0].shape[1]
        first = []
        for position, pick in enumerate(picks):
            digit = _shift_rows(_inked(images[pick]), int(rng.integers(-max_shift, max_shift + 1))) / 16.0
            start = width
            if position:
                if not touching:
                    gap = np.zeros((8, rng.integers(1, max_gap + 1)), np.float32)
                    columns.append(gap)
                    start += gap.shape[1]
                elif rng.integers(0, 2):  # the digit's first column lies on the previous digit's last one
                    columns[-1] = columns[-1].copy()
                    columns[-1][:, -1] = np.maximum(columns[-1][:, -1], digit[:, 0])
                    start -= 1
            first.append(start)
            columns.append(digit[:, width - start:].astype(np.float32) if start < width else digit.astype(np.float32))
            width = start + digit.shape[1]
        columns.append(np.zeros((8, rng.integers(0, 3)), np.float32))
        strip = np.concatenate(columns, axis=1)
        frames.append(np.ascontiguousarray(strip.T))
        digits.append(labels[picks].astype(np.int64))
        starts.append(np.asarray(first, dtype=np.int64))
    return Strips(frames, digits, starts)


class DigitSplit(NamedTuple):
    """Indices into the images of :func:`utils.datasets.load_handwritten_digits`: which images each part holds."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


#: The split's fixed seed: every notebook and the exercise's check hold out the same test images.
_SPLIT_SEED = 0


def split_digit_images(labels: np.ndarray) -> DigitSplit:
    """Split the digit images into training (60 %), validation (20 %) and test (20 %) images, stratified by digit.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    The split is fixed (the same on every call), so lesson 36, exercise 37 and
    its check agree on which images are held out. Split the *images* before
    making strips: strips made from the test images then hold handwriting no
    model trained on.

    Args:
        labels: The labels of all the images, shape ``(n,)`` with ``n >= 50``,
            as :func:`utils.datasets.load_handwritten_digits` returns them.

    Returns:
        A :class:`DigitSplit` of sorted index arrays that do not overlap and together cover every image.

    Raises:
        ValueError: If ``labels`` is not 1-D, holds values other than the digits 0 to 9, or is too short to split.

    Example:
        >>> from utils.datasets import load_handwritten_digits
        >>> images, labels = load_handwritten_digits()
        >>> split = split_digit_images(labels)
        >>> len(split.train), len(split.validation), len(split.test)
        (1078, 359, 360)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be a 1-D array of integer digits; received shape {labels.shape}, dtype {labels.dtype}. "
            "Pass the labels that load_handwritten_digits() returns."
        )
    if len(labels) < 50 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(
            f"labels must hold at least 50 digits from 0 to 9; received {len(labels)} labels"
            + (f" from {labels.min()} to {labels.max()}" if len(labels) else "")
            + ". Pass the labels of all the images, before any split."
        )
    from sklearn.model_selection import train_test_split  # scikit-learn is a course dependency; loaded on use

    every = np.arange(len(labels))
    train, rest = train_test_split(every, test_size=0.4, stratify=labels, random_state=_SPLIT_SEED)
    validation, test = train_test_split(rest, test_size=0.5, stratify=labels[rest], random_state=_SPLIT_SEED)
    return DigitSplit(np.sort(train), np.sort(validation), np.sort(test))


def _piece_pixels(piece: np.ndarray) -> np.ndarray:
    """One piece of a strip, ``(columns, 8)``, as the 64 pixels of an 8 x 8 image with the piece centred.

    A piece wider than 8 columns keeps its middle 8.
    """
    width = len(piece)
    if width > 8:
        piece, width = piece[(width - 8) // 2:(width - 8) // 2 + 8], 8
    image = np.zeros((8, 8), np.float32)
    left = (8 - width) // 2
    image[:, left:left + width] = piece.T
    return image.ravel()


class SegmentAndClassify:
    """The classical pipeline: cut a strip at its empty columns, then classify each piece as one digit.

    :meth:`fit` trains a logistic regression (scikit-learn's
    ``LogisticRegression``) on the 64 pixels of each training image, cut to its
    inked columns and centred, the way :meth:`transcribe` presents each piece
    of a strip. With ``split_wide=True`` a piece wider than a digit (digits
    that touch leave no empty column between them) is first cut into
    ``round(width / digit_width_)`` pieces of equal width, where
    ``digit_width_`` is the training digits' mean inked width.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``, as the
    baseline; exercise 37's check computes its bar with it.

    Args:
        split_wide: Whether to cut wide pieces by width (see above).

    Example:
        >>> from utils.datasets import load_handwritten_digits
        >>> images, labels = load_handwritten_digits()
        >>> split = split_digit_images(labels)
        >>> pipeline = SegmentAndClassify().fit(images[split.train], labels[split.train])
        >>> strips = make_strips(images[split.test], labels[split.test], 3, seed=1)
        >>> [d.tolist() for d in strips.digits] == [t.tolist() for t in pipeline.transcribe(strips.frames)]
        True
    """

    def __init__(self, split_wide: bool = True):
        if not isinstance(split_wide, (bool, np.bool_)):
            raise TypeError(f"split_wide must be True or False; received {split_wide!r} ({type(split_wide).__name__}).")
        self.split_wide = bool(split_wide)
        self.classifier_ = None
        self.digit_width_ = math.nan

    def fit(self, images: np.ndarray, labels: np.ndarray) -> SegmentAndClassify:
        """Train the piece classifier on digit images ``(n, 8, 8)``, values 0..16, and their labels; returns ``self``.

        Raises:
            ValueError: If the images or labels have the wrong shape or values (as :func:`make_strips` says).
        """
        images, labels = _check_images(images, labels)
        from sklearn.linear_model import LogisticRegression  # loaded on use

        inked = [_inked(image) / 16.0 for image in images]
        self.digit_width_ = float(np.mean([piece.shape[1] for piece in inked]))
        pixels = np.array([_piece_pixels(piece.T) for piece in inked])
        self.classifier_ = LogisticRegression(max_iter=3000).fit(pixels, labels)
        return self

    def pieces(self, frames: np.ndarray) -> list[np.ndarray]:
        """The pieces one strip is cut into, left to right: at empty columns, then (``split_wide``) by width."""
        pieces = split_at_blank_columns(frames)
        if not self.split_wide:
            return pieces
        if self.classifier_ is None:
            raise ValueError("call fit(images, labels) first: the width a digit takes is learned from the training images.")
        return [part for piece in pieces for part in np.array_split(piece, max(1, round(len(piece) / self.digit_width_)))]

    def transcribe(self, frames: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The digits the pipeline reads in each strip: a list of int64 arrays, one per strip.

        Args:
            frames: The strips, each ``(columns, 8)``, e.g. ``strips.frames``.

        Raises:
            ValueError: If :meth:`fit` has not been called, or a strip has the wrong shape.
        """
        if self.classifier_ is None:
            raise ValueError("call fit(images, labels) on the training images before transcribe.")
        if isinstance(frames, np.ndarray) and frames.ndim == 2:
            raise ValueError(
                f"frames must be a list of strips; received one array of shape {frames.shape}. Pass [frames] for "
                "a single strip, or strips.frames."
            )
        answers = []
        for strip in frames:
            pieces = self.pieces(strip)
            if pieces:
                answers.append(self.classifier_.predict(np.array([_piece_pixels(p) for p in pieces])).astype(np.int64))
            else:
                answers.append(np.zeros(0, np.int64))
        return answers


def _check_strips(strips: object) -> Strips:
    if not isinstance(strips, Strips):
        raise TypeError(f"strips must be the Strips that make_strips returns; received {type(strips).__name__}.")
    if not strips.frames:
        raise ValueError("strips holds no strip; make at least one with make_strips(..., count=1 or more).")
    return strips


def pad_strips(strips: Strips) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pad strips into the arrays a CTC model trains on.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    Args:
        strips: What :func:`make_strips` returns.

    Returns:
        ``(x, frame_lengths, targets, target_lengths)``: ``x`` float32 of shape
        ``(n, longest strip, 8)`` with zero columns after each strip's end;
        ``frame_lengths`` int32 ``(n,)``; ``targets`` int32 ``(n, most digits)``
        holding digit ``d`` as class ``d + 1`` and :data:`BLANK` (0) after the
        last digit; ``target_lengths`` int32 ``(n,)``.

    Raises:
        TypeError: If ``strips`` is not a :class:`Strips`.
        ValueError: If it holds no strip.

    Example:
        >>> strips = Strips([np.ones((5, 8), np.float32)], [np.array([3, 0])], [np.array([0, 2])])
        >>> x, frame_lengths, targets, target_lengths = pad_strips(strips)
        >>> x.shape, frame_lengths.tolist(), targets.tolist(), target_lengths.tolist()
        ((1, 5, 8), [5], [[4, 1]], [2])
    """
    strips = _check_strips(strips)
    n = len(strips.frames)
    frame_lengths = np.array([len(f) for f in strips.frames], dtype=np.int32)
    target_lengths = np.array([len(d) for d in strips.digits], dtype=np.int32)
    x = np.zeros((n, frame_lengths.max(), 8), np.float32)
    targets = np.full((n, max(1, target_lengths.max())), BLANK, np.int32)
    for i, (f, d) in enumerate(zip(strips.frames, strips.digits)):
        x[i, :len(f)] = f
        targets[i, :len(d)] = np.asarray(d) + 1
    return x, frame_lengths, targets, target_lengths


def split_at_blank_columns(frames: np.ndarray) -> list[np.ndarray]:
    """Cut one strip at its empty columns: each run of inked columns becomes a piece.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    Args:
        frames: One strip, shape ``(columns, 8)`` (as in :class:`Strips`).

    Returns:
        The pieces, left to right, each of shape ``(its columns, 8)``.

    Raises:
        ValueError: If ``frames`` is not 2-D with 8 values per column, or holds NaN.

    Example:
        >>> strip = np.zeros((7, 8), np.float32); strip[1:3] = 1; strip[4:6] = 1
        >>> [piece.shape for piece in split_at_blank_columns(strip)]
        [(2, 8), (2, 8)]
    """
    frames = np.asarray(frames)
    if frames.ndim != 2 or frames.shape[1] != 8:
        raise ValueError(
            f"frames must be one strip of shape (columns, 8); received shape {frames.shape}. Pass strips.frames[i], "
            "not the padded batch."
        )
    if not np.isfinite(frames).all():
        raise ValueError("frames holds NaN or infinite values; pass a strip from make_strips unchanged.")
    inked = np.r_[False, frames.max(axis=1) > 0, False].astype(np.int8)
    edges = np.flatnonzero(np.diff(inked))
    return [frames[begin:end] for begin, end in zip(edges[::2], edges[1::2])]


def _as_symbols(sequence: object, name: str) -> list:
    if isinstance(sequence, (str, bytes)) or not isinstance(sequence, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a list or 1-D array of symbols; received {type(sequence).__name__}.")
    array = np.asarray(sequence)
    if array.ndim > 1:
        raise ValueError(f"{name} must be 1-D (one transcription); received shape {array.shape}.")
    return array.tolist()


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    """The fewest substitutions, insertions and deletions that turn ``hypothesis`` into ``reference`` (Levenshtein).

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    Example:
        >>> edit_distance([1, 2, 3], [1, 3]), edit_distance([1, 2, 3], [1, 4, 3, 3])
        (1, 2)
    """
    reference, hypothesis = _as_symbols(reference, "reference"), _as_symbols(hypothesis, "hypothesis")
    row = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, start=1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hypothesis, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1]


def character_error_rate(references: Sequence, hypotheses: Sequence) -> float:
    """Total edit distance over the total length of the references (can exceed 1 when a hypothesis adds symbols).

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    Args:
        references: The true transcriptions, each a list or 1-D array.
        hypotheses: The recogniser's, one per reference, in the same order.

    Raises:
        ValueError: If the two differ in number, are empty, or every reference is empty.

    Example:
        >>> character_error_rate([[1, 2, 3], [4, 5]], [[1, 3], [4, 5]])
        0.2
    """
    if len(references) != len(hypotheses):
        raise ValueError(
            f"references and hypotheses must pair up; received {len(references)} references and "
            f"{len(hypotheses)} hypotheses. Decode every strip once, in order."
        )
    if len(references) == 0:
        raise ValueError("references is empty; score at least one transcription.")
    total = sum(len(_as_symbols(r, "each reference")) for r in references)
    if total == 0:
        raise ValueError("every reference is empty; the error rate divides by the number of reference symbols.")
    return sum(edit_distance(r, h) for r, h in zip(references, hypotheses)) / total
