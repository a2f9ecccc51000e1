"""The weather record: checked file, regular hourly grid, gaps reported, short gaps filled (by interpolation, or
from the past only), long ones refused.

Bad-file tests work on a copy of data/ in a temporary folder (helpers shared with
tests/test_course_data_loaders.py). A malformed row is tested with the copy's
SHA256SUMS updated, so that the row check itself, not the checksum, catches it.
"""

import shutil

import numpy as np
import pandas as pd
import pytest

from tests.test_course_data_loaders import replace_line, rewrite, write_bytes
from utils.data import DATA_DIR
from utils.weather import MEASUREMENTS, WEATHER_FILE, fill_gaps, find_gaps, load_nyc_weather

HEADER = "origin,year,month,day,hour," + ",".join(MEASUREMENTS) + ",time_hour\n"
GOOD_ROW = "EWR,2013,1,1,1,39.02,26.06,59.37,270,10.357019999999999,NA,0,1012,10,2013-01-01T06:00:00Z\n"


@pytest.fixture
def data_copy(tmp_path):
    shutil.copy(DATA_DIR / WEATHER_FILE, tmp_path / WEATHER_FILE)
    shutil.copy(DATA_DIR / "SHA256SUMS", tmp_path / "SHA256SUMS")
    return tmp_path


@pytest.mark.parametrize("station, rows, missing_hours", [("EWR", 8703, 27), ("JFK", 8706, 24), ("LGA", 8706, 24)])
def test_each_station_lands_on_a_regular_hourly_grid(station, rows, missing_hours):
    data, gaps = load_nyc_weather(station)
    assert list(data.columns) == list(MEASUREMENTS)
    assert (data.index[1:] - data.index[:-1] == pd.Timedelta("1h")).all()
    assert str(data.index.tz) == "UTC" and data.index.name == "time"
    assert data.index[0] == pd.Timestamp("2013-01-01 06:00", tz="UTC")
    assert data.index[-1] == pd.Timestamp("2013-12-30 23:00", tz="UTC")
    # Every reported row is kept, and every hour not reported is a NaN row listed in the gaps.
    assert len(data) == rows + missing_hours and gaps["hours"].sum() == missing_hours
    assert data.loc[gaps["start"], "temp"].isna().all()


def test_values_are_the_files_values():
    data, _ = load_nyc_weather("EWR")
    first = data.iloc[0]
    assert first["temp"] == 39.02 and first["wind_dir"] == 270 and np.isnan(first["wind_gust"])
    # The file keeps its outliers: finding them is the lesson's job.
    assert data["wind_speed"].max() > 1000


def test_missing_file_is_named(data_copy):
    (data_copy / WEATHER_FILE).unlink()
    with pytest.raises(FileNotFoundError, match=WEATHER_FILE):
        load_nyc_weather(data_dir=data_copy)


def test_altered_file_fails_its_checksum(data_copy):
    rewrite(data_copy, WEATHER_FILE, replace_line(2, GOOD_ROW.replace("39.02", "39.03")), update_checksum=False)
    with pytest.raises(ValueError, match=r"checksum|SHA-256"):
        load_nyc_weather(data_dir=data_copy)


@pytest.mark.parametrize("line, expected", [
    (GOOD_ROW.replace("EWR", "XYZ"), r"line 2, column 'origin' holds 'XYZ'; expected one of"),
    (GOOD_ROW.replace(",1,1,1,", ",13,1,1,"), r"line 2, column 'month' holds '13'; expected a whole number from 1 to 12"),
    (GOOD_ROW.replace("39.02", "warm"), r"line 2, column 'temp' holds 'warm'; expected a finite number, or NA"),
    (GOOD_ROW.replace("39.02", ""), r"line 2, column 'temp' holds ''; expected a finite number"),
    (GOOD_ROW.replace("1012,", "inf,"), r"line 2, column 'pressure' holds 'inf'"),
    (GOOD_ROW.replace("T06:00:00Z", " 06:00"), r"line 2, column 'time_hour' holds '2013-01-01 06:00'"),
    (GOOD_ROW.replace("T06:00:00Z", "T07:00:00Z"), r"line 2, column 'time_hour' .*expected the UTC time of the row's New York local time"),
    (GOOD_ROW.replace(",NA,", ","), r"line 2 has 14 fields; expected 15"),
])
def test_malformed_row_is_named_with_line_and_column(data_copy, line, expected):
    rewrite(data_copy, WEATHER_FILE, replace_line(2, line), update_checksum=True)
    with pytest.raises(ValueError, match=expected):
        load_nyc_weather("EWR", data_dir=data_copy)


def test_rows_out_of_time_order_are_named(data_copy):
    def swap(lines):
        lines[1], lines[2] = lines[2], lines[1]
        return lines

    rewrite(data_copy, WEATHER_FILE, swap, update_checksum=True)
    with pytest.raises(ValueError, match=r"line 3: EWR at 2013-01-01 06:00:00\+00:00 does not come after"):
        load_nyc_weather("EWR", data_dir=data_copy)


