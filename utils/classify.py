"""Sequence classification: the splits, baselines, models and training recipe of lessons 31, 32 and 35.

Why this module exists: ``notebooks/31_sequence_classification.ipynb`` writes
these helpers cell by cell while it teaches them, and
``notebooks/32_how_sure_is_a_classifier.ipynb`` (the speakers) and
``notebooks/35_lstm_fcn_and_published_results.ipynb`` (the days) retrain the
same recipes with more seeds. A copy typed into a later lesson would drift from the first, so
the recipes live here once, with argument checks, and lesson 31 checks that
they compute what it wrote:

* :func:`stratified_split` holds out the same fraction of every class;
* :func:`with_hourly_change` adds the change from the previous hour to
  ItalyPowerDemand's days;
* :func:`standardise_and_pad` and :func:`average_frame` prepare
  JapaneseVowels' utterances of different lengths;
* :func:`one_nearest_neighbour` is the baseline that needs no training;
* :func:`build_day_classifier`, :func:`build_speaker_classifier`,
  :func:`to_dataset` and :func:`fit_classifier` are lesson 31's models and
  its training recipe (early stopping on the validation loss), which lessons
  32 and 35 retrain with more seeds.

Importing this module does not import TensorFlow; the functions that build or
train a model import Keras when they are called, after the notebook's setup
cell has loaded it quietly.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from utils.datasets import _as_numeric, _check_positive_int, _check_seed

__all__ = [
    "average_frame",
    "build_day_classifier",
    "build_speaker_classifier",
    "fit_classifier",
    "one_nearest_neighbour",
    "standardise_and_pad",
    "stratified_split",
    "to_dataset",
    "with_hourly_change",
]


# --- Argument checks -----------------------------------------------------------------------


def _as_labels(labels: object, name: str = "labels") -> np.ndarray:
    """Check integer class labels and return them as a 1-D int64 array."""
    array = np.asarray(labels)
    if array.dtype.kind == "b" or array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be integer class labels such as 0, 1, 2; received an array of dtype {array.dtype}. "
            "Map the classes to integers first, e.g. with np.unique(labels, return_inverse=True)[1]."
        )
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array with one label per example; received shape {array.shape}. "
            "Pass y_train, not a one-hot matrix (use labels.argmax(axis=1) to undo one-hot)."
        )
    return array.astype(np.int64)


def _check_fraction(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1; received {name}={value!r} ({type(value).__name__}).")
    if not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1; received {name}={value}. Pass e.g. {name}=0.2.")
    return float(value)


def _as_batch(x: object, name: str, ndim: int = 3) -> np.ndarray:
    """Check a batch of equal-length sequences ``(n, timesteps, num_features)``."""
    array = _as_numeric(x, name)
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must have shape (n, timesteps, num_features); received {array.ndim}-D shape {array.shape}."
            + (" Add the feature axis with x[..., np.newaxis]." if array.ndim == ndim - 1 else "")
        )
    return array


def _as_utterances(utterances: object, name: str = "utterances") -> list[np.ndarray]:
    """Check a list of 2-D arrays ``(frames, num_features)`` with the same number of features."""
    if isinstance(utterances, np.ndarray) and utterances.dtype != object:
        raise TypeError(
            f"{name} must be a list of arrays of shape (frames, num_features), one per utterance, as "
            f"load_japanese_vowels() returns; received one array of shape {utterances.shape}. Pass the unpadded list."
        )
    if not isinstance(utterances, (list, tuple, np.ndarray)) or len(utterances) == 0:
        raise TypeError(
            f"{name} must be a non-empty list of arrays of shape (frames, num_features); received "
            f"{type(utterances).__name__}."
        )
    arrays = [_as_numeric(u, f"{name}[{i}]") for i, u in enumerate(utterances)]
    for i, array in enumerate(arrays):
        if array.ndim != 2 or array.shape[1] != arrays[0].shape[1]:
            raise ValueError(
                f"{name}[{i}] has shape {array.shape}; every utterance must be (frames, {arrays[0].shape[1]}), "
                "2-D with the same number of features as the first."
            )
    return arrays


def _as_statistic(value: object, name: str, num_features: int) -> np.ndarray:
    array = _as_numeric(value, name)
    if array.shape != (num_features,):
        raise ValueError(
            f"{name} must hold one value per feature, shape ({num_features},); received shape {array.shape}. "
            "Compute it over the training frames, e.g. np.concatenate(x_train).mean(axis=0)."
        )
    return array


# --- Splits, features and baselines ---------------------------------------------------------


def stratified_split(labels: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split example indices into fitting and validation parts with ``val_fraction`` of every class held out.

    With few examples per class, a random split can leave a class almost
    absent from validation; taking the same fraction from each class cannot.
    (``sklearn.model_selection.train_test_split(stratify=...)`` does the same
    with a different random draw.)

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        labels: Integer class labels, shape ``(n,)``.
        val_fraction: The fraction of each class to hold out, between 0 and 1;
            each class gives ``round(val_fraction * its count)`` examples.
        seed: Seeds NumPy's generator that picks the held-out examples.

    Returns:
        ``(fit_idx, val_idx)``: sorted index arrays that together cover
        ``range(n)`` without overlap.

    Raises:
        TypeError: If ``labels`` are not integers, or ``seed`` is not an integer.
        ValueError: If ``labels`` is not 1-D, ``val_fraction`` is not between 0
            and 1, or the split would leave a class with nothing to fit on or
            hold out nothing at all.

    Example:
        >>> fit_idx, val_idx = stratified_split(np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]), 0.5, seed=0)
        >>> np.bincount(np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])[val_idx]).tolist(), len(fit_idx)
        ([2, 3], 5)
    """
    labels = _as_labels(labels)
    val_fraction = _check_fraction(val_fraction, "val_fraction")
    seed = _check_seed(seed)
    rng = np.random.default_rng(seed)
    held_out = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        count = round(val_fraction * len(members))
        if count >= len(members):
            raise ValueError(
                f"val_fraction={val_fraction} would hold out all {len(members)} examples of class {c}; "
                "lower val_fraction so that every class keeps examples to fit on."
            )
        held_out.append(rng.permutation(members)[:count])
    val = np.sort(np.concatenate(held_out))
    if val.size == 0:
        raise ValueError(
            f"val_fraction={val_fraction} holds out no example of any class ({len(labels)} labels); "
            "raise val_fraction."
        )
    return np.setdiff1d(np.arange(len(labels)), val), val


