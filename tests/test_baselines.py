"""utils.baselines: the baselines forecast what they promise, the metrics refuse mismatched shapes."""

import numpy as np
import pytest

from utils.baselines import (
    LinearAutoregression,
    mae,
    persistence_forecast,
    rmse,
    seasonal_naive_forecast,
    skill_score,
)
from utils.datasets import make_windows, sine_wave

# --- persistence_forecast ------------------------------------------------------------------


def test_persistence_is_the_last_step_of_each_window():
    x, y = make_windows(np.arange(10.0), window=4)
    forecast = persistence_forecast(x)
    assert forecast.shape == y.shape == (6, 1)
    np.testing.assert_array_equal(forecast, y - 1.0)  # one step behind the target on a ramp


def test_persistence_keeps_every_feature():
    series = np.stack([np.arange(8.0), -np.arange(8.0)], axis=1)
    x, _ = make_windows(series, window=3)
    np.testing.assert_array_equal(persistence_forecast(x), series[2:7])


def test_persistence_returns_a_copy():
    x, _ = make_windows(np.arange(10.0), window=4)
    forecast = persistence_forecast(x)
    forecast[:] = -1.0
    assert x[0, -1, 0] == 3.0


def test_persistence_rejects_windows_without_a_feature_axis():
    with pytest.raises(ValueError, match=r"received 2-D shape \(6, 4\)\. Add the feature axis with x\[\.\.\., np\.newaxis\]"):
        persistence_forecast(np.zeros((6, 4)))


def test_persistence_rejects_a_raw_series():
    with pytest.raises(ValueError, match=r"received 1-D shape \(10,\)\. Window the series first with make_windows"):
        persistence_forecast(np.zeros(10))


def test_persistence_rejects_nan_empty_and_non_numbers():
    x = np.zeros((2, 3, 1))
    x[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"x contains 1 NaN or infinite value\(s\), the first at index \(1, 2, 0\)"):
        persistence_forecast(x)
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0, 3, 1\)\)"):
        persistence_forecast(np.zeros((0, 3, 1)))
    with pytest.raises(TypeError, match=r"x must hold real numbers"):
        persistence_forecast(np.full((2, 3, 1), "a"))


# --- seasonal_naive_forecast ---------------------------------------------------------------

PERIOD = 20  # steps per period of the wave below: dt = 2 pi / 20


def periodic_wave(length):
    return sine_wave(length, dt=2 * np.pi / PERIOD, start=0.3)


@pytest.mark.parametrize("window, horizon", [(20, 1), (25, 1), (18, 3), (20, 5)])
def test_seasonal_naive_is_exact_on_a_wave_with_a_whole_number_period(window, horizon):
    x, y = make_windows(periodic_wave(200), window, horizon)
    np.testing.assert_allclose(seasonal_naive_forecast(x, season=PERIOD, horizon=horizon), y, rtol=0, atol=1e-12)


def test_seasonal_naive_takes_the_step_one_season_before_the_target():
    series = np.arange(30.0)  # the value is the time step
    for season, horizon, window in [(5, 1, 5), (5, 2, 6), (7, 7, 1), (4, 1, 10)]:
        x, y = make_windows(series, window, horizon)
        np.testing.assert_array_equal(seasonal_naive_forecast(x, season, horizon), y - season)


def test_seasonal_naive_with_a_one_step_season_is_persistence():
    x, _ = make_windows(np.random.default_rng(0).normal(size=(40, 2)), window=5)
    np.testing.assert_array_equal(seasonal_naive_forecast(x, season=1), persistence_forecast(x))


def test_seasonal_naive_rejects_a_season_shorter_than_the_horizon():
    x, _ = make_windows(np.arange(30.0), window=10, horizon=5)
    with pytest.raises(ValueError, match=r"season must be >= horizon; received season=3, horizon=5\. .* in the\s+future"):
        seasonal_naive_forecast(x, season=3, horizon=5)


def test_seasonal_naive_says_how_long_the_windows_must_be():
    x, _ = make_windows(np.arange(100.0), window=10, horizon=2)
    with pytest.raises(
        ValueError,
        match=r"windows of 10 step\(s\) are too short for season=20 and horizon=2: they must hold at least "
        r"season - horizon \+ 1 = 19 steps.* make_windows\(series, window=19, horizon=2\)",
    ):
        seasonal_naive_forecast(x, season=20, horizon=2)