def test_wrong_header_and_empty_file(data_copy):
    rewrite(data_copy, WEATHER_FILE, replace_line(1, HEADER.replace("temp", "temperature")), update_checksum=True)
    with pytest.raises(ValueError, match="has the columns"):
        load_nyc_weather(data_dir=data_copy)
    rewrite(data_copy, WEATHER_FILE, lambda lines: [HEADER], update_checksum=True)
    with pytest.raises(ValueError, match="has a header but no rows"):
        load_nyc_weather(data_dir=data_copy)


def test_a_byte_that_is_not_utf8_an_empty_file_and_a_spaced_folder_are_named(data_copy):
    data = (data_copy / WEATHER_FILE).read_bytes()
    write_bytes(data_copy, WEATHER_FILE, data.replace(b"EWR", b"\xc9WR", 1))  # the first data row, first byte
    with pytest.raises(ValueError, match=rf"{WEATHER_FILE} line 2, byte offset {len(HEADER)} \(byte 1 of the line\): the byte 0xc9 is not valid UTF-8"):
        load_nyc_weather(data_dir=data_copy)
    write_bytes(data_copy, WEATHER_FILE, b"")
    with pytest.raises(ValueError, match=rf"{WEATHER_FILE} is empty \(0 bytes\)"):
        load_nyc_weather(data_dir=data_copy)
    with pytest.raises(ValueError, match=r"the folder '.* ' does not exist and its name starts or ends with a space.*Did you mean"):
        load_nyc_weather(data_dir=f"{data_copy} ")


@pytest.mark.parametrize("station, error", [("jfk", ValueError), ("BOS", ValueError), (1, TypeError)])
def test_unknown_station_is_a_clear_error(station, error):
    with pytest.raises(error, match="station must be"):
        load_nyc_weather(station)


# --- gaps ------------------------------------------------------------------------------------

GRID = pd.date_range("2013-01-01", periods=8, freq="h", tz="UTC")


def test_find_gaps_lists_runs_with_their_length():
    gaps = find_gaps(GRID, np.array([True, False, True, False, False, False, True, True]))
    assert gaps["hours"].tolist() == [1, 3]
    assert gaps["start"].tolist() == [GRID[1], GRID[3]] and gaps["end"].tolist() == [GRID[1], GRID[5]]
    assert find_gaps(GRID, np.ones(8, bool)).empty
    with pytest.raises(ValueError, match=r"one boolean per hour of index \(8\); received shape \(7,\)"):
        find_gaps(GRID, np.ones(7, bool))


@pytest.mark.parametrize("present", [
    np.array([1.0, np.nan, 3.0, 4.0, np.nan, 6.0, 7.0, 8.0]),  # the values themselves: NaN would count as present
    pd.Series([20.5, np.nan, 21.0, 21.5, 22.0, 22.5, 23.0, 23.5]),
    np.array([1, 0, 1, 1, 1, 1, 1, 1]),
])
def test_find_gaps_refuses_values_where_a_presence_mask_is_expected(present):
    with pytest.raises(TypeError, match=r"present must be a boolean mask .*received (float64|int64) values.*values\.notna\(\)\.to_numpy\(\)"):
        find_gaps(GRID, present)
    # The mask of the same values is what it wants.
    assert find_gaps(GRID, pd.Series(present).notna().to_numpy())["hours"].sum() == pd.Series(present).isna().sum()


def test_fill_gaps_interpolates_in_time_up_to_the_limit():
    frame = pd.DataFrame({"temp": [0, np.nan, 2, np.nan, np.nan, 5, 6, 7.0], "wind": np.arange(8.0)}, index=GRID)
    filled = fill_gaps(frame, max_gap_hours=2)
    assert filled["temp"].tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert frame["temp"].isna().sum() == 3  # the input is not changed


def test_a_gap_longer_than_the_limit_is_refused_and_named():
    frame = pd.DataFrame({"temp": [0, np.nan, np.nan, np.nan, 4, 5, np.nan, 7.0]}, index=GRID)
    with pytest.raises(ValueError, match=r"column 'temp' has a gap of 3 hours from 2013-01-01 01:00:00\+00:00 .*longer than max_gap_hours=2 \(and 0 more\)"):
        fill_gaps(frame, max_gap_hours=2)
    assert fill_gaps(frame, max_gap_hours=3)["temp"].notna().all()


def test_the_real_record_has_a_pressure_gap_longer_than_five_hours():
    data, _ = load_nyc_weather("JFK")
    with pytest.raises(ValueError, match="column 'pressure' has a gap of"):
        fill_gaps(data, max_gap_hours=5, columns=["temp", "pressure"])
    assert fill_gaps(data, max_gap_hours=5, columns=["temp", "dewp"])[["temp", "dewp"]].notna().all().all()