def with_hourly_change(days: np.ndarray) -> np.ndarray:
    """Add, as a second feature, each hour's change from the hour before (0 for the first hour).

    Introduced in ``notebooks/31_sequence_classification.ipynb`` for
    ItalyPowerDemand, whose days are z-normalised: the level says nothing, the
    timing of rises and falls does.

    Args:
        days: Shape ``(days, hours, 1)``.

    Returns:
        Shape ``(days, hours, 2)``: the demand, then its change.

    Raises:
        TypeError: If ``days`` is not numeric.
        ValueError: If ``days`` is not 3-D with one feature, or holds NaN.

    Example:
        >>> with_hourly_change(np.array([[[1.0], [3.0], [2.0]]]))[0].tolist()
        [[1.0, 0.0], [3.0, 2.0], [2.0, -1.0]]
    """
    days = _as_batch(days, "days")
    if days.shape[2] != 1:
        raise ValueError(
            f"days must have one feature, shape (days, hours, 1); received shape {days.shape}. "
            "Pass the demand alone, before any feature is added."
        )
    change = np.diff(days, axis=1, prepend=days[:, :1])
    return np.concatenate([days, change], axis=2)


def standardise_and_pad(
    utterances: Sequence[np.ndarray], coef_mean: np.ndarray, coef_std: np.ndarray, maxlen: int | None = None
) -> np.ndarray:
    """Standardise each feature with training statistics, then pad every utterance at the end with zeros.

    Introduced in ``notebooks/31_sequence_classification.ipynb``. After
    standardising, a real frame is all zeros only if every feature equals its
    training mean; the lesson checks that none is, so ``Masking(mask_value=0.0)``
    can tell padding from data.

    Args:
        utterances: Arrays of shape ``(frames, num_features)``, one per utterance.
        coef_mean: The training frames' mean per feature, shape ``(num_features,)``.
        coef_std: Their standard deviation per feature, all > 0.
        maxlen: Pad (or cut, at the end) to this many frames; the longest
            utterance when omitted.

    Returns:
        float32 array ``(utterances, maxlen, num_features)``.

    Raises:
        TypeError: If ``utterances`` is not a list of arrays or ``maxlen`` is not an integer.
        ValueError: If shapes disagree, a standard deviation is not positive,
            or ``maxlen`` is shorter than the longest utterance (which would
            silently cut frames off).

    Example:
        >>> padded = standardise_and_pad([np.ones((2, 3)), 3 * np.ones((1, 3))], np.ones(3), 2 * np.ones(3), maxlen=3)
        >>> padded.shape, padded[1, :, 0].tolist()
        ((2, 3, 3), [1.0, 0.0, 0.0])
    """
    utterances = _as_utterances(utterances)
    num_features = utterances[0].shape[1]
    coef_mean = _as_statistic(coef_mean, "coef_mean", num_features)
    coef_std = _as_statistic(coef_std, "coef_std", num_features)
    if np.any(coef_std <= 0):
        raise ValueError(
            f"coef_std must be > 0 for every feature; received {coef_std.tolist()}. A feature with zero spread "
            "carries no information: drop it before standardising."
        )
    longest = max(len(u) for u in utterances)
    if maxlen is not None:
        maxlen = _check_positive_int(maxlen, "maxlen")
        if maxlen < longest:
            raise ValueError(
                f"maxlen={maxlen} is shorter than the longest utterance ({longest} frames); padding would cut "
                f"frames off. Pass maxlen >= {longest}, or None for the longest."
            )
    import keras

    scaled = [(u - coef_mean) / coef_std for u in utterances]
    return keras.utils.pad_sequences(scaled, maxlen=maxlen, padding="post", dtype="float32", value=0.0)


