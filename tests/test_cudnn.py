"""cudnn_eligibility: one test per condition of the installed Keras source, and clear errors."""

import importlib
import inspect
from contextlib import nullcontext

import numpy as np
import pytest

from utils import import_tensorflow_quietly

tf = import_tensorflow_quietly()
import keras  # noqa: E402

from utils.cudnn import cudnn_eligibility  # noqa: E402

# The module of the installed Keras that decides (keras/src/backend/tensorflow/rnn.py).
keras_tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")
LAYERS = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}


def keras_says_supported(layer):
    """What Keras' own argument check (without the GPU test) answers for this layer."""
    cell = layer.cell
    if isinstance(layer, keras.layers.GRU):
        return keras_tf_rnn._do_gru_arguments_support_cudnn(
            cell.activation, cell.recurrent_activation, layer.unroll, cell.use_bias, cell.reset_after)
    return keras_tf_rnn._do_lstm_arguments_support_cudnn(
        cell.activation, cell.recurrent_activation, layer.unroll, cell.use_bias)


def assert_blocked_by(report, argument):
    assert not report.eligible and not report.uses_cudnn_here
    assert len(report.blockers) == 1, report.blockers
    assert report.blockers[0].startswith(argument), report.blockers


@pytest.mark.parametrize("kind", LAYERS)
def test_default_layer_is_eligible(kind):
    layer = LAYERS[kind](4)
    report = cudnn_eligibility(layer)
    assert report.eligible and report.blockers == ()
    assert keras_says_supported(layer)
    assert report.gpu_available == bool(tf.config.list_logical_devices("GPU"))
    assert str(report).endswith("cuDNN-eligible")


@pytest.mark.parametrize("kind", LAYERS)
def test_activation_other_than_tanh_blocks(kind):
    layer = LAYERS[kind](4, activation="relu")
    assert_blocked_by(cudnn_eligibility(layer), "activation=relu")
    assert not keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_tanh_spelled_as_tf_tanh_is_still_eligible(kind):
    layer = LAYERS[kind](4, activation=tf.tanh)
    assert cudnn_eligibility(layer).eligible and keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_a_function_that_computes_tanh_is_not_tanh_to_keras(kind):
    layer = LAYERS[kind](4, activation=lambda x: keras.ops.tanh(x))
    assert_blocked_by(cudnn_eligibility(layer), "activation=")
    assert not keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_recurrent_activation_other_than_sigmoid_blocks(kind):
    layer = LAYERS[kind](4, recurrent_activation="hard_sigmoid")
    assert_blocked_by(cudnn_eligibility(layer), "recurrent_activation=hard_sigmoid")
    assert not keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_recurrent_dropout_blocks(kind):
    assert_blocked_by(cudnn_eligibility(LAYERS[kind](4, recurrent_dropout=0.1)), "recurrent_dropout=0.1")


@pytest.mark.parametrize("kind", LAYERS)
def test_input_dropout_does_not_block(kind):
    assert cudnn_eligibility(LAYERS[kind](4, dropout=0.3)).eligible


@pytest.mark.parametrize("kind", LAYERS)
def test_unroll_blocks(kind):
    layer = LAYERS[kind](4, unroll=True)
    assert_blocked_by(cudnn_eligibility(layer), "unroll=True")
    assert not keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_no_bias_blocks(kind):
    layer = LAYERS[kind](4, use_bias=False)
    assert_blocked_by(cudnn_eligibility(layer), "use_bias=False")
    assert not keras_says_supported(layer)


@pytest.mark.parametrize("kind", LAYERS)
def test_use_cudnn_false_blocks(kind):
    assert_blocked_by(cudnn_eligibility(LAYERS[kind](4, use_cudnn=False)), "use_cudnn=False")


def test_gru_reset_before_blocks():
    layer = keras.layers.GRU(4, reset_after=False)
    assert_blocked_by(cudnn_eligibility(layer), "reset_after=False")
    assert not keras_says_supported(layer)


def test_every_blocker_is_listed():
    layer = keras.layers.GRU(4, activation="relu", unroll=True, use_bias=False, reset_after=False)
    report = cudnn_eligibility(layer)
    assert [blocker.split("=")[0] for blocker in report.blockers] == ["activation", "unroll", "use_bias",
                                                                     "reset_after"]


def test_right_padded_mask_is_eligible():
    mask = np.array([[True, True, True], [True, True, False], [True, False, False]])
    assert cudnn_eligibility(keras.layers.LSTM(4), mask=mask).eligible
    assert cudnn_eligibility(keras.layers.LSTM(4), mask=mask.astype(int)).eligible


