"""Toy time series, windows, a chronological split and a scaler for forecasting.

Why this module exists: ``notebooks/21_sine_wave_forecaster.ipynb`` teaches
forecasting on a sine wave, and every forecasting lesson needs the same four
steps before a model sees any data. Done by hand they are where most silent bugs hide (a window that is
off by one, a test set that leaks into training, a scaler fitted on the whole
series), so each step is shown once in a lesson and then reused from here:

* :func:`sine_wave` and :func:`cosine_wave` make the series;
* :func:`chronological_split` cuts it into train, validation and test parts
  in time order, never shuffled;
* :class:`SeriesScaler` standardises with statistics of the training part
  only;
* :func:`make_windows` turns a series into ``(x, y)`` pairs shaped
  ``(n, window, num_features)`` and ``(n, num_features)``, the shape a Keras
  LSTM expects.

It also loads the real sequence-classification data shipped in ``data/``
(``notebooks/31_sequence_classification.ipynb``):
:func:`load_italy_power_demand` and :func:`load_japanese_vowels` verify each
file's SHA-256 before reading it and name the file and line of any damage, as
:func:`load_handwritten_digits` does for the 8 x 8 handwritten digits.

Every function checks its input first and says what it received, what it
expected and how to fix it. The checks live in :func:`_as_series` and its
helpers, which :mod:`utils.baselines` and :mod:`utils.forecasting` share.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from utils.data import DATA_DIR, RESTORE, read_csv_text, verify_data_file

__all__ = [
    "HANDWRITTEN_DIGITS_COLUMNS",
    "ITALY_POWER_COLUMNS",
    "JAPANESE_VOWELS_COLUMNS",
    "SeriesScaler",
    "Split",
    "adding_problem",
    "chronological_split",
    "cosine_wave",
    "load_handwritten_digits",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "mackey_glass",
    "make_windows",
    "sine_wave",
]


# --- Shared argument checks ---------------------------------------------------------------


def _check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1, else raise a clear error.

    ``True`` and ``False`` are rejected: ``window=True`` is almost always a
    slip, not a request for windows of one step.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer; received {name}={value!r} ({type(value).__name__}). "
            f"Pass a whole number of time steps, e.g. {name}=10."
        )
    if value < 1:
        raise ValueError(
            f"{name} must be >= 1; received {name}={value}. Pass a positive number of time steps."
        )
    return int(value)


def _check_real(value: object, name: str) -> float:
    """Return ``value`` as a finite ``float``, else raise a clear error (bools are rejected)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; received {name}={value!r} ({type(value).__name__}).")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; received {name}={value}.")
    return float(value)


