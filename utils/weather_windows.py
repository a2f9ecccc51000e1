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

__all__ = ["FEATURES", "MAX_WIND_MPH", "NEIGHBOUR_FEATURES", "SPLIT", "WeatherWindows", "WindowSet", "weather_windows"]

#: Every feature column lesson 24 builds, in its order: the measurements (wind as a vector), the 0/1 flag of hours
#: with a carried reading, and the hour of the day and the day of the year as sine and cosine.
FEATURES = ("temp", "dewp", "humid", "precip", "pressure", "visib", "wind_x", "wind_y", "filled",
            "day_sin", "day_cos", "year_sin", "year_cos")

#: The measurements of another station that ``neighbours`` adds to the inputs, each named ``"<station> <column>"``.
NEIGHBOUR_FEATURES = ("temp", "dewp", "pressure", "wind_x", "wind_y")

#: A wind speed above this (mph) is a recording error, not weather (EWR's record holds one of 1,048 mph; the highest
#: true reading at the three airports in 2013 is 42.6 mph): it is treated as missing, like an hour never reported.
MAX_WIND_MPH = 100

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
    periods: tuple[str, str, str | None] | None = None,
    neighbours: tuple[str, ...] = (),
    data_dir: str | Path | None = None,
) -> WeatherWindows:
    """Lesson 24's forecasting windows: ``in_hours`` of weather in, the next ``out_hours`` of temperature out.

    The steps, as lesson 24 takes them: :func:`~utils.weather.load_nyc_weather`; drop the gust speed; wind speed
    and direction become the vector ``wind_x``, ``wind_y``; :func:`~utils.weather.fill_gaps` carries readings
    forward over gaps up to ``max_gap_hours``; ``filled`` is 1 where some reading was carried; ``day_sin``,
    ``day_cos`` (the UTC hour) and ``year_sin``, ``year_cos`` (the day of the year over 365.25 days). The first
    70 % of the hours train, the next 20 % validate, the last 10 % test (:data:`SPLIT`), unless ``periods`` gives
    the dates (lesson 27's rolling origins); every feature is
    normalised with the training period's mean and standard deviation; each period is windowed on its own, the
    training period every ``train_stride``-th hour, the others every hour; a window whose targets include an hour
    the station never reported is dropped. The targets are the temperatures as reported, in °F. A wind speed above
    :data:`MAX_WIND_MPH` counts as missing. ``neighbours`` adds the :data:`NEIGHBOUR_FEATURES` of other stations
    (filled and normalised the same way) after ``columns``, as ``"EWR temp"`` and so on.

    Args:
        station: ``"EWR"``, ``"JFK"`` or ``"LGA"``.
        columns: The feature columns of the inputs, a subset of :data:`FEATURES`, in the order given; all of them
            when omitted. Lesson 24 chose, on validation, every column but ``filled``.
        in_hours: Hours of input per window (>= 1).
        out_hours: Hours of temperature to forecast after each window (>= 1).
        max_gap_hours: The longest gap to carry a reading over, in hours (>= 1).
        train_stride: Hours between the starts of neighbouring training windows (>= 1).
        periods: ``(validation_start, test_start, test_end)``, dates such as ``"2013-07-04"`` (UTC, midnight):
            training is every hour before ``validation_start``, validation the hours from it up to ``test_start``,
            test the hours from ``test_start`` up to ``test_end`` (``None``: the end of the record). Omitted: the
            fractions of :data:`SPLIT`.
        neighbours: Other stations whose :data:`NEIGHBOUR_FEATURES` join the inputs, such as ``("EWR", "LGA")``.
        data_dir: The folder with the data file and ``SHA256SUMS``; the course's ``data/`` when omitted.

    Returns:
        A :class:`WeatherWindows`: ``train``, ``validation`` and ``test`` windows (each ``x``, ``y``, ``origin``),
        the ``columns``, the filled ``features`` frame, the ``measured`` frame, the training ``mean`` and ``std``
        and each period's ``bounds``.

    Raises:
        TypeError: If ``columns`` is not a list or tuple of strings, or a whole-number argument is not an int.
        ValueError: If ``columns`` is empty, repeats a column or names one that is not in :data:`FEATURES`; if a
            whole-number argument is below 1; if ``periods`` is not three dates in order inside the record; if
            ``neighbours`` names the station itself, repeats one or names an unknown station; if
            ``in_hours + out_hours`` is longer than a period; or if
            :func:`~utils.weather.load_nyc_weather` or :func:`~utils.weather.fill_gaps` refuses (an unknown station,
            a gap longer than ``max_gap_hours``).

    Example:
        >>> windows = weather_windows("JFK")
        >>> [len(windows.train.y), len(windows.validation.y), len(windows.test.y)]
        [2935, 1549, 802]
        >>> windows.test.x.shape, windows.test.y.shape
        ((802, 48, 13), (802, 24))
        >>> july = weather_windows("JFK", ["temp"], periods=("2013-06-03", "2013-07-01", "2013-08-01"), neighbours=("LGA",))
        >>> july.columns, july.test.x.shape
        (['temp', 'LGA temp', 'LGA dewp', 'LGA pressure', 'LGA wind_x', 'LGA wind_y'], (673, 48, 6))
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

    if not isinstance(neighbours, list | tuple) or not all(isinstance(s, str) for s in neighbours):
        raise TypeError(f"neighbours must be a tuple of station names such as ('EWR', 'LGA'); received {neighbours!r}.")
    if station in neighbours or len(set(neighbours)) < len(neighbours):
        raise ValueError(f"neighbours {tuple(neighbours)!r} must name other stations than {station!r}, each once.")

    data, _ = load_nyc_weather(station, data_dir)
    train_end, val_end, test_end = _period_rows(data.index, periods)
    for name, length in {"test": test_end - val_end, "validation": val_end - train_end, "training": train_end}.items():
        if in_hours + out_hours > length:
            raise ValueError(
                f"in_hours + out_hours = {in_hours + out_hours} hours is longer than the {name} period ({length} "
                "hours), so it holds no window; shorten in_hours or out_hours, or lengthen the period."
            )

    measured = _measurements(data)
    weather = fill_gaps(measured, max_gap_hours=max_gap_hours, method="carry")
    weather["filled"] = measured.isna().any(axis=1).astype(float)
    hour, day_of_year = weather.index.hour.to_numpy(), weather.index.day_of_year.to_numpy()
    weather["day_sin"], weather["day_cos"] = np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24)
    weather["year_sin"] = np.sin(2 * np.pi * day_of_year / 365.25)
    weather["year_cos"] = np.cos(2 * np.pi * day_of_year / 365.25)

    for other in neighbours:
        other_measured = _measurements(load_nyc_weather(other, data_dir).data)[list(NEIGHBOUR_FEATURES)]
        other_weather = fill_gaps(other_measured, max_gap_hours=max_gap_hours, method="carry")
        for column in NEIGHBOUR_FEATURES:
            weather[f"{other} {column}"] = other_weather[column]
    columns = columns + [f"{other} {column}" for other in neighbours for column in NEIGHBOUR_FEATURES]

    mean, std = weather.iloc[:train_end].mean(), weather.iloc[:train_end].std()
    values = ((weather - mean) / std)[columns].to_numpy("float32")
    temperature = measured["temp"].to_numpy("float32")  # as reported: NaN where the station sent nothing
    bounds = {"train": (0, train_end), "validation": (train_end, val_end), "test": (val_end, test_end)}
    sets = {
        name: _windows(values[lo:hi], temperature[lo:hi], lo, in_hours, out_hours,
                       train_stride if name == "train" else 1)
        for name, (lo, hi) in bounds.items()
    }
    return WeatherWindows(sets["train"], sets["validation"], sets["test"], columns, weather, measured, mean, std,
                          bounds)


def _measurements(data: pd.DataFrame) -> pd.DataFrame:
    """A station's record without the gust speed, an impossible wind speed as missing, the wind as a vector."""
    weather = data.drop(columns=["wind_gust"])
    direction = np.deg2rad(weather.pop("wind_dir"))
    speed = weather.pop("wind_speed").mask(lambda v: v > MAX_WIND_MPH)
    weather["wind_x"] = speed * np.cos(direction)
    weather["wind_y"] = speed * np.sin(direction)
    return weather


