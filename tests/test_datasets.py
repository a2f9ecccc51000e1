"""utils.datasets: the toy waves, windows that line up, a split that cannot leak, a train-only scaler."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from utils.datasets import (
    SeriesScaler,
    Split,
    adding_problem,
    chronological_split,
    cosine_wave,
    make_windows,
    sine_wave,
)

# Property tests: enough examples to find an off-by-one, fast enough for every `make test`;
# no deadline, so a slow machine does not turn a correct test into a flaky one.
PROPERTY = settings(max_examples=75, deadline=None)


# --- sine_wave and cosine_wave -------------------------------------------------------------


def test_sine_wave_defaults_are_the_linspace_sine_with_a_tenth_per_step():
    wave = sine_wave(100)
    assert wave.shape == (100,) and wave.dtype == np.float64
    np.testing.assert_allclose(wave, np.sin(np.linspace(0.0, 9.9, 100)), rtol=0, atol=1e-12)
    np.testing.assert_allclose(wave, np.sin(0.1 * np.arange(100)), rtol=0, atol=0)


def test_waves_follow_their_formula():
    t = np.arange(40)
    np.testing.assert_allclose(sine_wave(40, dt=0.3, start=1.0, amplitude=2.5), 2.5 * np.sin(1.0 + 0.3 * t), atol=1e-12)
    np.testing.assert_allclose(cosine_wave(40, dt=0.3, start=1.0, amplitude=2.5), 2.5 * np.cos(1.0 + 0.3 * t), atol=1e-12)


def test_noise_is_the_seeded_generators_normal_draw():
    noisy = sine_wave(50, noise_std=0.2, seed=3)
    expected_noise = np.random.default_rng(3).normal(0.0, 0.2, 50)
    np.testing.assert_allclose(noisy - sine_wave(50), expected_noise, atol=1e-12)
    np.testing.assert_array_equal(noisy, sine_wave(50, noise_std=0.2, seed=3))  # reproducible
    assert not np.array_equal(noisy, sine_wave(50, noise_std=0.2, seed=4))
    np.testing.assert_allclose(cosine_wave(50, noise_std=0.2, seed=3) - cosine_wave(50), expected_noise, atol=1e-12)


def test_no_noise_is_drawn_when_noise_std_is_zero():
    np.testing.assert_array_equal(sine_wave(30, seed=1), sine_wave(30, seed=2))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"length": 0}, ValueError, r"length must be >= 1; received length=0"),
        ({"length": 2.5}, TypeError, r"length must be an integer; received length=2\.5 \(float\)"),
        ({"length": True}, TypeError, r"length must be an integer; received length=True \(bool\)"),
        ({"length": 10, "dt": 0.0}, ValueError, r"dt must be > 0; received dt=0\.0"),
        ({"length": 10, "dt": float("nan")}, ValueError, r"dt must be a finite number"),
        ({"length": 10, "noise_std": -0.1}, ValueError, r"noise_std must be >= 0; received noise_std=-0\.1"),
        ({"length": 10, "amplitude": "1"}, TypeError, r"amplitude must be a real number; received amplitude='1' \(str\)"),
        ({"length": 10, "seed": 1.5}, TypeError, r"seed must be an integer; received seed=1\.5"),
    ],
)
@pytest.mark.parametrize("wave", [sine_wave, cosine_wave])
def test_waves_explain_bad_arguments(wave, kwargs, error, message):
    kwargs = dict(kwargs)
    length = kwargs.pop("length")
    with pytest.raises(error, match=message):
        wave(length, **kwargs)


# --- make_windows --------------------------------------------------------------------------


def test_make_windows_one_step_ahead():
    x, y = make_windows(np.arange(6), window=3, horizon=1)
    assert x.shape == (3, 3, 1) and y.shape == (3, 1)
    np.testing.assert_array_equal(x[:, :, 0], [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y, [[3], [4], [5]])


def test_make_windows_two_steps_ahead_skips_one_step():
    x, y = make_windows(np.arange(6), window=3, horizon=2)
    np.testing.assert_array_equal(x[:, :, 0], [[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(y, [[4], [5]])


def test_make_windows_keeps_the_features_axis_of_a_multi_feature_series():
    series = np.stack([np.arange(7.0), 10.0 * np.arange(7.0)], axis=1)  # (7, 2)
    x, y = make_windows(series, window=4)
    assert x.shape == (3, 4, 2) and y.shape == (3, 2)
    np.testing.assert_array_equal(x[1], series[1:5])
    np.testing.assert_array_equal(y, series[4:])


@pytest.mark.parametrize("length, window, horizon", [(6, 3, 1), (6, 5, 1), (6, 1, 5), (100, 10, 1), (100, 20, 7), (2, 1, 1)])
def test_make_windows_returns_every_window(length, window, horizon):
    x, y = make_windows(np.zeros(length), window, horizon)
    n = length - window - horizon + 1
    assert x.shape == (n, window, 1) and y.shape == (n, 1)


def test_make_windows_keeps_float_dtypes_and_turns_integers_into_float64():
    x, y = make_windows(np.arange(10, dtype=np.float32), 3)
    assert x.dtype == y.dtype == np.float32
    x, y = make_windows(np.arange(10, dtype=np.int32), 3)
    assert x.dtype == y.dtype == np.float64
    x, y = make_windows([0.0, 1.0, 2.0, 3.0], 2)  # a list is a series too
    assert x.shape == (2, 2, 1)


def test_make_windows_returns_copies_not_views():
    series = np.arange(10.0)
    x, y = make_windows(series, 4)
    assert x.flags.writeable and x.flags.c_contiguous and not np.shares_memory(x, series)
    assert not np.shares_memory(y, series)
    x[0, 0, 0] = -1.0
    y[0, 0] = -1.0
    assert series[0] == 0.0 and series[4] == 4.0


def test_make_windows_rejects_windows_passed_as_a_series():
    x, _ = make_windows(np.arange(10.0), 3)
    with pytest.raises(ValueError, match=r"received 3-D shape \(7, 3, 1\)\. Pass the raw series, not windows"):
        make_windows(x, 3)


def test_make_windows_rejects_an_empty_series():
    with pytest.raises(ValueError, match=r"series is empty \(shape \(0,\)\)"):
        make_windows(np.array([]), 3)


def test_make_windows_rejects_a_single_number():
    with pytest.raises(ValueError, match=r"received a single number \(5\.0\)\. Pass the whole series"):
        make_windows(5.0, 1)


def test_make_windows_rejects_a_series_too_short_for_one_window():
    with pytest.raises(
        ValueError,
        match=r"length=5 but window=4 and horizon=2 need at least window \+ horizon = 6 steps",
    ):
        make_windows(np.arange(5.0), window=4, horizon=2)


def test_make_windows_rejects_nan():
    series = np.arange(10.0)
    series[7] = np.nan
    with pytest.raises(ValueError, match=r"series contains 1 NaN or infinite value\(s\), the first at index 7"):
        make_windows(series, 3)


def test_make_windows_rejects_infinity():
    series = np.ones((10, 2))
    series[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"NaN or infinite value\(s\), the first at index \(2, 1\)"):
        make_windows(series, 3)


@pytest.mark.parametrize(
    "series, dtype",
    [
        (np.array(["1", "2", "3", "4"]), "<U1"),
        (np.array([1.0, None, 3.0, 4.0], dtype=object), "object"),
        (np.array([1 + 1j, 2, 3, 4]), "complex128"),
    ],
)
def test_make_windows_rejects_non_numeric_series(series, dtype):
    with pytest.raises(TypeError, match=rf"series must hold real numbers; received an array of dtype {dtype}"):
        make_windows(series, 2)


def test_make_windows_rejects_booleans():
    with pytest.raises(TypeError, match=r"dtype bool \(True/False values\)"):
        make_windows(np.array([True, False, True, True]), 2)


def test_make_windows_rejects_none():
    with pytest.raises(TypeError, match=r"series must be an array of numbers; received None"):
        make_windows(None, 2)


@pytest.mark.parametrize("name", ["window", "horizon"])
def test_make_windows_rejects_a_step_count_below_one(name):
    with pytest.raises(ValueError, match=rf"{name} must be >= 1; received {name}=0\. Pass a positive number"):
        make_windows(np.arange(10.0), **{"window": 3, "horizon": 1, name: 0})


@pytest.mark.parametrize("name", ["window", "horizon"])
def test_make_windows_rejects_a_negative_step_count(name):
    with pytest.raises(ValueError, match=rf"{name} must be >= 1; received {name}=-2"):
        make_windows(np.arange(10.0), **{"window": 3, "horizon": 1, name: -2})


@pytest.mark.parametrize("name", ["window", "horizon"])
@pytest.mark.parametrize("value, type_name", [(2.0, "float"), (True, "bool"), ("3", "str"), (None, "NoneType")])
def test_make_windows_rejects_non_integer_step_counts(name, value, type_name):
    with pytest.raises(TypeError, match=rf"{name} must be an integer; received {name}={value!r} \({type_name}\)"):
        make_windows(np.arange(10.0), **{"window": 3, "horizon": 1, name: value})


def test_make_windows_accepts_numpy_integers():
    x, _ = make_windows(np.arange(10.0), np.int64(3), horizon=np.int32(2))
    assert x.shape == (6, 3, 1)


@PROPERTY
@given(data=st.data())
def test_property_every_window_and_target_line_up_with_the_series(data):
    length = data.draw(st.integers(2, 150), label="length")
    window = data.draw(st.integers(1, length - 1), label="window")
    horizon = data.draw(st.integers(1, length - window), label="horizon")
    num_features = data.draw(st.integers(1, 3), label="num_features")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    series = np.random.default_rng(seed).normal(size=(length, num_features))
    one_feature = num_features == 1 and data.draw(st.booleans(), label="pass 1-D")

    x, y = make_windows(series[:, 0] if one_feature else series, window, horizon)

    n = length - window - horizon + 1
    assert x.shape == (n, window, num_features) and y.shape == (n, num_features)
    for i in range(n):
        np.testing.assert_array_equal(x[i], series[i : i + window])  # x[i, j] == series[i + j]
        np.testing.assert_array_equal(y[i], series[i + window - 1 + horizon])


# --- chronological_split -------------------------------------------------------------------


def test_chronological_split_cuts_in_time_order_with_the_requested_sizes():
    series = np.arange(100.0)
    split = chronological_split(series)
    assert isinstance(split, Split)
    assert [len(part) for part in split] == [70, 15, 15]
    np.testing.assert_array_equal(np.concatenate(split), series)  # contiguous, nothing lost, nothing shuffled
    np.testing.assert_array_equal(split.train, series[:70])
    np.testing.assert_array_equal(split.val, series[70:85])
    np.testing.assert_array_equal(split.test, series[85:])


def test_chronological_split_keeps_the_features_axis_and_copies():
    series = np.arange(40.0).reshape(20, 2)
    train, val, test = chronological_split(series, train_fraction=0.5, val_fraction=0.25)
    assert train.shape == (10, 2) and val.shape == (5, 2) and test.shape == (5, 2)
    train[0, 0] = -1.0
    assert series[0, 0] == 0.0


def test_chronological_split_rounds_to_the_nearest_step():
    assert [len(part) for part in chronological_split(np.zeros(10), 0.65, 0.2)] == [7, 2, 1]  # 6.5 -> 7, 8.5 -> 9


@pytest.mark.parametrize("name", ["train_fraction", "val_fraction"])
@pytest.mark.parametrize("value", [0.0, 1.0, 1.5, -0.2])
def test_chronological_split_rejects_fractions_outside_zero_one(name, value):
    kwargs = {"train_fraction": 0.5, "val_fraction": 0.2, name: value}
    with pytest.raises(ValueError, match=rf"{name} must be between 0 and 1 \(exclusive\); received {name}={value}"):
        chronological_split(np.arange(100.0), **kwargs)


@pytest.mark.parametrize("train_fraction, val_fraction", [(0.8, 0.2), (0.9, 0.3)])
def test_chronological_split_rejects_fractions_that_leave_no_test_part(train_fraction, val_fraction):
    with pytest.raises(ValueError, match=r"train_fraction \+ val_fraction must be < 1 so that a test part remains"):
        chronological_split(np.arange(100.0), train_fraction, val_fraction)


def test_chronological_split_rejects_a_split_with_an_empty_part():
    with pytest.raises(ValueError, match=r"a series of length 4 .* leaves the val part\(s\) empty"):
        chronological_split(np.arange(4.0), train_fraction=0.7, val_fraction=0.1)


@pytest.mark.parametrize("value", [True, "0.7", None])
def test_chronological_split_rejects_a_fraction_that_is_not_a_number(value):
    with pytest.raises(TypeError, match=r"train_fraction must be a real number"):
        chronological_split(np.arange(100.0), train_fraction=value)


def test_chronological_split_checks_the_series_like_make_windows():
    with pytest.raises(ValueError, match=r"Pass the raw series, not windows"):
        chronological_split(np.zeros((10, 3, 1)))
    with pytest.raises(ValueError, match=r"series is empty"):
        chronological_split([])
    with pytest.raises(ValueError, match=r"NaN or infinite"):
        chronological_split(np.array([1.0, np.nan, 2.0]))


@PROPERTY
@given(
    length=st.integers(40, 400),
    train_fraction=st.floats(0.3, 0.7),
    val_fraction=st.floats(0.1, 0.25),
    window=st.integers(1, 8),
    horizon=st.integers(1, 4),
)
def test_property_no_validation_or_test_window_touches_a_training_window(length, train_fraction, val_fraction, window, horizon):
    time_index = np.arange(length)  # the series *is* its time index, so windows show which steps they use
    parts = chronological_split(time_index, train_fraction, val_fraction)
    assume(all(len(part) >= window + horizon for part in parts))
    assert sum(len(part) for part in parts) == length

    used = []
    for part in parts:
        x, y = make_windows(part, window, horizon)
        used.append(set(x.ravel().astype(int)) | set(y.ravel().astype(int)))
    train_steps, val_steps, test_steps = used
    assert not train_steps & val_steps
    assert not train_steps & test_steps
    assert not val_steps & test_steps
    assert max(train_steps) < min(val_steps) <= max(val_steps) < min(test_steps)  # in time order


# --- SeriesScaler --------------------------------------------------------------------------


def test_scaler_learns_the_training_statistics_only():
    train, _, test = chronological_split(np.arange(100.0))
    scaler = SeriesScaler().fit(train)
    assert scaler.mean_.shape == scaler.std_.shape == (1,)
    np.testing.assert_allclose(scaler.mean_, [train.mean()])
    np.testing.assert_allclose(scaler.std_, [train.std()])
    scaled = scaler.transform(train)
    assert abs(scaled.mean()) < 1e-12 and abs(scaled.std() - 1.0) < 1e-12
    np.testing.assert_allclose(scaler.transform(test), (test - train.mean()) / train.std())
    assert scaler.transform(test).min() > 1.0  # the future lies above the training range, as it should


def test_scaler_scales_each_feature_of_a_series_windows_and_targets():
    rng = np.random.default_rng(0)
    series = rng.normal(loc=[0.0, 100.0], scale=[1.0, 20.0], size=(200, 2))
    scaler = SeriesScaler().fit(series[:150])
    assert scaler.mean_.shape == (2,) and scaler.num_features_ == 2
    x, y = make_windows(series, window=5)
    x_scaled, y_scaled = make_windows(scaler.transform(series), window=5)
    np.testing.assert_allclose(scaler.transform(x), x_scaled)  # windows (n, window, 2)
    np.testing.assert_allclose(scaler.transform(y), y_scaled)  # targets (n, 2)
    np.testing.assert_allclose(scaler.inverse_transform(y_scaled), y)


def test_scaler_works_on_a_one_feature_series_its_windows_and_column_targets():
    series = sine_wave(100, amplitude=3.0)
    scaler = SeriesScaler().fit(series[:70])
    x, y = make_windows(series, 4)
    assert scaler.transform(series).shape == (100,)
    assert scaler.transform(x).shape == x.shape and scaler.transform(y).shape == y.shape
    np.testing.assert_allclose(scaler.transform(y)[:, 0], scaler.transform(series)[4:])


def test_scaler_keeps_float32_for_keras():
    scaler = SeriesScaler().fit(np.arange(10.0))
    assert scaler.transform(np.arange(5, dtype=np.float32)).dtype == np.float32
    assert scaler.inverse_transform(np.arange(5, dtype=np.float32)).dtype == np.float32
    assert scaler.transform(np.arange(5)).dtype == np.float64


def test_fit_transform_is_fit_then_transform():
    train = np.arange(10.0)
    np.testing.assert_array_equal(SeriesScaler().fit_transform(train), SeriesScaler().fit(train).transform(train))


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_scaler_used_before_fit_says_to_fit_first(method):
    with pytest.raises(RuntimeError, match=r"not fitted yet; call scaler\.fit\(train\)"):
        getattr(SeriesScaler(), method)(np.arange(3.0))


def test_scaler_rejects_a_constant_training_series():
    with pytest.raises(ValueError, match=r"train is constant in feature\(s\) \[1\] \(standard deviation 0\)"):
        SeriesScaler().fit(np.stack([np.arange(5.0), np.full(5, 0.1)], axis=1))


def test_scaler_rejects_a_different_number_of_features():
    scaler = SeriesScaler().fit(np.random.default_rng(0).normal(size=(20, 2)))
    with pytest.raises(ValueError, match=r"x has 1 feature\(s\) in its last axis \(shape \(4, 3, 1\)\) but the scaler was fitted on 2"):
        scaler.transform(np.zeros((4, 3, 1)))
    with pytest.raises(ValueError, match=r"x has 1 feature\(s\) in its last axis \(shape \(5,\)\)"):
        scaler.inverse_transform(np.zeros(5))


def test_scaler_rejects_windows_for_fitting():
    with pytest.raises(ValueError, match=r"train must be a time series .* Pass the raw series, not windows"):
        SeriesScaler().fit(np.random.default_rng(0).normal(size=(5, 3, 1)))


def test_scaler_rejects_nan_and_non_numbers():
    scaler = SeriesScaler().fit(np.arange(5.0))
    with pytest.raises(ValueError, match=r"x contains 1 NaN"):
        scaler.transform(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match=r"train must hold real numbers"):
        SeriesScaler().fit(np.array(["a", "b"]))


@PROPERTY
@given(
    length=st.integers(2, 60),
    num_features=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    loc=st.floats(-1e3, 1e3),
    scale=st.floats(1e-3, 1e3),
)
def test_property_inverse_transform_undoes_transform(length, num_features, seed, loc, scale):
    series = np.random.default_rng(seed).normal(loc, scale, size=(length, num_features))
    scaler = SeriesScaler().fit(series)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(series)), series, rtol=1e-9, atol=1e-9 * scale)
    x, _ = make_windows(series, 1) if length > 1 else (series[None], None)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(x)), x, rtol=1e-9, atol=1e-9 * scale)


# --- mackey_glass ------------------------------------------------------------------------------

def test_mackey_glass_is_reproducible_bounded_and_follows_its_equation():
    from utils.datasets import mackey_glass

    series = mackey_glass(300, seed=3)
    assert series.shape == (300,) and np.array_equal(series, mackey_glass(300, seed=3))
    assert not np.array_equal(series, mackey_glass(300, seed=4))
    assert 0.2 < series.min() < series.max() < 1.5
    # Sampled every dt, consecutive values obey one Euler step of the equation.
    fine = mackey_glass(400, sample_every=0.1, dt=0.1)
    lag = 170
    x_lag, x_prev = fine[:-lag - 1], fine[lag:-1]
    expected = x_prev + 0.1 * (0.2 * x_lag / (1 + x_lag**10) - 0.1 * x_prev)
    assert np.allclose(fine[lag + 1:], expected)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"length": 0}, ValueError, "length"),
    ({"length": 10, "tau": 0}, ValueError, "tau must be > 0; received tau=0"),
    ({"length": 10, "dt": -0.1}, ValueError, "dt must be > 0"),
    ({"length": 10, "tau": 17.05}, ValueError, "whole multiples of dt"),
    ({"length": 10, "seed": 1.5}, TypeError, "seed must be an integer"),
    ({"length": 10, "beta": "big"}, TypeError, "beta"),
])
def test_mackey_glass_rejects_bad_arguments_clearly(kwargs, error, message):
    from utils.datasets import mackey_glass

    with pytest.raises(error, match=message):
        mackey_glass(**kwargs)


# --- adding_problem -------------------------------------------------------------------------


def test_adding_problem_is_the_function_lesson_13_writes():
    """Lesson 14 writes the generator in a cell; utils' copy (with argument checks) must make the same data."""
    import nbformat

    from tests.conftest import REPO_ROOT

    nb = nbformat.read(REPO_ROOT / "notebooks" / "14_why_lstm_vanishing_gradients.ipynb", as_version=4)
    (source,) = [cell.source for cell in nb.cells if cell.source.startswith("def adding_problem(")]
    lesson = {"np": np}
    exec(source, lesson)
    for args in [(1, 10, 0), (200, 20, 1), (50, 100, 42)]:
        for ours, theirs in zip(lesson["adding_problem"](*args), adding_problem(*args)):
            np.testing.assert_array_equal(ours, theirs)


def test_adding_problem_makes_the_lessons_sequences():
    x, y = adding_problem(200, 20, seed=3)
    assert x.shape == (200, 20, 2) and y.shape == (200, 1) and x.dtype == y.dtype == np.float32
    markers = x[:, :, 1]
    assert np.all(markers.sum(axis=1) == 2)
    assert np.all(markers[:, :10].sum(axis=1) == 1) and np.all(markers[:, 10:].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    again, _ = adding_problem(200, 20, seed=3)
    np.testing.assert_array_equal(x, again)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((0, 10, 0), ValueError, r"num_sequences must be >= 1; received num_sequences=0"),
        ((5, 1, 0), ValueError, r"timesteps must be >= 2 \(one marker in each half"),
        ((5, 10, -1), ValueError, r"seed must be >= 0; received seed=-1"),
        ((5.0, 10, 0), TypeError, r"num_sequences must be an integer; received 5.0"),
        ((5, "10", 0), TypeError, r"timesteps must be an integer; received '10'"),
        ((5, 10, None), TypeError, r"seed must be an integer; received None"),
    ],
)
def test_adding_problem_rejects_bad_arguments_clearly(args, error, message):
    with pytest.raises(error, match=message):
        adding_problem(*args)