@pytest.mark.parametrize("name", ["season", "horizon"])
def test_seasonal_naive_rejects_step_counts_below_one(name):
    x, _ = make_windows(np.arange(30.0), window=10)
    with pytest.raises(ValueError, match=rf"{name} must be >= 1; received {name}=0"):
        seasonal_naive_forecast(x, **{"season": 5, "horizon": 1, name: 0})


@pytest.mark.parametrize("value, type_name", [(5.0, "float"), (True, "bool")])
def test_seasonal_naive_rejects_a_season_that_is_not_an_integer(value, type_name):
    x, _ = make_windows(np.arange(30.0), window=10)
    with pytest.raises(TypeError, match=rf"season must be an integer; received season={value} \({type_name}\)"):
        seasonal_naive_forecast(x, season=value)


def test_seasonal_naive_rejects_a_raw_series():
    with pytest.raises(ValueError, match=r"x must be windows of shape \(n, window, num_features\)"):
        seasonal_naive_forecast(periodic_wave(50), season=PERIOD)


# --- LinearAutoregression ------------------------------------------------------------------


@pytest.mark.parametrize("dt", [0.1, 0.37, 1.0])
def test_linear_autoregression_recovers_the_sine_recurrence_exactly(dt):
    # A clean sine obeys s_t = 2 cos(dt) s_{t-1} - s_{t-2}: an AR(2) with no intercept.
    x, y = make_windows(sine_wave(300, dt=dt, start=0.2), window=2)
    model = LinearAutoregression().fit(x, y)
    assert model.coef_.shape == (2, 1, 1) and model.intercept_.shape == (1,)
    np.testing.assert_allclose(model.coef_[:, 0, 0], [-1.0, 2.0 * np.cos(dt)], rtol=0, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, [0.0], atol=1e-9)
    np.testing.assert_allclose(model.predict(x), y, rtol=0, atol=1e-9)


def test_linear_autoregression_recovers_a_multi_feature_linear_map_with_intercept():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4, 3))
    true_coef = rng.normal(size=(4, 3, 2))
    true_intercept = np.array([0.5, -2.0])
    y = np.einsum("nwf,wfk->nk", x, true_coef) + true_intercept
    model = LinearAutoregression().fit(x, y)
    np.testing.assert_allclose(model.coef_, true_coef, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, true_intercept, atol=1e-10)
    assert model.window_ == 4 and model.num_features_ == 3
    assert model.predict(x[:5]).shape == (5, 2)


def test_linear_autoregression_predicts_in_the_dtype_of_x():
    x, y = make_windows(sine_wave(100), window=3)
    model = LinearAutoregression().fit(x, y)
    assert model.predict(x.astype(np.float32)).dtype == np.float32
    assert model.predict(x).dtype == np.float64


def test_linear_autoregression_beats_persistence_on_a_noisy_sine():
    series = sine_wave(1000, noise_std=0.05, seed=1)
    x, y = make_windows(series, window=10)
    model = LinearAutoregression().fit(x[:700], y[:700])
    assert rmse(y[700:], model.predict(x[700:])) < rmse(y[700:], persistence_forecast(x[700:]))


def test_linear_autoregression_predict_before_fit_says_to_fit_first():
    with pytest.raises(RuntimeError, match=r"not fitted yet; call model\.fit\(x_train, y_train\) first"):
        LinearAutoregression().predict(np.zeros((2, 3, 1)))


def test_linear_autoregression_rejects_a_different_window_length():
    x, y = make_windows(sine_wave(100), window=5)
    model = LinearAutoregression().fit(x, y)
    with pytest.raises(
        ValueError,
        match=r"x has windows of shape \(window, num_features\) = \(3, 1\) but the model was fitted on \(5, 1\)"
        r".*make_windows\(series, window=5\)",
    ):
        model.predict(x[:, :3])


def test_linear_autoregression_rejects_a_different_number_of_features():
    x, y = make_windows(sine_wave(100), window=5)
    model = LinearAutoregression().fit(x, y)
    with pytest.raises(ValueError, match=r"= \(5, 2\) but the model was fitted on \(5, 1\)"):
        model.predict(np.concatenate([x, x], axis=-1))


def test_linear_autoregression_rejects_flat_targets():
    x, y = make_windows(sine_wave(100), window=5)
    with pytest.raises(ValueError, match=r"y_train must have shape \(n, num_targets\); received 1-D shape \(95,\)\. .*reshape\(-1, 1\)"):
        LinearAutoregression().fit(x, y.ravel())


def test_linear_autoregression_rejects_x_and_y_of_different_lengths():
    x, y = make_windows(sine_wave(100), window=5)
    with pytest.raises(ValueError, match=r"x_train holds 95 window\(s\) but y_train holds 94 target\(s\)"):
        LinearAutoregression().fit(x, y[1:])


