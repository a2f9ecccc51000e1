"""utils.weather_windows: lesson 24's windows in one call, equal to what lesson 24 cuts inline with
keras.utils.timeseries_dataset_from_array, aligned with the record, filled from the past only, normalised with the
training period only; and a clear error for each bad argument."""

import numpy as np
import pandas as pd
import pytest

from utils.weather import load_nyc_weather
from utils.weather_windows import FEATURES, SPLIT, weather_windows

NO_FLAG = [c for c in FEATURES if c != "filled"]


@pytest.fixture(scope="module")
def all_columns():
    return weather_windows("JFK")


def test_counts_and_shapes_are_lesson_24s(all_columns):
    """Lesson 24 prints 2935 / 1549 / 802 windows of 48 hours x 13 features, with 85 and 126 windows left out."""
    parts = all_columns[:3]
    assert [part.x.shape for part in parts] == [(2935, 48, 13), (1549, 48, 13), (802, 48, 13)]
    assert [part.y.shape for part in parts] == [(2935, 24), (1549, 24), (802, 24)]
    n = len(all_columns.features)
    bounds = all_columns.bounds
    assert bounds == {"train": (0, int(n * SPLIT[0])), "validation": (int(n * SPLIT[0]), int(n * SPLIT[1])),
                      "test": (int(n * SPLIT[1]), n)}
    possible = [(hi - lo - 48 - 24) // stride + 1 for (lo, hi), stride in zip(bounds.values(), (2, 1, 1))]
    assert [p - len(part.y) for p, part in zip(possible, parts)] == [85, 126, 0]
    assert all(part.x.dtype == np.float32 and part.y.dtype == np.float32 for part in parts)


def test_windows_equal_keras_timeseries_dataset_from_array(all_columns):
    """The windows lesson 24 cuts with keras, period by period (a transposed or shifted window fails it)."""
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    values = ((all_columns.features - all_columns.mean) / all_columns.std)[list(FEATURES)].to_numpy("float32")
    temperature = all_columns.measured["temp"].to_numpy("float32")
    for (name, (lo, hi)), part, stride in zip(all_columns.bounds.items(), all_columns[:3], (2, 1, 1)):
        x = keras.utils.timeseries_dataset_from_array(values[lo:hi][:-24], None, 48, sequence_stride=stride, batch_size=4096)
        y = keras.utils.timeseries_dataset_from_array(temperature[lo:hi][48:], None, 24, sequence_stride=stride, batch_size=4096)
        x, y = np.concatenate(list(x.as_numpy_iterator())), np.concatenate(list(y.as_numpy_iterator()))
        reported = ~np.isnan(y).any(axis=1)
        assert np.array_equal(x[reported], part.x), name
        assert np.array_equal(y[reported], part.y), name


def test_origins_align_inputs_and_targets_with_the_record(all_columns):
    temp = all_columns.measured["temp"].to_numpy("float32")
    filled = all_columns.features["temp"].to_numpy()
    for part in all_columns[:3]:
        last_input = part.x[:, -1, FEATURES.index("temp")] * all_columns.std["temp"] + all_columns.mean["temp"]
        assert np.allclose(last_input, filled[part.origin], atol=1e-3)
        assert np.array_equal(part.y, temp[part.origin[:, None] + np.arange(1, 25)])
        assert not np.isnan(part.y).any()
    test = all_columns.test
    assert test.origin[0] == all_columns.bounds["test"][0] + 47 and np.all(np.diff(test.origin) == 1)


def test_inputs_are_carried_forward_and_normalised_on_training_only(all_columns):
    measured, features = all_columns.measured, all_columns.features
    pressure = measured["pressure"]
    hole = int(np.flatnonzero(pressure.isna().to_numpy())[0])
    assert features["pressure"].iloc[hole] == pressure.iloc[:hole].dropna().iloc[-1], "a gap holds the last reading"
    assert features["filled"].iloc[hole] == 1.0
    lo, hi = all_columns.bounds["train"]
    normalised = (features - all_columns.mean) / all_columns.std
    assert np.allclose(normalised.iloc[lo:hi].mean(), 0, atol=1e-9)
    assert not np.allclose(normalised.iloc[hi:].mean(), 0, atol=1e-3), "the statistics are not the whole record's"
    hour = features.index.hour.to_numpy()
    assert np.allclose(features["day_sin"], np.sin(2 * np.pi * hour / 24))


def test_columns_choose_and_order_the_features(all_columns):
    chosen = weather_windows("JFK", NO_FLAG)
    assert chosen.columns == NO_FLAG and chosen.test.x.shape == (802, 48, 12)
    keep = [FEATURES.index(c) for c in NO_FLAG]
    assert np.array_equal(chosen.test.x, all_columns.test.x[..., keep])
    swapped = weather_windows("JFK", ("dewp", "temp"))
    assert np.array_equal(swapped.test.x[..., 1], all_columns.test.x[..., 0])


def test_other_sizes_and_stations():
    short = weather_windows("LGA", ["temp"], in_hours=6, out_hours=3, train_stride=1)
    assert short.test.x.shape[1:] == (6, 1) and short.test.y.shape[1] == 3
    data = load_nyc_weather("LGA").data
    assert np.array_equal(short.test.y[0], data["temp"].to_numpy("float32")[short.test.origin[0] + 1:short.test.origin[0] + 4])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"columns": "temp"}, TypeError, r"columns must be a list of column names .*received str 'temp'"),
    ({"columns": [0, 1]}, TypeError, r"columns must be a list of column names .*received list \[0, 1\]"),
    ({"columns": []}, ValueError, r"columns is empty; name at least one of"),
    ({"columns": ["temp", "wind_speed"]}, ValueError, r"columns \['wind_speed'\] are not features .*choose from"),
    ({"columns": ["temp", "temp"]}, ValueError, r"columns names \['temp'\] more than once"),
    ({"in_hours": 0}, ValueError, r"in_hours must be >= 1; received in_hours=0"),
    ({"in_hours": 4.5}, TypeError, r"in_hours must be an integer; received in_hours=4.5 \(float\)"),
    ({"out_hours": True}, TypeError, r"out_hours must be an integer; received out_hours=True \(bool\)"),
    ({"out_hours": -1}, ValueError, r"out_hours must be >= 1; received out_hours=-1"),
    ({"max_gap_hours": 0}, ValueError, r"max_gap_hours must be >= 1"),
    ({"max_gap_hours": 2}, ValueError, r"longer than max_gap_hours=2"),
    ({"train_stride": "2"}, TypeError, r"train_stride must be an integer; received train_stride='2' \(str\)"),
    ({"in_hours": 800, "out_hours": 100}, ValueError, r"in_hours \+ out_hours = 900 hours is longer than the test period \(873 hours\)"),
    ({"station": "BOS"}, ValueError, r"station must be one of"),
    ({"station": 3}, TypeError, r"station must be a string"),
])
def test_each_bad_argument_is_a_clear_error(kwargs, error, message):
    with pytest.raises(error, match=message):
        weather_windows(**kwargs)


