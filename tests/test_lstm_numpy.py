"""utils.lstm_numpy: parity with keras.layers.LSTM, and a clear error for each bad input."""

import numpy as np
import pytest

from utils.lstm_numpy import TRACE_KEYS, lstm_forward, lstm_step, sigmoid

# (batch, timesteps, num_features, units): one step, a batch of one, and ordinary sizes.
SHAPES = [(1, 1, 1, 1), (1, 6, 3, 2), (5, 1, 2, 4), (3, 12, 4, 7), (2, 40, 1, 16)]


def keras_lstm(keras, units, dtype):
    """A Keras LSTM returning (outputs, h, c), with random biases so that gate order matters."""
    return keras.layers.LSTM(
        units, return_sequences=True, return_state=True, dtype=dtype, bias_initializer="random_normal"
    )


def random_weights(num_features, units, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(num_features, 4 * units)),
        rng.normal(size=(units, 4 * units)),
        rng.normal(size=4 * units),
    )


@pytest.mark.parametrize("batch, timesteps, num_features, units", SHAPES)
def test_forward_matches_keras_in_float64(keras, batch, timesteps, num_features, units):
    layer = keras_lstm(keras, units, "float64")
    x = np.random.default_rng(1).normal(size=(batch, timesteps, num_features))
    expected = [np.asarray(a) for a in layer(x)]
    actual = lstm_forward(x, *layer.get_weights())
    for name, e, a in zip(("outputs", "h", "c"), expected, actual):
        assert a.shape == e.shape, name
        assert a.dtype == np.float64, name
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("batch, timesteps, num_features, units", SHAPES[:3])
def test_forward_matches_keras_in_float32_and_keeps_float32(keras, batch, timesteps, num_features, units):
    layer = keras_lstm(keras, units, "float32")
    x = np.random.default_rng(2).normal(size=(batch, timesteps, num_features)).astype("float32")
    expected = [np.asarray(a) for a in layer(x)]
    actual = lstm_forward(x, *layer.get_weights())
    for e, a in zip(expected, actual):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)


def test_forward_matches_keras_with_initial_state(keras):
    batch, timesteps, num_features, units = 3, 5, 2, 4
    layer = keras_lstm(keras, units, "float64")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(batch, timesteps, num_features))
    h0, c0 = rng.normal(size=(batch, units)), rng.normal(size=(batch, units))
    expected = [np.asarray(a) for a in layer(x, initial_state=[h0, c0])]
    actual = lstm_forward(x, *layer.get_weights(), initial_state=(h0, c0))
    for e, a in zip(expected, actual):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-10)


def test_step_is_one_step_of_forward_and_trace_is_consistent():
    kernel, recurrent_kernel, bias = random_weights(num_features=3, units=4)
    x = np.random.default_rng(4).normal(size=(2, 6, 3))
    outputs, h, c, trace = lstm_forward(x, kernel, recurrent_kernel, bias, return_trace=True)
    assert set(trace) == set(TRACE_KEYS)
    assert all(trace[key].shape == (2, 6, 4) for key in TRACE_KEYS)
    np.testing.assert_array_equal(trace["h_t"], outputs)
    np.testing.assert_array_equal(outputs[:, -1], h)
    np.testing.assert_array_equal(trace["c_t"][:, -1], c)
    step = lstm_step(x[:, 2], trace["h_t"][:, 1], trace["c_t"][:, 1], kernel, recurrent_kernel, bias)
    for key in ("h_t", "c_t", "i_t", "f_t", "c_tilde", "o_t"):
        np.testing.assert_allclose(getattr(step, key), trace[key][:, 2], rtol=0, atol=1e-14)


def test_sigmoid_is_the_logistic_function_and_never_overflows():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)
    with np.errstate(all="raise"):
        assert sigmoid(np.array([-1e6, 1e6])).tolist() == [0.0, 1.0]


# ----------------------------------------------------------------- bad input
GOOD_X = np.zeros((2, 5, 3))
GOOD_WEIGHTS = random_weights(num_features=3, units=4)