def _check_seed(seed: object) -> int:
    """Return ``seed`` if it is an integer (not a bool), else raise a clear TypeError."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer; received seed={seed!r} ({type(seed).__name__}).")
    return int(seed)


def _as_numeric(value: object, name: str) -> np.ndarray:
    """Turn ``value`` into a non-empty, finite, floating NumPy array or raise a clear error.

    Floating arrays keep their dtype (float32 stays float32, the dtype Keras
    uses); integer arrays become float64. Booleans, strings, objects, complex
    numbers and dates are rejected.
    """
    if value is None:
        raise TypeError(f"{name} must be an array of numbers; received None.")
    array = np.asarray(value)
    if array.dtype.kind in "iu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(
            f"{name} must hold real numbers; received an array of dtype {array.dtype}"
            + (" (True/False values)" if array.dtype.kind == "b" else "")
            + f". Convert it first, e.g. np.asarray({name}, dtype='float64')."
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one value.")
    finite = np.isfinite(array)
    if not finite.all():
        bad = int(array.size - np.count_nonzero(finite))
        first = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s), the first at index "
            f"{first[0] if len(first) == 1 else first}. Fill or drop the missing values "
            "first (for example with pandas' interpolate() or dropna())."
        )
    return array


def _as_series(series: object, name: str = "series") -> np.ndarray:
    """Check a raw time series and return it as a 2-D ``(length, num_features)`` float array.

    A 1-D series of shape ``(length,)`` becomes ``(length, 1)``. A 3-D array
    is rejected with a hint: it is almost always windows passed where the raw
    series was expected.
    """
    array = _as_numeric(series, name)
    if array.ndim == 1:
        return array[:, np.newaxis]
    if array.ndim == 2:
        return array
    if array.ndim == 0:
        raise ValueError(
            f"{name} must be a time series of shape (length,) or (length, num_features); "
            f"received a single number ({array.item()!r}). Pass the whole series."
        )
    raise ValueError(
        f"{name} must be a time series of shape (length,) or (length, num_features); "
        f"received {array.ndim}-D shape {array.shape}. Pass the raw series, not windows "
        "(make_windows returns windows shaped (n, window, num_features))."
    )


# --- Toy series ----------------------------------------------------------------------------


def _wave(function, length, dt, start, amplitude, noise_std, seed) -> np.ndarray:
    length = _check_positive_int(length, "length")
    dt = _check_real(dt, "dt")
    if dt <= 0:
        raise ValueError(f"dt must be > 0; received dt={dt}. It is the time between two steps, e.g. dt=0.1.")
    start = _check_real(start, "start")
    amplitude = _check_real(amplitude, "amplitude")
    noise_std = _check_real(noise_std, "noise_std")
    if noise_std < 0:
        raise ValueError(
            f"noise_std must be >= 0; received noise_std={noise_std}. It is a standard "
            "deviation: use 0 for a clean wave."
        )
    seed = _check_seed(seed)
    values = amplitude * function(start + dt * np.arange(length, dtype=np.float64))
    if noise_std > 0:
        values = values + np.random.default_rng(seed).normal(0.0, noise_std, length)
    return values


def sine_wave(
    length: int,
    *,
    dt: float = 0.1,
    start: float = 0.0,
    amplitude: float = 1.0,
    noise_std: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A sampled sine wave, optionally with Gaussian noise: the course's first series.

    Step ``t`` holds ``amplitude * sin(start + dt * t)`` plus noise drawn with
    ``np.random.default_rng(seed).normal(0, noise_std, length)``; no noise is
    drawn when ``noise_std == 0``. With the defaults one period is
    ``2 * pi / 0.1``, about 62.8 steps.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        length: Number of time steps, >= 1.
        dt: Time between two steps (radians of the sine), > 0.
        start: Phase of the first step.
        amplitude: Height of the wave.
        noise_std: Standard deviation of the added noise, >= 0.
        seed: Seed of the noise, so the same call gives the same series.

    Returns:
        A float64 array of shape ``(length,)``.

    Raises:
        TypeError: If ``length`` or ``seed`` is not an integer, or another
            argument is not a real number.
        ValueError: If ``length < 1``, ``dt <= 0``, ``noise_std < 0`` or a
            number is not finite.

    Example:
        >>> wave = sine_wave(100)
        >>> wave.shape, wave.dtype
        ((100,), dtype('float64'))
        >>> bool(np.allclose(wave, np.sin(np.linspace(0.0, 9.9, 100))))
        True
        >>> noisy = sine_wave(100, noise_std=0.1, seed=1)
        >>> bool(np.array_equal(noisy, sine_wave(100, noise_std=0.1, seed=1)))  # reproducible
        True
    """
    return _wave(np.sin, length, dt, start, amplitude, noise_std, seed)


