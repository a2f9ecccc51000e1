"""Lesson 24's JFK forecasting windows, built in one call.

Why this module exists: lesson 24 (``notebooks/24_weather_forecasting.ipynb``)
teaches, step by step and inline, how a real hourly record becomes forecasting
windows: load it, turn the wind into a vector, carry short gaps forward (so an
input holds only what was known at its hour), add a flag for carried hours and
the time of day and year as sine and cosine, split by date (70 % training,
20 % validation, 10 % test), normalise with the training period only, cut
48-hour windows with the 24 hours after each as targets, and keep only the
windows whose target hours were all reported. Lesson 26 (how far to trust a
forecast) studies the errors of lesson 24's forecasters on exactly those
windows; :func:`weather_windows` computes them the same way, so that lesson 26
need not repeat the teaching, and its tests check that the windows equal what
``keras.utils.timeseries_dataset_from_array`` cuts in lesson 24.

Introduced in lesson 26 (``notebooks/26_how_far_to_trust_a_forecast.ipynb``).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from utils.datasets import _check_positive_int
from utils.weather import fill_gaps, load_nyc_weather

__all__ = ["FEATURES", "SPLIT", "WeatherWindows", "WindowSet", "weather_windows"]

#: Every feature column lesson 24 builds, in its order: the measurements (wind as a vector), the 0/1 flag of hours
#: with a carried reading, and the hour of the day and the day of the year as sine and cosine.
FEATURES = ("temp", "dewp", "humid", "precip", "pressure", "visib", "wind_x", "wind_y", "filled",
            "day_sin", "day_cos", "year_sin", "year_cos")

#: Where the periods end, as fractions of the record's hours: training up to 70 %, validation up to 90 %, then test.
SPLIT = (0.7, 0.9)


class WindowSet(NamedTuple):
    """The windows of one period."""

    x: np.ndarray
    """Inputs, ``(windows, in_hours, len(columns))``, float32, normalised with the training period's statistics."""
    y: np.ndarray
    """Targets, ``(windows, out_hours)``, float32: the reported temperature (°F) of the hours after each window."""
    origin: np.ndarray
    """Each window's forecast origin (its last input hour) as a row of the whole record (``features.index``)."""


class WeatherWindows(NamedTuple):
    """Lesson 24's record, statistics and windows."""

    train: WindowSet
    validation: WindowSet
    test: WindowSet
    columns: list[str]
    """The feature columns of ``x``, in order."""
    features: pd.DataFrame
    """Every column of :data:`FEATURES`, gaps carried forward, not normalised (lesson 24's ``weather``)."""
    measured: pd.DataFrame
    """The measurements before filling, NaN where missing (lesson 24's ``measured``)."""
    mean: pd.Series
    """Each feature's mean over the training period."""
    std: pd.Series
    """Each feature's standard deviation over the training period (pandas' default, ddof=1)."""
    bounds: dict[str, tuple[int, int]]
    """Each period's first row and the row after its last, in the whole record."""


def _windows(values: np.ndarray, temperature: np.ndarray, first_row: int, in_hours: int, out_hours: int,
             stride: int) -> WindowSet:
    """Lesson 24's ``windows``: inputs from the period without its last ``out_hours`` hours, targets from the period
    without its first ``in_hours``, every ``stride``-th start, windows with an unreported target hour dropped."""
    inputs = np.lib.stride_tricks.sliding_window_view(values[:-out_hours], in_hours, axis=0)[::stride]
    targets = np.lib.stride_tricks.sliding_window_view(temperature[in_hours:], out_hours)[::stride]
    x = np.ascontiguousarray(inputs.transpose(0, 2, 1))  # (windows, features, hours) -> (windows, hours, features)
    origin = first_row + in_hours - 1 + stride * np.arange(len(x))
    reported = ~np.isnan(targets).any(axis=1)
    return WindowSet(x[reported], np.ascontiguousarray(targets[reported]), origin[reported])