def test_linear_autoregression_rejects_a_raw_series_and_nan():
    with pytest.raises(ValueError, match=r"x_train must be windows of shape \(n, window, num_features\)"):
        LinearAutoregression().fit(sine_wave(10), sine_wave(10)[:, None])
    x, y = make_windows(sine_wave(20), window=3)
    y[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"y_train contains 1 NaN"):
        LinearAutoregression().fit(x, y)


# --- mae, rmse, skill_score ----------------------------------------------------------------


def test_mae_and_rmse_values():
    y_true = np.array([[0.0], [0.0], [0.0], [0.0]])
    y_pred = np.array([[1.0], [-1.0], [3.0], [-3.0]])
    assert mae(y_true, y_pred) == pytest.approx(2.0)
    assert rmse(y_true, y_pred) == pytest.approx(np.sqrt(5.0))
    assert type(mae(y_true, y_pred)) is float and type(rmse(y_true, y_pred)) is float
    assert mae(y_true, y_true) == 0.0 and rmse(y_true, y_true) == 0.0


def test_metrics_accept_float32_and_lists():
    assert mae([1.0, 2.0], np.array([1.5, 2.5], dtype=np.float32)) == pytest.approx(0.5)


def test_skill_score_is_one_for_perfect_zero_for_the_reference_and_negative_for_worse():
    y_true = sine_wave(50)[:, None]
    reference = y_true + 0.2
    assert skill_score(y_true, y_true, reference) == 1.0
    assert skill_score(y_true, reference, reference) == pytest.approx(0.0)
    assert skill_score(y_true, y_true + 0.1, reference) == pytest.approx(0.5)
    assert skill_score(y_true, y_true + 0.4, reference) == pytest.approx(-1.0)


def test_skill_score_of_linear_autoregression_against_persistence():
    x, y = make_windows(sine_wave(300), window=2)
    model = LinearAutoregression().fit(x, y)
    assert skill_score(y, model.predict(x), persistence_forecast(x)) == pytest.approx(1.0, abs=1e-6)


def test_skill_score_rejects_a_perfect_reference():
    y_true = np.ones((5, 1))
    with pytest.raises(ValueError, match=r"y_reference is a perfect forecast \(RMSE 0\).*persistence_forecast"):
        skill_score(y_true, y_true + 1.0, y_true.copy())


@pytest.mark.parametrize("metric", [mae, rmse])
def test_metrics_reject_a_column_against_a_flat_array(metric):
    with pytest.raises(
        ValueError,
        match=r"y_true has shape \(5, 1\) but y_pred has shape \(5,\); they must match exactly\. "
        r"They hold the same 5 values, so reshape one to the other: e\.g\. y_pred\.reshape\(-1, 1\) "
        r"for a column or y_pred\.ravel\(\)",
    ):
        metric(np.zeros((5, 1)), np.zeros(5))


@pytest.mark.parametrize("metric", [mae, rmse])
def test_metrics_reject_different_lengths(metric):
    with pytest.raises(ValueError, match=r"y_true has shape \(5, 1\) but y_pred has shape \(4, 1\).*same windows"):
        metric(np.zeros((5, 1)), np.zeros((4, 1)))


@pytest.mark.parametrize("metric", [mae, rmse])
def test_metrics_reject_nan(metric):
    with pytest.raises(ValueError, match=r"y_pred contains 1 NaN or infinite value"):
        metric(np.zeros(3), np.array([0.0, np.nan, 0.0]))


@pytest.mark.parametrize("metric", [mae, rmse])
def test_metrics_reject_empty_arrays(metric):
    with pytest.raises(ValueError, match=r"y_true is empty"):
        metric(np.zeros(0), np.zeros(0))


@pytest.mark.parametrize("metric", [mae, rmse])
def test_metrics_reject_non_numbers(metric):
    with pytest.raises(TypeError, match=r"y_pred must hold real numbers"):
        metric(np.zeros(2), np.array(["0", "1"]))


def test_skill_score_checks_the_reference_shape_too():
    with pytest.raises(ValueError, match=r"y_true has shape \(5, 1\) but y_reference has shape \(5,\).*y_reference\.reshape\(-1, 1\)"):
        skill_score(np.zeros((5, 1)), np.ones((5, 1)), np.ones(5))
    with pytest.raises(ValueError, match=r"y_reference contains 1 NaN"):
        skill_score(np.zeros(2), np.ones(2), np.array([1.0, np.inf]))
