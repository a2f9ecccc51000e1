"""utils.classify: lesson 31's splits, baselines, models and training recipe, which lesson 32 reuses."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from utils import import_tensorflow_quietly

import_tensorflow_quietly()
import keras  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from utils.classify import (  # noqa: E402
    average_frame,
    build_day_classifier,
    build_speaker_classifier,
    fit_classifier,
    one_nearest_neighbour,
    standardise_and_pad,
    stratified_split,
    to_dataset,
    with_hourly_change,
)

RNG = np.random.default_rng(0)
LABELS = np.array([0] * 10 + [1] * 20 + [2] * 5)


# --- stratified_split ----------------------------------------------------------------------


def test_stratified_split_holds_out_the_fraction_of_every_class():
    fit_idx, val_idx = stratified_split(LABELS, 0.2, seed=3)
    assert np.bincount(LABELS[val_idx]).tolist() == [2, 4, 1]
    assert np.intersect1d(fit_idx, val_idx).size == 0
    assert np.array_equal(np.union1d(fit_idx, val_idx), np.arange(len(LABELS)))
    assert np.all(np.diff(fit_idx) > 0) and np.all(np.diff(val_idx) > 0)


def test_stratified_split_is_reproducible_and_depends_on_the_seed():
    first, again = stratified_split(LABELS, 0.2, seed=3), stratified_split(LABELS, 0.2, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], stratified_split(LABELS, 0.2, seed=4)[1])


def test_stratified_split_is_lesson_31s_recipe():
    """The draw lesson 31 wrote: one permutation per class from one generator, in class order."""
    rng = np.random.default_rng(7)
    expected = np.sort(np.concatenate([
        rng.permutation(np.flatnonzero(LABELS == c))[: round(0.2 * np.sum(LABELS == c))] for c in np.unique(LABELS)
    ]))
    assert np.array_equal(stratified_split(LABELS, 0.2, seed=7)[1], expected)


@pytest.mark.parametrize(
    "labels, fraction, seed, error, message",
    [
        (LABELS.astype(float), 0.2, 0, TypeError, r"integer class labels .* dtype float64"),
        (LABELS > 0, 0.2, 0, TypeError, r"dtype bool"),
        (np.eye(3, dtype=int), 0.2, 0, ValueError, r"1-D array .* shape \(3, 3\).*argmax"),
        (LABELS, 0.0, 0, ValueError, r"strictly between 0 and 1; received val_fraction=0.0"),
        (LABELS, 1.5, 0, ValueError, r"received val_fraction=1.5"),
        (LABELS, True, 0, TypeError, r"val_fraction must be a number"),
        (LABELS, 0.2, 1.5, TypeError, r"seed must be an integer; received seed=1.5"),
        (np.array([0, 0, 1]), 0.6, 0, ValueError, r"hold out all 1 examples of class 1"),
        (np.array([0, 0, 1, 1]), 0.1, 0, ValueError, r"holds out no example"),
    ],
)
def test_stratified_split_refuses_bad_arguments(labels, fraction, seed, error, message):
    with pytest.raises(error, match=message):
        stratified_split(labels, fraction, seed)


# --- features and baselines ----------------------------------------------------------------


def test_with_hourly_change_adds_the_difference_from_the_previous_hour():
    days = RNG.normal(size=(4, 24, 1)).astype("float32")
    both = with_hourly_change(days)
    assert both.shape == (4, 24, 2) and both.dtype == np.float32
    assert np.array_equal(both[:, :, 0], days[:, :, 0])
    assert np.all(both[:, 0, 1] == 0)
    np.testing.assert_allclose(both[:, 1:, 1], np.diff(days[:, :, 0], axis=1))


@pytest.mark.parametrize(
    "days, message",
    [
        (np.zeros((4, 24)), r"shape \(n, timesteps, num_features\); received 2-D .* x\[\.\.\., np\.newaxis\]"),
        (np.zeros((4, 24, 2)), r"one feature.*received shape \(4, 24, 2\)"),
    ],
)
def test_with_hourly_change_refuses_other_shapes(days, message):
    with pytest.raises(ValueError, match=message):
        with_hourly_change(days)


UTTERANCES = [RNG.normal(size=(n, 3)) for n in (2, 5, 4)]
MEAN, STD = np.array([0.5, -1.0, 0.0]), np.array([2.0, 1.0, 0.5])


def test_standardise_and_pad_scales_then_pads_at_the_end_with_zeros():
    padded = standardise_and_pad(UTTERANCES, MEAN, STD, maxlen=7)
    assert padded.shape == (3, 7, 3) and padded.dtype == np.float32
    for row, utterance in zip(padded, UTTERANCES):
        np.testing.assert_allclose(row[: len(utterance)], (utterance - MEAN) / STD, rtol=1e-6)
        assert np.all(row[len(utterance):] == 0)
    assert standardise_and_pad(UTTERANCES, MEAN, STD).shape == (3, 5, 3)  # the longest by default


@pytest.mark.parametrize(
    "utterances, mean, std, maxlen, error, message",
    [
        (np.zeros((3, 5, 3)), MEAN, STD, None, TypeError, r"list of arrays .* one array of shape \(3, 5, 3\)"),
        ("abc", MEAN, STD, None, TypeError, r"non-empty list of arrays"),
        ([np.zeros((2, 3)), np.zeros((2, 4))], MEAN, STD, None, ValueError, r"utterances\[1\] has shape \(2, 4\)"),
        (UTTERANCES, MEAN[:2], STD, None, ValueError, r"coef_mean must hold one value per feature"),
        (UTTERANCES, MEAN, np.array([1.0, 0.0, 1.0]), None, ValueError, r"coef_std must be > 0"),
        (UTTERANCES, MEAN, STD, 4, ValueError, r"maxlen=4 is shorter than the longest utterance \(5 frames\)"),
        (UTTERANCES, MEAN, STD, 4.5, TypeError, r"maxlen must be an integer"),
    ],
)
def test_standardise_and_pad_refuses_bad_input(utterances, mean, std, maxlen, error, message):
    with pytest.raises(error, match=message):
        standardise_and_pad(utterances, mean, std, maxlen=maxlen)


def test_average_frame_is_the_mean_standardised_frame_as_one_step():
    frames = average_frame(UTTERANCES, MEAN, STD)
    assert frames.shape == (3, 1, 3)
    for frame, utterance in zip(frames, UTTERANCES):
        np.testing.assert_allclose(frame[0], ((utterance - MEAN) / STD).mean(axis=0))
    with pytest.raises(ValueError, match="coef_std must be > 0"):
        average_frame(UTTERANCES, MEAN, np.zeros(3))


def test_one_nearest_neighbour_agrees_with_scikit_learn():
    x_train, x_query = RNG.normal(size=(30, 6, 2)), RNG.normal(size=(40, 6, 2))
    y_train = RNG.integers(0, 3, size=30)
    reference = KNeighborsClassifier(n_neighbors=1).fit(x_train.reshape(30, -1), y_train)
    assert np.array_equal(one_nearest_neighbour(x_train, y_train, x_query), reference.predict(x_query.reshape(40, -1)))
    assert np.array_equal(one_nearest_neighbour(x_train, y_train, x_train), y_train)  # each is its own neighbour


@pytest.mark.parametrize(
    "x_train, y_train, x_query, error, message",
    [
        (np.zeros((3, 4, 1)), np.array([0, 1]), np.zeros((2, 4, 1)), ValueError, r"y_train has 2 labels but x_train has 3"),
        (np.zeros((3, 4, 1)), np.array([0, 1, 0]), np.zeros((2, 5, 1)), ValueError, r"same length and features"),
        (np.zeros((3, 4, 1)), np.array([0.0, 1, 0]), np.zeros((2, 4, 1)), TypeError, r"y_train must be integer"),
        (np.zeros((3, 4)), np.array([0, 1, 0]), np.zeros((2, 4, 1)), ValueError, r"x_train must have shape"),
    ],
)
def test_one_nearest_neighbour_refuses_mismatched_input(x_train, y_train, x_query, error, message):
    with pytest.raises(error, match=message):
        one_nearest_neighbour(x_train, y_train, x_query)


# --- models and training -------------------------------------------------------------------

X_DAYS = RNG.normal(size=(40, 24, 1)).astype("float32")
Y_DAYS = (X_DAYS[:, 6:12, 0].mean(axis=1) > 0).astype(int)
FIT, VAL = np.arange(30), np.arange(30, 40)


def quietly(function, *args, **kwargs):
    with redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


def test_build_day_classifier_draws_its_weights_from_the_seed():
    a, b, c = build_day_classifier(1, seed=5), build_day_classifier(1, seed=5), build_day_classifier(1, seed=6)
    assert a.input_shape == (None, 24, 1) and a.output_shape == (None, 1)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])
    assert a.loss == "binary_crossentropy" and float(a.optimizer.learning_rate) == pytest.approx(0.01)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"num_features": 0, "seed": 1}, ValueError, r"num_features must be >= 1"),
        ({"num_features": 1, "seed": "1"}, TypeError, r"seed must be an integer"),
        ({"num_features": 1, "seed": 1, "name": ""}, TypeError, r"name must be a non-empty string"),
    ],
)
def test_build_day_classifier_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        build_day_classifier(**kwargs)


def test_build_speaker_classifier_masks_the_padding():
    keras.utils.set_random_seed(1)
    model = build_speaker_classifier(keras.layers.LSTM(4), "speakers", num_features=3, num_classes=4)
    short = standardise_and_pad(UTTERANCES, MEAN, STD)
    longer = standardise_and_pad(UTTERANCES, MEAN, STD, maxlen=9)
    assert model.output_shape == (None, 4)
    np.testing.assert_allclose(model.predict(short, verbose=0), model.predict(longer, verbose=0), atol=1e-6)


@pytest.mark.parametrize(
    "layer, kwargs, error, message",
    [
        (32, {}, TypeError, r"recurrent_layer must be a Keras layer .* received int"),
        (None, {"num_classes": 1}, ValueError, r"num_classes must be >= 2"),
    ],
)
def test_build_speaker_classifier_refuses_bad_arguments(layer, kwargs, error, message):
    layer = keras.layers.LSTM(2) if layer is None else layer
    with pytest.raises(error, match=message):
        build_speaker_classifier(layer, "speakers", **kwargs)


def test_to_dataset_batches_and_reshuffles_reproducibly():
    x, y = np.arange(10, dtype="float32").reshape(10, 1, 1), np.arange(10)
    in_order = np.concatenate([batch_y.numpy() for _, batch_y in to_dataset(x, y, batch_size=4)])
    assert in_order.tolist() == list(range(10))
    assert [len(b) for _, b in to_dataset(x, y, batch_size=4)] == [4, 4, 2]

    def two_epochs():
        keras.utils.set_random_seed(0)
        dataset = to_dataset(x, y, batch_size=10, shuffle_seed=3)
        return [next(iter(dataset))[1].numpy().tolist() for _ in range(2)]

    first, second = two_epochs()
    assert sorted(first) == list(range(10)) and first != second  # a new order every epoch
    assert two_epochs() == [first, second]  # the same orders on every run
    with pytest.raises(ValueError, match=r"y has 9 labels but x has 10"):
        to_dataset(x, y[:9], batch_size=4)
    with pytest.raises(ValueError, match=r"batch_size must be >= 1"):
        to_dataset(x, y, batch_size=0)


def test_fit_classifier_keeps_the_weights_of_the_lowest_validation_loss():
    model = build_day_classifier(1, seed=2)
    history, seconds = quietly(fit_classifier, model, X_DAYS[FIT], Y_DAYS[FIT], X_DAYS[VAL], Y_DAYS[VAL],
                               epochs=8, batch_size=8, patience=2, seed=2)
    val_loss = history.history["val_loss"]
    assert seconds > 0 and 1 <= len(val_loss) <= 8
    restored = model.evaluate(X_DAYS[VAL], Y_DAYS[VAL], batch_size=len(VAL), verbose=0)[0]
    assert restored == pytest.approx(min(val_loss), rel=1e-5)
    with pytest.raises(TypeError, match=r"compiled Keras model"):
        fit_classifier("model", X_DAYS, Y_DAYS, X_DAYS, Y_DAYS, epochs=1, batch_size=8, patience=1, seed=0)
    with pytest.raises(ValueError, match=r"patience must be >= 1"):
        fit_classifier(model, X_DAYS, Y_DAYS, X_DAYS, Y_DAYS, epochs=1, batch_size=8, patience=0, seed=0)