def test_carry_repeats_the_last_reading_and_fills_a_gap_at_the_end():
    frame = pd.DataFrame({"temp": [0, np.nan, 2, np.nan, np.nan, 5, 6, np.nan]}, index=GRID)
    assert fill_gaps(frame, max_gap_hours=2, method="carry")["temp"].tolist() == [0, 0, 2, 2, 2, 5, 6, 6]
    with pytest.raises(ValueError, match=r"missing at the edge of the record .*nothing to interpolate from"):
        fill_gaps(frame, max_gap_hours=2)  # interpolation needs the reading after the gap


@pytest.mark.parametrize("method, reads_the_future", [("carry", False), ("interpolate", True)])
def test_only_carry_leaves_the_past_unchanged_when_the_future_changes(method, reads_the_future):
    """The look-ahead the weather lesson removes: change every reading after hour t, refill, compare hours <= t."""
    frame = pd.DataFrame({"temp": [0, 1, np.nan, np.nan, 4, np.nan, 6, 7.0],
                          "wind": [0, np.nan, 2, 3, 4, 5, np.nan, 7.0]}, index=GRID)
    filled = fill_gaps(frame, max_gap_hours=2, method=method)
    changed_at = []
    for t in range(len(GRID) - 1):
        future_changed = frame.copy()
        future_changed.iloc[t + 1:] += 100.0
        refilled = fill_gaps(future_changed, max_gap_hours=2, method=method)
        if not refilled.iloc[:t + 1].equals(filled.iloc[:t + 1]):
            changed_at.append(t)
    # Interpolation changes every hour t that lies in a gap (2, 3, 5 for temp; 1, 6 for wind); carrying never does.
    assert changed_at == ([1, 2, 3, 5, 6] if reads_the_future else [])


def test_carry_on_the_real_record_uses_only_the_past():
    data, _ = load_nyc_weather("JFK")
    columns = ["temp", "pressure"]
    filled = fill_gaps(data, max_gap_hours=12, columns=columns, method="carry")
    cut = 4058  # an hour inside one of the pressure gaps: filling the record cut there gives the same values
    assert data["pressure"].iloc[cut - 1:cut + 1].isna().all()
    assert fill_gaps(data.iloc[:cut + 1], 12, columns, method="carry")[columns].equals(filled[columns].iloc[:cut + 1])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"data": np.zeros(3)}, TypeError, "data must be a DataFrame with a DatetimeIndex"),
    ({"data": pd.DataFrame({"a": [1.0, 2.0]})}, TypeError, "DatetimeIndex"),
    ({"data": pd.DataFrame({"a": [1.0, 2.0]}, index=GRID[[0, 2]])}, ValueError, "regular hourly grid"),
    ({"max_gap_hours": 0}, ValueError, "max_gap_hours must be a whole number >= 1; received max_gap_hours=0"),
    ({"max_gap_hours": 2.5}, ValueError, "max_gap_hours must be a whole number"),
    ({"columns": ["pressure"]}, ValueError, r"columns \['pressure'\] are not in data"),
    ({"data": pd.DataFrame({"a": np.nan}, index=GRID)}, ValueError, "holds no value at all"),
    ({"data": pd.DataFrame({"a": [np.nan, *range(7)]}, index=GRID)}, ValueError, "missing at the edge of the record"),
    ({"data": pd.DataFrame({"a": [0, 1, np.inf, np.nan, 4, 5, 6, 7]}, index=GRID)}, ValueError,
     r"column 'a' holds inf at 2013-01-01 02:00:00\+00:00 \(1 infinite values in all\); expected finite numbers.*replace\(\[np\.inf, -np\.inf\], np\.nan\)"),
    ({"data": pd.DataFrame({"a": [0, 1, 2, np.nan, -np.inf, 5, 6, 7]}, index=GRID)}, ValueError, r"column 'a' holds -inf at"),
    ({"method": "linear"}, ValueError, r"method must be one of \['interpolate', 'carry'\]; received method='linear'"),
    ({"method": None}, TypeError, r"method must be a string, one of \['interpolate', 'carry'\]; received NoneType None"),
    ({"method": "carry", "data": pd.DataFrame({"a": [np.nan, *range(7)]}, index=GRID)}, ValueError,
     r"missing at the edge of the record .*no reading before it to carry forward"),
    ({"method": "carry", "data": pd.DataFrame({"a": [0, np.nan, np.nan, np.nan, 4, 5, 6, 7.0]}, index=GRID)},
     ValueError, r"column 'a' has a gap of 3 hours .*longer than max_gap_hours=2"),
])
def test_fill_gaps_rejects_bad_input_clearly(kwargs, error, message):
    args = {"data": pd.DataFrame({"temp": np.arange(8.0)}, index=GRID), "max_gap_hours": 2, **kwargs}
    with pytest.raises(error, match=message):
        fill_gaps(**args)
