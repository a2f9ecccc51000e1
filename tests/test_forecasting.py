"""utils.forecasting: the recursive forecast slides its window by one step and explains bad input."""

import numpy as np
import pytest

from utils.baselines import LinearAutoregression, persistence_forecast
from utils.datasets import make_windows, sine_wave
from utils.forecasting import recursive_forecast


def test_persistence_gives_a_flat_line_at_the_last_value():
    forecast = recursive_forecast(persistence_forecast, np.array([0.5, -1.0, 2.0]), steps=10)
    assert forecast.shape == (10, 1)
    np.testing.assert_array_equal(forecast, np.full((10, 1), 2.0))


def test_persistence_keeps_every_feature():
    start = np.array([[1.0, 10.0], [2.0, 20.0]])  # (window, num_features)
    np.testing.assert_array_equal(recursive_forecast(persistence_forecast, start, steps=3), [[2.0, 20.0]] * 3)


def test_each_forecast_becomes_the_newest_step_of_the_window():
    def sum_of_window(x):  # Fibonacci with windows of two steps
        return x.sum(axis=1)

    forecast = recursive_forecast(sum_of_window, np.array([1.0, 1.0]), steps=6)
    np.testing.assert_array_equal(forecast[:, 0], [2, 3, 5, 8, 13, 21])


def test_the_oldest_step_leaves_the_window():
    seen = []

    def record(x):
        seen.append(x[0, :, 0].copy())
        return x[:, -1, :] + 1.0

    recursive_forecast(record, np.array([0.0, 1.0, 2.0]), steps=3)
    np.testing.assert_array_equal(seen, [[0, 1, 2], [1, 2, 3], [2, 3, 4]])


@pytest.mark.parametrize("window", [2, 10])
def test_linear_autoregression_tracks_a_clean_sine_for_200_steps(window):
    series = sine_wave(600)
    x_train, y_train = make_windows(series[:300], window)
    model = LinearAutoregression().fit(x_train, y_train)
    forecast = recursive_forecast(model.predict, series[300 - window : 300], steps=200)
    assert forecast.shape == (200, 1)
    np.testing.assert_allclose(forecast[:, 0], series[300:500], rtol=0, atol=1e-6)


def test_a_one_feature_window_may_be_flat_or_a_column():
    start = sine_wave(5)
    flat = recursive_forecast(persistence_forecast, start, steps=4)
    column = recursive_forecast(persistence_forecast, start[:, None], steps=4)
    np.testing.assert_array_equal(flat, column)


def test_the_forecast_keeps_the_dtype_of_the_start_window():
    assert recursive_forecast(persistence_forecast, np.ones(3, dtype=np.float32), 2).dtype == np.float32
    assert recursive_forecast(persistence_forecast, np.ones(3, dtype=np.int64), 2).dtype == np.float64


def test_predict_may_return_any_array_like_such_as_a_tensor():
    class Tensor:  # what a Keras model returns: converted with np.asarray
        def __init__(self, value):
            self.value = value

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.value, dtype=dtype)

    forecast = recursive_forecast(lambda x: Tensor(x[:, -1, :] * 2), np.array([1.0]), steps=3)
    np.testing.assert_array_equal(forecast[:, 0], [2.0, 4.0, 8.0])


def test_a_keras_model_is_a_predict_function(keras):
    model = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.array([[0.0], [0.0], [1.0]]), np.zeros(1)])  # copies the last step
    start = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    np.testing.assert_allclose(
        recursive_forecast(model, start, steps=5), recursive_forecast(persistence_forecast, start, steps=5)
    )


@pytest.mark.parametrize("steps, message", [(0, r"steps must be >= 1; received steps=0"), (-3, r"steps must be >= 1; received steps=-3")])
def test_rejects_fewer_than_one_step(steps, message):
    with pytest.raises(ValueError, match=message):
        recursive_forecast(persistence_forecast, np.ones(3), steps)


@pytest.mark.parametrize("steps, type_name", [(2.0, "float"), (True, "bool")])
def test_rejects_a_step_count_that_is_not_an_integer(steps, type_name):
    with pytest.raises(TypeError, match=rf"steps must be an integer; received steps={steps} \({type_name}\)"):
        recursive_forecast(persistence_forecast, np.ones(3), steps)


def test_rejects_a_predict_that_is_not_callable():
    with pytest.raises(TypeError, match=r"predict must be a function of the windows.*received ndarray"):
        recursive_forecast(np.ones(3), np.ones(3), 2)


def test_rejects_a_batch_of_windows_as_the_start():
    x, _ = make_windows(sine_wave(20), window=4)
    with pytest.raises(ValueError, match=r"received 3-D shape \(16, 4, 1\)\. Pass a single window, e\.g\. x_test\[0\]"):
        recursive_forecast(persistence_forecast, x, steps=2)


def test_rejects_nan_in_the_start_window():
    with pytest.raises(ValueError, match=r"start_window contains 1 NaN or infinite value\(s\), the first at index 1"):
        recursive_forecast(persistence_forecast, np.array([1.0, np.nan, 2.0]), steps=2)


def test_rejects_an_empty_or_non_numeric_start_window():
    with pytest.raises(ValueError, match=r"start_window is empty"):
        recursive_forecast(persistence_forecast, np.zeros((0, 1)), steps=2)
    with pytest.raises(TypeError, match=r"start_window must hold real numbers"):
        recursive_forecast(persistence_forecast, ["a", "b"], steps=2)


@pytest.mark.parametrize(
    "predict, shape",
    [
        (lambda x: x[0, -1, :], r"\(1,\)"),            # forgot the batch axis
        (lambda x: x, r"\(1, 3, 1\)"),                 # return_sequences=True: one value per step
        (lambda x: x[:, -1, :].repeat(2, axis=1), r"\(1, 2\)"),  # two outputs for one feature
    ],
)
def test_names_the_shape_a_wrong_predict_returned(predict, shape):
    with pytest.raises(ValueError, match=rf"predict returned shape {shape} for a window of shape \(1, 3, 1\); it must return one forecast per window, shape \(1, 1\)"):
        recursive_forecast(predict, np.ones(3), steps=2)


def test_says_when_the_forecast_diverges():
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"predict returned \[inf\] at step \d+ of 2000: the forecast diverged"):
        recursive_forecast(lambda x: x[:, -1, :] * 10.0, np.ones(2), steps=2000)
