"""utils.lstm_numpy.lstm_backward: BPTT equals TensorFlow's autodiff and finite differences."""

import numpy as np
import pytest

from utils.lstm_numpy import lstm_backward, lstm_forward

NAMES = ("x", "kernel", "recurrent_kernel", "bias", "h0", "c0")
# (batch, timesteps, num_features, units), one time step and a batch of one included
SHAPES = [(1, 1, 1, 1), (1, 1, 3, 2), (2, 6, 3, 4), (3, 15, 2, 5), (1, 30, 1, 3)]


def problem(batch, timesteps, num_features, units, seed=0):
    """Random inputs, weights, initial state, and a random linear loss on outputs, h and c."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x": rng.normal(size=(batch, timesteps, num_features)),
        "kernel": rng.normal(scale=0.5, size=(num_features, 4 * units)),
        "recurrent_kernel": rng.normal(scale=0.5, size=(units, 4 * units)),
        "bias": rng.normal(size=4 * units),
        "h0": rng.normal(size=(batch, units)),
        "c0": rng.normal(size=(batch, units)),
    }
    loss_weights = {
        "d_outputs": rng.normal(size=(batch, timesteps, units)),
        "d_h": rng.normal(size=(batch, units)),
        "d_c": rng.normal(size=(batch, units)),
    }
    return arrays, loss_weights


def loss(arrays, loss_weights):
    outputs, h, c = lstm_forward(
        arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"], (arrays["h0"], arrays["c0"])
    )
    return (
        np.sum(outputs * loss_weights["d_outputs"])
        + np.sum(h * loss_weights["d_h"])
        + np.sum(c * loss_weights["d_c"])
    )


def backward(arrays, loss_weights):
    return lstm_backward(
        arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"],
        loss_weights["d_outputs"], initial_state=(arrays["h0"], arrays["c0"]),
        d_h=loss_weights["d_h"], d_c=loss_weights["d_c"],
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_equal_gradient_tape_on_a_float64_keras_lstm(keras, shape):
    import tensorflow as tf

    arrays, loss_weights = problem(*shape)
    layer = keras.layers.LSTM(shape[3], return_sequences=True, return_state=True, dtype="float64")
    layer.build((None, None, shape[2]))
    layer.set_weights([arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"]])
    x, h0, c0 = (tf.Variable(arrays[name]) for name in ("x", "h0", "c0"))
    with tf.GradientTape() as tape:
        outputs, h, c = layer(x, initial_state=[h0, c0])
        value = (
            tf.reduce_sum(outputs * loss_weights["d_outputs"])
            + tf.reduce_sum(h * loss_weights["d_h"])
            + tf.reduce_sum(c * loss_weights["d_c"])
        )
    kernel, recurrent_kernel, bias = layer.weights
    expected = dict(zip(NAMES, tape.gradient(value, [x, kernel, recurrent_kernel, bias, h0, c0])))
    actual = backward(arrays, loss_weights)
    assert set(actual) == set(NAMES)
    for name in NAMES:
        assert actual[name].shape == arrays[name].shape, name
        np.testing.assert_allclose(actual[name], expected[name].numpy(), rtol=0, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("shape", SHAPES[:4])
def test_gradients_equal_central_finite_differences(shape):
    arrays, loss_weights = problem(*shape, seed=1)
    actual = backward(arrays, loss_weights)
    rng = np.random.default_rng(2)
    eps = 1e-6
    for name in NAMES:
        # up to 6 random entries of each array
        for flat_index in rng.choice(arrays[name].size, size=min(6, arrays[name].size), replace=False):
            plus = {k: v.copy() for k, v in arrays.items()}
            minus = {k: v.copy() for k, v in arrays.items()}
            plus[name].flat[flat_index] += eps
            minus[name].flat[flat_index] -= eps
            numeric = (loss(plus, loss_weights) - loss(minus, loss_weights)) / (2 * eps)
            assert actual[name].flat[flat_index] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (name, flat_index)


def test_only_outputs_without_final_state_gradients():
    """d_h and d_c default to zero: the same as passing zeros."""
    arrays, loss_weights = problem(2, 4, 3, 2)
    zeros = {**loss_weights, "d_h": np.zeros((2, 2)), "d_c": np.zeros((2, 2))}
    with_zeros = backward(arrays, zeros)
    without = lstm_backward(
        arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"],
        loss_weights["d_outputs"], initial_state=(arrays["h0"], arrays["c0"]),
    )
    for name in NAMES:
        np.testing.assert_array_equal(without[name], with_zeros[name])


def test_a_loss_on_the_last_step_gives_no_gradient_to_later_inputs_only_earlier():
    """Causality: the output at step t depends on x_1..x_t only."""
    arrays, _ = problem(1, 8, 2, 3)
    d_outputs = np.zeros((1, 8, 3))
    d_outputs[:, 4] = 1.0  # loss on the output at step 5
    grads = lstm_backward(arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"], d_outputs)
    assert np.all(grads["x"][:, 5:] == 0.0)
    assert np.all(np.abs(grads["x"][:, :5]).sum(axis=-1) > 0)


def test_float32_stays_float32():
    arrays, loss_weights = problem(2, 3, 2, 2)
    grads = lstm_backward(
        *(arrays[n].astype("float32") for n in ("x", "kernel", "recurrent_kernel", "bias")),
        loss_weights["d_outputs"].astype("float32"),
    )
    assert all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"d_outputs": np.zeros((2, 3, 4))}, ValueError, r"d_outputs must have the shape .* \(2, 3, 2\); received shape \(2, 3, 4\)"),
        ({"d_outputs": np.zeros((2, 3))}, ValueError, r"d_outputs must have the shape"),
        ({"d_h": np.zeros((3, 2))}, ValueError, r"d_h must have the shape of what it is the gradient of, \(2, 2\)"),
        ({"d_c": np.full((2, 2), np.nan)}, ValueError, r"d_c contains 4 NaN or infinite value"),
        ({"d_outputs": np.full((2, 3, 2), "a")}, TypeError, r"d_outputs must hold real numbers"),
        ({"x": np.zeros((3, 2))}, ValueError, r"x must have shape \(batch, timesteps, num_features\)"),
        ({"x": np.zeros((2, 0, 2))}, ValueError, r"x is empty"),
    ],
)
def test_bad_gradients_and_inputs_are_explained(kwargs, error, message):
    arrays, _ = problem(2, 3, 2, 2)
    call = {"x": arrays["x"], "d_outputs": np.zeros((2, 3, 2)), **kwargs}
    with pytest.raises(error, match=message):
        lstm_backward(
            call["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"], call["d_outputs"],
            d_h=call.get("d_h"), d_c=call.get("d_c"),
        )


def test_cell_path_alone_multiplies_the_gradient_by_the_forget_gates():
    """path="cell": d c_T reaches c_0 times the product of the forget gates, exactly."""
    arrays, loss_weights = problem(2, 7, 3, 4)
    args = (arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"])
    *_, trace = lstm_forward(*args, (arrays["h0"], arrays["c0"]), return_trace=True)
    grads = lstm_backward(
        *args, np.zeros((2, 7, 4)), initial_state=(arrays["h0"], arrays["c0"]), d_c=loss_weights["d_c"], path="cell"
    )
    np.testing.assert_allclose(grads["c0"], loss_weights["d_c"] * trace["f_t"].prod(axis=1), rtol=1e-12)
    assert np.all(grads["h0"] == 0.0), "with the hidden-state path cut, nothing reaches h0"


def test_hidden_path_alone_gives_c0_no_gradient_and_the_paths_differ_only_before_the_last_step():
    arrays, loss_weights = problem(2, 6, 3, 4)
    grads = {path: backward_on_path(arrays, loss_weights, path) for path in ("all", "cell", "hidden")}
    assert np.all(grads["hidden"]["c0"] == 0.0)
    np.testing.assert_array_equal(grads["all"]["x"], backward(arrays, loss_weights)["x"])  # "all" is the default
    for path in ("cell", "hidden"):
        # at the last step no gradient has travelled back in time yet, so every path agrees there
        np.testing.assert_allclose(grads[path]["x"][:, -1], grads["all"]["x"][:, -1], rtol=1e-12)
        assert not np.allclose(grads[path]["x"][:, :-1], grads["all"]["x"][:, :-1]), path


def backward_on_path(arrays, loss_weights, path):
    return lstm_backward(
        arrays["x"], arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"],
        loss_weights["d_outputs"], initial_state=(arrays["h0"], arrays["c0"]),
        d_h=loss_weights["d_h"], d_c=loss_weights["d_c"], path=path,
    )


@pytest.mark.parametrize("path", ["cells", "", None, "ALL"])
def test_unknown_path_is_a_value_error_that_lists_the_choices(path):
    arrays, loss_weights = problem(1, 2, 1, 1)
    with pytest.raises(ValueError, match=r"path must be one of 'all', 'cell', 'hidden'; received path="):
        backward_on_path(arrays, loss_weights, path)
