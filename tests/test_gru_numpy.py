"""utils.gru_numpy: parity with keras.layers.GRU in both reset_after modes, and a clear error for each bad input."""

import numpy as np
import pytest

from utils.gru_numpy import gru_forward

# (batch, timesteps, num_features, units): one step, a batch of one, and ordinary sizes.
SHAPES = [(1, 1, 1, 1), (1, 6, 3, 2), (5, 1, 2, 4), (3, 12, 4, 7), (2, 40, 1, 16)]
MODES = [True, False]


def keras_gru(keras, units, dtype, reset_after):
    """A Keras GRU returning (outputs, h), with random biases so that gate order and bias rows matter."""
    return keras.layers.GRU(
        units, return_sequences=True, return_state=True, dtype=dtype, reset_after=reset_after,
        bias_initializer="random_normal",
    )


def random_weights(num_features, units, reset_after=True, seed=0):
    rng = np.random.default_rng(seed)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return (
        rng.normal(size=(num_features, 3 * units)),
        rng.normal(size=(units, 3 * units)),
        rng.normal(size=bias_shape),
    )


@pytest.mark.parametrize("reset_after", MODES, ids=["reset_after", "reset_before"])
@pytest.mark.parametrize("batch, timesteps, num_features, units", SHAPES)
def test_forward_matches_keras_in_float64(keras, batch, timesteps, num_features, units, reset_after):
    layer = keras_gru(keras, units, "float64", reset_after)
    x = np.random.default_rng(1).normal(size=(batch, timesteps, num_features))
    expected = [np.asarray(a) for a in layer(x)]
    weights = layer.get_weights()
    assert weights[2].shape == ((2, 3 * units) if reset_after else (3 * units,))
    actual = gru_forward(x, *weights, reset_after=reset_after)
    for name, e, a in zip(("outputs", "h"), expected, actual):
        assert a.shape == e.shape, name
        assert a.dtype == np.float64, name
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("reset_after", MODES, ids=["reset_after", "reset_before"])
@pytest.mark.parametrize("batch, timesteps, num_features, units", SHAPES[:3])
def test_forward_matches_keras_in_float32_and_keeps_float32(keras, batch, timesteps, num_features, units, reset_after):
    layer = keras_gru(keras, units, "float32", reset_after)
    x = np.random.default_rng(2).normal(size=(batch, timesteps, num_features)).astype("float32")
    expected = [np.asarray(a) for a in layer(x)]
    actual = gru_forward(x, *layer.get_weights(), reset_after=reset_after)
    for e, a in zip(expected, actual):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)


@pytest.mark.parametrize("reset_after", MODES, ids=["reset_after", "reset_before"])
def test_forward_matches_keras_with_initial_state(keras, reset_after):
    batch, timesteps, num_features, units = 3, 5, 2, 4
    layer = keras_gru(keras, units, "float64", reset_after)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(batch, timesteps, num_features))
    h0 = rng.normal(size=(batch, units))
    expected = [np.asarray(a) for a in layer(x, initial_state=[h0])]
    for state in (h0, [h0], (h0,)):
        actual = gru_forward(x, *layer.get_weights(), reset_after=reset_after, initial_state=state)
        for e, a in zip(expected, actual):
            np.testing.assert_allclose(a, e, rtol=0, atol=1e-10)


def test_the_two_modes_differ_and_each_last_output_is_the_final_state():
    x = np.random.default_rng(4).normal(size=(2, 6, 3))
    kernel, recurrent_kernel, _ = random_weights(3, 4)
    out_after, h_after = gru_forward(x, kernel, recurrent_kernel, np.zeros((2, 12)), reset_after=True)
    out_before, h_before = gru_forward(x, kernel, recurrent_kernel, np.zeros(12), reset_after=False)
    np.testing.assert_array_equal(out_after[:, -1], h_after)
    np.testing.assert_array_equal(out_before[:, -1], h_before)
    assert np.abs(h_after - h_before).max() > 1e-3


def test_a_float32_initial_state_with_float64_weights_computes_in_float64():
    kernel, recurrent_kernel, bias = random_weights(3, 4)
    outputs, h = gru_forward(np.zeros((2, 5, 3), "float32"), kernel, recurrent_kernel, bias,
                             initial_state=np.zeros((2, 4), "float32"))
    assert outputs.dtype == h.dtype == np.float64