def weather_windows(
    station: str = "JFK",
    columns: list[str] | tuple[str, ...] | None = None,
    *,
    in_hours: int = 48,
    out_hours: int = 24,
    max_gap_hours: int = 12,
    train_stride: int = 2,
    data_dir: str | Path | None = None,
) -> WeatherWindows:
    """Lesson 24's forecasting windows: ``in_hours`` of weather in, the next ``out_hours`` of temperature out.

    The steps, as lesson 24 takes them: :func:`~utils.weather.load_nyc_weather`; drop the gust speed; wind speed
    and direction become the vector ``wind_x``, ``wind_y``; :func:`~utils.weather.fill_gaps` carries readings
    forward over gaps up to ``max_gap_hours``; ``filled`` is 1 where some reading was carried; ``day_sin``,
    ``day_cos`` (the UTC hour) and ``year_sin``, ``year_cos`` (the day of the year over 365.25 days). The first
    70 % of the hours train, the next 20 % validate, the last 10 % test (:data:`SPLIT`); every feature is
    normalised with the training period's mean and standard deviation; each period is windowed on its own, the
    training period every ``train_stride``-th hour, the others every hour; a window whose targets include an hour
    the station never reported is dropped. The targets are the temperatures as reported, in °F.

    Args:
        station: ``"EWR"``, ``"JFK"`` or ``"LGA"``.
        columns: The feature columns of the inputs, a subset of :data:`FEATURES`, in the order given; all of them
            when omitted. Lesson 24 chose, on validation, every column but ``filled``.
        in_hours: Hours of input per window (>= 1).
        out_hours: Hours of temperature to forecast after each window (>= 1).
        max_gap_hours: The longest gap to carry a reading over, in hours (>= 1).
        train_stride: Hours between the starts of neighbouring training windows (>= 1).
        data_dir: The folder with the data file and ``SHA256SUMS``; the course's ``data/`` when omitted.

    Returns:
        A :class:`WeatherWindows`: ``train``, ``validation`` and ``test`` windows (each ``x``, ``y``, ``origin``),
        the ``columns``, the filled ``features`` frame, the ``measured`` frame, the training ``mean`` and ``std``
        and each period's ``bounds``.

    Raises:
        TypeError: If ``columns`` is not a list or tuple of strings, or a whole-number argument is not an int.
        ValueError: If ``columns`` is empty, repeats a column or names one that is not in :data:`FEATURES`; if a
            whole-number argument is below 1; if ``in_hours + out_hours`` is longer than the test period; or if
            :func:`~utils.weather.load_nyc_weather` or :func:`~utils.weather.fill_gaps` refuses (an unknown station,
            a gap longer than ``max_gap_hours``).

    Example:
        >>> windows = weather_windows("JFK")
        >>> [len(windows.train.y), len(windows.validation.y), len(windows.test.y)]
        [2935, 1549, 802]
        >>> windows.test.x.shape, windows.test.y.shape
        ((802, 48, 13), (802, 24))
    """
    if columns is None:
        columns = list(FEATURES)
    elif not isinstance(columns, list | tuple) or not all(isinstance(c, str) for c in columns):
        raise TypeError(
            f"columns must be a list of column names (strings), such as {list(FEATURES[:3])}; received "
            f"{type(columns).__name__} {columns!r}."
        )
    columns = list(columns)
    if not columns:
        raise ValueError(f"columns is empty; name at least one of {list(FEATURES)}, or omit it for all of them.")
    unknown = [c for c in columns if c not in FEATURES]
    if unknown:
        raise ValueError(f"columns {unknown} are not features of the windows; choose from {list(FEATURES)}.")
    if len(set(columns)) < len(columns):
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        raise ValueError(f"columns names {repeated} more than once; name each column once.")
    in_hours = _check_positive_int(in_hours, "in_hours")
    out_hours = _check_positive_int(out_hours, "out_hours")
    max_gap_hours = _check_positive_int(max_gap_hours, "max_gap_hours")
    train_stride = _check_positive_int(train_stride, "train_stride")

    data, _ = load_nyc_weather(station, data_dir)
    n = len(data)
    train_end, val_end = int(n * SPLIT[0]), int(n * SPLIT[1])
    if in_hours + out_hours > n - val_end:
        raise ValueError(
            f"in_hours + out_hours = {in_hours + out_hours} hours is longer than the test period ({n - val_end} "
            "hours), so it holds no window; shorten in_hours or out_hours."
        )

    weather = data.drop(columns=["wind_gust"])
    direction = np.deg2rad(weather.pop("wind_dir"))
    speed = weather.pop("wind_speed")
    weather["wind_x"] = speed * np.cos(direction)
    weather["wind_y"] = speed * np.sin(direction)
    measured = weather.copy()
    weather = fill_gaps(measured, max_gap_hours=max_gap_hours, method="carry")
    weather["filled"] = measured.isna().any(axis=1).astype(float)
    hour, day_of_year = weather.index.hour.to_numpy(), weather.index.day_of_year.to_numpy()
    weather["day_sin"], weather["day_cos"] = np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24)
    weather["year_sin"] = np.sin(2 * np.pi * day_of_year / 365.25)
    weather["year_cos"] = np.cos(2 * np.pi * day_of_year / 365.25)

    mean, std = weather.iloc[:train_end].mean(), weather.iloc[:train_end].std()
    values = ((weather - mean) / std)[columns].to_numpy("float32")
    temperature = measured["temp"].to_numpy("float32")  # as reported: NaN where the station sent nothing
    bounds = {"train": (0, train_end), "validation": (train_end, val_end), "test": (val_end, n)}
    sets = {
        name: _windows(values[lo:hi], temperature[lo:hi], lo, in_hours, out_hours,
                       train_stride if name == "train" else 1)
        for name, (lo, hi) in bounds.items()
    }
    return WeatherWindows(sets["train"], sets["validation"], sets["test"], columns, weather, measured, mean, std,
                          bounds)