def average_frame(utterances: Sequence[np.ndarray], coef_mean: np.ndarray, coef_std: np.ndarray) -> np.ndarray:
    """The mean standardised frame of each utterance, shaped as a one-step sequence for :func:`one_nearest_neighbour`.

    Averaging over the frames throws away their order: a baseline that shows
    how much of a speaker's voice is in the average spectrum alone.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        utterances: Arrays of shape ``(frames, num_features)``, one per utterance.
        coef_mean: The training frames' mean per feature.
        coef_std: Their standard deviation per feature, all > 0.

    Returns:
        Array ``(utterances, 1, num_features)``.

    Raises:
        TypeError, ValueError: As :func:`standardise_and_pad`.

    Example:
        >>> average_frame([np.array([[1.0], [3.0]])], np.zeros(1), np.ones(1)).tolist()
        [[[2.0]]]
    """
    utterances = _as_utterances(utterances)
    num_features = utterances[0].shape[1]
    coef_mean = _as_statistic(coef_mean, "coef_mean", num_features)
    coef_std = _as_statistic(coef_std, "coef_std", num_features)
    if np.any(coef_std <= 0):
        raise ValueError(f"coef_std must be > 0 for every feature; received {coef_std.tolist()}.")
    return np.stack([((u - coef_mean) / coef_std).mean(axis=0) for u in utterances])[:, None, :]


def one_nearest_neighbour(x_train: np.ndarray, y_train: np.ndarray, x_query: np.ndarray) -> np.ndarray:
    """Give each query sequence the label of the closest training sequence (Euclidean distance).

    The baseline the time-series archives publish for every data set; on short,
    aligned series it is hard to beat. (scikit-learn's
    ``KNeighborsClassifier(n_neighbors=1)`` on flattened sequences gives the
    same labels except for exact ties.)

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        x_train: Shape ``(n_train, timesteps, num_features)``.
        y_train: Labels, shape ``(n_train,)``.
        x_query: Shape ``(n_query, timesteps, num_features)``.

    Returns:
        Predicted labels, shape ``(n_query,)``; ties go to the first training sequence.

    Raises:
        TypeError: If an array is not numeric or the labels are not integers.
        ValueError: If the shapes do not match.

    Example:
        >>> x_train = np.array([[[0.0]], [[10.0]]])
        >>> one_nearest_neighbour(x_train, np.array([0, 1]), np.array([[[1.0]], [[8.0]]])).tolist()
        [0, 1]
    """
    x_train, x_query = _as_batch(x_train, "x_train"), _as_batch(x_query, "x_query")
    y_train = _as_labels(y_train, "y_train")
    if len(y_train) != len(x_train):
        raise ValueError(f"y_train has {len(y_train)} labels but x_train has {len(x_train)} sequences; pass one label each.")
    if x_query.shape[1:] != x_train.shape[1:]:
        raise ValueError(
            f"x_query's sequences have shape {x_query.shape[1:]}, x_train's {x_train.shape[1:]}; Euclidean 1-NN "
            "compares sequences of the same length and features. Pad or cut them to the same shape first."
        )
    distances = ((x_query[:, None, :] - x_train[None, :, :]) ** 2).sum(axis=(2, 3))  # (queries, training sequences)
    return y_train[np.argmin(distances, axis=1)]