# ----------------------------------------------------------------- bad input
GOOD_X = np.zeros((2, 5, 3))
GOOD_WEIGHTS = random_weights(num_features=3, units=4)


def call(x=GOOD_X, weights=GOOD_WEIGHTS, **kwargs):
    return gru_forward(x, *weights, **kwargs)


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((5, 3)), r"x must have shape \(batch, timesteps, num_features\); received 2-D shape \(5, 3\)"),
        (np.zeros((1, 2, 5, 3)), r"received 4-D shape \(1, 2, 5, 3\)"),
        (np.zeros((0, 5, 3)), r"x is empty: shape \(0, 5, 3\)"),
        (np.zeros((2, 0, 3)), r"x is empty: shape \(2, 0, 3\)"),
        (np.zeros((2, 5, 2)), r"x has 2 feature\(s\) per time step but kernel \(3, 12\) was built for 3"),
    ],
)
def test_wrong_input_shape_is_a_clear_value_error(x, message):
    with pytest.raises(ValueError, match=message):
        call(x=x)


@pytest.mark.parametrize(
    "weights, kwargs, message",
    [
        ((np.zeros((3, 11)), np.zeros((4, 12)), np.zeros((2, 12))), {},
         r"kernel must have shape \(num_features, 3 \* units\) = \(num_features, 12\) .* received shape \(3, 11\)"),
        ((np.zeros((3, 12)), np.zeros((4, 10)), np.zeros((2, 12))), {},
         r"recurrent_kernel must have shape \(units, 3 \* units\); received shape \(4, 10\)"),
        ((np.zeros((3, 16)), np.zeros((4, 16)), np.zeros(16)), {},
         r"received shape \(4, 16\).*an LSTM's recurrent kernel .* utils.lstm_forward"),
        ((np.zeros((3, 12)), np.zeros((4, 12)), np.zeros((2, 10))), {},
         r"bias must have shape \(2, 12\) for reset_after=True; received shape \(2, 10\).*use_bias=False"),
        ((np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12)), {},
         r"bias must have shape \(2, 12\) for reset_after=True; received shape \(12,\).*pass reset_after=False"),
        ((np.zeros((3, 12)), np.zeros((4, 12)), np.zeros((2, 12))), {"reset_after": False},
         r"bias must have shape \(12,\) for reset_after=False; received shape \(2, 12\).*pass reset_after=True"),
        ((np.zeros((3, 12)), np.zeros(12), np.zeros((4, 12))), {}, r"recurrent_kernel must have shape"),  # swapped
        ((np.zeros((3, 0)), np.zeros((0, 0)), np.zeros((2, 0))), {}, r"0 units; a GRU needs units >= 1"),
    ],
)
def test_mismatched_weights_are_a_clear_value_error(weights, kwargs, message):
    with pytest.raises(ValueError, match=message):
        call(weights=weights, **kwargs)


@pytest.mark.parametrize("where", ["x", "kernel", "recurrent_kernel", "bias", "initial_state"])
def test_nan_or_inf_is_a_value_error_naming_the_argument(where):
    x = GOOD_X.copy()
    kernel, recurrent_kernel, bias = (w.copy() for w in GOOD_WEIGHTS)
    h0 = np.zeros((2, 4))
    arrays = {"x": x, "kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias, "initial_state": h0}
    arrays[where].flat[0] = np.nan if where != "bias" else np.inf
    with pytest.raises(ValueError, match=rf"{where} contains 1 NaN or infinite value"):
        gru_forward(x, kernel, recurrent_kernel, bias, initial_state=h0)


@pytest.mark.parametrize("bad", [np.array([["a"]]), None, np.zeros((2, 5, 3), dtype=bool)])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must"):
        call(x=bad)


@pytest.mark.parametrize("reset_after", ["yes", 1, None])
def test_reset_after_must_be_a_bool(reset_after):
    with pytest.raises(TypeError, match=r"reset_after must be True or False; received"):
        call(reset_after=reset_after)


def test_initial_state_must_be_one_batch_by_units_array():
    with pytest.raises(ValueError, match=r"initial_state must have shape \(batch, units\) = \(2, 4\); received shape \(1, 4\)"):
        call(initial_state=np.zeros((1, 4)))
    with pytest.raises(TypeError, match=r"received a tuple of length 2. A GRU has one state"):
        call(initial_state=(np.zeros((2, 4)), np.zeros((2, 4))))