def _period_rows(index: pd.DatetimeIndex, periods: object) -> tuple[int, int, int]:
    """The rows where training ends, validation ends and test ends: from ``periods``' dates, or from :data:`SPLIT`."""
    n = len(index)
    if periods is None:
        return int(n * SPLIT[0]), int(n * SPLIT[1]), n
    if not isinstance(periods, list | tuple) or len(periods) != 3:
        raise TypeError(
            "periods must be three dates (validation_start, test_start, test_end), such as ('2013-06-03', "
            f"'2013-07-01', '2013-08-01'), test_end None for the end of the record; received {periods!r}."
        )
    try:
        dates = [None if p is None and i == 2 else pd.Timestamp(p, tz="UTC") for i, p in enumerate(periods)]
    except (TypeError, ValueError) as error:
        raise ValueError(f"periods must hold dates such as '2013-07-01'; received {periods!r} ({error}).") from None
    rows = [n if d is None else int(index.searchsorted(d)) for d in dates]
    inside = all(d is None or index[0] < d <= index[-1] + pd.Timedelta(hours=1) for d in dates)
    if not inside or not rows[0] < rows[1] < rows[2]:
        raise ValueError(
            f"periods {tuple(periods)!r} must be three dates in order, after the record's first hour "
            f"({index[0]:%Y-%m-%d %H:%M}) and at most an hour after its last ({index[-1]:%Y-%m-%d %H:%M} UTC)."
        )
    return rows[0], rows[1], rows[2]
