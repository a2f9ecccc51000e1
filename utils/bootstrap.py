"""The block bootstrap: how far a mean over overlapping forecast windows could move.

Why this module exists: neighbouring forecast windows share most of their
hours, so resampling single windows makes an interval too narrow. Lesson 24
(``notebooks/24_weather_forecasting.ipynb``) explains the remedy, resampling
whole blocks of neighbours, and uses it for a paired comparison and for bands
per lead time; lesson 26 (``notebooks/26_how_far_to_trust_a_forecast.ipynb``)
uses it again for biases, coverages and scores. One implementation serves both.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["block_bootstrap_means"]


def block_bootstrap_means(values: np.ndarray, hours: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """The mean of ``values`` in each of ``draws`` resamples of non-overlapping blocks of ``hours`` neighbours.

    ``values`` is cut, in order, into ``len(values) // hours`` blocks of
    (nearly) equal size (``np.array_split``); each resample draws that many
    blocks with replacement. Drawing blocks with replacement is the same as
    drawing how often each block is drawn (a multinomial count), so all
    resamples are computed at once: each mean is the drawn blocks' summed
    values over their summed sizes.

    Introduced in ``notebooks/24_weather_forecasting.ipynb``.

    Args:
        values: Windows first, shape ``(windows,)`` or ``(windows, ...)``, for
            example a per-window loss difference or errors by lead time.
        hours: Neighbours per block (1 resamples single windows).
        draws: How many resamples.
        rng: A NumPy ``Generator``; pass the lesson's, so runs repeat.

    Returns:
        float64 array of shape ``(draws,)`` plus ``values``' trailing axes.
        ``np.percentile(result, [2.5, 97.5], axis=0)`` is a 95 % interval.

    Raises:
        TypeError: If ``hours`` or ``draws`` is not an integer, or ``rng`` is not a ``Generator``.
        ValueError: If ``values`` is empty, holds NaN or infinities, or has fewer windows than ``hours``.

    Example:
        >>> means = block_bootstrap_means(np.arange(48.0), 24, 1000, np.random.default_rng(0))
        >>> means.shape, sorted(set(np.round(means, 1).tolist()))  # two day-long blocks: means of 11.5, 23.5 or 35.5
        ((1000,), [11.5, 23.5, 35.5])
    """
    for name, value in (("hours", hours), ("draws", draws)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer; received {name}={value!r} ({type(value).__name__}).")
        if value < 1:
            raise ValueError(f"{name} must be >= 1; received {name}={value}.")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator; received {type(rng).__name__}. Pass np.random.default_rng(SEED)."
        )
    values = np.asarray(values, dtype=float)
    if values.ndim == 0 or len(values) == 0:
        raise ValueError(f"values must hold at least one window; received shape {values.shape}.")
    if not np.isfinite(values).all():
        raise ValueError("values holds NaN or infinite values; score only the windows with a reported target.")
    if len(values) < hours:
        raise ValueError(
            f"values has {len(values)} windows, fewer than one block of {hours}; pass shorter blocks or more windows."
        )
    blocks = np.array_split(np.arange(len(values)), len(values) // hours)
    sums, sizes = np.stack([values[b].sum(axis=0) for b in blocks]), np.array([len(b) for b in blocks])
    counts = rng.multinomial(len(blocks), np.full(len(blocks), 1 / len(blocks)), size=draws)  # times each block is drawn
    return np.tensordot(counts, sums, axes=1) / (counts @ sizes).reshape(-1, *[1] * (values.ndim - 1))