def call(x=GOOD_X, weights=GOOD_WEIGHTS, **kwargs):
    return lstm_forward(x, *weights, **kwargs)


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((5, 3)), r"x must have shape \(batch, timesteps, num_features\); received 2-D shape \(5, 3\)"),
        (np.zeros((1, 2, 5, 3)), r"received 4-D shape \(1, 2, 5, 3\)"),
        (np.zeros((0, 5, 3)), r"x is empty: shape \(0, 5, 3\)"),
        (np.zeros((2, 0, 3)), r"x is empty: shape \(2, 0, 3\)"),
        (np.zeros((2, 5, 2)), r"x has 2 feature\(s\) per time step but kernel \(3, 16\) was built for 3"),
    ],
)
def test_wrong_input_shape_is_a_clear_value_error(x, message):
    with pytest.raises(ValueError, match=message):
        call(x=x)


@pytest.mark.parametrize(
    "weights, message",
    [
        ((np.zeros((3, 15)), np.zeros((4, 16)), np.zeros(16)), r"kernel must have shape .* received shape \(3, 15\)"),
        ((np.zeros((3, 16)), np.zeros((4, 12)), np.zeros(16)), r"recurrent_kernel must have shape \(units, 4 \* units\); received shape \(4, 12\)"),
        ((np.zeros((3, 16)), np.zeros((4, 16)), np.zeros(12)), r"bias must have shape \(4 \* units,\) = \(16,\); received shape \(12,\)"),
        ((np.zeros((3, 16)), np.zeros(16), np.zeros((4, 16))), r"recurrent_kernel must have shape"),  # swapped order
        ((np.zeros((3, 16)), np.zeros((4, 16)), np.zeros((1, 16))), r"bias must have shape"),
    ],
)
def test_mismatched_weights_are_a_clear_value_error(weights, message):
    with pytest.raises(ValueError, match=message):
        call(weights=weights)


@pytest.mark.parametrize("where", ["x", "kernel", "recurrent_kernel", "bias", "h0"])
def test_nan_or_inf_is_a_value_error_naming_the_argument(where):
    x = GOOD_X.copy()
    kernel, recurrent_kernel, bias = (w.copy() for w in GOOD_WEIGHTS)
    h0, c0 = np.zeros((2, 4)), np.zeros((2, 4))
    arrays = {"x": x, "kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias, "h0": h0}
    arrays[where].flat[0] = np.nan if where != "bias" else np.inf
    with pytest.raises(ValueError, match=rf"{where}.* contains 1 NaN or infinite value"):
        lstm_forward(x, kernel, recurrent_kernel, bias, initial_state=(h0, c0))


@pytest.mark.parametrize("bad", [np.array([["a"]]), None, np.zeros((2, 5, 3), dtype=bool)])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must"):
        call(x=bad)


def test_initial_state_must_be_a_pair_of_batch_by_units_arrays():
    with pytest.raises(TypeError, match=r"initial_state must be a pair \(h0, c0\); received ndarray"):
        call(initial_state=np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"initial_state\[1\] \(c0\) must have shape \(batch, units\) = \(2, 4\); received shape \(1, 4\)"):
        call(initial_state=(np.zeros((2, 4)), np.zeros((1, 4))))


def test_step_checks_its_arguments_too():
    kernel, recurrent_kernel, bias = GOOD_WEIGHTS
    with pytest.raises(ValueError, match=r"x_t must have shape \(batch, num_features\) = \(batch, 3\).*received shape \(2, 5, 3\)"):
        lstm_step(GOOD_X, np.zeros((2, 4)), np.zeros((2, 4)), kernel, recurrent_kernel, bias)
    with pytest.raises(ValueError, match=r"h_prev must have shape \(batch, units\) = \(2, 4\); received shape \(2, 3\)"):
        lstm_step(GOOD_X[:, 0], np.zeros((2, 3)), np.zeros((2, 4)), kernel, recurrent_kernel, bias)