def test_left_padded_mask_blocks():
    mask = np.array([[True, True, True], [False, True, True]])
    report = cudnn_eligibility(keras.layers.LSTM(4), mask=mask)
    assert_blocked_by(report, "mask")
    assert "[1]" in report.blockers[0] and "right-padded" in report.blockers[0]


def test_mask_with_a_hole_blocks():
    mask = np.array([[True, False, True]])
    assert "right-padded" in cudnn_eligibility(keras.layers.GRU(4), mask=mask).blockers[0]


def test_fully_masked_sequence_blocks():
    mask = np.array([[True, True], [False, False]])
    report = cudnn_eligibility(keras.layers.LSTM(4), mask=mask)
    assert_blocked_by(report, "mask")
    assert "masked entirely" in report.blockers[0]


def test_mask_from_the_masking_layer():
    x = np.zeros((2, 4, 1), dtype="float32")
    x[0, :3] = 1.0  # post-padded
    x[1, 1:] = 1.0  # pre-padded
    mask = keras.layers.Masking(mask_value=0.0).compute_mask(x)
    assert cudnn_eligibility(keras.layers.LSTM(4), mask=np.asarray(mask)[:1]).eligible
    assert not cudnn_eligibility(keras.layers.LSTM(4), mask=np.asarray(mask)).eligible


@pytest.mark.parametrize("not_a_recurrent_layer", [keras.layers.Dense(3), keras.layers.SimpleRNN(3), "LSTM"])
def test_other_objects_raise_type_error(not_a_recurrent_layer):
    with pytest.raises(TypeError, match=r"expects a keras\.layers\.LSTM or keras\.layers\.GRU"):
        cudnn_eligibility(not_a_recurrent_layer)


def test_bidirectional_points_to_its_layers():
    with pytest.raises(TypeError, match="forward_layer"):
        cudnn_eligibility(keras.layers.Bidirectional(keras.layers.LSTM(3)))


def test_layer_class_instead_of_instance_raises_type_error():
    with pytest.raises(TypeError, match=r"Pass e.g. LSTM\(32\)"):
        cudnn_eligibility(keras.layers.LSTM)


def test_mask_of_wrong_shape_raises_value_error():
    with pytest.raises(ValueError, match=r"shape \(batch, timesteps\).*\(3,\)"):
        cudnn_eligibility(keras.layers.LSTM(4), mask=[True, True, False])


def test_mask_of_wrong_values_raises_value_error():
    with pytest.raises(ValueError, match="booleans"):
        cudnn_eligibility(keras.layers.LSTM(4), mask=np.array([[0.5, 1.0]]))


# What the module docstring says Keras does on a GPU, pinned to the installed source where a CPU can check it.


@pytest.mark.skipif(bool(tf.config.list_logical_devices("GPU")), reason="on a GPU this layer runs cuDNN")
@pytest.mark.parametrize("kind", LAYERS)
def test_use_cudnn_true_raises_where_cudnn_cannot_run(kind):
    with pytest.raises(ValueError, match="use_cudnn=True was specified, but cuDNN is not supported"):
        LAYERS[kind](4, use_cudnn=True)(np.zeros((2, 3, 1), dtype="float32"))


@pytest.mark.parametrize(("kwargs", "jit_kept"), [({}, False), ({"recurrent_dropout": 0.2}, False),
                                                  ({"use_cudnn": False}, True), ({"activation": "relu"}, True)])
def test_a_gpu_turns_jit_compile_off_for_a_cudnn_ready_layer(monkeypatch, kwargs, jit_kept):
    monkeypatch.setattr(keras_tf_rnn, "_is_gpu_available", lambda: True)  # what cudnn_ok asks last
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(4, **kwargs), keras.layers.Dense(1)])
    with pytest.warns(UserWarning, match="Proceeding with `jit_compile=False`") if not jit_kept else nullcontext():
        model.compile(optimizer="adam", loss="mse", jit_compile=True)
    assert model.layers[0].supports_jit is jit_kept and model.jit_compile is jit_kept


def test_the_mask_assertion_raises_at_once_eagerly_but_only_when_a_graph_runs():
    left_padded = tf.constant([[False, True, True], [True, True, True]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not correspond to right-padded sequences"):
        keras_tf_rnn._assert_valid_mask(left_padded)
    traced = tf.function(keras_tf_rnn._assert_valid_mask).get_concrete_function(left_padded)  # no error here
    keras_tf_rnn._assert_valid_mask(tf.constant([[True, True, False]]))  # right-padded: passes
    assert traced is not None
    source = inspect.getsource(keras_tf_rnn.lstm)
    assert "except tf.errors.InvalidArgumentError:" in source and "raise NotImplementedError" in source
