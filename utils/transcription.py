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
  :class:`SegmentAndClassify` completes (a classifier on each piece's pixels,
  chosen on validation images by :func:`choose_piece_classifier`): the
  baseline every recogniser is measured against;
* :class:`LengthBatches` (a Keras ``PyDataset``, made on first use so that
  importing this module stays free of TensorFlow) batches strips of similar
  length for training, and :func:`scores_by_length` scores strips the same way;
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
    "PIECE_CLASSIFIERS",
    "DigitSplit",
    "LengthBatches",  # noqa: F822 (made on first use by __getattr__)
    "SegmentAndClassify",
    "Strips",
    "character_error_rate",
    "choose_piece_classifier",
    "digit_pixels",
    "edit_distance",
    "make_strips",
    "pad_strips",
    "scores_by_length",
    "split_at_blank_columns",
    "split_digit_images",
]

#: The class index of CTC's blank in :func:`pad_strips`' targets; digit ``d`` is class ``d + 1``.
BLANK = 0


class Strips(NamedTuple):
    """Strips of digits: ``frames[i]`` has shape ``(columns, 8)``, values 0 to 1; ``digits[i]`` the digits in order.

    ``starts[i]`` holds the column where each digit's ink begins, for plots of
    where a recogniser fires and for measuring where it fires. It is not for
    training: no recording comes with such marks, and a model or pipeline that
    reads them is no longer transcribing without alignments.
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


def digit_pixels(images: np.ndarray) -> np.ndarray:
    """Digit images as the pipeline presents a piece: cut to their inked columns, centred, values 0..1, 64 pixels each.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``, where a
    piece classifier is chosen on the validation images' pixels.

    Args:
        images: Digit images, shape ``(n, 8, 8)``, values 0..16.

    Returns:
        float32 array of shape ``(n, 64)``.

    Raises:
        ValueError: If the images have the wrong shape or values (as :func:`make_strips` says).

    Example:
        >>> image = np.zeros((1, 8, 8)); image[0, :, 3:5] = 16
        >>> digit_pixels(image).reshape(8, 8)[0].tolist()
        [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    """
    images, _ = _check_images(images, np.zeros(len(images) if hasattr(images, "__len__") else 0, np.int64))
    return np.array([_piece_pixels((_inked(image) / 16.0).T) for image in images], np.float32)


def _piece_classifiers() -> dict[str, object]:
    from sklearn.linear_model import LogisticRegression  # scikit-learn is a course dependency; loaded on use
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC

    grid: dict[str, object] = {f"logistic regression, C={c:g}": LogisticRegression(C=c, max_iter=3000)
                               for c in (0.1, 1.0, 10.0)}
    grid.update({f"SVC (RBF), C={c:g}": SVC(C=c) for c in (1.0, 10.0)})
    grid.update({f"{k}-nearest neighbours": KNeighborsClassifier(k) for k in (1, 3)})
    return grid


#: The names of the piece classifiers :func:`choose_piece_classifier` tries (scikit-learn defaults otherwise).
PIECE_CLASSIFIERS = (
    "logistic regression, C=0.1", "logistic regression, C=1", "logistic regression, C=10",
    "SVC (RBF), C=1", "SVC (RBF), C=10", "1-nearest neighbours", "3-nearest neighbours",
)


def choose_piece_classifier(
    images: np.ndarray, labels: np.ndarray, split: DigitSplit
) -> tuple[str, object, dict[str, float]]:
    """Fit each of :data:`PIECE_CLASSIFIERS` on the training images and keep the most accurate on the validation images.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``; exercise
    37's check builds its pipeline with it. The images are presented as pieces
    are (:func:`digit_pixels`), so validation accuracy is accuracy on pieces cut
    exactly at a digit's edges. Ties go to the earlier name.

    Args:
        images: All the digit images, shape ``(n, 8, 8)``.
        labels: Their digits, shape ``(n,)``.
        split: The :class:`DigitSplit` of :func:`split_digit_images`; its test images are not used.

    Returns:
        ``(name, fitted classifier, validation accuracy of every candidate by name)``.

    Raises:
        TypeError: If ``split`` is not a :class:`DigitSplit`.
        ValueError: If the images or labels are unusable (as :func:`make_strips` says).

    Example:
        >>> from utils.datasets import load_handwritten_digits
        >>> images, labels = load_handwritten_digits()
        >>> name, classifier, accuracy = choose_piece_classifier(images, labels, split_digit_images(labels))
        >>> name in PIECE_CLASSIFIERS, sorted(accuracy) == sorted(PIECE_CLASSIFIERS)
        (True, True)
    """
    if not isinstance(split, DigitSplit):
        raise TypeError(f"split must be the DigitSplit of split_digit_images(labels); received {type(split).__name__}.")
    images, labels = _check_images(images, labels)
    x_train, x_val = digit_pixels(images[split.train]), digit_pixels(images[split.validation])
    y_train, y_val = labels[split.train], labels[split.validation]
    accuracy, fitted = {}, {}
    for name, classifier in _piece_classifiers().items():
        fitted[name] = classifier.fit(x_train, y_train)
        accuracy[name] = float(np.mean(classifier.predict(x_val) == y_val))
    best = max(PIECE_CLASSIFIERS, key=lambda name: (accuracy[name], -PIECE_CLASSIFIERS.index(name)))
    return best, fitted[best], accuracy


class SegmentAndClassify:
    """The classical pipeline: cut a strip at its empty columns, then classify each piece as one digit.

    :meth:`fit` trains the piece classifier (by default scikit-learn's
    ``LogisticRegression``; pass another, for example the one
    :func:`choose_piece_classifier` picks) on the 64 pixels of each training
    image, cut to its inked columns and centred, the way :meth:`transcribe`
    presents each piece of a strip. With ``split_wide=True`` a piece wider
    than a digit (digits that touch leave no empty column between them) is
    first cut into ``n = round(width / digit_width_)`` pieces, where
    ``digit_width_`` is the training digits' mean inked width: each cut goes
    to the column with the least ink (the projection profile's minimum)
    within two columns of the cut that would make the ``n`` pieces equally
    wide, since digits that touch meet where there is little ink.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``, as the
    baseline; exercise 37's check computes its bar with it.

    Args:
        split_wide: Whether to cut wide pieces (see above).
        classifier: An unfitted scikit-learn classifier (``fit``/``predict``), or None for a logistic regression.

    Example:
        >>> from utils.datasets import load_handwritten_digits
        >>> images, labels = load_handwritten_digits()
        >>> split = split_digit_images(labels)
        >>> pipeline = SegmentAndClassify().fit(images[split.train], labels[split.train])
        >>> strips = make_strips(images[split.test], labels[split.test], 3, seed=1)
        >>> [d.tolist() for d in strips.digits] == [t.tolist() for t in pipeline.transcribe(strips.frames)]
        True
    """

    def __init__(self, split_wide: bool = True, classifier: object = None):
        if not isinstance(split_wide, (bool, np.bool_)):
            raise TypeError(f"split_wide must be True or False; received {split_wide!r} ({type(split_wide).__name__}).")
        if classifier is not None and not (hasattr(classifier, "fit") and hasattr(classifier, "predict")):
            raise TypeError(
                f"classifier must be a scikit-learn classifier with fit and predict (or None for a logistic "
                f"regression); received {type(classifier).__name__}."
            )
        self.split_wide = bool(split_wide)
        self.classifier = classifier
        self.classifier_ = None
        self.digit_width_ = math.nan

    def fit(self, images: np.ndarray, labels: np.ndarray) -> SegmentAndClassify:
        """Train the piece classifier on digit images ``(n, 8, 8)``, values 0..16, and their labels; returns ``self``.

        Raises:
            ValueError: If the images or labels have the wrong shape or values (as :func:`make_strips` says).
        """
        images, labels = _check_images(images, labels)
        if self.classifier is None:
            from sklearn.linear_model import LogisticRegression  # loaded on use

            classifier = LogisticRegression(max_iter=3000)
        else:
            from sklearn.base import clone

            classifier = clone(self.classifier)
        self.digit_width_ = float(np.mean([_inked(image).shape[1] for image in images]))
        self.classifier_ = classifier.fit(digit_pixels(images), labels)
        return self

    def _cut_wide(self, piece: np.ndarray) -> list[np.ndarray]:
        count = max(1, round(len(piece) / self.digit_width_))
        ink = piece.sum(axis=1)
        cuts, previous = [], 0
        for k in range(1, count):
            even = round(k * len(piece) / count)
            low, high = max(previous + 1, even - 2), min(len(piece) - (count - k), even + 2)
            window = np.arange(low, high + 1)
            cut = int(window[np.argmin(ink[window])]) if len(window) else even
            cuts.append(cut)
            previous = cut
        return np.split(piece, cuts)

    def pieces(self, frames: np.ndarray) -> list[np.ndarray]:
        """The pieces one strip is cut into, left to right: at empty columns, then (``split_wide``) at low-ink columns."""
        pieces = split_at_blank_columns(frames)
        if not self.split_wide:
            return pieces
        if self.classifier_ is None:
            raise ValueError("call fit(images, labels) first: the width a digit takes is learned from the training images.")
        return [part for piece in pieces for part in self._cut_wide(piece)]

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
        pieces = [self.pieces(strip) for strip in frames]
        counts = [len(p) for p in pieces]
        flat = [_piece_pixels(piece) for strip in pieces for piece in strip]
        read = self.classifier_.predict(np.array(flat)).astype(np.int64) if flat else np.zeros(0, np.int64)
        return np.split(read, np.cumsum(counts)[:-1]) if counts else []


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


def _length_order(frame_counts: np.ndarray, batch_size: int, rng: np.random.Generator) -> np.ndarray:
    """Shuffle, then sort each group of eight batches by length: neighbours in the order have similar lengths."""
    shuffled = rng.permutation(len(frame_counts))
    group = 8 * batch_size
    return np.concatenate([sorted(shuffled[g:g + group], key=lambda i: frame_counts[i])
                           for g in range(0, len(shuffled), group)])


#: Targets are padded to this many digits in every batch (``make_strips``' largest default count).
_TARGET_WIDTH = 6


def _make_length_batches() -> type:
    import keras  # loaded on first use, so that importing utils stays free of TensorFlow

    class LengthBatches(keras.utils.PyDataset):
        """Batches of strips of similar length for ``fit``, each padded only to its own longest strip.

        Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

        The strips are shuffled, each group of eight batches is sorted by
        length, and every batch is padded with :func:`pad_strips`; targets are
        padded with the blank to ``max(6, most digits)`` columns so that every
        batch has the same target shape. Each epoch visits the batches in a
        new order. A ``PyDataset`` is what ``fit`` draws batches from:
        ``__len__`` is the number of batches, ``__getitem__(i)`` returns batch
        ``i`` as ``(inputs, targets)``, and ``on_epoch_end`` runs after every epoch.

        Args:
            strips: What :func:`make_strips` returns.
            batch_size: Strips per batch (>= 1).
            seed: Seeds the shuffling.

        Raises:
            TypeError: If ``strips`` is not a :class:`Strips` or a size or seed is not an integer.
            ValueError: If ``strips`` is empty or ``batch_size`` < 1.

        Example:
            >>> from utils.transcription import LengthBatches  # made on first use (see the module's __getattr__)
            >>> strips = Strips([np.ones((n, 8), np.float32) for n in (5, 9, 6)], [np.array([1])] * 3, [np.array([0])] * 3)
            >>> batches = LengthBatches(strips, 2, seed=0)
            >>> len(batches), sorted(x.shape[1] for x, _ in batches.batches), batches[0][1].shape[1]
            (2, [6, 9], 6)
        """

        def __init__(self, strips: Strips, batch_size: int, seed: int):
            super().__init__()
            strips = _check_strips(strips)
            batch_size = _check_int(batch_size, "batch_size", 1)
            self.rng = np.random.default_rng(_check_int(seed, "seed", 0))
            order = _length_order(np.array([len(f) for f in strips.frames]), batch_size, self.rng)
            width = max(_TARGET_WIDTH, max(len(d) for d in strips.digits))
            self.batches = []
            for b in range(0, len(order), batch_size):
                x, _, targets, _ = pad_strips(Strips(*([part[i] for i in order[b:b + batch_size]] for part in strips)))
                self.batches.append((x, np.pad(targets, ((0, 0), (0, width - targets.shape[1])))))
            self.order = self.rng.permutation(len(self.batches))

        def __len__(self) -> int:
            return len(self.batches)

        def __getitem__(self, index: int):
            return self.batches[self.order[index]]

        def on_epoch_end(self) -> None:
            self.order = self.rng.permutation(len(self.batches))

    return LengthBatches


_LENGTH_BATCHES: type | None = None


def __getattr__(name: str):
    """``LengthBatches`` subclasses Keras's ``PyDataset``: made on first use, so this module imports without Keras."""
    global _LENGTH_BATCHES
    if name == "LengthBatches":
        if _LENGTH_BATCHES is None:
            _LENGTH_BATCHES = _make_length_batches()
        return _LENGTH_BATCHES
    raise AttributeError(f"module 'utils.transcription' has no attribute {name!r}")


def scores_by_length(model, strips: Strips, groups: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """A model's scores for strips, computed as :class:`LengthBatches` trains: in groups of similar length.

    Introduced in ``notebooks/36_transcribing_without_alignments.ipynb``.

    The strips are sorted by length and split into ``groups`` groups; each is
    padded only to its own longest strip and passed to ``model`` directly
    (not through ``predict``, so groups of different lengths do not retrace
    a graph each time). Scores after a strip's last frame are zero.

    Args:
        model: A callable (a Keras model) mapping ``(strips, frames, 8)`` to ``(strips, frames, classes)``.
        strips: What :func:`make_strips` returns.
        groups: How many groups of similar length (>= 1; fewer if there are fewer strips).

    Returns:
        ``(scores, frame_counts)``: float32 ``(n, longest strip, classes)`` and int32 ``(n,)``.

    Raises:
        TypeError: If ``strips`` is not a :class:`Strips`, or ``groups`` not an integer.
        ValueError: If ``groups`` < 1, or the model's output does not have one row of scores per frame.

    Example:
        >>> strips = Strips([np.ones((n, 8), np.float32) for n in (3, 5)], [np.array([1])] * 2, [np.array([0])] * 2)
        >>> scores, frame_counts = scores_by_length(lambda x: np.ones((*x.shape[:2], 11)), strips)
        >>> scores.shape, frame_counts.tolist(), float(scores[0, 3:].sum())
        ((2, 5, 11), [3, 5], 0.0)
    """
    strips = _check_strips(strips)
    groups = _check_int(groups, "groups", 1)
    x, frame_counts, _, _ = pad_strips(strips)
    order = np.argsort(frame_counts, kind="stable")
    scores = None
    for group in np.array_split(order, min(groups, len(order))):
        width = int(frame_counts[group].max())
        part = np.asarray(model(x[group, :width]), dtype=np.float32)
        if part.ndim != 3 or part.shape[:2] != (len(group), width):
            raise ValueError(
                f"the model must give one row of scores per frame, shape ({len(group)}, {width}, classes) for strips "
                f"of shape {x[group, :width].shape}; received shape {part.shape}. Keep return_sequences=True and end "
                "with a Dense layer of one unit per class."
            )
        if scores is None:
            scores = np.zeros((*x.shape[:2], part.shape[2]), np.float32)
        scores[group, :width] = part
    scores[np.arange(scores.shape[1])[np.newaxis, :] >= frame_counts[:, np.newaxis]] = 0.0  # after each strip's end
    return scores, frame_counts
