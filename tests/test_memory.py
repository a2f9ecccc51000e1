"""release_training_memory: a finished fit's graphs are really freed, and a kept model still trains."""

import gc

import numpy as np
import pytest

from utils import import_tensorflow_quietly

tf = import_tensorflow_quietly()
import keras  # noqa: E402
from tensorflow.python.framework import func_graph, ops  # noqa: E402

from utils import memory  # noqa: E402
from utils.memory import custom_gradient_count, release_training_memory  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 5, 2)).astype("float32")
Y = X.sum(axis=(1, 2))[:, None]


def fitted_model(epochs=1):
    model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=epochs, batch_size=16, verbose=0)
    return model


def live_graphs():
    gc.collect()
    return sum(isinstance(o, func_graph.FuncGraph) for o in gc.get_objects())


def test_fit_registers_custom_gradients_that_outlive_the_model():
    # The premise of utils.memory: if a TensorFlow upgrade stops this, the module can go.
    release_training_memory()
    before = custom_gradient_count()
    model = fitted_model()
    del model
    keras.utils.clear_session(free_memory=True)
    assert custom_gradient_count() > before, "fit no longer leaves CustomGradient entries: is the workaround still needed?"


def test_release_frees_the_graphs_of_deleted_models():
    release_training_memory()
    graphs_before = live_graphs()
    for _ in range(2):
        model = fitted_model()
        del model
    keras.utils.clear_session(free_memory=True)
    assert live_graphs() > graphs_before, "clear_session alone should leave the traced graphs alive"
    removed = release_training_memory()
    assert removed >= 2
    assert custom_gradient_count() == 0
    assert live_graphs() == graphs_before


def test_release_with_nothing_trained_removes_nothing():
    release_training_memory()
    assert release_training_memory() == 0


def test_a_kept_model_trains_and_predicts_after_release():
    model = fitted_model()
    loss_before = model.evaluate(X, Y, verbose=0)
    release_training_memory()
    history = model.fit(X, Y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < loss_before
    assert model.predict(X[:3], verbose=0).shape == (3, 1)
    assert custom_gradient_count() == 0, "the traced step is reused, so nothing new is registered"


def test_moved_registry_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(ops, "_gradient_registry", object())
    with pytest.raises(RuntimeError, match=r"gradient registry.*requirements\.txt"):
        release_training_memory()
    with pytest.raises(RuntimeError, match="could not find"):
        memory.custom_gradient_count()