def test_the_features_frame_is_lesson_24s(all_columns):
    assert list(all_columns.features.columns) == list(FEATURES)
    assert not all_columns.features.isna().any().any()
    assert isinstance(all_columns.mean, pd.Series) and list(all_columns.mean.index) == list(FEATURES)
    assert int(all_columns.features["filled"].sum()) == 900  # lesson 24: hours with a carried reading


JULY = ("2013-06-03", "2013-07-01", "2013-08-01")


def test_periods_put_each_period_between_its_dates():
    """Lesson 27's rolling origins: training before validation_start, validation up to test_start, test to test_end."""
    july = weather_windows("JFK", NO_FLAG, periods=JULY)
    index = july.features.index
    (lo_val, hi_val), (lo_test, hi_test) = july.bounds["validation"], july.bounds["test"]
    assert july.bounds["train"] == (0, lo_val) and hi_val == lo_test
    assert index[lo_val] == pd.Timestamp("2013-06-03", tz="UTC") and index[lo_test] == pd.Timestamp("2013-07-01", tz="UTC")
    assert index[hi_test - 1] == pd.Timestamp("2013-07-31 23:00", tz="UTC")
    assert july.test.origin[0] == lo_test + 47 and july.test.origin[-1] == hi_test - 25
    normalised = (july.features - july.mean) / july.std
    assert np.allclose(normalised.iloc[:lo_val].mean(), 0, atol=1e-9), "normalised on this origin's training period"
    december = weather_windows("JFK", NO_FLAG, periods=("2013-11-03", "2013-12-01", None))
    assert december.bounds["test"][1] == len(december.features)