# --- Models and the training recipe ---------------------------------------------------------


def build_day_classifier(num_features: int, seed: int, name: str = "day_classifier") -> Any:
    """Lesson 31's day classifier: ``LSTM(32)`` and one sigmoid unit, compiled with binary cross-entropy.

    Introduced in ``notebooks/31_sequence_classification.ipynb``: Adam with
    learning rate 0.01, accuracy as the metric, 24 hourly steps per day.

    Args:
        num_features: Features per hour (1: the demand; 2: with its hourly change).
        seed: Seeds Keras (and NumPy, Python, TensorFlow) before the weights are drawn.
        name: The model's name.

    Returns:
        A compiled ``keras.Sequential``.

    Raises:
        TypeError: If ``num_features`` or ``seed`` is not an integer, or ``name`` not a string.
        ValueError: If ``num_features < 1``.

    Example:
        >>> model = build_day_classifier(num_features=2, seed=0)
        >>> model.input_shape, model.output_shape, model.count_params()
        ((None, 24, 2), (None, 1), 4513)
    """
    num_features = _check_positive_int(num_features, "num_features")
    seed = _check_seed(seed)
    _check_name(name)
    import keras

    keras.utils.set_random_seed(seed)  # the seed draws the initial weights
    model = keras.Sequential(
        [keras.Input(shape=(24, num_features)), keras.layers.LSTM(32), keras.layers.Dense(1, activation="sigmoid")],
        name=name,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_speaker_classifier(recurrent_layer: Any, name: str, num_features: int = 12, num_classes: int = 9) -> Any:
    """Lesson 31's speaker classifier: ``Masking``, a recurrent layer, and a softmax over the speakers.

    Sparse categorical cross-entropy, because the labels are integers; Adam
    with learning rate 0.01. Set the seed (``keras.utils.set_random_seed``)
    *before* you create ``recurrent_layer``'s weights, i.e. before calling this.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        recurrent_layer: A new, unbuilt Keras layer that returns one vector per
            sequence, e.g. ``keras.layers.LSTM(32)`` or
            ``keras.layers.Bidirectional(keras.layers.LSTM(16))``.
        name: The model's name.
        num_features: Coefficients per frame (12 for JapaneseVowels).
        num_classes: Speakers (9).

    Returns:
        A compiled ``keras.Sequential`` that accepts any number of frames.

    Raises:
        TypeError: If ``recurrent_layer`` is not a Keras layer, or the other
            arguments have the wrong type.
        ValueError: If a count is < 1 (``num_classes`` < 2).

    Example:
        >>> import keras
        >>> keras.utils.set_random_seed(0)
        >>> model = build_speaker_classifier(keras.layers.LSTM(32), "lstm_32")
        >>> model.input_shape, model.output_shape, model.count_params()
        ((None, None, 12), (None, 9), 6057)
    """
    import keras

    if not isinstance(recurrent_layer, keras.layers.Layer):
        raise TypeError(
            f"recurrent_layer must be a Keras layer such as keras.layers.LSTM(32); received "
            f"{type(recurrent_layer).__name__}. Pass the layer object, not its class or a number of units."
        )
    _check_name(name)
    num_features = _check_positive_int(num_features, "num_features")
    num_classes = _check_positive_int(num_classes, "num_classes")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2; received num_classes={num_classes}.")
    model = keras.Sequential(
        [
            keras.Input(shape=(None, num_features)),
            keras.layers.Masking(mask_value=0.0),  # padded frames are skipped
            recurrent_layer,
            keras.layers.Dense(num_classes, activation="softmax"),  # one probability per speaker
        ],
        name=name,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; received {name!r} ({type(name).__name__}).")


def _check_xy(x: object, y: object, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    array = _as_batch(x, x_name)
    labels = _as_labels(y, y_name)
    if len(labels) != len(array):
        raise ValueError(
            f"{y_name} has {len(labels)} labels but {x_name} has {len(array)} sequences; pass one label per sequence."
        )
    return array, labels


def to_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle_seed: int | None = None) -> Any:
    """A ``tf.data`` pipeline of ``(x, y)`` batches, reshuffled every epoch when ``shuffle_seed`` is given.

    The course feeds training data through a pipeline for the sake of its
    ``shuffle``, which takes a seed of its own: ``shuffle_seed`` fixes the
    sequence of batch orders, a new order every epoch (given the same
    TensorFlow global seed, which ``keras.utils.set_random_seed`` sets).
    Whether a pipeline is faster than arrays is timed in
    ``notebooks/53_training_speed_and_accelerators.ipynb``.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        x: Sequences, shape ``(n, timesteps, num_features)``.
        y: Integer labels, shape ``(n,)``.
        batch_size: Examples per batch; the last batch may be smaller.
        shuffle_seed: Shuffle with this seed; ``None`` keeps the order (for validation data).

    Returns:
        A ``tf.data.Dataset``.

    Raises:
        TypeError, ValueError: If the arrays or the batch size are malformed.

    Example:
        >>> batch_x, batch_y = next(iter(to_dataset(np.zeros((10, 4, 2)), np.zeros(10, dtype=int), batch_size=8)))
        >>> tuple(batch_x.shape), tuple(batch_y.shape)
        ((8, 4, 2), (8,))
    """
    x, y = _check_xy(x, y, "x", "y")
    batch_size = _check_positive_int(batch_size, "batch_size")
    if shuffle_seed is not None:
        shuffle_seed = _check_seed(shuffle_seed)
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(x), seed=shuffle_seed)
    return dataset.batch(batch_size)


def _check_training_args(epochs: object, batch_size: object, patience: object) -> tuple[int, int, int]:
    return (
        _check_positive_int(epochs, "epochs"),
        _check_positive_int(batch_size, "batch_size"),
        _check_positive_int(patience, "patience"),
    )


def fit_classifier(
    model: Any,
    x_fit: np.ndarray,
    y_fit: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    patience: int,
    seed: int,
    summary: bool = True,
) -> tuple[Any, float]:
    """Lesson 31's training recipe: shuffled batches, early stopping on the validation loss, best weights kept.

    Training stops once the validation loss has not improved for ``patience``
    epochs, and the weights of the epoch with the lowest validation loss are
    restored: validation data chooses the epoch, nothing else.

    Introduced in ``notebooks/31_sequence_classification.ipynb``.

    Args:
        model: A compiled Keras classifier with an ``accuracy`` metric.
        x_fit: Training sequences, shape ``(n, timesteps, num_features)``.
        y_fit: Their integer labels.
        x_val: Validation sequences (one batch).
        y_val: Their labels.
        epochs: The most epochs to train.
        batch_size: Examples per training batch.
        patience: Epochs without a lower validation loss before stopping.
        seed: Seeds the batch order (see :func:`to_dataset`).
        summary: Print one line with the epochs, the seconds and the best epoch.

    Returns:
        ``(history, seconds)``: Keras's ``History`` and the wall-clock seconds of ``fit``.

    Raises:
        TypeError, ValueError: If an array or a setting is malformed.

    Example:
        >>> import keras
        >>> x = np.random.default_rng(0).normal(size=(20, 24, 1)).astype("float32")
        >>> y = (x[:, -1, 0] > 0).astype(int)
        >>> history, seconds = fit_classifier(build_day_classifier(1, seed=0), x[:16], y[:16], x[16:], y[16:],
        ...                                   epochs=2, batch_size=8, patience=1, seed=0, summary=False)  # doctest: +ELLIPSIS
        day_classifier: epoch 1/2 ...
        >>> len(history.history["val_loss"])
        2
    """
    import keras

    from utils.progress import FitProgress

    if not isinstance(model, keras.Model) or getattr(model, "optimizer", None) is None:
        raise TypeError(
            f"model must be a compiled Keras model; received {type(model).__name__}. Build it with "
            "build_day_classifier or build_speaker_classifier, or call model.compile(...) first."
        )
    x_fit, y_fit = _check_xy(x_fit, y_fit, "x_fit", "y_fit")
    x_val, y_val = _check_xy(x_val, y_val, "x_val", "y_val")
    epochs, batch_size, patience = _check_training_args(epochs, batch_size, patience)
    seed = _check_seed(seed)
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(
        to_dataset(x_fit, y_fit, batch_size, shuffle_seed=seed),
        validation_data=to_dataset(x_val, y_val, len(x_val)),
        epochs=epochs,
        shuffle=False,
        callbacks=[early_stopping, FitProgress(label=model.name)],
        verbose=0,
    )
    seconds = time.perf_counter() - start
    best = int(np.argmin(history.history["val_loss"]))
    if summary:
        print(
            f"{model.name}: {len(history.history['loss'])} epochs in {seconds:.1f} s; best epoch {best + 1}, "
            f"validation accuracy {history.history['val_accuracy'][best]:.3f}"
        )
    return history, seconds