def cosine_wave(
    length: int,
    *,
    dt: float = 0.1,
    start: float = 0.0,
    amplitude: float = 1.0,
    noise_std: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A sampled cosine wave, optionally with Gaussian noise.

    Exactly :func:`sine_wave` with ``cos`` instead of ``sin``: step ``t``
    holds ``amplitude * cos(start + dt * t)`` plus optional noise.

    Introduced in ``notebooks/22_exercise_cosine_wave.ipynb``.

    Args:
        length: Number of time steps, >= 1.
        dt: Time between two steps (radians), > 0.
        start: Phase of the first step.
        amplitude: Height of the wave.
        noise_std: Standard deviation of the added noise, >= 0.
        seed: Seed of the noise.

    Returns:
        A float64 array of shape ``(length,)``.

    Raises:
        TypeError: If ``length`` or ``seed`` is not an integer, or another
            argument is not a real number.
        ValueError: If ``length < 1``, ``dt <= 0``, ``noise_std < 0`` or a
            number is not finite.

    Example:
        >>> cosine_wave(3, dt=np.pi / 2, amplitude=2.0).round(12)
        array([ 2.,  0., -2.])
        >>> bool(np.allclose(cosine_wave(50), sine_wave(50, start=np.pi / 2)))
        True
    """
    return _wave(np.cos, length, dt, start, amplitude, noise_std, seed)


def mackey_glass(
    length: int,
    *,
    tau: float = 17.0,
    beta: float = 0.2,
    gamma: float = 0.1,
    n: float = 10.0,
    dt: float = 0.1,
    sample_every: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """The Mackey–Glass delay equation, sampled: a nonlinear, chaotic benchmark series.

    Integrates ``dx/dt = beta * x(t - tau) / (1 + x(t - tau) ** n) - gamma * x(t)``
    with Euler steps of ``dt``, starting from a history ``1.2 + U(-0.2, 0.2)``
    drawn with ``np.random.default_rng(seed)``, discards the first 1,000 time
    units (the start-up transient) and returns one value every ``sample_every``
    time units. With ``tau = 17`` the series is chaotic: the classic test of
    recurrent networks since Lapedes & Farber (1987).

    Introduced in the weather-forecasting lesson (``notebooks/24_weather_forecasting.ipynb``),
    where a linear autoregression fails on it and nonlinear models do not.

    Args:
        length: Number of samples, >= 1.
        tau: The delay, > 0.
        beta, gamma, n: The equation's constants (> 0).
        dt: Euler step, > 0; ``tau`` and ``sample_every`` must be whole multiples of it.
        sample_every: Time between two returned samples, > 0.
        seed: Seed of the initial history.

    Returns:
        A float64 array of shape ``(length,)``.

    Raises:
        TypeError: If ``length`` or ``seed`` is not an integer, or another argument is not a real number.
        ValueError: If a value is out of range or ``tau``/``sample_every`` are not multiples of ``dt``.

    Example:
        >>> series = mackey_glass(500)
        >>> series.shape, bool(0.2 < series.min() < series.max() < 1.5)
        ((500,), True)
        >>> bool(np.array_equal(series, mackey_glass(500)))  # reproducible
        True
    """
    length = _check_positive_int(length, "length")
    values = {name: _check_real(value, name) for name, value in
              (("tau", tau), ("beta", beta), ("gamma", gamma), ("n", n), ("dt", dt), ("sample_every", sample_every))}
    for name, value in values.items():
        if value <= 0:
            raise ValueError(f"{name} must be > 0; received {name}={value}.")
    seed = _check_seed(seed)
    lag, per = values["tau"] / values["dt"], values["sample_every"] / values["dt"]
    if abs(lag - round(lag)) > 1e-9 or abs(per - round(per)) > 1e-9:
        raise ValueError(
            f"tau and sample_every must be whole multiples of dt; received tau={tau}, sample_every={sample_every}, "
            f"dt={dt}. Use e.g. dt=0.1 with tau=17."
        )
    lag, per = round(lag), round(per)
    burn_in = round(1000 / values["dt"])
    steps = burn_in + length * per
    x = np.empty(lag + 1 + steps)
    x[: lag + 1] = 1.2 + np.random.default_rng(seed).uniform(-0.2, 0.2, lag + 1)
    b, g, p, h = values["beta"], values["gamma"], values["n"], values["dt"]
    for t in range(lag + 1, lag + 1 + steps):  # the delay makes each step depend on one lag back: a plain loop is clearest
        x_lag = x[t - 1 - lag]
        x[t] = x[t - 1] + h * (b * x_lag / (1.0 + x_lag**p) - g * x[t - 1])
    return x[lag + 1 + burn_in :: per][:length].copy()


def adding_problem(num_sequences: int, timesteps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of the adding problem (Hochreiter & Schmidhuber 1997), as lesson 14 makes them.

    Each step carries two features: a value drawn uniformly from ``[0, 1]``
    and a marker that is 1 at exactly two steps, one in each half of the
    sequence, and 0 elsewhere. The target is the sum of the two marked
    values, so a model must keep the first one in memory until the end.

    Introduced in ``notebooks/14_why_lstm_vanishing_gradients.ipynb``, which
    writes it as a notebook function (tests/test_datasets.py checks that the
    two make the same sequences); used by ``notebooks/33_lstm_family.ipynb``
    and exercise 34.

    Args:
        num_sequences: How many sequences, at least 1.
        timesteps: Steps per sequence, at least 2 (one marker per half).
        seed: Seeds the generator: the same seed gives the same sequences.

    Returns:
        ``(x, y)``: ``x`` of shape ``(num_sequences, timesteps, 2)`` and
        ``y`` of shape ``(num_sequences, 1)``, both float32.

    Raises:
        TypeError: If an argument is not an integer.
        ValueError: If ``num_sequences < 1`` or ``timesteps < 2``.

    Example:
        >>> x, y = adding_problem(3, 10, seed=0)
        >>> x.shape, y.shape
        ((3, 10, 2), (3, 1))
        >>> x[:, :, 1].sum(axis=1)  # two markers per sequence
        array([2., 2., 2.], dtype=float32)
        >>> bool(np.allclose(y[:, 0], (x[:, :, 0] * x[:, :, 1]).sum(axis=1)))
        True
    """
    for name, value, least in (("num_sequences", num_sequences, 1), ("timesteps", timesteps, 2), ("seed", seed, 0)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer; received {value!r}. Pass a whole number such as {max(least, 1) * 10}.")
        if value < least:
            why = " (one marker in each half of the sequence)" if name == "timesteps" else ""
            raise ValueError(f"{name} must be >= {least}{why}; received {name}={value}.")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(num_sequences, timesteps))
    markers = np.zeros((num_sequences, timesteps))
    rows = np.arange(num_sequences)
    markers[rows, rng.integers(0, timesteps // 2, size=num_sequences)] = 1.0          # one in the first half
    markers[rows, rng.integers(timesteps // 2, timesteps, size=num_sequences)] = 1.0  # one in the second half
    x = np.stack([values, markers], axis=-1).astype("float32")
    y = (values * markers).sum(axis=1, keepdims=True).astype("float32")
    return x, y


# --- Windows -------------------------------------------------------------------------------


def make_windows(series: np.ndarray, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into every input window and the value ``horizon`` steps after it.

    Window ``i`` holds the steps ``i, i + 1, ..., i + window - 1``, and its
    target is step ``i + window - 1 + horizon``: with ``horizon=1`` the very
    next step. Every window whose target exists is returned, none is dropped,
    so there are ``n = length - window - horizon + 1`` of them.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``, after windowing
    the series by hand; this version uses NumPy's ``sliding_window_view``.

    Args:
        series: The raw series, shape ``(length,)`` for one feature or
            ``(length, num_features)``. Floating types are kept (float32 stays
            float32); integers become float64.
        window: Number of time steps in each input window, >= 1.
        horizon: How many steps after the window's last step the target
            lies, >= 1.

    Returns:
        ``(x, y)``: ``x`` of shape ``(n, window, num_features)`` and ``y`` of
        shape ``(n, num_features)``, new arrays (not views of ``series``).

    Raises:
        TypeError: If ``series`` is not numeric, or ``window`` or ``horizon``
            is not an integer.
        ValueError: If ``series`` is empty, not 1-D or 2-D, contains NaN or
            infinity, or is shorter than ``window + horizon``; or if
            ``window`` or ``horizon`` is < 1.

    Example:
        >>> x, y = make_windows(np.arange(6), window=3)
        >>> x.shape, y.shape  # (n, window, num_features), (n, num_features)
        ((3, 3, 1), (3, 1))
        >>> x[:, :, 0]
        array([[0., 1., 2.],
               [1., 2., 3.],
               [2., 3., 4.]])
        >>> y[:, 0]  # the step right after each window
        array([3., 4., 5.])
        >>> make_windows(np.arange(6), window=3, horizon=2)[1][:, 0]
        array([4., 5.])
    """
    values = _as_series(series, "series")
    window = _check_positive_int(window, "window")
    horizon = _check_positive_int(horizon, "horizon")
    length = values.shape[0]
    if window + horizon > length:
        raise ValueError(
            f"series is too short: length={length} but window={window} and horizon={horizon} "
            f"need at least window + horizon = {window + horizon} steps for a single window. "
            "Use a longer series or a smaller window."
        )
    # sliding_window_view gives (n, num_features, window); move the window axis before the features.
    x = sliding_window_view(values[: length - horizon], window, axis=0).transpose(0, 2, 1)
    y = values[window - 1 + horizon :]
    return np.ascontiguousarray(x), y.copy()


# --- Chronological split -------------------------------------------------------------------


class Split(NamedTuple):
    """Three consecutive parts of one series, in time order: ``train``, ``val``, ``test``."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def _check_fraction(value: object, name: str) -> float:
    fraction = _check_real(value, name)
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"{name} must be between 0 and 1 (exclusive); received {name}={value}. "
            f"It is a share of the series, e.g. {name}=0.15 for 15 %."
        )
    return fraction


def chronological_split(
    series: np.ndarray, train_fraction: float = 0.7, val_fraction: float = 0.15
) -> Split:
    """Split a series into training, validation and test parts, in time order.

    The first ``train_fraction`` of the steps is for training, the next
    ``val_fraction`` for validation and the rest for testing. Nothing is
    shuffled: a model is always tested on a future it has not seen, as it
    would be in use. Part sizes are rounded to the nearest whole step.

    Window each part separately (:func:`make_windows`), so that no window
    straddles two parts.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        series: The raw series, shape ``(length,)`` or ``(length, num_features)``.
        train_fraction: Share of the steps for training, in ``(0, 1)``.
        val_fraction: Share of the steps for validation, in ``(0, 1)``;
            ``train_fraction + val_fraction`` must be < 1 so a test part remains.

    Returns:
        A :class:`Split` ``(train, val, test)`` of new arrays with the shape of
        ``series`` except for their lengths, which add up to the series length.

    Raises:
        TypeError: If ``series`` is not numeric or a fraction is not a number.
        ValueError: If ``series`` is empty, not 1-D or 2-D or not finite, a
            fraction is outside ``(0, 1)``, the fractions add up to 1 or more,
            or a part would be empty.

    Example:
        >>> train, val, test = chronological_split(np.arange(10), train_fraction=0.6, val_fraction=0.2)
        >>> train, val, test
        (array([0., 1., 2., 3., 4., 5.]), array([6., 7.]), array([8., 9.]))
    """
    values = _as_series(series, "series")
    if np.ndim(series) == 1:
        values = values[:, 0]
    train_fraction = _check_fraction(train_fraction, "train_fraction")
    val_fraction = _check_fraction(val_fraction, "val_fraction")
    if train_fraction + val_fraction >= 1.0:
        raise ValueError(
            f"train_fraction + val_fraction must be < 1 so that a test part remains; received "
            f"{train_fraction} + {val_fraction} = {train_fraction + val_fraction:g}. "
            "Make one of them smaller."
        )
    length = values.shape[0]
    train_end = int(np.floor(train_fraction * length + 0.5))  # nearest whole step, halves up
    val_end = int(np.floor((train_fraction + val_fraction) * length + 0.5))
    sizes = {"train": train_end, "val": val_end - train_end, "test": length - val_end}
    empty = [part for part, size in sizes.items() if size == 0]
    if empty:
        raise ValueError(
            f"a series of length {length} split with train_fraction={train_fraction} and "
            f"val_fraction={val_fraction} leaves the {' and '.join(empty)} part(s) empty "
            f"(sizes {sizes}). Use a longer series or change the fractions."
        )
    return Split(values[:train_end].copy(), values[train_end:val_end].copy(), values[val_end:].copy())


# --- Scaling -------------------------------------------------------------------------------


class SeriesScaler:
    """Standardise a series with the mean and standard deviation of its training part.

    ``transform(x) = (x - mean_) / std_``, per feature. Fit it on the
    training split only: statistics of the validation or test part would
    leak the future into training. It then scales anything whose last axis
    is the features: the raw series ``(length, num_features)``, windows
    ``(n, window, num_features)`` and targets or predictions
    ``(n, num_features)``. A 1-D array is taken as a single-feature series.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Attributes:
        mean_: Mean of each feature of the training data, shape ``(num_features,)``.
        std_: Standard deviation of each feature, shape ``(num_features,)``.
        num_features_: Number of features it was fitted on.

    Example:
        >>> train, val, test = chronological_split(np.arange(10.0), 0.5, 0.2)
        >>> scaler = SeriesScaler().fit(train)  # training statistics only
        >>> scaler.mean_, scaler.std_.round(4)
        (array([2.]), array([1.4142]))
        >>> scaler.transform(test).round(4)  # the future is scaled with the past's statistics
        array([3.5355, 4.2426, 4.9497])
        >>> x, y = make_windows(scaler.transform(train), window=3)
        >>> bool(np.allclose(scaler.inverse_transform(y)[:, 0], train[3:]))
        True
    """

    def __repr__(self) -> str:
        if not hasattr(self, "mean_"):
            return "SeriesScaler() (not fitted)"
        return f"SeriesScaler(mean_={self.mean_!r}, std_={self.std_!r})"

    def fit(self, train: np.ndarray) -> SeriesScaler:
        """Learn the mean and standard deviation of each feature of the training series.

        Args:
            train: The training part of the series, ``(length,)`` or
                ``(length, num_features)``.

        Returns:
            The scaler itself, so ``SeriesScaler().fit(train)`` can be chained.

        Raises:
            TypeError: If ``train`` is not numeric.
            ValueError: If ``train`` is empty, not 1-D or 2-D, not finite, or
                a feature is constant (its standard deviation is 0).

        Example:
            >>> SeriesScaler().fit(np.array([[0.0, 10.0], [2.0, 30.0]])).std_
            array([ 1., 10.])
        """
        values = _as_series(train, "train").astype(np.float64)
        constant = [int(i) for i in np.flatnonzero(np.ptp(values, axis=0) == 0)]
        if constant:
            raise ValueError(
                f"train is constant in feature(s) {constant} (standard deviation 0), so a z-score "
                "would divide by zero. Fit on a training part that varies, or drop the constant "
                "feature(s)."
            )
        self.mean_ = values.mean(axis=0)
        self.std_ = values.std(axis=0)
        self.num_features_ = values.shape[1]
        return self

    def _check(self, x: object, name: str) -> np.ndarray:
        if not hasattr(self, "mean_"):
            raise RuntimeError(
                "This SeriesScaler is not fitted yet; call scaler.fit(train) on the training "
                "split first (or use scaler.fit_transform(train))."
            )
        array = _as_numeric(x, name)
        num_features = 1 if array.ndim <= 1 else array.shape[-1]
        if num_features != self.num_features_:
            raise ValueError(
                f"{name} has {num_features} feature(s) in its last axis (shape {array.shape}) but "
                f"the scaler was fitted on {self.num_features_}. Pass arrays whose last axis is "
                "the features: a series (length, num_features), windows (n, window, "
                "num_features) or targets (n, num_features)."
            )
        return array

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardise ``x`` with the training statistics: ``(x - mean_) / std_``.

        Args:
            x: A series, windows or targets whose last axis is the features
                (a 1-D array is a single-feature series).

        Returns:
            A new array of the shape of ``x``; floating dtypes are kept.

        Raises:
            RuntimeError: If the scaler has not been fitted.
            TypeError: If ``x`` is not numeric.
            ValueError: If ``x`` is empty or not finite, or its number of
                features differs from the training data.

        Example:
            >>> SeriesScaler().fit(np.array([1.0, 3.0])).transform(np.array([1.0, 2.0, 5.0]))
            array([-1.,  0.,  3.])
        """
        array = self._check(x, "x")
        return ((array - self.mean_) / self.std_).astype(array.dtype, copy=False)

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform`: ``x * std_ + mean_``, back to the original units.

        Use it on a model's predictions before comparing them with the raw
        series or plotting them.

        Args:
            x: Scaled values whose last axis is the features.

        Returns:
            A new array of the shape of ``x``; floating dtypes are kept.

        Raises:
            RuntimeError: If the scaler has not been fitted.
            TypeError: If ``x`` is not numeric.
            ValueError: If ``x`` is empty or not finite, or its number of
                features differs from the training data.

        Example:
            >>> SeriesScaler().fit(np.array([1.0, 3.0])).inverse_transform(np.array([-1.0, 3.0]))
            array([1., 5.])
        """
        array = self._check(x, "x")
        return (array * self.std_ + self.mean_).astype(array.dtype, copy=False)

    def fit_transform(self, train: np.ndarray) -> np.ndarray:
        """Fit on ``train`` and return it standardised (``fit(train).transform(train)``).

        Args:
            train: The training part of the series.

        Returns:
            ``train`` standardised: mean 0 and standard deviation 1 per feature.

        Raises:
            TypeError: If ``train`` is not numeric.
            ValueError: As :meth:`fit`.

        Example:
            >>> SeriesScaler().fit_transform(np.array([2.0, 4.0, 6.0])).round(4)
            array([-1.2247,  0.    ,  1.2247])
        """
        return self.fit(train).transform(train)


# --- Real data sets shipped in data/ ------------------------------------------------------

#: Columns of ``ItalyPowerDemand_{TRAIN,TEST}.csv``: the label, then 24 hourly readings.
ITALY_POWER_COLUMNS = ("label", *(f"t{hour:02d}" for hour in range(24)))

#: Columns of ``JapaneseVowels_{TRAIN,TEST}.csv``: one row per frame, 12 LPC cepstrum coefficients.
JAPANESE_VOWELS_COLUMNS = ("series", "frame", "label", *(f"c{k:02d}" for k in range(1, 13)))


def _read_course_csv(name: str, columns: tuple[str, ...], data_dir: str | Path | None) -> pd.DataFrame:
    """Verify a data file's checksum, read it, and check every cell is a number.

    Errors name the file, the line (as a text editor counts it, header = line 1)
    and the column, so a damaged file can be found and restored.
    """
    path = verify_data_file(name, DATA_DIR if data_dir is None else data_dir)
    table = read_csv_text(path, columns)
    numbers = table.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
    if bad.to_numpy().any():
        row, column = np.argwhere(bad.to_numpy())[0]
        raise ValueError(
            f"{path} line {row + 2}, column {columns[column]!r} holds {table.iat[row, column]!r}; expected a "
            f"finite number. {RESTORE}"
        )
    return numbers


def _integer_labels(values: pd.Series, path_name: str, num_classes: int) -> np.ndarray:
    """Map the archive's labels 1..num_classes to 0..num_classes-1, checking each one."""
    labels = values.to_numpy(dtype=float)
    valid = (labels == np.round(labels)) & (labels >= 1) & (labels <= num_classes)
    if not valid.all():
        row = int(np.argmin(valid))
        raise ValueError(
            f"{path_name} line {row + 2} has the label '{labels[row]:g}'; expected a whole number from 1 to "
            f"{num_classes}. Restore the original with `git checkout -- data/`."
        )
    return (labels - 1).astype(np.int64)


def load_italy_power_demand(
    data_dir: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load ItalyPowerDemand (UCR archive): 24 hourly demand readings per day, 2 classes.

    Each file is checked against ``data/SHA256SUMS`` first. See
    ``data/README.md`` for the source, licence and preparation.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        data_dir: The folder with the CSV files and ``SHA256SUMS``; the
            course's ``data/`` folder when omitted.

    Returns:
        ``(x_train, y_train, x_test, y_test)``: ``x`` arrays of shape
        ``(days, 24, 1)`` (float32, each day z-normalised by the archive) and
        integer labels 0 or 1 (the archive's classes 1 and 2).

    Raises:
        FileNotFoundError: If a file is missing.
        ValueError: If a file was altered (checksum), or a row is malformed.

    Example:
        >>> x_train, y_train, x_test, y_test = load_italy_power_demand()
        >>> x_train.shape, x_test.shape, np.bincount(y_train).tolist()
        ((67, 24, 1), (1029, 24, 1), [34, 33])
    """
    arrays = []
    for split in ("TRAIN", "TEST"):
        name = f"ItalyPowerDemand_{split}.csv"
        table = _read_course_csv(name, ITALY_POWER_COLUMNS, data_dir)
        x = table.iloc[:, 1:].to_numpy(dtype=np.float32)[:, :, np.newaxis]
        arrays += [x, _integer_labels(table["label"], name, num_classes=2)]
    return tuple(arrays)


def load_japanese_vowels(
    data_dir: str | Path | None = None,
) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray], np.ndarray]:
    """Load JapaneseVowels (UEA archive): 9 speakers, 12 coefficients per frame, 7–29 frames.

    The utterances have different lengths, so ``x`` is a list with one array
    per utterance, not padded: padding (and masking it) is part of the lesson.
    Each file is checked against ``data/SHA256SUMS`` first; see
    ``data/README.md`` for the source, licence and preparation.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        data_dir: The folder with the CSV files and ``SHA256SUMS``; the
            course's ``data/`` folder when omitted.

    Returns:
        ``(x_train, y_train, x_test, y_test)``: ``x`` lists of float32 arrays
        of shape ``(frames, 12)``, and integer speaker labels 0 to 8 (the
        archive's speakers 1 to 9).

    Raises:
        FileNotFoundError: If a file is missing.
        ValueError: If a file was altered (checksum), a row is malformed, or an
            utterance's frames are not numbered 0, 1, 2, ... in order.

    Example:
        >>> x_train, y_train, x_test, y_test = load_japanese_vowels()
        >>> len(x_train), x_train[0].shape, len(x_test), np.bincount(y_test).tolist()
        (270, (20, 12), 370, [31, 35, 88, 44, 29, 24, 40, 50, 29])
    """
    arrays: list = []
    for split in ("TRAIN", "TEST"):
        name = f"JapaneseVowels_{split}.csv"
        table = _read_course_csv(name, JAPANESE_VOWELS_COLUMNS, data_dir)
        labels = _integer_labels(table["label"], name, num_classes=9)
        series_ids = table["series"].to_numpy(dtype=np.int64)
        frames = table["frame"].to_numpy(dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, series_ids[1:] != series_ids[:-1]])
        expected_frames = np.arange(len(frames)) - np.repeat(starts, np.diff(np.r_[starts, len(frames)]))
        same_label = labels == np.repeat(labels[starts], np.diff(np.r_[starts, len(frames)]))
        broken = (frames != expected_frames) | ~same_label
        if broken.any():
            row = int(np.argmax(broken))
            raise ValueError(
                f"{name} line {row + 2}: utterance {series_ids[row]} frame {frames[row]} (label "
                f"{labels[row] + 1}) breaks the layout; expected frames numbered 0, 1, 2, ... with one label per "
                "utterance. Restore the original with `git checkout -- data/`."
            )
        values = table.iloc[:, 3:].to_numpy(dtype=np.float32)
        arrays += [np.split(values, starts[1:]), labels[starts]]
    return tuple(arrays)


#: Columns of ``handwritten_digits_8x8.csv``: the digit, then the 64 pixels row by row.
HANDWRITTEN_DIGITS_COLUMNS = ("label", *(f"p{k:02d}" for k in range(64)))


def load_handwritten_digits(data_dir: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load the UCI 8 x 8 handwritten digits (the images scikit-learn's ``load_digits`` holds).

    The file is checked against ``data/SHA256SUMS`` first, then every value:
    a pixel must be a whole number from 0 to 16 (the count of on-pixels in a
    4 x 4 block of the original 32 x 32 bitmap) and a label a digit from 0 to
    9. See ``data/README.md`` for the source, licence and preparation.

    Args:
        data_dir: The folder with the CSV file and ``SHA256SUMS``; the
            course's ``data/`` folder when omitted.

    Returns:
        ``(images, labels)``: float32 images of shape ``(1797, 8, 8)`` with
        the file's values (0 to 16, not rescaled), and int64 labels 0 to 9.

    Introduced in ``notebooks/33_lstm_family.ipynb`` (an LSTM reads each image row by row).

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If the file was altered (checksum), or a row is malformed
            or holds a value out of range (the message names the line and column).

    Example:
        >>> images, labels = load_handwritten_digits()
        >>> images.shape, images.dtype, int(images.max()), np.bincount(labels).tolist()
        ((1797, 8, 8), dtype('float32'), 16, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    """
    name = "handwritten_digits_8x8.csv"
    table = _read_course_csv(name, HANDWRITTEN_DIGITS_COLUMNS, data_dir)
    values = table.to_numpy(dtype=float)
    upper = np.r_[9.0, np.full(64, 16.0)]
    valid = (values == np.round(values)) & (values >= 0) & (values <= upper)
    if not valid.all():
        row, column = np.argwhere(~valid)[0]
        expected = "a digit from 0 to 9" if column == 0 else "a whole number from 0 to 16"
        raise ValueError(
            f"{name} line {row + 2}, column {HANDWRITTEN_DIGITS_COLUMNS[column]!r} holds "
            f"'{values[row, column]:g}'; expected {expected}. {RESTORE}"
        )
    images = values[:, 1:].reshape(-1, 8, 8).astype(np.float32)
    return images, values[:, 0].astype(np.int64)