def test_neighbours_add_other_stations_measurements_filled_and_normalised():
    both = weather_windows("JFK", NO_FLAG, periods=JULY, neighbours=("EWR", "LGA"))
    alone = weather_windows("JFK", NO_FLAG, periods=JULY)
    extra = [f"{s} {c}" for s in ("EWR", "LGA") for c in ("temp", "dewp", "pressure", "wind_x", "wind_y")]
    assert both.columns == NO_FLAG + extra and both.test.x.shape[-1] == len(NO_FLAG) + 10
    assert np.array_equal(both.test.x[..., :len(NO_FLAG)], alone.test.x), "the station's own inputs are unchanged"
    lga = load_nyc_weather("LGA").data["temp"]
    column = both.columns.index("LGA temp")
    lga_last = both.test.x[:, -1, column] * both.std["LGA temp"] + both.mean["LGA temp"]
    reported = lga.notna().to_numpy()[both.test.origin]
    assert np.allclose(lga_last[reported], lga.to_numpy()[both.test.origin][reported], atol=1e-3)
    assert not np.isnan(both.test.x).any()


def test_an_impossible_wind_speed_counts_as_missing():
    """EWR reports 1,048 mph once: it is masked and carried over, so the wind inputs stay in a plausible range."""
    ewr = weather_windows("EWR")
    speed = np.hypot(ewr.features["wind_x"], ewr.features["wind_y"])
    assert speed.max() < 50
    assert load_nyc_weather("EWR").data["wind_speed"].max() > 1000


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"periods": ("2013-07-01", "2013-08-01")}, TypeError, "three dates"),
        ({"periods": "2013-07-01"}, TypeError, "three dates"),
        ({"periods": ("2013-08-01", "2013-07-01", None)}, ValueError, "in order"),
        ({"periods": ("2012-12-01", "2013-07-01", None)}, ValueError, "in order"),
        ({"periods": ("2013-06-03", "2013-07-01", "2014-02-01")}, ValueError, "in order"),
        ({"periods": ("June", "2013-07-01", None)}, ValueError, "in order"),
        ({"periods": ("2013-13-45", "2013-07-01", None)}, ValueError, "dates such as"),
        ({"periods": ("2013-06-03", "2013-07-01", "2013-07-02")}, ValueError, "longer than the test period"),
        ({"periods": ("2013-01-02", "2013-07-01", None)}, ValueError, "longer than the training period"),
        ({"neighbours": "EWR"}, TypeError, "tuple of station names"),
        ({"neighbours": ("JFK",)}, ValueError, "other stations"),
        ({"neighbours": ("EWR", "EWR")}, ValueError, "each once"),
        ({"neighbours": ("XYZ",)}, ValueError, "station must be one of"),
    ],
)
def test_periods_and_neighbours_refuse_bad_values(kwargs, error, message):
    with pytest.raises(error, match=message):
        weather_windows("JFK", NO_FLAG, **kwargs)
